"""Discovery with only the required keys (bundled sample, generated portal), agency from the
page when the title lacks it, and the crawl digest that tells later stages nothing changed."""

import csv
from urllib.parse import unquote

import pytest

from pipelines.crawl import crawl_digest, crawl_source
from pipelines.core.sources import load_sources
from tests.conftest import REPO, SAMPLE
from tests.crawl.conftest import REPORT_TABLE, detail_page, list_page, make_source
from tests.crawl.test_crawl_portal import build_paginated_portal, report


def _found(result, base: str) -> set[tuple]:
    return {(unquote(d.document_url.removeprefix(base)), d.agency_hint, d.year_hint) for d in result.documents}


def test_bundled_sample_with_only_required_keys_finds_every_report_and_nothing_else(tmp_path):
    (source,) = load_sources(REPO / "data" / "sources.toml")
    assert source.options == {}  # county, prefecture, province, start_urls only
    result = crawl_source(source, tmp_path)
    base = (SAMPLE / "portal").as_uri() + "/"
    with (SAMPLE / "reports.csv").open(encoding="utf-8") as fh:
        want = {(r["document"], r["agency_name"], int(r["report_year"])) for r in csv.DictReader(fh)}
    assert result.failures == []
    assert _found(result, base) == want
    assert len(result.skipped_items) == 6  # the noise articles


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from tests.benchmarks.make_portal import make_portal

    out = tmp_path_factory.mktemp("generated")
    counts = make_portal(out, n_reports=60, seed=7)
    return out, counts


def test_generated_portal_every_report_found_with_agency_and_year(generated, tmp_path):
    out, counts = generated
    (source,) = load_sources(out / "sources.toml")
    result = crawl_source(source, tmp_path)
    assert result.failures == []
    assert result.list_pages == counts["list_pages"] > 1
    with (out / "manifest.csv").open(encoding="utf-8") as fh:
        manifest = list(csv.DictReader(fh))
    assert len(manifest) == counts["documents"]
    base = (out / "portal").as_uri() + "/"
    found = {doc: (agency, year) for doc, agency, year in _found(result, base)}
    assert set(found) == {m["document"] for m in manifest}  # every document, nothing else
    from pipelines.load.agencies import agency_id
    for m in manifest:  # the title's agency (long or short form) is the manifest's agency
        agency, year = found[m["document"]]
        assert year == int(m["report_year"]), m
        assert agency_id(agency, "松岭县") == agency_id(m["agency_name"], "松岭县"), (agency, m)
    assert len(result.skipped_items) == counts["noise"]


def test_title_without_agency_takes_it_from_the_page(portal, tmp_path):
    portal.add("/nb/index.html", list_page([
        ("/art/h.html", "2021年政府信息公开工作年度报告", "2022-01-10"),
        ("/art/s.html", "2021年度政府信息公开工作年度报告", "2022-01-11"),
        ("/art/n.html", "2021年政府信息公开工作年度报告 ", "2022-01-12"),
    ]))
    # the article heading names it; or only the publisher line does; or nothing does
    portal.add("/art/h.html", detail_page("柱濮镇人民政府2021年政府信息公开工作年度报告", REPORT_TABLE))
    portal.add("/art/s.html", '<html><head><meta name="ContentSource" content="孝义市教育局"></head><body>'
               f"<h1>2021年度政府信息公开工作年度报告</h1>{REPORT_TABLE}</body></html>")
    portal.add("/art/n.html", "<html><body><h1>2021年政府信息公开工作年度报告</h1><span>来源：本网</span>"
               f"{REPORT_TABLE}</body></html>")
    result = crawl_source(make_source(portal.url("/nb/index.html")), tmp_path)
    hints = {d.document_url.rsplit("/", 1)[1]: (d.agency_hint, d.year_hint) for d in result.documents}
    assert hints == {"h.html": ("柱濮镇人民政府", 2021), "s.html": ("孝义市教育局", 2021), "n.html": (None, 2021)}


def test_digest_is_stable_when_nothing_changed_and_moves_when_something_did(portal, tmp_path):
    build_paginated_portal(portal)
    source = make_source(portal.url("/nb/index.html"))
    first = crawl_source(source, tmp_path)
    assert first.changed_since_last_crawl and first.previous_digest is None
    assert first.fetched == len(first.documents) > 0
    second = crawl_source(source, tmp_path)
    assert second.fetched == 0 and second.digest == first.digest
    assert not second.changed_since_last_crawl
    assert crawl_digest([second]) == crawl_digest([first])
    # a new entry on the first list page
    page = list_page([("/art/new.html", report("下堡镇"), "2022-02-01"),
                      ("/art/a.html", report("柱濮镇人民政府", 2020), "2021-01-20"),
                      ("/art/b.html", report("孝义市教育局"), "2022-01-15")],
                     pager='<a href="index_1.html">下一页</a>')
    portal.add("/nb/index.html", page)
    portal.add("/art/new.html", detail_page("x", REPORT_TABLE))
    third = crawl_source(source, tmp_path)
    assert third.changed_since_last_crawl and third.fetched == 1
    assert third.previous_digest == second.digest != third.digest
