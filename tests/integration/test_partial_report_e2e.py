"""A partial report through the whole pipeline: the bundled sample portal plus one report whose
section 三 has sub-item labels missing (the corpus's L11, with its truth), run by `gongkai run`
as a user runs it. Its placed cells are facts, its unplaced cells are unmapped_cells rows with
their raw text, the report is `partial`, v_agency_year counts the unplaced cells, the findings
say template_rows_missing and no arithmetic error, and the reviewer's report shows it."""

from __future__ import annotations

import collections
import shutil
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from tests.conftest import REPO, SAMPLE, clean_env

CORPUS = REPO / "tests" / "fixtures" / "corpus"
DOC = "L11_sq-zjj_2019.pdf"
AGENCY = "青山县住房和城乡建设局"
TITLE = f"{AGENCY}2019年政府信息公开工作年度报告"
TRUTH = pd.read_csv(CORPUS / "truth.csv", dtype=str, keep_default_na=False)
TRUTH = TRUTH[TRUTH["document"] == DOC]
DETAIL = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8" /><title>{TITLE}_青山县人民政府</title></head>
<body><div class="article"><h1 class="title">{TITLE}</h1>
<div class="info"><span>发布时间：2020-01-15</span><span>来源：{AGENCY}</span></div>
<div class="TRS_Editor"><p>《{TITLE}》已编制完成，现予以公布，详见附件。</p></div>
<div class="fj"><span>附件：</span><ul><li><a href="./P020200115_2001.pdf">{TITLE}.pdf</a></li></ul></div>
</div></body></html>
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    work = tmp_path_factory.mktemp("partial_e2e")
    portal = work / "portal"
    shutil.copytree(SAMPLE / "portal", portal)
    (portal / "202001").mkdir()
    shutil.copy(CORPUS / "docs" / DOC, portal / "202001" / "P020200115_2001.pdf")
    (portal / "202001" / "t20200115_2001.html").write_text(DETAIL, encoding="utf-8")
    index = (portal / "index.html").read_text(encoding="utf-8")
    item = (f'<li><a href="./202001/t20200115_2001.html" title="{TITLE}" target="_blank">'
            f'{TITLE}</a><span>2020-01-15</span></li>\n')
    at = index.index("<li><a ")
    (portal / "index.html").write_text(index[:at] + item + index[at:], encoding="utf-8")
    sources = work / "sources.toml"
    sources.write_text('[[source]]\ncounty = "青山县"\nprefecture = "云州市"\nprovince = "江南省"\n'
                       f'start_urls = ["file:portal/index.html"]\n', encoding="utf-8")
    data = work / "data"
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--sources", str(sources),
                           "--data-dir", str(data)], env=clean_env(), cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        q = lambda sql, *p: con.execute(sql, list(p)).df()  # noqa: E731
        rid = q("SELECT r.report_id FROM reports r JOIN agencies a USING (agency_id) "
                "WHERE a.agency_name = ? AND r.report_year = 2019", AGENCY)["report_id"]
        assert len(rid) == 1
        rid = rid.iloc[0]
        yield {"data": data, "rid": rid,
               "report": q("SELECT * FROM reports WHERE report_id = ?", rid).iloc[0],
               "facts": q("SELECT row_code, applicant, value, raw_text FROM fact_applications "
                          "WHERE report_id = ?", rid),
               "unmapped": q("SELECT * FROM unmapped_cells WHERE report_id = ?", rid),
               "agency_year": q("SELECT * FROM v_agency_year WHERE report_id = ?", rid),
               "issues": q("SELECT * FROM quality_issues WHERE report_id = ?", rid)}
    finally:
        con.close()


def test_the_report_is_partial_and_its_cells_are_facts_or_unmapped_cells(run):
    assert run["report"]["status"] == "partial"
    assert "could not be placed" in run["report"]["error"]
    apps = TRUTH[TRUTH["table"] == "fact_applications"]
    placed = apps[apps["expect"] == "fact"]
    got = {(r.row_code, r.applicant): (r.value, r.raw_text) for r in run["facts"].itertuples()}
    assert set(got) == set(zip(placed["dim1"], placed["dim2"]))
    for t in placed.itertuples():
        assert got[(t.dim1, t.dim2)] == (float(t.value) if t.value else None, t.raw_text)
    lost = apps[apps["expect"] == "unmapped"]
    unmapped = run["unmapped"]
    assert set(unmapped["section"]) == {"applications"}
    assert collections.Counter(unmapped["raw_text"]) == collections.Counter(lost["raw_text"])
    assert unmapped["reason"].str.len().min() > 0


def test_v_agency_year_and_the_findings(run):
    row = run["agency_year"].iloc[0]
    assert (row["status"], int(row["cells_unmapped"])) == ("partial", len(run["unmapped"]))
    issues = run["issues"]
    assert "template_rows_missing" in set(issues["check_name"])
    assert not (issues["severity"] == "error").any(), issues[["check_name", "detail"]]


def test_the_reviewers_report_shows_the_partial_report(run):
    md = (run["data"] / "reports" / "青山县" / "2019" / "report.md").read_text(encoding="utf-8")
    assert AGENCY in md and "表格缺少模板规定的行或列" in md
