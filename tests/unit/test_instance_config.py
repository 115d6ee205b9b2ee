"""The Dagster instance config gongkai writes into the data dir (`<data-dir>/dagster/dagster.yaml`):
no per-step stdout capture, telemetry off, the event log of every run in one SQLite file under
the data dir's DAGSTER_HOME; a file gongkai wrote earlier is brought up to date (a data dir whose
event log is kept one file per run stays so), one the user edited is left as it is."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dagster import AssetKey, DagsterInstance, asset, materialize

from pipelines.cli import (EARLIER_INSTANCE_YAMLS, INSTANCE_YAML, PER_RUN_INSTANCE_YAML,
                           _dagster_home, open_instance)
from pipelines.core.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def _settings(tmp_path, name: str = "data") -> Settings:
    return Settings.resolve(None, None, str(tmp_path / name))


@asset
def thing(context) -> None:
    context.log.info("a line of the run's event log")


def _materialise(instance) -> str:
    result = materialize([thing], instance=instance)
    assert result.success
    return result.run_id


def _per_run_files(home: Path) -> list[Path]:
    return sorted((home / "history" / "runs").glob("*.db"))


def test_a_new_data_dir_gets_the_instance_config(tmp_path):
    home = _dagster_home(_settings(tmp_path))
    config = yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8"))
    assert config["telemetry"] == {"enabled": False}
    assert config["compute_logs"]["class"] == "NoOpComputeLogManager"
    assert config["event_log_storage"]["class"] == "ConsolidatedSqliteEventLogStorage"
    assert config["event_log_storage"]["config"] == {"base_dir": {"env": "DAGSTER_HOME"}}
    with open_instance(_settings(tmp_path)) as instance:
        assert not instance.telemetry_enabled


def test_a_new_data_dir_keeps_every_runs_events_in_one_file(tmp_path, monkeypatch):
    """Two runs: both runs' events, and the assets' latest materialisation, read back from one
    file, `<data-dir>/dagster/event_log.db`; no database per run. DAGSTER_HOME is as it was."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    settings = _settings(tmp_path)
    with open_instance(settings) as instance:
        first, second = _materialise(instance), _materialise(instance)
        assert "DAGSTER_HOME" not in os.environ
    home = settings.dagster_home
    assert (home / "event_log.db").is_file()
    assert _per_run_files(home) == []
    with open_instance(settings) as instance:
        assert instance.get_latest_materialization_event(AssetKey("thing")).run_id == second
        for run_id in (first, second):
            messages = [r.event_log_entry.user_message
                        for r in instance.get_records_for_run(run_id).records]
            assert "a line of the run's event log" in messages


def test_dagster_home_is_restored_after_the_instance_is_made(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "elsewhere"))
    with open_instance(_settings(tmp_path)):
        pass
    assert os.environ["DAGSTER_HOME"] == str(tmp_path / "elsewhere")


def test_a_copied_data_dir_keeps_its_own_event_log(tmp_path):
    """The event log's folder is the data dir's DAGSTER_HOME, not a path written into the
    config: a copy (or a moved data dir) reads and writes its own."""
    a, b = _settings(tmp_path, "a"), _settings(tmp_path, "b")
    with open_instance(a) as instance:
        in_a = _materialise(instance)
    shutil.copytree(a.data_dir, b.data_dir)
    with open_instance(b) as instance:
        assert instance.get_latest_materialization_event(AssetKey("thing")).run_id == in_a
        in_b = _materialise(instance)
    with open_instance(a) as instance:
        assert instance.get_latest_materialization_event(AssetKey("thing")).run_id == in_a
        assert not instance.get_records_for_run(in_b).records
    with open_instance(b) as instance:
        assert instance.get_latest_materialization_event(AssetKey("thing")).run_id == in_b


@pytest.mark.parametrize("earlier", EARLIER_INSTANCE_YAMLS)
def test_an_earlier_gongkai_config_is_brought_up_to_date(tmp_path, earlier):
    settings = _settings(tmp_path)
    settings.dagster_home.mkdir(parents=True)
    config = settings.dagster_home / "dagster.yaml"
    config.write_text(earlier, encoding="utf-8")
    _dagster_home(settings)
    assert config.read_text(encoding="utf-8") == INSTANCE_YAML


@pytest.mark.parametrize("earlier", EARLIER_INSTANCE_YAMLS + ("",))
def test_a_data_dir_with_an_event_log_per_run_keeps_it(tmp_path, earlier):
    """A data dir an earlier version ran in (its event log one file per run): the config is
    brought up to date but the event log stays per run, so nothing of its history is left
    unread: the earlier run's events and the assets' materialisations are still there."""
    settings = _settings(tmp_path)
    home = settings.dagster_home
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(earlier, encoding="utf-8")
    with DagsterInstance.from_config(str(home)) as instance:  # as the earlier version ran
        earlier_run = _materialise(instance)
    assert _per_run_files(home)
    with open_instance(settings) as instance:
        assert (home / "dagster.yaml").read_text(encoding="utf-8") == PER_RUN_INSTANCE_YAML
        assert not instance.telemetry_enabled
        event = instance.get_latest_materialization_event(AssetKey("thing"))
        assert event.run_id == earlier_run
        assert instance.get_records_for_run(earlier_run).records
        later_run = _materialise(instance)
    assert (home / "history" / "runs" / f"{later_run}.db").is_file()
    assert not (home / "event_log.db").exists()


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


def test_three_processes_make_and_write_the_one_event_log_at_once(tmp_path):
    """As `gongkai run` beside the UI's webserver and daemon, on a new data dir: three
    processes make the instance (the first makes the event log's file) and store events in the
    one file at the same moments; none fails, nothing is lost."""
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


@pytest.mark.parametrize("per_run", [False, True])
def test_gongkai_ui_makes_the_storage_before_dagster_starts(tmp_path, monkeypatch, per_run):
    """`gongkai ui` starts Dagster's webserver, daemon and code server at once: on a new data
    dir the SQLite files are made before, by gongkai, so none of them has to make them."""
    import pipelines.cli as cli

    started = {}

    def execvpe(file, argv, env):
        home = Path(env["DAGSTER_HOME"])
        files = [home / "history" / "runs.db", home / "schedules" / "schedules.db",
                 home / ("history/runs/index.db" if per_run else "event_log.db")]
        started.update(home=home, made=[f.is_file() for f in files])

    monkeypatch.setattr(cli.os, "execvpe", execvpe)
    home = _settings(tmp_path).dagster_home
    if per_run:  # a data dir an earlier version ran in, its runs.db gone
        (home / "history" / "runs").mkdir(parents=True)
        (home / "history" / "runs" / "index.db").touch()
    cli.main(["ui", "--data-dir", str(tmp_path / "data"), "--port", "3999"])
    assert started == {"home": home, "made": [True, True, True]}
