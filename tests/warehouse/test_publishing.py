"""Publishing under load: analysts reading while a run publishes, runs killed at every stage,
two runs started at once. Every run here is a real `gongkai run` subprocess on a copy of the
sample warehouse's data dir (documents already extracted, so each run takes seconds)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, clean_env, sha256_of

ANALYST = textwrap.dedent("""
    import json, sys, time, duckdb
    path, mode, stop = sys.argv[1], sys.argv[2], sys.argv[3]
    import os
    TABLES = ("counties", "agencies", "reports", "fact_applications", "fact_proactive",
              "fact_review_litigation", "categories", "quality_issues", "runs")
    def snapshot(con):
        t0 = time.perf_counter()
        counts = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES]
        current = con.execute("SELECT max(n) FROM (SELECT count(*) FILTER (WHERE is_current) n "
                              "FROM reports GROUP BY agency_id, report_year)").fetchone()[0]
        views = con.execute("SELECT count(*) FROM v_agency_year").fetchone()[0]
        return counts, current, views, time.perf_counter() - t0
    out = {"snapshots": 0, "errors": [], "states": [], "max_seconds": 0.0}
    held = duckdb.connect(path, read_only=True) if mode == "held" else None
    while not os.path.exists(stop):
        t0 = time.perf_counter()
        try:
            con = held or duckdb.connect(path, read_only=True)
            try:
                counts, current, views, _ = snapshot(con)
            finally:
                if con is not held:
                    con.close()
            state = [counts, current, views]
            if state not in out["states"]:
                out["states"].append(state)
            out["snapshots"] += 1
        except Exception as e:  # any error is a failure of the publishing design
            out["errors"].append(repr(e))
        out["max_seconds"] = max(out["max_seconds"], time.perf_counter() - t0)
        time.sleep(0.02)
    print(json.dumps(out))
""")


def _run(data: Path, extra_env: dict | None = None, wrapper: str | None = None,
         popen: bool = False):
    env = clean_env() | (extra_env or {})
    args = ["run", "--data-dir", str(data)]
    cmd = ([sys.executable, "-c", wrapper, *args] if wrapper
           else [sys.executable, "-m", "pipelines.cli", *args])
    if popen:
        return subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)




def _forget_published(data: Path) -> None:
    """Drop the run history (Dagster's home): with no record of what the published warehouse
    was built from, the next run rebuilds and publishes."""
    shutil.rmtree(data / "dagster", ignore_errors=True)


def _runs(warehouse: Path) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def work(sample_warehouse, tmp_path_factory):
    """A copy of the sample run's data dir; its first run here rebuilds (new warehouse path)."""
    data = tmp_path_factory.mktemp("publishing") / "data"
    shutil.copytree(sample_warehouse["data_dir"], data, symlinks=True,
                    ignore=shutil.ignore_patterns("dagster", ".gongkai.lock"))
    return data


def test_analysts_are_never_blocked_and_never_see_a_half_built_warehouse(work):
    warehouse = work / "warehouse.duckdb"
    runs_before = _runs(warehouse)
    stop = work.parent / "stop-analysts"
    analysts = [subprocess.Popen([sys.executable, "-c", ANALYST, str(warehouse), mode, str(stop)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for mode in ("held", "reconnect")]
    try:
        time.sleep(1.5)  # both are reading before the run starts
        proc = _run(work)  # a writer blocked by the readers would hit _run's timeout
        time.sleep(0.5)  # and go on reading the new one
    finally:
        stop.touch()
        results = [json.loads(a.communicate(timeout=60)[0]) for a in analysts]
    assert proc.returncode == 0, proc.stderr[-2000:]
    held, fresh = results
    for r in results:
        assert not r["errors"], r["errors"][:3]
        assert r["snapshots"] > 10  # kept reading throughout (no wall-clock bound: it flakes
        #                              under load; a blocked reader shows as few snapshots)
        for counts, max_current, views in r["states"]:
            assert max_current == 1 and views > 0 and all(n > 0 for n in counts[:-1]), counts
    # The held connection reads one consistent warehouse (the old one) throughout; the
    # reconnecting reader sees exactly two states, before and after, never one in between.
    assert len(held["states"]) == 1 and held["states"][0][0][-1] == runs_before
    assert [s[0][-1] for s in fresh["states"]] == [runs_before, runs_before + 1]
    assert fresh["states"][0][0][:-1] == fresh["states"][1][0][:-1]  # same facts, one more run


# Kill the run (SIGKILL, no cleanup) at each stage, by wrapping the function that stage calls.
# Each killed run costs a process start with Dagster's imports, so the stages before the
# publish (which never touch the published files) are represented by the first and the last:
# in the crawl, and after extract and build, in the checks.
KILL_AT = {
    "crawl": ("pipelines.stages.steps", "crawl_source", "before"),
    "checks": ("pipelines.checks.suite", "all_findings", "before"),
    "warehouse_written": ("pipelines.load.warehouse", "write", "after"),
    "exports_written": ("pipelines.load.export", "build", "after"),
}
WRAPPER = textwrap.dedent("""
    import importlib, os, signal, sys
    module, name, when = {target!r}
    mod = importlib.import_module(module)
    original = getattr(mod, name)
    def killed(*args, **kwargs):
        if when == "after":
            original(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
    setattr(mod, name, killed)
    from pipelines.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def test_a_run_killed_at_any_stage_leaves_the_published_warehouse_as_it_was(work):
    warehouse = work / "warehouse.duckdb"
    exports = work / "exports"
    _forget_published(work)  # so every run below has work to publish
    before, exports_before, runs_before = sha256_of(warehouse), os.readlink(exports), _runs(warehouse)
    for stage, target in KILL_AT.items():
        proc = _run(work, wrapper=WRAPPER.format(target=target))
        assert proc.returncode == -9, (stage, proc.returncode, proc.stderr[-2000:])
        assert sha256_of(warehouse) == before, f"killed at {stage}: the published file changed"
        assert os.readlink(exports) == exports_before, stage
        assert _runs(warehouse) == runs_before
    # The published state after the kills; the litter of the killed runs goes on the next run.
    proc = _run(work)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _runs(warehouse) == runs_before + 1
    assert not list(work.glob("warehouse.duckdb.build-*"))
    assert not list(work.glob("exports.v*.tmp"))
    assert len(list(work.glob("exports.v*"))) <= 3  # the current one, its predecessor, at most
    manifest = json.loads((exports / "MANIFEST.json").read_text())
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert manifest["run_id"] == con.execute(
            "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()


def test_two_runs_started_at_once_one_refuses_and_nothing_is_corrupted(work):
    warehouse = work / "warehouse.duckdb"
    _forget_published(work)
    runs_before = _runs(warehouse)
    procs = [_run(work, popen=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes[0] == 0 and codes[1] != 0, codes
    refused = next(err for p, (_, err) in zip(procs, outs) if p.returncode != 0)
    assert "another run is using" in refused
    assert _runs(warehouse) == runs_before + 1
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM v_agency_year").fetchone()[0] > 0
    finally:
        con.close()


CORRUPT = textwrap.dedent("""
    import sys
    import pipelines.load.build as build
    how = {how!r}
    original = build.build_frames
    def corrupted(*args, **kwargs):
        frames = original(*args, **kwargs)
        t = frames.tables["fact_applications"]
        if how == "duplicate_key":
            import pandas
            frames.tables["fact_applications"] = pandas.concat([t, t.head(1)], ignore_index=True)
        else:
            t.loc[t.index[0], "row_code"] = "not_a_template_row"
        return frames
    build.build_frames = corrupted  # steps.build imports it at call time
    from pipelines.cli import main
    sys.exit(main(sys.argv[1:]))
""")


@pytest.mark.parametrize("how", ["duplicate_key"])  # each rule: tests/unit/test_registry.py
def test_a_blocking_schema_check_stops_the_publish(work, how):
    """schema_valid is blocking: a duplicated fact key (or a code outside the template: the
    same check) stops the run before the publish; the published warehouse and exports stay as
    they were."""
    warehouse = work / "warehouse.duckdb"
    # Without the Dagster home no materialisation says the published file came from these
    # inputs, so the run builds and would publish (earlier tests here ran in this data dir).
    shutil.rmtree(work / "dagster", ignore_errors=True)
    before, exports_before = sha256_of(warehouse), os.readlink(work / "exports")
    proc = _run(work, wrapper=CORRUPT.format(how=how))
    assert proc.returncode != 0, proc.stdout[-2000:]
    # stopped by the blocking check itself (before the loader and its key constraints)
    assert "schema_valid" in proc.stderr and "not replaced" in proc.stderr, proc.stderr[-3000:]
    assert sha256_of(warehouse) == before
    assert os.readlink(work / "exports") == exports_before


def test_damaged_files_of_the_data_dir_are_said_and_the_runs_mend_them(sample_warehouse, tmp_path):
    """Two kinds of damage a data dir meets, in one run (each run here costs seconds):
    - a crawl killed mid-write leaves its last request line torn: the next run crawls (its
      rows start on a line of their own), builds and publishes, and says which line crawl_log
      left out; every whole line is a row;
    - an extraction result cut short after it was written (a restore, a sync): extraction
      counts it as cached, the build says so on its report and removes it, and the run after
      extracts the document again and publishes it read, though the inputs' fingerprint is
      the same."""
    from pipelines.document.results import ResultStore

    data = tmp_path / "data"
    shutil.copytree(sample_warehouse["data_dir"], data, symlinks=True,
                    ignore=shutil.ignore_patterns("dagster", ".gongkai.lock"))
    log = data / "crawl" / "log.jsonl"
    torn = len(log.read_text(encoding="utf-8").splitlines()) + 1
    with log.open("a", encoding="utf-8") as fh:
        fh.write('{"url": "file:///killed.pdf", "sta')
    warehouse = data / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        sha, title = con.execute("SELECT sha256, title FROM reports WHERE status = 'ok' "
                                 "ORDER BY sha256 LIMIT 1").fetchone()
        ok = con.execute("SELECT count(*) FROM reports WHERE status = 'ok'").fetchone()[0]
    finally:
        con.close()
    result = ResultStore(data / "lake").path(sha)
    whole = result.read_bytes()
    result.write_bytes(whole[:len(whole) // 2])

    proc = _run(data)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "1 line(s) not a request" in proc.stdout and f"line {torn}" in proc.stdout
    whole_lines = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            whole_lines.append(json.loads(line)["url"])
        except ValueError:
            pass
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        got = [r[0] for r in con.execute("SELECT url FROM crawl_log").fetchall()]
        status, error = con.execute("SELECT status, error FROM reports WHERE sha256 = ?",
                                    [sha]).fetchone()
    finally:
        con.close()
    assert len(whole_lines) > torn - 1  # this run's requests, after the torn line
    assert sorted(got) == sorted(whole_lines)
    assert status == "failed" and error.startswith("its extraction result was damaged"), error
    assert f"{title}: its extraction result was damaged" in proc.stdout
    assert not result.exists()

    again = _run(data)  # nothing else changed
    assert again.returncode == 0, again.stderr[-3000:]
    assert "1 documents extracted" in again.stdout and "nothing changed" not in again.stdout
    assert ResultStore(data / "lake").get(sha) is not None  # whole again (its timings differ)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT status FROM reports WHERE sha256 = ?", [sha]).fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM reports WHERE status = 'ok'").fetchone()[0] == ok
    finally:
        con.close()


REPORT_FAILS = textwrap.dedent("""
    import sys
    import pipelines.report.render as render
    html_page = render.html_page
    def page(cy, *args, **kwargs):
        if cy.year == {year}:
            raise ValueError("a value the page cannot show")
        return html_page(cy, *args, **kwargs)
    render.html_page = page
    from pipelines.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def test_a_report_that_cannot_be_made_fails_its_step_after_the_others_and_the_publish(work):
    """The warehouse is published, every other county-year's report is made, and the run
    exits 1 naming the county-year and its error (not 'the warehouse was not replaced')."""
    warehouse = work / "warehouse.duckdb"
    _forget_published(work)
    runs_before = _runs(warehouse)
    folders = sorted(p.parent for p in (work / "reports").glob("*/*/index.html"))
    assert len(folders) >= 3
    bad = folders[1]
    proc = _run(work, wrapper=REPORT_FAILS.format(year=int(bad.name)))
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert (f"step county_reports failed: 1 of {len(folders)} county-years' reports could not "
            f"be made") in proc.stderr, proc.stderr[-3000:]
    assert (f"report {bad.parent.name} {bad.name} could not be made: ValueError: a value the "
            "page cannot show") in proc.stderr
    assert "the warehouse was published" in proc.stderr and "not replaced" not in proc.stderr
    assert _runs(warehouse) == runs_before + 1
    assert "未能生成" in (bad / "index.html").read_text(encoding="utf-8")
    for folder in folders:
        if folder != bad:
            assert "各机构汇总" in (folder / "index.html").read_text(encoding="utf-8")
            assert (folder / ".inputs.json").is_file()
