"""What the Dagster process holds before the steps that need it: loading the definitions does not
import DuckDB (~13 MiB, from the build on), and Arrow allocates with the system allocator
(mimalloc kept what it freed). In a fresh interpreter, as `gongkai run` starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
import pipelines.orchestration.build
import pyarrow as pa
print("duckdb" in sys.modules, pa.default_memory_pool().backend_name)
"""


def test_definitions_hold_no_duckdb_and_arrow_uses_the_system_allocator():
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout.split()
    assert out == ["False", "system"]
