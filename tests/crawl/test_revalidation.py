"""Known reports are asked for again (conditionally) every revalidate_days even when their
list entry did not change: a document silently replaced at the same URL is found."""

from datetime import datetime, timedelta, timezone

from pipelines.crawl import crawl_source
from tests.crawl.conftest import PDF, REPORT_TABLE, detail_page, list_page, make_source

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)


def _portal(portal):
    portal.add("/nb/index.html", list_page([
        ("/art/a.html", "柱濮镇人民政府2021年政府信息公开工作年度报告", "2022-01-20"),
        ("/art/b.html", "孝义市教育局2021年政府信息公开工作年度报告", "2022-01-21")]))
    portal.add("/art/a.html", detail_page("a", '<a href="/files/a.pdf">附件</a>'))
    portal.add("/art/b.html", detail_page("b", REPORT_TABLE))
    portal.add("/files/a.pdf", PDF + b"v1", "application/pdf")


def test_replaced_document_found_when_revalidation_is_due(portal, tmp_path):
    _portal(portal)
    source = make_source(portal.url("/nb/index.html"))
    first = crawl_source(source, tmp_path, now=T0)
    (a1,) = [d for d in first.documents if d.document_url.endswith("a.pdf")]
    portal.add("/files/a.pdf", PDF + b"v2", "application/pdf")  # replaced, list unchanged

    soon = crawl_source(source, tmp_path, now=T0 + timedelta(days=6))
    assert soon.revalidated == 0 and portal.hits["/files/a.pdf"] == 1  # not due yet: not asked
    assert [d.sha256 for d in soon.documents if d.document_url.endswith("a.pdf")] == [a1.sha256]

    due = crawl_source(source, tmp_path, now=T0 + timedelta(days=7))
    assert due.revalidated == 2 and due.replaced == [portal.url("/art/a.html")]
    (a2,) = [d for d in due.documents if d.document_url.endswith("a.pdf")]
    assert a2.sha256 != a1.sha256 and not a2.reused
    (b,) = [d for d in due.documents if d.document_url.endswith("b.html")]
    assert b.reused  # unchanged: a 304, kept as it was
    rows = {r["url"].rsplit("/", 1)[1]: r["status"] for r in due.log if r["stage"] not in ("list", "robots")}
    assert rows == {"a.html": 304, "b.html": 304, "a.pdf": 200}  # conditional requests

    # checked now: the next run within the period asks for nothing again
    after = crawl_source(source, tmp_path, now=T0 + timedelta(days=8))
    assert after.revalidated == 0 and {r["stage"] for r in after.log} <= {"list", "robots"}


def test_revalidate_days_option_and_a_failed_revalidation_keeps_the_documents(portal, tmp_path):
    _portal(portal)
    source = make_source(portal.url("/nb/index.html"), revalidate_days=1)
    first = crawl_source(source, tmp_path, now=T0)
    portal.add("/art/b.html", "gone", status=404)
    due = crawl_source(source, tmp_path, now=T0 + timedelta(days=1))
    assert due.revalidated == 1 and due.failures == []  # a.html revalidated, b.html's 404 …
    assert {d.sha256 for d in due.documents} == {d.sha256 for d in first.documents}  # … kept
