"""Crawl faults through the whole pipeline: `gongkai run` (a subprocess) against a portal on
127.0.0.1 where some reports fail in different ways; each failure must end as a clear status and
error on its report in the published warehouse, the others must be unaffected, and a second run
after the portal is fixed must pick up what failed (plus a report republished in between).

Run 1 faults: a detail page 404; a detail page 500 then 200 (retried within the run); a PDF
that hangs past the read timeout; an HTML error page served as a .pdf; a PDF over the size cap.
"""

from __future__ import annotations

import os
import subprocess

import duckdb
import pytest

from tests.conftest import SAMPLE, gongkai
from tests.crawl.conftest import Portal, Static, list_page

PORTAL = SAMPLE / "portal"
HTML_PAGES = {  # path on the test portal → sample detail page holding the report inline
    "/art/lx2020.html": "202102/t20210208_1004.html",
    "/art/cg2020.html": "202102/t20210203_1003.html",
    "/art/edu2021.html": "202201/t20220124_1008.html",
}
PDFS = {  # attachment path → sample PDF
    "/files/lx2021.pdf": "202201/P020220128_1009.pdf",
    "/files/cg2021.pdf": "202202/P020220215_1010.pdf",
    "/files/gov2022.pdf": "202303/P020230329_1019.pdf",
    "/files/cg2022.pdf": "202302/P020230221_1017.pdf",
}
ENTRIES = [  # (detail page, title, list date)
    ("/art/lx2020.html", "柳溪镇人民政府2020年政府信息公开工作年度报告", "2021-02-08"),
    ("/art/cg2020.html", "城关街道办事处2020年度政府信息公开工作年度报告", "2021-02-03"),
    ("/art/edu2021.html", "青山县教育局2021年度政府信息公开工作年度报告", "2022-01-24"),
    ("/art/lx2021.html", "柳溪镇人民政府2021年政府信息公开工作年度报告", "2022-01-28"),
    ("/art/cg2021.html", "城关街道办事处2021年度政府信息公开工作年度报告", "2022-02-15"),
    ("/art/gov2022.html", "青山县人民政府2022年政府信息公开工作年度报告", "2023-03-29"),
    ("/art/cg2022.html", "城关街道办事处2022年政府信息公开工作年度报告", "2023-02-21"),
    ("/art/guide.html", "青山县人民政府信息公开指南", "2021-01-06"),
]
REPUBLISHED = ("/art/lx2020-v2.html", "柳溪镇2020年政府信息公开工作年度报告（更正）", "2021-06-30")
ERROR_PAGE = "<html><head><title>404</title></head><body><h1>对不起，您访问的页面不存在</h1></body></html>"
TIMEOUT_S = 0.5


def _attachment_page(title: str, pdf: str) -> bytes:
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>'
            f'<div>发布时间：2022-01-01</div><p>详见附件。</p><a href="{pdf}">{title}.pdf</a></body></html>'
            ).encode("utf-8")


def build(portal: Portal, fixed: bool) -> None:
    entries = ENTRIES + ([REPUBLISHED] if fixed else [])
    portal.add("/nb/index.html", list_page(sorted(entries, key=lambda e: e[2], reverse=True)))
    portal.add("/art/guide.html", "<html><body><h1>信息公开指南</h1><p>指南正文</p></body></html>")
    for path, sample in HTML_PAGES.items():
        portal.add(path, (PORTAL / sample).read_bytes(), "text/html")
    for page, title, _ in ENTRIES:
        pdf = "/files/" + page.rsplit("/", 1)[1].replace(".html", ".pdf")
        if pdf in PDFS:
            portal.add(page, _attachment_page(title, pdf))
            portal.add(pdf, (PORTAL / PDFS[pdf]).read_bytes(), "application/pdf")
    if fixed:
        original = (PORTAL / HTML_PAGES["/art/lx2020.html"]).read_bytes()
        portal.add(REPUBLISHED[0], original.replace(
            b"<table", "<p>（更正说明：本报告第二部分数据有更正。）</p><table".encode("utf-8"), 1), "text/html")
        return
    # -- the faults of the first run ---------------------------------------------------------
    portal.add("/art/cg2020.html", ERROR_PAGE, status=404)

    def flaky(h):  # 500 on the first request, the page on the retry
        if portal.hits["/art/edu2021.html"] == 1:
            portal._serve(h, Static(b"<html><body>500 Internal Server Error</body></html>", status=500))
        else:
            portal._serve(h, Static((PORTAL / HTML_PAGES["/art/edu2021.html"]).read_bytes(), "text/html"))
    portal.routes["/art/edu2021.html"] = flaky
    portal.routes["/files/cg2021.pdf"] = lambda h: portal.release.wait(TIMEOUT_S * 6)  # hangs
    portal.add("/files/gov2022.pdf", ERROR_PAGE)  # 200, text/html, under a .pdf name
    portal.add("/files/cg2022.pdf", b"%PDF-1.4\n" + b"0" * 1_200_000, "application/pdf")  # > 1 MB cap


def _run(work, env) -> subprocess.CompletedProcess:
    return gongkai("run", "--sources", work / "sources.toml", "--data-dir", work / "data", env=env,
                   cwd=None, timeout=300)


def _reports(work) -> dict[str, dict]:
    con = duckdb.connect(str(work / "data" / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT r.*, a.agency_name FROM reports r LEFT JOIN agencies a USING (agency_id)").df()
        log = con.execute("SELECT url, status, error FROM crawl_log").df()
        per_key = con.execute("SELECT agency_id, report_year, count(*) FILTER (WHERE is_current) AS n "
                              "FROM reports WHERE agency_id IS NOT NULL GROUP BY 1, 2").df()
    finally:
        con.close()
    by_path = {r["document_url"].split(":", 2)[2].split("/", 1)[1]: r for r in rows.to_dict("records")}
    return {"by_path": {"/" + k: v for k, v in by_path.items()}, "log": log, "per_key": per_key}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    portal = Portal()
    work = tmp_path_factory.mktemp("faults_e2e")
    (work / "sources.toml").write_text(
        '[[source]]\ncounty = "青山县"\nprefecture = "云州市"\nprovince = "江南省"\n'
        f'start_urls = ["{portal.url("/nb/index.html")}"]\n'
        f"min_interval_seconds = 0\nmax_attempts = 2\nbackoff_seconds = 0.01\nbackoff_max_seconds = 0.02\n"
        f"connect_timeout_seconds = 2.0\nread_timeout_seconds = {TIMEOUT_S}\nmax_download_mb = 1.0\n",
        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DAGSTER_"))}
    try:
        build(portal, fixed=False)
        first = _run(work, env)
        assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-3000:]
        after_first = _reports(work)
        portal.release.set()  # let the hanging handler go
        build(portal, fixed=True)
        second = _run(work, env)
        assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-3000:]
        yield {"first": after_first, "second": _reports(work), "stdout": first.stdout}
    finally:
        portal.stop()


@pytest.mark.parametrize("path,error", [
    ("/art/cg2020.html", "detail: HTTP 404"),
    ("/files/cg2021.pdf", f"attachment: timed out after {TIMEOUT_S:g}s (read) (after 2 attempts)"),
    ("/files/gov2022.pdf", "attachment: expected pdf (by extension), got html (probably an error page)"),
    ("/files/cg2022.pdf", "attachment: size cap 1 MB exceeded"),
])
def test_each_fault_is_a_failed_report_with_its_error(runs, path, error):
    report = runs["first"]["by_path"][path]
    assert report["status"] == "failed"
    assert report["error"].startswith(error), report["error"]
    # still filed under its agency and year (from the list title), so a gap is visible
    assert report["agency_id"] is not None and report["report_year"] in (2020, 2021, 2022)
    assert report["title"] and report["sha256"] is None


def test_fault_is_in_the_crawl_log_too(runs):
    log = runs["first"]["log"]
    hang = log[log["url"].str.endswith("/files/cg2021.pdf")]
    assert len(hang) == 2 and hang["error"].str.startswith("timed out").all()
    gone = log[log["url"].str.endswith("/art/cg2020.html")]
    assert list(gone["status"]) == [404]  # a 404 is not retried


def test_500_then_200_is_retried_within_the_run(runs):
    assert runs["first"]["by_path"]["/art/edu2021.html"]["status"] == "ok"
    log = runs["first"]["log"]
    assert list(log[log["url"].str.endswith("/art/edu2021.html")]["status"]) == [500, 200]


def test_other_reports_are_unaffected(runs):
    by_path = runs["first"]["by_path"]
    for path in ("/art/lx2020.html", "/files/lx2021.pdf", "/art/edu2021.html"):
        assert by_path[path]["status"] == "ok", (path, by_path[path]["error"])
    assert len(by_path) == 7  # the seven reports; the guide is not one
    assert (runs["first"]["per_key"]["n"] == 1).all()
    assert "failed" in runs["stdout"] and "HTTP 404" in runs["stdout"]


def test_second_run_picks_up_what_failed(runs):
    by_path = runs["second"]["by_path"]
    for path in ("/art/cg2020.html", "/files/cg2021.pdf", "/files/gov2022.pdf", "/files/cg2022.pdf"):
        assert by_path[path]["status"] == "ok", (path, by_path[path]["error"])
        assert by_path[path]["sha256"]
    assert {r["status"] for r in by_path.values()} == {"ok"}  # the failure rows were replaced
    assert (runs["second"]["per_key"]["n"] == 1).all()


def test_republished_report_becomes_current_and_the_old_one_stays(runs):
    by_path = runs["second"]["by_path"]
    old, new = by_path["/art/lx2020.html"], by_path[REPUBLISHED[0]]
    assert new["report_id"] != old["report_id"] and new["agency_id"] == old["agency_id"]
    assert new["is_current"] and not old["is_current"]
    assert new["agency_name"] == "柳溪镇人民政府"  # the short title spelling is the same agency
