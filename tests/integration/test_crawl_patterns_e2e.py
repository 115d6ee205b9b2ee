"""The other content systems through the whole pipeline (`gongkai run` as a subprocess):

- 青山县 runs a Hanweb column (records in the page, the rest from the POST data proxy, a PDF
  behind downfile.jsp with only Content-Disposition naming it) with revalidate_days = 0, and
  carries an undated old copy of a report next to its dated republication;
- 松岭县 runs a script-rendered column behind a JSON list API.

Run 2: the PDF is silently replaced at the same URL (its list entry unchanged) and 松岭县's API
starts answering empty lists. Run 3: 松岭县 is taken out of the sources file."""

from __future__ import annotations

import json
import os
import re
import subprocess

import duckdb
import pytest

from tests.benchmarks.make_portal import retitled_pdf
from tests.conftest import SAMPLE, gongkai
from tests.crawl.conftest import Portal, Static
from tests.crawl.portals import build_hanweb_portal, build_json_portal

PORTAL = SAMPLE / "portal"
LX2020 = (PORTAL / "202102/t20210208_1004.html").read_text(encoding="utf-8")
OLD = "/art/2021/2/8/art_1234_1.html"  # undated old copy
REPUB = "/art/2021/6/30/art_1234_9.html"  # dated republication
EDU = "/art/2022/1/24/art_1234_2.html"
PDFPAGE = "/art/2022/1/28/art_1234_3.html"
PDFLINK = "/module/download/downfile.jsp?classid=0&filename=1643339000000.pdf"
ENTRIES = [  # (href, title, list date, kind) as build_hanweb_portal takes them
    (REPUB, "柳溪镇2020年政府信息公开工作年度报告（更正）", "2021-06-30", "inline"),
    (PDFPAGE, "柳溪镇人民政府2021年政府信息公开工作年度报告", "2022-01-28", "inline"),
    (EDU, "青山县教育局2021年度政府信息公开工作年度报告", "2022-01-24", "inline"),
    (OLD, "柳溪镇人民政府2020年政府信息公开工作年度报告", "", "inline"),
]
JSON_PAGES = {"/art/2023/1/5/a1.html": "202301/t20230118_1014.html",
              "/art/2023/1/9/a2.html": "202302/t20230210_1016.html",
              "/art/2022/1/7/a4.html": "202103/t20210326_1005.html",
              "/art/2022/1/8/a5.html": "202102/t20210203_1003.html"}


def undated(html: str) -> str:
    """The page with every stated date gone: no 发布时间, no signature date line."""
    html = re.sub(r"<span>发布时间：[^<]*</span>", "", html)
    return re.sub(r"<p class=MsoNormal align=right[^>]*>(?:(?!</p>).)*月(?:(?!</p>).)*</p>", "", html, flags=re.S)


def build(portal: Portal, run: int) -> None:
    build_hanweb_portal(portal, per_page=1, first=2, entries=ENTRIES)
    portal.add(OLD, undated(LX2020))
    portal.add(REPUB, LX2020.replace("<table", "<p>（更正说明：本报告第二部分数据有更正。）</p><table", 1))
    portal.add(EDU, (PORTAL / "202201/t20220124_1008.html").read_bytes(), "text/html")
    portal.add(PDFPAGE, '<html><head><meta charset="utf-8"></head><body><div id="zoom"><p>详见附件。</p>'
               f'<a href="{PDFLINK}">柳溪镇2021年报</a></div></body></html>')
    pdf = (PORTAL / "202201/P020220128_1009.pdf").read_bytes()
    if run >= 2:
        pdf = retitled_pdf(pdf, "柳溪镇人民政府2021年政府信息公开工作年度报告（修订）", "replaced")
    portal.add(PDFLINK, pdf, "application/octet-stream",
               headers={"Content-Disposition": "attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf"})
    build_json_portal(portal)
    for path, sample in JSON_PAGES.items():
        portal.add(path, (PORTAL / sample).read_bytes(), "text/html")
    if run >= 2:
        empty = json.dumps({"code": 0, "data": {"total": 0, "list": []}}).encode()
        portal.routes["/api/articles"] = lambda h: portal._serve(h, Static(empty, "application/json"))


def sources(portal: Portal, with_json: bool) -> str:
    text = ('[[source]]\ncounty = "青山县"\nprefecture = "云州市"\nprovince = "江南省"\n'
            f'start_urls = ["{portal.url("/col/col1234/index.html")}"]\n'
            "min_interval_seconds = 0\nrevalidate_days = 0\n")
    if with_json:
        text += ('\n[[source]]\ncounty = "松岭县"\n'
                 f'start_urls = ["{portal.url("/col/list.html")}"]\nmin_interval_seconds = 0\n'
                 f'list_api = {{ url = "{portal.url("/api/articles")}", method = "GET", '
                 'params = { columnId = 77, pageNo = "{page}", pageSize = 2 }, items = "data.list", '
                 'title = "title", link = "url", date = "publishTime", total = "data.total" }\n')
    return text


def _run(work, env, *args) -> subprocess.CompletedProcess:
    proc = gongkai(*args, env=env, cwd=None, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def _state(work) -> dict:
    con = duckdb.connect(str(work / "data" / "warehouse.duckdb"), read_only=True)
    try:
        q = lambda sql: con.execute(sql).df()  # noqa: E731
        return {
            "reports": q("SELECT r.*, a.agency_name, c.county FROM reports r LEFT JOIN agencies a USING (agency_id) "
                         "LEFT JOIN counties c ON c.county_id = r.county_id"),
            "issues": q("SELECT * FROM quality_issues WHERE check_name = 'crawl_empty'"),
            "log": q("SELECT * FROM crawl_log"),
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    portal = Portal()
    work = tmp_path_factory.mktemp("patterns_e2e")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DAGSTER_"))}
    src = work / "sources.toml"
    base = ["run", "--sources", str(src), "--data-dir", str(work / "data")]
    out = {}
    try:
        for run, with_json in ((1, True), (2, True), (3, False)):
            build(portal, run)
            src.write_text(sources(portal, with_json), encoding="utf-8")
            out[run] = {"stdout": _run(work, env, *base).stdout, **_state(work)}
            if run == 2:  # the reviewer's report of the county whose list went empty
                _run(work, env, "report", "--county", "松岭县", "--year", "2022", "--data-dir",
                     str(work / "data"), "--out", str(work / "report"))
                out["report_md"] = (work / "report" / "report.md").read_text(encoding="utf-8")
        yield out
    finally:
        portal.stop()


def _lx(reports, year):
    return reports[(reports["agency_name"] == "柳溪镇人民政府") & (reports["report_year"] == year)]


def test_both_patterns_found_every_report(runs):
    r = runs[1]["reports"]
    assert set(r.loc[r["county"] == "青山县", "page_url"].str.rsplit("/", n=1).str[1]) == {
        "art_1234_1.html", "art_1234_9.html", "art_1234_2.html", "art_1234_3.html"}
    assert (r["county"] == "松岭县").sum() == 4
    assert set(r["status"]) == {"ok"}
    pdf = r[r["document_url"].str.contains("downfile", na=False)]
    assert list(pdf["media_type"]) == ["pdf"]  # by magic bytes; Content-Disposition agreed
    log = runs[1]["log"]
    assert set(log.loc[log["url"].str.contains("dataproxy"), "method"]) == {"POST"}
    assert set(log.loc[log["county"] == "青山县", "pattern"]) == {"hanweb"}
    assert set(log.loc[log["county"] == "松岭县", "pattern"]) == {"json_api"}
    out = runs[1]["stdout"]
    assert "source 青山县" in out and "pattern hanweb" in out and "pattern json_api" in out


def test_a_stated_date_beats_an_undated_old_copy(runs):
    lx = _lx(runs[1]["reports"], 2020)
    assert len(lx) == 2 and lx["report_id"].nunique() == 2
    current = lx[lx["is_current"]]
    assert list(current["page_url"].str.rsplit("/", n=1).str[1]) == ["art_1234_9.html"]
    old = lx[~lx["is_current"]].iloc[0]
    assert old["published_on"] is None or str(old["published_on"]) in ("NaT", "None")


def test_revalidation_finds_the_pdf_replaced_at_the_same_url(runs):
    before, after = _lx(runs[1]["reports"], 2021), _lx(runs[2]["reports"], 2021)
    assert len(before) == 1 and len(after) == 2  # the earlier version stays
    assert after["document_url"].nunique() == 1
    new = after[after["is_current"]].iloc[0]
    assert new["sha256"] != before.iloc[0]["sha256"] and new["report_id"] not in set(before["report_id"])
    # the unchanged documents were asked for conditionally: 304s, not downloaded again
    log2 = runs[2]["log"].iloc[len(runs[1]["log"]):]
    edu = log2[log2["url"].str.endswith("art_1234_2.html")]
    assert list(edu["status"]) == [304]


def test_a_list_that_stops_yielding_is_crawl_empty_and_earlier_reports_stay(runs):
    assert runs[1]["issues"].empty
    issues = runs[2]["issues"]
    assert len(issues) == 1
    (row,) = issues.to_dict("records")
    assert row["severity"] == "warning" and row["report_id"] is None and row["agency_id"] is None
    assert "松岭县" in row["detail"] and "/col/list.html" in row["detail"]
    r2 = runs[2]["reports"]
    assert (r2["county"] == "松岭县").sum() == 4  # still there
    assert "warning crawl_empty: 松岭县" in runs[2]["stdout"]
    log = runs[2]["log"]
    assert log.loc[(log["county"] == "松岭县") & log["note"].notna(), "note"].str.startswith("crawl_empty:").any()


def test_a_county_taken_out_of_the_sources_keeps_its_history(runs):
    r3 = runs[3]["reports"]
    assert (r3["county"] == "松岭县").sum() == 4
    assert runs[3]["issues"].empty  # no longer a source: nothing to warn about


def test_crawl_empty_is_in_the_reviewers_report(runs):
    md = runs["report_md"]
    section = md.split("## 网站采集问题", 1)[1].split("##", 1)[0]
    assert "`crawl_empty`" in section and "/col/list.html" in section
