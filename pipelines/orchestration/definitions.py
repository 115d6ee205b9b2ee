"""The `Definitions` that `dagster dev -m pipelines.orchestration.definitions` and the UI load:
settings from the contract's environment variables (`EnvVar`), defaults otherwise."""

from __future__ import annotations

from pipelines.orchestration.build import build_definitions

defs = build_definitions()
