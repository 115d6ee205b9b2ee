"""The Dagster instance config gongkai writes into the data dir (`<data-dir>/dagster/dagster.yaml`):
no per-step stdout capture, telemetry off; a file gongkai wrote earlier is brought up to date,
one the user edited is left as it is."""

from __future__ import annotations

import yaml
from dagster import DagsterInstance

from pipelines.cli import EARLIER_INSTANCE_YAMLS, INSTANCE_YAML, _dagster_home
from pipelines.core.settings import Settings


def _settings(tmp_path) -> Settings:
    return Settings.resolve(None, None, str(tmp_path / "data"))


def test_a_new_data_dir_gets_the_instance_config(tmp_path):
    home = _dagster_home(_settings(tmp_path))
    config = yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8"))
    assert config["telemetry"] == {"enabled": False}
    assert config["compute_logs"]["class"] == "NoOpComputeLogManager"
    with DagsterInstance.from_config(str(home)) as instance:
        assert not instance.telemetry_enabled


def test_an_earlier_gongkai_config_is_brought_up_to_date(tmp_path):
    settings = _settings(tmp_path)
    settings.dagster_home.mkdir(parents=True)
    config = settings.dagster_home / "dagster.yaml"
    config.write_text(EARLIER_INSTANCE_YAMLS[0], encoding="utf-8")
    _dagster_home(settings)
    assert config.read_text(encoding="utf-8") == INSTANCE_YAML


def test_a_config_the_user_edited_is_kept(tmp_path):
    settings = _settings(tmp_path)
    settings.dagster_home.mkdir(parents=True)
    config = settings.dagster_home / "dagster.yaml"
    edited = EARLIER_INSTANCE_YAMLS[0] + "run_monitoring:\n  enabled: true\n"
    config.write_text(edited, encoding="utf-8")
    _dagster_home(settings)
    assert config.read_text(encoding="utf-8") == edited


def test_a_run_leaves_the_callers_heap_as_it_was(tmp_path, monkeypatch):
    """`gongkai run` freezes what it loaded for the run's collections; a caller that goes on
    (main() in-process) gets an ordinary heap back, also when the run raises."""
    import gc

    import pytest

    import pipelines.cli as cli

    class Job:
        def execute_in_process(self, **kwargs):
            assert gc.get_freeze_count() > 0 and gc.isenabled()
            raise RuntimeError("the run failed")

    monkeypatch.setattr(cli, "_load", lambda settings: (Job(), DagsterInstance.ephemeral()))
    monkeypatch.setattr("pipelines.orchestration.partitions.county_partitions",
                        lambda settings: None)
    monkeypatch.setattr("pipelines.orchestration.partitions.all_counties_tags",
                        lambda partitions: {})
    with pytest.raises(RuntimeError, match="the run failed"):
        cli._execute(_settings(tmp_path))
    assert gc.get_freeze_count() == 0 and gc.isenabled()
