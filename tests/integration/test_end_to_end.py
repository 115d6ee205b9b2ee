"""The whole pipeline on the bundled sample, served by a real HTTP server on 127.0.0.1.

`gongkai run` runs as a user runs it (a subprocess, the real Dagster job in-process), and every
fact in the published warehouse is compared with the sample's truth file, cell by cell.
"""

from __future__ import annotations

import os
import subprocess

import duckdb
import pandas as pd
import pytest

from tests.benchmarks.extract_bench import same_text
from tests.conftest import SAMPLE, gongkai

TABLES = {
    "fact_applications": ("row_code", "applicant"),
    "fact_proactive": ("item", "measure"),
    "fact_review_litigation": ("proceeding", "outcome"),
}


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return gongkai(*args, env=env, cwd=None)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory, sample_portal_url):
    work = tmp_path_factory.mktemp("e2e")
    sources = work / "sources.toml"
    sources.write_text(
        '[[source]]\ncounty = "青山县"\nprefecture = "云州市"\nprovince = "江南省"\n'
        f'start_urls = ["{sample_portal_url}index.html"]\nmin_interval_seconds = 0\n',
        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DAGSTER_"))}
    proc = _run(["run", "--sources", str(sources), "--data-dir", str(work / "data")], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    con = duckdb.connect(str(work / "data" / "warehouse.duckdb"), read_only=True)
    yield {"con": con, "base": sample_portal_url, "stdout": proc.stdout, "work": work,
           "sources": sources, "env": env}
    con.close()


def _facts(con, table: str) -> pd.DataFrame:
    cur = con.execute(f"SELECT f.*, r.document_url FROM {table} f JOIN reports r USING (report_id)").df()
    old = con.execute(f"SELECT f.*, r.document_url FROM {table}_superseded f "
                      "JOIN reports r USING (report_id)").df()
    return pd.concat([cur, old], ignore_index=True)


def test_every_fact_equals_the_truth_file(sample_run):
    con, base = sample_run["con"], sample_run["base"]
    truth = pd.read_csv(SAMPLE / "truth.csv", dtype={"raw_text": str, "unit": str},
                        keep_default_na=False)
    problems = []
    for table, (d1, d2) in TABLES.items():
        got = _facts(con, table)
        got["document"] = got["document_url"].str.removeprefix(base)
        want = truth[truth["table"] == table]
        merged = want.merge(got, left_on=["document", "dim1", "dim2"],
                            right_on=["document", d1, d2], how="outer", indicator="where",
                            suffixes=("_truth", ""))
        for row in merged.itertuples(index=False):
            key = f"{table} {row.document} {row.dim1 if row.where != 'right_only' else getattr(row, d1)}/" \
                  f"{row.dim2 if row.where != 'right_only' else getattr(row, d2)}"
            if row.where == "left_only":
                problems.append(f"missing: {key}")
            elif row.where == "right_only":
                problems.append(f"not in truth: {key} = {row.raw_text!r}")
            else:
                want_value = float(row.value_truth) if row.value_truth != "" else None
                got_value = None if pd.isna(row.value) else float(row.value)
                if want_value != got_value:
                    problems.append(f"value: {key} want {want_value} got {got_value}")
                if not same_text(row.document, row.raw_text_truth, row.raw_text):
                    problems.append(f"raw_text: {key} want {row.raw_text_truth!r} got {row.raw_text!r}")
                if table == "fact_proactive" and (row.unit_truth or None) != (
                        None if pd.isna(row.unit) else row.unit):
                    problems.append(f"unit: {key} want {row.unit_truth!r} got {row.unit!r}")
    assert not problems, f"{len(problems)} cells differ:\n" + "\n".join(problems[:40])
    assert len(truth) > 1000


def test_every_sample_report_is_in_the_warehouse_with_its_status(sample_run):
    con, base = sample_run["con"], sample_run["base"]
    expected = pd.read_csv(SAMPLE / "reports.csv", keep_default_na=False)
    got = con.execute("SELECT r.*, a.agency_name, a.level FROM reports r "
                      "LEFT JOIN agencies a USING (agency_id)").df()
    got["document"] = got["document_url"].str.removeprefix(base)
    merged = expected.merge(got, on="document", how="left", suffixes=("_want", ""))
    assert merged["report_id"].notna().all(), merged.loc[merged["report_id"].isna(), "document"].tolist()
    for row in merged.itertuples(index=False):
        assert row.status == row.expected_status, (row.document, row.status, row.error)
        assert row.agency_name == row.agency_name_want, row.document
        assert row.level == row.level_want, row.document
        assert int(row.report_year) == int(row.report_year_want), row.document
        if row.expected_status == "ok":
            assert row.format == str(row.format_want), row.document
    assert len(got) == len(expected), "the crawl found documents that are not sample reports"


def test_truncated_pdf_fails_with_a_specific_error_and_the_rest_goes_on(sample_run):
    con = sample_run["con"]
    failed = con.execute("SELECT title, error FROM reports WHERE status = 'failed'").fetchall()
    assert len(failed) == 1
    title, error = failed[0]
    assert "应急管理局" in title
    assert "truncated PDF" in error


def test_exactly_one_current_report_per_agency_and_year(sample_run):
    con = sample_run["con"]
    rows = con.execute("SELECT agency_id, report_year, count(*) FILTER (WHERE is_current) "
                       "FROM reports GROUP BY 1, 2").fetchall()
    assert rows and all(n == 1 for _, _, n in rows)
    # A plain SUM over fact_* never double counts: no report outside the current ones.
    assert con.execute("SELECT count(*) FROM fact_applications f JOIN reports r USING (report_id) "
                       "WHERE NOT r.is_current").fetchone()[0] == 0


def test_deliberate_errors_are_found_and_nothing_else_is_an_error(sample_run):
    con, base = sample_run["con"], sample_run["base"]
    expected = pd.read_csv(SAMPLE / "expected_findings.csv", keep_default_na=False)
    found = con.execute("SELECT q.check_name, r.document_url FROM quality_issues q "
                        "JOIN reports r USING (report_id) WHERE q.severity = 'error'").df()
    found["document"] = found["document_url"].str.removeprefix(base)
    want = set(zip(expected["check_name"], expected["document"]))
    assert want <= set(zip(found["check_name"], found["document"]))
    assert set(zip(found["check_name"], found["document"])) <= want


def test_summary_and_views(sample_run):
    assert "reports by status" in sample_run["stdout"]
    con = sample_run["con"]
    for view in ("v_applications", "v_proactive", "v_review_litigation", "v_county_applications"):
        assert con.execute(f"SELECT count(*) FROM {view}").fetchone()[0] > 0


def test_the_crawl_and_reports_steps_say_what_they_did_in_one_message(sample_run):
    """One log event for every county (crawl) and every county-year (reports): a night of
    thousands writes one, not thousands; and the materialisation's table of the county-years
    made."""
    from dagster import AssetKey, DagsterInstance

    data = sample_run["work"] / "data"
    with DagsterInstance.from_config(str(data / "dagster")) as instance:
        run = instance.get_runs()[-1]  # the fixture's run (newest first: a later test adds one)
        own = [r for r in instance.all_logs(run.run_id) if r.dagster_event is None  # the steps'
               and not r.user_message.startswith(("Loading file from", "Writing file at"))]
        made = instance.get_latest_materialization_event(AssetKey("county_reports"))
    logs = [r.user_message for r in own if r.step_key == "county_reports"]
    crawled = [r.user_message for r in own if r.step_key == "crawl"]
    assert len(crawled) == 1 and crawled[0].startswith("1 county: "), crawled
    assert crawled[0].split("\n")[1].startswith("青山县: pattern ")
    years = sorted(p.name for p in (data / "reports" / "青山县").iterdir())
    assert len(years) >= 3 and len(logs) == 1, logs
    lines = logs[0].split("\n")
    assert lines[0] == (f"{len(years)} county-years under {data / 'reports'}: {len(years)} made, "
                        "0 kept (inputs unchanged)")
    assert [line.split(":")[0] for line in lines[1:]] == [f"report 青山县 {y}" for y in years]
    meta = made.asset_materialization.metadata
    assert meta["reports"].value == meta["remade"].value == len(years)
    assert meta["index"].value.count("| 青山县 |") == len(years)


def test_a_second_run_over_an_unchanged_portal_changes_nothing(sample_run):
    """The nightly no-change run: conditional requests, nothing re-extracted, no publish."""
    warehouse = sample_run["work"] / "data" / "warehouse.duckdb"
    before = warehouse.stat()
    results = sorted((sample_run["work"] / "data" / "lake" / "extracted").rglob("*.json"))
    log_path = sample_run["work"] / "data" / "crawl" / "log.jsonl"
    n_before = len(log_path.read_text(encoding="utf-8").splitlines())
    proc = _run(["run", "--sources", str(sample_run["sources"]),
                 "--data-dir", str(sample_run["work"] / "data")], sample_run["env"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "nothing changed" in proc.stdout
    after = warehouse.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted((sample_run["work"] / "data" / "lake" / "extracted").rglob("*.json")) == results
    second = pd.read_json(log_path, lines=True).iloc[n_before:]
    pages = second[~second["url"].str.endswith("/robots.txt")]
    assert len(pages) > 0 and set(pages["status"]) <= {304}, pages[["url", "status"]]
