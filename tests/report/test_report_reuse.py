"""write_all keeps a county-year's report when nothing it is made from changed (the warehouse
rows `load` reads, the findings, the code), and makes again exactly the ones whose inputs did:
a night that changes one county of thousands must not remake them all."""

from __future__ import annotations

import re
import shutil

import duckdb
import pandas as pd
import pytest
from upath import UPath

from pipelines.report import STAMP, data, raw_reader, write_all


@pytest.fixture()
def setup(sample_warehouse, tmp_path):
    src = sample_warehouse["data_dir"]
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(sample_warehouse["warehouse"], warehouse)  # changed by some tests
    findings = pd.read_parquet(src / "lake" / "assets" / "quality_issues.parquet")
    return warehouse, findings, raw_reader(UPath(src / "lake")), tmp_path / "reports"


def _mtimes(folder):
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def _remade(done) -> dict[int, bool]:
    return {d["year"]: not d["reused"] for d in done}


def test_nothing_changed_nothing_remade(setup):
    warehouse, findings, docs, out = setup
    first = write_all(warehouse, out, findings, docs)
    assert len(first) >= 3 and not any(d["reused"] for d in first)
    assert all((out / d["county"] / str(d["year"]) / STAMP).is_file() for d in first)
    before = _mtimes(out)
    again = write_all(warehouse, out, findings, docs)
    assert all(d["reused"] for d in again)
    assert _mtimes(out) == before
    # The counts the run logs are the ones the report was made with.
    strip = [{k: v for k, v in d.items() if k != "reused"} for d in first]
    assert strip == [{k: v for k, v in d.items() if k != "reused"} for d in again]


def test_a_changed_finding_remakes_its_year_only(setup):
    warehouse, findings, docs, out = setup
    first = write_all(warehouse, out, findings, docs)
    year = next(d["year"] for d in first if d["errors"])  # a year with an error to take away
    errors = findings[(findings["report_year"] == year) & (findings["severity"] == "error")]
    again = write_all(warehouse, out, findings.drop(index=errors.index[:1]), docs)
    assert _remade(again) == {d["year"]: d["year"] == year for d in first}
    by_year = {d["year"]: d for d in again}
    assert by_year[year]["errors"] == next(d["errors"] for d in first if d["year"] == year) - 1


def test_a_changed_fact_remakes_the_countys_reports(setup):
    warehouse, findings, docs, out = setup
    first = write_all(warehouse, out, findings, docs)
    con = duckdb.connect(str(warehouse))
    try:  # a fact of one year: other years show it too (the chart over the years, 与上年比较)
        con.execute("UPDATE fact_applications SET value = value + 1 WHERE rowid = "
                    "(SELECT min(rowid) FROM fact_applications WHERE value IS NOT NULL)")
    finally:
        con.close()
    again = write_all(warehouse, out, findings, docs)
    assert _remade(again) == {d["year"]: True for d in first}


def test_a_missing_file_or_new_code_remakes(setup, monkeypatch):
    warehouse, findings, docs, out = setup
    first = write_all(warehouse, out, findings, docs)
    year = first[-1]["year"]
    (out / first[-1]["county"] / str(year) / "report.xlsx").unlink()
    again = write_all(warehouse, out, findings, docs)
    assert _remade(again) == {d["year"]: d["year"] == year for d in first}
    assert (out / first[-1]["county"] / str(year) / "report.xlsx").is_file()
    monkeypatch.setattr(data, "_CODE_DIGEST", ["another version of the report code"])
    assert all(_remade(write_all(warehouse, out, findings, docs)).values())


def test_reuse_off_always_remakes(setup):
    warehouse, findings, docs, out = setup
    write_all(warehouse, out, findings, docs)
    before = _mtimes(out)
    done = write_all(warehouse, out, findings, docs, reuse=False)
    assert "reused" not in done[0]
    after = _mtimes(out)
    assert all(after[p] > t for p, t in before.items() if p.name == "index.html")


def test_a_correction_remakes_the_year_it_belongs_to(setup):
    warehouse, findings, docs, out = setup
    first = write_all(warehouse, out, findings, docs)
    year = first[0]["year"]
    con = duckdb.connect(str(warehouse))
    try:  # a rejected line of the corrections file, against one report of that year
        rid = con.execute("SELECT min(report_id) FROM reports WHERE is_current AND report_year = ?",
                          [year]).fetchone()[0]
        con.execute("INSERT INTO corrections (correction_id, line, report_id, table_name, value, "
                    "status, rejected_because) VALUES ('c-test', 2, ?, 'fact_applications', '7', "
                    "'rejected', 'no such cell')", [rid])
    finally:
        con.close()
    again = write_all(warehouse, out, findings, docs)
    assert _remade(again) == {d["year"]: d["year"] == year for d in first}
    assert "c-test" in (out / first[0]["county"] / str(year) / "index.html").read_text(encoding="utf-8")


def test_without_the_runs_findings_the_warehouses_are_the_input(setup):
    warehouse, _, docs, out = setup
    write_all(warehouse, out, None, docs)
    assert all(d["reused"] for d in write_all(warehouse, out, None, docs))
    con = duckdb.connect(str(warehouse))
    try:
        year = con.execute("SELECT min(report_year) FROM quality_issues").fetchone()[0]
        con.execute("DELETE FROM quality_issues WHERE rowid = (SELECT min(rowid) FROM quality_issues "
                    "WHERE report_year = ?)", [year])
    finally:
        con.close()
    assert {d["year"] for d in write_all(warehouse, out, None, docs) if not d["reused"]} == {year}


def _page(out, d) -> str:
    """A report's page without the minute it was made."""
    html = (out / d["county"] / str(d["year"]) / "index.html").read_text(encoding="utf-8")
    return re.sub(r"生成于 [0-9-]+ [0-9:]+", "", html)


def test_a_document_its_evidence_lacked_remakes_a_report_once_it_is_stored(setup, tmp_path):
    warehouse, findings, docs, out = setup
    whole = tmp_path / "whole"
    full = write_all(warehouse, whole, findings, docs)  # every document in the raw store

    def nothing_stored(sha):  # a raw store that holds none of them yet (a lake being restored)
        return None

    first = write_all(warehouse, out, findings, nothing_stored)
    assert not any(d["evidence_images"] for d in first)
    lacked = {d["year"] for d, f in zip(first, full) if _page(out, d) != _page(whole, f)}
    assert lacked and lacked != {d["year"] for d in first}  # some years show evidence, some not
    again = write_all(warehouse, out, findings, docs)
    assert _remade(again) == {d["year"]: d["year"] in lacked for d in first}
    assert all(_page(out, d) == _page(whole, f) for d, f in zip(again, full))
    assert [d["evidence_images"] for d in again] == [d["evidence_images"] for d in full]
    # Stored now: kept. A document gone since keeps the report (its crops are of those bytes).
    assert all(d["reused"] for d in write_all(warehouse, out, findings, docs))
    assert all(d["reused"] for d in write_all(warehouse, out, findings, nothing_stored))


def test_without_the_runs_findings_another_countys_crawl_finding_keeps_the_reports(setup):
    """A crawl finding has no agency and no year: the county's own is on every year's report,
    another county's on none, so only the county's own remakes them."""
    warehouse, _, docs, out = setup
    first = write_all(warehouse, out, None, docs)
    county = first[0]["county"]

    def crawl_finding(county_id: str, detail: str) -> None:
        con = duckdb.connect(str(warehouse))
        try:
            con.execute("INSERT INTO quality_issues (check_name, severity, section, detail, "
                        "county_id) VALUES ('crawl_empty', 'warning', 'crawl', ?, ?)",
                        [detail, county_id])
        finally:
            con.close()

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        own = con.execute("SELECT county_id FROM counties WHERE county = ?", [county]).fetchone()[0]
    finally:
        con.close()
    crawl_finding("another-county", "另一个县：列表未找到任何年度报告")
    assert all(d["reused"] for d in write_all(warehouse, out, None, docs))
    crawl_finding(own, "本县：列表未找到任何年度报告")
    again = write_all(warehouse, out, None, docs)
    assert _remade(again) == {d["year"]: True for d in first}
    for d in again:
        page = (out / county / str(d["year"]) / "index.html").read_text(encoding="utf-8")
        assert "本县：列表未找到任何年度报告" in page and "另一个县" not in page
