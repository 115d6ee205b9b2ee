"""crawl_source end to end against local portals: discovery, faults, incremental re-runs."""

import json

import pytest

from pipelines.crawl import CrawlResult, crawl_source
from tests.conftest import free_port
from tests.crawl.conftest import PDF, REPORT_TABLE, Portal, Static, detail_page, list_page, make_source
from tests.crawl.test_crawl_fetch import reset_connection


def report(agency: str, year: int = 2021) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


def by_title(result: CrawlResult) -> dict:
    docs: dict[str, list] = {}
    for d in result.documents:
        docs.setdefault(d.title, []).append(d)
    return docs


def failure_for(result: CrawlResult, fragment: str):
    found = [f for f in result.failures if fragment in f.url]
    assert found, f"no failure for {fragment}: {result.failures}"
    return found[0]


# -- discovery over a paginated column -------------------------------------------------------

def build_paginated_portal(portal: Portal) -> None:
    noise = [("/art/yd.html", "孝义市2021年政府信息公开工作要点", "2021-03-01"),
             ("/art/zn.html", "孝义市政府信息公开指南", "2020-05-01"),
             ("/art/fz.html", "孝义市2020年法治政府建设年度报告", "2021-02-01")]
    portal.add("/nb/index.html", list_page(
        [("/art/a.html", report("柱濮镇人民政府", 2020), "2021-01-20"),
         ("/art/b.html", report("孝义市教育局"), "2022-01-15")] + noise,
        pager='<a href="index_1.html">下一页</a><a href="index_1.html">2</a><a href="index_2.html">尾页</a>'))
    # page 2: GBK without any declaration, its pager by page numbers only
    page2 = list_page([("/art/c.html", "2022年政府信息公开工作年度报告（兑镇镇）", "2023-01-10")],
                      pager='<a href="index.html">1</a><a href="index_2.html">3</a>')
    portal.add("/nb/index_2.html".replace("_2", "_1"), page2.replace('<meta charset="utf-8">', "").encode("gbk"),
               "text/html")
    portal.add("/nb/index_2.html", list_page([("/files/d.pdf", report("孝义市财政局"), "2022-01-05")],
                                             pager='<a href="index_1.html">上一页</a>'))
    # a: inline report, GBK with a lying header; b: PDF in an iframe; c: pdf.js viewer + inline
    portal.add("/art/a.html", detail_page(report("柱濮镇人民政府", 2020), REPORT_TABLE, "gb2312").encode("gbk"),
               "text/html; charset=utf-8")
    portal.add("/art/b.html", detail_page(report("孝义市教育局"), '<iframe src="/files/b.pdf"></iframe>'))
    portal.add("/art/c.html", detail_page("兑镇镇", REPORT_TABLE + '<a href="/web/viewer.html?file=%2Ffiles%2Fc.pdf">查看</a>'))
    for name in ("b", "c", "d"):
        portal.add(f"/files/{name}.pdf", PDF + name.encode(), "application/pdf")


def test_discovery_over_paginated_list(portal, tmp_path):
    build_paginated_portal(portal)
    result = crawl_source(make_source(portal.url("/nb/index.html")), tmp_path)
    assert result.failures == []
    assert result.list_pages == 3
    docs = by_title(result)
    assert set(docs) == {report("柱濮镇人民政府", 2020), report("孝义市教育局"),
                         "2022年政府信息公开工作年度报告（兑镇镇）", report("孝义市财政局")}
    (a,) = docs[report("柱濮镇人民政府", 2020)]
    assert a.inline and a.media_type == "html" and a.note is None  # GBK table was read
    assert (a.agency_hint, a.year_hint, a.published_on) == ("柱濮镇人民政府", 2020, "2021-01-20")
    assert a.document_url == a.page_url == portal.url("/art/a.html") and a.list_url == portal.url("/nb/index.html")
    assert (tmp_path / "lake" / a.raw_path).is_file()
    (b,) = docs[report("孝义市教育局")]
    assert (b.media_type, b.inline, b.document_url) == ("pdf", False, portal.url("/files/b.pdf"))
    c = docs["2022年政府信息公开工作年度报告（兑镇镇）"]
    assert sorted(d.inline for d in c) == [False, True]  # both inline and the viewer's PDF
    assert {d.agency_hint for d in c} == {"兑镇镇"} and c[0].list_url == portal.url("/nb/index_1.html")
    (d,) = docs[report("孝义市财政局")]  # linked straight from the list
    assert (d.media_type, d.page_url) == ("pdf", portal.url("/nb/index_2.html"))
    assert set(result.skipped_items) == {"孝义市2021年政府信息公开工作要点", "孝义市政府信息公开指南",
                                         "孝义市2020年法治政府建设年度报告"}
    assert all(portal.hits[p] == 1 for p in ("/nb/index.html", "/nb/index_1.html", "/nb/index_2.html"))
    logged = [json.loads(line) for line in (tmp_path / "crawl" / "log.jsonl").read_text().splitlines()]
    assert logged == result.log and {"url", "status", "etag", "last_modified", "sha256", "fetched_at",
                                     "error", "bytes", "elapsed_ms"} <= set(logged[0])


def test_second_run_is_conditional_and_fetches_no_document(portal, tmp_path):
    build_paginated_portal(portal)
    source = make_source(portal.url("/nb/index.html"))
    first = crawl_source(source, tmp_path)
    hits_after_first = dict(portal.hits)
    second = crawl_source(source, tmp_path)
    assert second.failures == []
    list_rows = [r for r in second.log if r["stage"] == "list"]
    assert len(list_rows) == 3 and all(r["status"] == 304 for r in list_rows)
    assert {r["stage"] for r in second.log} <= {"list", "robots"}  # no detail page, no document
    for path, count in hits_after_first.items():
        if not path.startswith(("/nb/", "/robots")):
            assert portal.hits[path] == count, path
    conditional = [h for p, h in portal.requests[len(first.log):] if p.startswith("/nb/")]
    assert conditional and all("If-None-Match" in h for h in conditional)
    key = lambda d: (d.title, d.document_url, d.sha256, d.published_on)  # noqa: E731
    assert sorted(map(key, second.documents)) == sorted(map(key, first.documents))
    assert all(d.reused for d in second.documents)


def test_changed_list_entry_is_fetched_again(portal, tmp_path):
    build_paginated_portal(portal)
    source = make_source(portal.url("/nb/index.html"))
    crawl_source(source, tmp_path)
    page = list_page([("/art/a.html", report("柱濮镇人民政府", 2020), "2021-02-02")],  # republished
                     pager='<a href="index_1.html">下一页</a>')
    portal.add("/nb/index.html", page)
    second = crawl_source(source, tmp_path)
    assert portal.hits["/art/a.html"] == 2 and portal.hits["/art/b.html"] == 1
    (a,) = by_title(second)[report("柱濮镇人民政府", 2020)]
    assert a.published_on == "2021-02-02" and not a.reused


def test_script_only_pager(portal, tmp_path):
    script = '<script>createPageHTML(3, 0, "index", "html");</script>'
    portal.add("/trs/index.html", list_page([("/art/1.html", report("阳泉曲镇"), "2022-01-01")], extra=script))
    portal.add("/trs/index_1.html", list_page([("/art/2.html", report("下堡镇"), "2022-01-02")],
                                              extra=script.replace("0,", "1,")))
    portal.add("/trs/index_2.html", list_page([("/art/3.html", report("西辛庄镇"), "2022-01-03")],
                                              extra=script.replace("0,", "2,")))
    for i in (1, 2, 3):
        portal.add(f"/art/{i}.html", detail_page(str(i), REPORT_TABLE))
    result = crawl_source(make_source(portal.url("/trs/index.html")), tmp_path)
    assert result.list_pages == 3 and result.failures == []
    assert {d.agency_hint for d in result.documents} == {"阳泉曲镇", "下堡镇", "西辛庄镇"}
    assert portal.hits["/trs/index.html"] == 1  # generated again by every page, fetched once


def test_list_page_cap(portal, tmp_path):
    portal.add("/p/index.html", list_page([], extra='<script>var countPage = 50;</script>'))
    for i in range(1, 50):
        portal.add(f"/p/index_{i}.html", list_page([], extra='<script>var countPage = 50;</script>'))
    result = crawl_source(make_source(portal.url("/p/index.html"), max_list_pages=4), tmp_path)
    assert result.list_pages == 4
    assert [f.error for f in result.failures] == ["max_list_pages (4) reached; further list pages not fetched"]


# -- a portal full of faults: other reports must still come through --------------------------

@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    portal = Portal()
    data_dir = tmp_path_factory.mktemp("faulty")
    entries = {
        "inline": "/art/inline.html", "pdf": "/art/pdf.html", "gone": "/art/gone.html",
        "flaky": "/art/flaky.html", "hang": "/art/hang.html", "reset": "/art/reset.html",
        "loop": "/art/loop.html", "errpdf": "/art/errpdf.html", "big": "/art/big.html",
        "short": "/art/short.html", "offsite": "/art/offsite.html", "private": "/private/r.html",
        "mixed": "/art/mixed.html",
    }
    titles = {k: report(f"{k}局") for k in entries}
    portal.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    portal.add("/nb/index.html", list_page([(p, titles[k], "2022-01-10") for k, p in entries.items()],
                                           pager='<a href="index_1.html">下一页</a>'))
    # page 2 is badly broken HTML but still holds a report; page 3 is always a 500
    portal.add("/nb/index_1.html", '<html><body><div><ul><li><a href="/art/broken-ok.html">'
               + report("残缺页局") + '</a> 2022-01-11<li><a href="index_2.html">下一页</td></span>')
    portal.add("/nb/index_2.html", "error", status=500)
    portal.add("/art/inline.html", detail_page(titles["inline"], REPORT_TABLE))
    portal.add("/art/broken-ok.html", detail_page("x", REPORT_TABLE))
    portal.add("/art/pdf.html", detail_page("x", '<a href="/files/ok.pdf">附件</a>'))
    portal.add("/files/ok.pdf", PDF, "application/pdf")

    def flaky(h):
        if portal.hits["/art/flaky.html"] == 1:
            h.send_response(500)
            h.end_headers()
        else:
            portal._serve(h, Static(detail_page("x", REPORT_TABLE).encode()))
    portal.routes["/art/flaky.html"] = flaky
    portal.routes["/art/hang.html"] = lambda h: portal.release.wait(5)
    portal.routes["/art/reset.html"] = reset_connection
    portal.add("/art/loop.html", b"", status=302, headers={"Location": "/art/loop2.html"}, etag=False)
    portal.add("/art/loop2.html", b"", status=302, headers={"Location": "/art/loop.html"}, etag=False)
    portal.add("/art/errpdf.html", detail_page("x", '<a href="/files/missing.pdf">下载</a>'))
    portal.add("/files/missing.pdf", "<html><body>对不起，页面不存在</body></html>")
    portal.add("/art/big.html", detail_page("x", '<a href="/files/big.pdf">附件</a>'))
    portal.add("/files/big.pdf", PDF + b"0" * 30000, "application/pdf")
    portal.add("/art/short.html", detail_page("x", '<a href="/files/short.pdf">附件</a>'))

    def short(h):
        h.send_response(200)
        h.send_header("Content-Length", "5000")
        h.end_headers()
        h.wfile.write(PDF + b"x" * (1000 - len(PDF)))
    portal.routes["/files/short.pdf"] = short
    portal.add("/art/offsite.html", detail_page("x", '<a href="/files/moved.pdf">附件</a>'))
    portal.add("/files/moved.pdf", b"", status=302, etag=False,
               headers={"Location": f"http://localhost:{portal.port}/files/ok.pdf"})
    portal.add("/private/r.html", detail_page("x", REPORT_TABLE))
    portal.add("/art/mixed.html", detail_page("x", '<a href="/files/ok2.pdf">一</a><a href="/files/gone.pdf">二</a>'))
    portal.add("/files/ok2.pdf", PDF + b"2", "application/pdf")

    source = make_source(portal.url("/nb/index.html"), read_timeout_seconds=0.3, max_download_mb=0.01)
    first = crawl_source(source, data_dir)
    hits_first = dict(portal.hits)
    second = crawl_source(source, data_dir)
    yield {"portal": portal, "first": first, "second": second, "hits_first": hits_first, "titles": titles}
    portal.stop()


@pytest.mark.parametrize("fragment,stage,error", [
    ("/art/gone.html", "detail", "HTTP 404"),
    ("/art/hang.html", "detail", "timed out after 0.3s (read) (after 2 attempts)"),
    ("/art/reset.html", "detail", "connection reset"),
    ("/art/loop", "detail", "redirect loop"),
    ("/files/big.pdf", "attachment", "size cap 0.01 MB exceeded"),
    ("/files/short.pdf", "attachment", "body shorter than Content-Length (1000 < 5000)"),
    ("/files/moved.pdf", "attachment", "redirect to host localhost:"),
    ("/private/r.html", "detail", "disallowed by robots.txt"),
    ("/files/gone.pdf", "attachment", "HTTP 404"),
    ("/nb/index_2.html", "list", "HTTP 500 (after 2 attempts)"),
])
def test_each_fault_is_a_failure_with_a_clear_error(faulty, fragment, stage, error):
    failure = failure_for(faulty["first"], fragment)
    assert failure.stage == stage and failure.error.startswith(error)
    if stage != "list":
        assert failure.title and failure.year_hint == 2021 and failure.published_on == "2022-01-10"
    assert any(r["error"] and fragment in r["url"] for r in faulty["first"].log) or "robots" in error


def test_good_reports_still_come_through(faulty):
    docs = by_title(faulty["first"])
    t = faulty["titles"]
    assert docs[t["inline"]][0].inline
    assert docs[t["pdf"]][0].media_type == "pdf"
    assert docs[t["flaky"]][0].inline  # 500 then 200
    assert [d.document_url.rsplit("/", 1)[1] for d in docs[t["mixed"]]] == ["ok2.pdf"]
    assert report("残缺页局") in docs  # from the malformed list page
    assert faulty["portal"].hits["/private/r.html"] == 0


def test_html_error_page_served_as_pdf_is_a_failure_with_the_reason(faulty):
    assert faulty["titles"]["errpdf"] not in by_title(faulty["first"])  # not a report document
    failure = failure_for(faulty["first"], "/files/missing.pdf")
    assert failure.stage == "attachment"
    assert failure.error == "expected pdf (by extension), got html (probably an error page)"
    assert failure.title == faulty["titles"]["errpdf"] and failure.year_hint == 2021
    row = [r for r in faulty["first"].log if r["url"].endswith("/files/missing.pdf")][-1]
    assert row["status"] == 200 and row["note"] == failure.error


def test_html_page_under_a_document_name_that_holds_the_report_is_kept(portal, tmp_path):
    portal.add("/nb/index.html", list_page([("/art/x.html", report("兑镇镇"), "2022-01-01")]))
    portal.add("/art/x.html", detail_page("x", '<a href="/files/r.pdf">附件</a>'))
    portal.add("/files/r.pdf", detail_page("x", REPORT_TABLE))  # HTML, but the report itself
    result = crawl_source(make_source(portal.url("/nb/index.html")), tmp_path)
    (doc,) = result.documents
    assert doc.media_type == "html" and doc.note.startswith("expected pdf") and result.failures == []


def test_second_run_retries_failures_only(faulty):
    hits, portal = faulty["hits_first"], faulty["portal"]
    for path in ("/art/inline.html", "/art/pdf.html", "/files/ok.pdf", "/art/flaky.html", "/art/broken-ok.html"):
        assert portal.hits[path] == hits[path], path  # complete before: not fetched again
    # mixed.html lost one of its two attachments: the page is retried, the good one conditionally
    (ok2,) = [r for r in faulty["second"].log if r["url"].endswith("/files/ok2.pdf")]
    assert ok2["status"] == 304
    for path in ("/art/gone.html", "/art/hang.html", "/files/missing.pdf", "/files/gone.pdf", "/nb/index_2.html"):
        assert portal.hits[path] > hits[path], path  # failed (or suspicious) before: retried
    first, second = faulty["first"], faulty["second"]
    assert {f.url for f in second.failures} == {f.url for f in first.failures}
    assert len(second.documents) == len(first.documents)


def test_portal_entirely_down(tmp_path):
    port = free_port()  # nothing listens there
    result = crawl_source(make_source(f"http://127.0.0.1:{port}/nb/index.html"), tmp_path)
    assert result.documents == [] and result.list_pages == 0
    (failure,) = result.failures
    assert failure.stage == "list" and failure.error.startswith("connection failed:")
    assert all(r["status"] is None and r["error"] for r in result.log)


def test_detail_redirect_to_another_host(portal, tmp_path):
    portal.add("/nb/index.html", list_page([("/art/x.html", report("兑镇镇"), None)]))
    portal.add("/art/x.html", b"", status=301, etag=False,
               headers={"Location": f"http://localhost:{portal.port}/art/x.html"})
    result = crawl_source(make_source(portal.url("/nb/index.html")), tmp_path)
    (failure,) = result.failures
    assert failure.stage == "detail" and failure.error == f"redirect to host localhost:{portal.port} not allowed"


def test_file_portal(tmp_path):
    root = tmp_path / "portal"
    (root / "art").mkdir(parents=True)
    (root / "index.html").write_text(list_page([("art/1.html", report("兑镇镇"), "2022-01-01")]), encoding="utf-8")
    (root / "art" / "1.html").write_text(detail_page("x", '<a href="r.pdf">附件</a>'), encoding="utf-8")
    (root / "art" / "r.pdf").write_bytes(PDF)
    result = crawl_source(make_source((root / "index.html").as_uri()), tmp_path / "data")
    (doc,) = result.documents
    assert doc.media_type == "pdf" and doc.document_url == (root / "art" / "r.pdf").as_uri()
    assert result.failures == []
