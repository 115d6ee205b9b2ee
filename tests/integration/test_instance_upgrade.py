"""A data dir an earlier version ran in, its Dagster event log one SQLite file per run: `gongkai
run` keeps it so (its history stays readable), and the night after a run is still a no-change
night, as it is with the one-file event log of a new data dir (tests/integration/
test_end_to_end.py). `gongkai run` as a user runs it: a subprocess, the real Dagster job."""

from __future__ import annotations

import os

from dagster import AssetKey, DagsterInstance, asset, materialize

from pipelines.cli import PER_RUN_INSTANCE_YAML
from tests.conftest import gongkai


@asset
def earlier_asset() -> None:
    pass


def test_a_per_run_event_log_is_kept_and_the_next_night_is_a_no_change_night(
        tmp_path, sample_portal_url):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\ncounty = "青山县"\nprefecture = "云州市"\nprovince = "江南省"\n'
        f'start_urls = ["{sample_portal_url}index.html"]\nmin_interval_seconds = 0\n',
        encoding="utf-8")
    data = tmp_path / "data"
    home = data / "dagster"
    home.mkdir(parents=True)
    # What an earlier version left: its dagster.yaml and a run in the per-run event log.
    (home / "dagster.yaml").write_text(PER_RUN_INSTANCE_YAML, encoding="utf-8")
    with DagsterInstance.from_config(str(home)) as instance:
        earlier = materialize([earlier_asset], instance=instance).run_id
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DAGSTER_"))}
    args = ["run", "--sources", sources, "--data-dir", data]

    first = gongkai(*args, env=env, cwd=None)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "nothing changed" not in first.stdout
    second = gongkai(*args, env=env, cwd=None)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "nothing changed since the last published run" in second.stdout

    assert (home / "dagster.yaml").read_text(encoding="utf-8") == PER_RUN_INSTANCE_YAML
    assert not (home / "event_log.db").exists()
    with DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert len(runs) == 3 and all(r.is_success for r in runs)
        for run in runs:  # each in its own file, the earlier version's too
            assert (home / "history" / "runs" / f"{run.run_id}.db").is_file()
        assert instance.get_latest_materialization_event(AssetKey("earlier_asset")).run_id \
            == earlier
        # the no-change night materialised no warehouse: the latest is the first night's
        warehouse = instance.get_latest_materialization_event(AssetKey("warehouse"))
        assert warehouse.run_id == runs[1].run_id
