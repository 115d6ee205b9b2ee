"""The Dagster instance config gongkai writes into the data dir (`<data-dir>/dagster/dagster.yaml`):
no per-step stdout capture, telemetry off; a file gongkai wrote earlier is brought up to date,
one the user edited is left as it is. The instance is made under a lock (Dagster's SQLite
storages fail when several processes make them at once), and `gongkai ui` makes it before
Dagster's processes start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dagster import AssetKey, DagsterInstance

from pipelines.cli import (EARLIER_INSTANCE_YAMLS, INSTANCE_YAML, STORAGE_FILES, _dagster_home,
                           open_instance)
from pipelines.core.settings import Settings

REPO = Path(__file__).resolve().parents[2]


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


WRITER = """
import sys, time
from pathlib import Path
from dagster import asset, materialize
from pipelines.cli import open_instance
from pipelines.core.settings import Settings

@asset(name=sys.argv[2])
def thing(context) -> None:
    for i in range(30):
        context.log.info(f"line {i}")

settings = Settings.resolve(None, None, sys.argv[1])
gate = Path(sys.argv[3])
(gate / sys.argv[2]).touch()  # loaded; all start together
while not (gate / "go").exists():
    time.sleep(0.01)
with open_instance(settings) as instance:
    for _ in range(3):
        assert materialize([thing], instance=instance).success
"""


def test_three_processes_make_a_new_instance_and_run_at_once(tmp_path):
    """As `gongkai run` beside the UI's webserver and daemon, on a new data dir: three
    processes make the instance (the first makes its SQLite files) and store runs and events
    at the same moments; none fails, nothing is lost."""
    import time

    settings = _settings(tmp_path)
    gate = tmp_path / "gate"
    gate.mkdir()
    names = ("one", "two", "three")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAGSTER_")}
    env["PYTHONPATH"] = str(REPO)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(settings.data_dir), name,
                               str(gate)], cwd=REPO, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for name in names]
    deadline = time.time() + 120
    while not all((gate / n).exists() for n in names):
        assert time.time() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.05)
    (gate / "go").touch()
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
    with open_instance(settings) as instance:
        runs = instance.get_runs()
        assert len(runs) == 9 and all(r.is_success for r in runs)
        for run in runs:
            lines = [r.event_log_entry.user_message
                     for r in instance.get_records_for_run(run.run_id, limit=1000).records]
            assert sum(m.startswith("line ") for m in lines) == 30, run.run_id
        for name in names:
            assert instance.get_latest_materialization_event(AssetKey(name)) is not None


FIRST_IMPORT = """
import gc, sys
import pipelines.cli as cli
from pipelines.core.settings import Settings

seen = {}

class Watch:  # whether collections were on when Dagster was first imported
    def find_spec(self, name, path=None, target=None):
        seen.setdefault(name, gc.isenabled())
        return None

sys.meta_path.insert(0, Watch())

def load(settings):
    print(seen.get("dagster"))
    raise SystemExit(0)

cli._load = load
cli._execute(Settings.resolve(None, None, sys.argv[1]))
"""


def test_gongkai_run_imports_dagster_with_collections_off(tmp_path):
    """Dagster is first imported by `gongkai run` inside its no-collection window (the rest
    of what the run loads is imported by `_load`, inside it too): the full collections the
    import would set off find nothing (~0.15 s of a no-change night)."""
    out = subprocess.run([sys.executable, "-c", FIRST_IMPORT, str(tmp_path / "data")],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["False"]


def test_gongkai_ui_makes_the_storage_before_dagster_starts(tmp_path, monkeypatch):
    """`gongkai ui` starts Dagster's webserver, daemon and code server at once: on a new data
    dir the SQLite files are made before, by gongkai, so none of them has to make them."""
    import pipelines.cli as cli

    started = {}

    def execvpe(file, argv, env):
        home = Path(env["DAGSTER_HOME"])
        started.update(home=home, made=[(home / f).is_file() for f in STORAGE_FILES])

    monkeypatch.setattr(cli.os, "execvpe", execvpe)
    cli.main(["ui", "--data-dir", str(tmp_path / "data"), "--port", "3999"])
    assert started == {"home": _settings(tmp_path).dagster_home, "made": [True] * len(STORAGE_FILES)}
