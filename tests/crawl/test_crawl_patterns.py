"""Other content systems: Hanweb (大汉) columns with their POST data proxy, JSON list APIs, and
which pattern a source's crawl used."""

import json
from urllib.parse import parse_qs, urlsplit

from pipelines.crawl import crawl_source
from pipelines.crawl.hanweb import parse_column
from tests.crawl.conftest import REPORT_TABLE, list_page, make_source
from tests.crawl.portals import (HANWEB_FORM, build_hanweb_portal, build_json_portal,
                                 json_list_api)


def _docs(result):
    return {d.title: d for d in result.documents}


def test_hanweb_column_with_only_county_and_start_urls(portal, tmp_path):
    want = build_hanweb_portal(portal)
    result = crawl_source(make_source(portal.url("/col/col1234/index.html")), tmp_path)
    assert result.pattern == "hanweb"
    docs = _docs(result)
    assert set(docs) == set(want)  # the records of the page and of every proxy group
    for title, w in want.items():
        d = docs[title]
        assert (d.document_url, d.media_type, d.published_on) == (w["document_url"], w["media_type"],
                                                                  w["published_on"]), title
    assert docs["县教育局2022年度政府信息公开工作年度报告"].agency_hint == "县教育局"
    assert result.skipped_items == ["县2023年政务公开工作要点"]
    # the proxy was asked by POST with the paging in the query and the column's fields as a form
    posts = [(urlsplit(p).query, parse_qs(b.decode())) for p, b in portal.posts]
    assert len(posts) == 2 and result.list_pages == 3  # 3 records on the page, 5 more in groups of 3
    q = parse_qs(posts[0][0])
    assert (q["startrecord"], q["endrecord"], q["perpage"]) == (["4"], ["6"], ["2"])
    assert {k: v[0] for k, v in posts[0][1].items()} == HANWEB_FORM
    assert parse_qs(posts[1][0])["startrecord"] == ["7"]
    # downfile.jsp: no extension in the URL; Content-Disposition names a PDF, an HTML error page
    # under that name is a failure with the reason, not a report
    (failure,) = result.failures
    assert failure.stage == "attachment" and "downfile.jsp" in failure.url
    assert failure.error == "expected pdf (by Content-Disposition), got html (probably an error page)"
    assert failure.title == "石门镇人民政府2020年政府信息公开工作年度报告" and failure.year_hint == 2020
    assert {r["pattern"] for r in result.log} == {"hanweb"}
    assert [r.get("method") for r in result.log if "dataproxy" in r["url"]] == ["POST"] * 2


def test_hanweb_second_run_finds_the_same_and_fetches_no_document(portal, tmp_path):
    build_hanweb_portal(portal)
    source = make_source(portal.url("/col/col1234/index.html"))
    first = crawl_source(source, tmp_path)
    second = crawl_source(source, tmp_path)
    assert {d.sha256 for d in second.documents} == {d.sha256 for d in first.documents}
    assert second.fetched == 0
    # only the report whose attachment was an error page is asked for again
    assert {r["url"].rsplit("/", 1)[1] for r in second.log if r["stage"] == "detail"} == {"art_1234_108.html"}


def test_hanweb_proxy_without_form_fields_yields_nothing_more(portal):
    """The fields come from the nextgroup link and the page's script, not from a guess."""
    build_hanweb_portal(portal)
    import httpx
    html = httpx.get(portal.url("/col/col1234/index.html")).text
    column = parse_column(html, portal.url("/col/col1234/index.html"))
    assert column.records == 3 and column.per_page == 2 and column.total == 8
    assert column.proxy_url == portal.url("/module/web/jpage/dataproxy.jsp")
    assert column.form == HANWEB_FORM
    assert parse_column(list_page([]), "http://x/") is None


def test_json_list_api_get(portal, tmp_path):
    want = build_json_portal(portal)
    source = make_source(portal.url("/col/list.html"), list_api=json_list_api(portal))
    result = crawl_source(source, tmp_path)
    assert result.pattern == "json_api" and result.failures == []
    docs = _docs(result)
    assert set(docs) == set(want)
    assert docs["白沙镇人民政府2022年政府信息公开工作年度报告"].published_on == "2023-01-05"  # epoch ms
    assert docs["县水利局2022年政府信息公开工作年度报告"].published_on == "2023-01-09"
    assert result.skipped_items == ["关于做好2022年度政府信息公开工作年度报告编制发布工作的通知"]
    api_hits = sorted(p for p in portal.hits if p.startswith("/api/"))
    assert [parse_qs(urlsplit(p).query)["pageNo"] for p in api_hits] == [["1"], ["2"], ["3"]]
    assert result.list_pages == 3  # 5 records, 2 a page: stops at the total, no empty 4th page


def test_json_list_api_post_json_stops_on_an_empty_page(portal, tmp_path):
    want = build_json_portal(portal, method="POST")
    api = json_list_api(portal, method="POST")
    del api["total"]
    result = crawl_source(make_source(portal.url("/col/list.html"), list_api=api), tmp_path)
    assert set(_docs(result)) == set(want) and result.failures == []
    bodies = [json.loads(b) for _, b in portal.posts]
    assert [b["pageNo"] for b in bodies] == ["1", "2", "3", "4"] and bodies[3]["columnId"] == 77


def test_json_list_api_nested_form_and_a_bad_answer(portal, tmp_path):
    want = build_json_portal(portal)
    api = json_list_api(portal)
    for k in ("title", "link", "date"):
        del api[k]
    api["items"] = {"path": "data.list", "title": "title", "url": "url", "date": "publishTime"}
    result = crawl_source(make_source(portal.url("/col/list.html"), list_api=api), tmp_path / "a")
    assert set(_docs(result)) == set(want)
    # items naming something that is not a list: a list failure saying so, and crawl_empty
    api["items"] = {"path": "data", "title": "title", "url": "url"}
    result = crawl_source(make_source(portal.url("/col/list.html"), list_api=api), tmp_path / "b")
    (failure,) = result.failures
    assert failure.stage == "list" and "is dict, not a list" in failure.error
    assert result.entries == 0 and result.empty_reason.startswith("no list page could be read")


def test_pattern_of_plain_and_trs_columns(portal, tmp_path):
    portal.add("/p/index.html", list_page([("/art/1.html", "兑镇镇2021年政府信息公开工作年度报告", "2022-01-01")]))
    portal.add("/art/1.html", "<html><body>" + REPORT_TABLE + "</body></html>")
    assert crawl_source(make_source(portal.url("/p/index.html")), tmp_path / "a").pattern == "plain"
    portal.add("/t/index.html", list_page([("/art/1.html", "兑镇镇2021年政府信息公开工作年度报告", "2022-01-01")],
                                          extra='<script>createPageHTML(2, 0, "index", "html");</script>'))
    portal.add("/t/index_1.html", list_page([], extra='<script>createPageHTML(2, 1, "index", "html");</script>'))
    assert crawl_source(make_source(portal.url("/t/index.html")), tmp_path / "b").pattern == "trs"


def test_list_without_reports_is_crawl_empty(portal, tmp_path):
    portal.add("/p/index.html", list_page([("/art/1.html", "关于开展安全生产检查的通知", "2022-01-01")]))
    result = crawl_source(make_source(portal.url("/p/index.html")), tmp_path)
    assert result.entries == 0 and result.documents == [] and result.failures == []
    assert result.empty_reason == ("1 list page(s) read (plain) but no entry is an annual report "
                                   "(1 other item(s) skipped)")
    (row,) = [r for r in result.log if r["stage"] == "list"]
    assert row["note"] == "crawl_empty: " + result.empty_reason
