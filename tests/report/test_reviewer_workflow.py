"""The reviewer's workflow end to end on the bundled sample: a corrections file and a roster
applied by a real `gongkai run`, the reviewer's report (HTML with evidence, Markdown, Excel)
written by `gongkai report`, and `gongkai compare`."""

from __future__ import annotations

import re
import subprocess

import duckdb
import pytest
from openpyxl import load_workbook

from tests.conftest import SAMPLE, gongkai, sha256_of

PDF_2022 = SAMPLE / "portal" / "202303" / "P020230329_1019.pdf"  # 青山县人民政府 2022
ROSTER = ["青山县人民政府", "青山县教育局", "柳溪镇人民政府", "城关街道办事处", "青山县应急管理局",
          "青山县农业农村局"]  # the last never published




def _cli(*args, env=None) -> subprocess.CompletedProcess:
    return gongkai(*args, env=env)


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """`gongkai run` on the bundled sample with a roster and a corrections file holding one row
    of every kind: applied (two), unknown document, a code the format does not print (two),
    not a number, two corrections of one cell, a cell supplied to a report with no facts."""
    work = tmp_path_factory.mktemp("reviewed")
    data = work / "data"
    data.mkdir()
    sources = work / "sources.toml"
    portal = (SAMPLE / "portal" / "index.html").as_uri()
    sources.write_text('[[source]]\ncounty = "青山县"\nprefecture = "云州市"\nprovince = "江南省"\n'
                       f'start_urls = ["{portal}"]\n'
                       f"agencies = [{', '.join(repr(a).replace(chr(39), chr(34)) for a in ROSTER)}]\n",
                       encoding="utf-8")
    sha = sha256_of(PDF_2022)
    failed = sha256_of(SAMPLE / "portal" / "202301" / "P020230130_1015.pdf")  # truncated: no facts
    rows = [
        "sha256,table,row_code,applicant,item,measure,proceeding,outcome,value,reason,author,date",
        f"{sha},fact_applications,granted,natural_person,,,,,12,原件核对：自然人予以公开应为12,李审核,2023-04-02",
        f"{sha},fact_applications,partially_granted,natural_person,,,,,3,原件核对,李审核,2023-04-02",
        f"{'0' * 64},fact_applications,granted,total,,,,,1,,李审核,2023-04-02",
        f"{sha},fact_proactive,,,centralized_procurement,procurement_items,,,2,,李审核,2023-04-02",
        f"{sha},fact_applications,other_total,natural_person,,,,,1,2021 版无此行？,李审核,2023-04-02",
        f"{sha},fact_applications,granted,total,,,,,见附件,,李审核,2023-04-02",
        f"{sha},fact_review_litigation,,,,,review,total,3,,张,2023-04-03",
        f"{sha},fact_review_litigation,,,,,review,total,4,,王,2023-04-03",
        f"{failed[:16]},applications,new_received,total,,,,,7,原件第2页,李审核,2023-04-05",
    ]
    (data / "corrections.csv").write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    proc = _cli("run", "--sources", str(sources), "--data-dir", str(data))
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = work / "report"
    rep = _cli("report", "--county", "青山县", "--year", "2022", "--sources", str(sources),
               "--data-dir", str(data), "--out", str(out))
    assert rep.returncode == 0, rep.stderr[-3000:]
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    yield {"con": con, "data": data, "sha": sha, "failed": failed, "out": out, "run": proc.stdout,
           "report": rep.stdout, "sources": sources}
    con.close()


def test_corrections_applied_and_each_kind_of_rejection(reviewed):
    con = reviewed["con"]
    rows = con.execute("SELECT line, status, rejected_because, previous_value, raw_text, "
                       "created_fact FROM corrections ORDER BY line").fetchall()
    by_line = {r[0]: r for r in rows}
    assert len(rows) == 9
    assert by_line[2][1:] == ("applied", None, 13.0, "13", False)
    assert by_line[3][1:] == ("applied", None, 2.0, "2", False)
    assert by_line[4][1] == "rejected" and by_line[4][2].startswith("unknown document")
    assert by_line[5][1] == "rejected" and by_line[5][2].startswith("a code its format does not print")
    # （六）其他处理 as one row exists in 2021 tables too, but this report prints three rows.
    assert by_line[6][1] == "rejected" and "as three rows" in by_line[6][2]
    assert by_line[7][1] == "rejected" and by_line[7][2] == "not a number: '见附件'"
    assert by_line[8][1] == by_line[9][1] == "rejected"
    assert by_line[8][2] == by_line[9][2] == "two corrections of one cell (lines 8, 9)"
    assert by_line[10][1:] == ("applied", None, None, "", True)
    # The fact: value replaced, raw_text as printed, correction_id set.
    cid = con.execute("SELECT correction_id FROM corrections WHERE line = 2").fetchone()[0]
    fact = con.execute("SELECT value, raw_text, correction_id FROM fact_applications WHERE "
                       "report_id = ? AND row_code = 'granted' AND applicant = 'natural_person'",
                       [reviewed["sha"]]).fetchone()
    assert fact == (12, "13", cid)
    assert con.execute("SELECT count(*) FROM fact_applications WHERE correction_id IS NOT NULL"
                       ).fetchone()[0] == 3
    # A cell supplied where nothing was read: a fact of the failed report.
    assert con.execute("SELECT value, raw_text FROM fact_applications WHERE report_id = ?",
                       [reviewed["failed"]]).fetchall() == [(7, "")]
    # The checks ran on the corrected values: 青山县人民政府 2022's two I2 errors are gone.
    checks = con.execute("SELECT check_name FROM quality_issues WHERE report_id = ?",
                         [reviewed["sha"]]).fetchall()
    assert checks == []
    assert "corrections: 3 applied, 6 rejected" in reviewed["run"]


def test_roster_missing(reviewed):
    con = reviewed["con"]
    got = con.execute("SELECT a.agency_name, q.report_year, q.report_id, q.severity FROM quality_issues q "
                      "JOIN agencies a USING (agency_id) WHERE check_name = 'roster_missing' "
                      "ORDER BY 1, 2").fetchall()
    # 农业农村局 never published; 应急管理局 only for 2022 (unreadable, but there): years the
    # county published in are 2020–2022.
    assert got == [("青山县农业农村局", 2020, None, "warning"), ("青山县农业农村局", 2021, None, "warning"),
                   ("青山县农业农村局", 2022, None, "warning"),
                   ("青山县应急管理局", 2020, None, "warning"), ("青山县应急管理局", 2021, None, "warning")]
    assert con.execute("SELECT count(*) FROM agencies WHERE on_roster").fetchone()[0] == 6
    page = (reviewed["out"] / "index.html").read_text(encoding="utf-8")
    assert "名单内未发布 2022 年度报告的机构（1 个）" in page and "青山县农业农村局" in page


def test_report_lists_corrections_and_year_on_year(reviewed):
    page = (reviewed["out"] / "index.html").read_text(encoding="utf-8")
    md = (reviewed["out"] / "report.md").read_text(encoding="utf-8")
    for text in (page, md):
        assert "更正记录" in text and "原件核对：自然人予以公开应为12" in text
        assert "two corrections of one cell (lines 8, 9)" in text
        assert "与上年比较" in text
    # v_agency_yoy: 青山县人民政府 received 35 in 2021, 33 in 2022.
    row = reviewed["con"].execute(
        "SELECT value, previous_value, change, change_pct FROM v_agency_yoy WHERE agency = "
        "'青山县人民政府' AND year = 2022 AND metric = 'applications_new'").fetchone()
    assert row == (33.0, 35.0, -2.0, -5.7)
    # A large change is marked: 教育局's applications 11 → 5 (−54.5 %, 6 cases).
    assert page.count("变化较大</span>") >= 1
    section = page[page.index('id="yoy-'):]
    edu = section[section.index("青山县教育局"):][:3000]
    assert "三：本年新收申请" in edu and "-54.5%" in edu and "变化较大" in edu


def test_workbook_reads_back(reviewed):
    wb = load_workbook(reviewed["out"] / "report.xlsx")
    assert wb.sheetnames == ["汇总", "问题清单", "三", "二", "四", "更正记录"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "B2" and ws["A1"].font.bold
        assert ws.column_dimensions["A"].width >= 6
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert summary[0][:5] == ("机构", "级别", "报告状态", "表格版本", "新收申请")
    gov = next(r for r in summary if r[0] == "青山县人民政府")
    assert gov[4] == 33 and gov[11] == 0  # received 33, no errors after the corrections
    issues = list(wb["问题清单"].iter_rows(values_only=True))
    assert {r[4] for r in issues[1:]} == {"roster_missing", "report_unreadable"}
    apps = list(wb["三"].iter_rows(values_only=True))
    assert apps[0] == ("机构", "年度", "行", "列", "数值", "原文", "页码", "更正", "行代码", "列代码")
    hit = [r for r in apps if r[0] == "青山县人民政府" and r[8] == "granted" and r[9] == "natural_person"]
    assert len(hit) == 1 and hit[0][4] == 12 and hit[0][5] == "13" and hit[0][7].startswith("c")
    assert wb["三"].cell(row=2, column=5).number_format == "#,##0"
    assert isinstance(wb["二"].cell(row=2, column=5).value, (int, float))
    corr = list(wb["更正记录"].iter_rows(values_only=True))
    assert [r[10] for r in corr[1:]].count("已采用") == 3 and len(corr) == 10
    assert len(list(wb["四"].iter_rows())) == 1 + 15 * 4  # 4 readable reports of 2022, 15 cells each


def test_each_years_report_shows_its_own_years_corrections_and_comparisons(reviewed):
    """One read of a county serves all of its years: each year's report still shows the
    corrections of that year's reports (and those of no report), and compares that year with
    the one before, nothing of the other years."""
    ran = reviewed["data"] / "reports" / "青山县"
    corr = list(load_workbook(ran / "2021" / "report.xlsx")["更正记录"].iter_rows(values_only=True))
    assert [r[0] for r in corr[1:]] == [4]  # the unknown document's: no report, so every year's
    page = (ran / "2021" / "index.html").read_text(encoding="utf-8")
    assert "unknown document" in page and "原件核对：自然人予以公开应为12" not in page  # 2022's
    shown = re.findall(r'<section class="yoy agency".*?</section>', page, flags=re.S)
    rows = sum(len(re.findall(r"<tr(?: class=\"big\")?><td>", s)) for s in shown)
    expected = reviewed["con"].execute(
        "SELECT count(*) FROM v_agency_yoy WHERE year = 2021 AND "
        "(value IS NOT NULL OR previous_value IS NOT NULL)").fetchone()[0]
    assert rows == expected > 0


def test_the_runs_workbooks_match_one_written_by_gongkai_report(reviewed):
    """`gongkai run` writes every county-year's workbook (write_all), `gongkai report` one.
    Same county-year, same data: the same cells."""
    ran = reviewed["data"] / "reports" / "青山县"
    assert sorted(p.parent.name for p in ran.glob("*/report.xlsx")) == ["2020", "2021", "2022"]
    a, b = load_workbook(ran / "2022" / "report.xlsx"), load_workbook(reviewed["out"] / "report.xlsx")
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        rows = list(a[name].iter_rows(values_only=True))
        assert rows == list(b[name].iter_rows(values_only=True)), name
        assert len(rows) > 1 or name == "更正记录"
    assert a["三"].cell(row=2, column=5).number_format == "#,##0"


def test_compare_on_the_bundled_sample(sample_warehouse, tmp_path):
    data = sample_warehouse["data_dir"]
    sha22 = sha256_of(PDF_2022)
    proc = _cli("compare", "青山县人民政府:2021", sha22[:10], "--data-dir", str(data),
                "--html", str(tmp_path / "cmp.html"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "200 cells: 143 same, 57 different, 0 only in A, 0 only in B" in out
    assert "规范性文件 × 本年制发件数: A 22（“22（其中修订 16件）”） | B 6  (-16)" in out
    assert "一、本年新收政府信息公开申请数量 × 总计: A 35 | B 33  (-2)" in out
    page = (tmp_path / "cmp.html").read_text(encoding="utf-8")
    assert page.count('<tr class="different">') == 57 and page.count('<tr class="same">') == 143
    # Two formats: the 2019 tables of 2020 against 2021's.
    proc = _cli("compare", "青山县人民政府:2020", "青山县人民政府:2021", "--data-dir", str(data))
    assert "only in A" in proc.stdout and "仅 A" in proc.stdout and "仅 B" in proc.stdout
    bad = _cli("compare", "青山县人民政府:2019", sha22, "--data-dir", str(data))
    assert bad.returncode == 2 and "no report of '青山县人民政府' for 2019" in bad.stderr
