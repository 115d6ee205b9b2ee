"""Two sources of one county (its government's portal and a second column, say) are crawled
into that county's one partition: the documents of both, the failures of both, and a data
version that changes when either source changes. A later source never replaces an earlier
one's documents."""

from __future__ import annotations

from pipelines.core.settings import Settings
from pipelines.stages.steps import crawl
from tests.crawl.conftest import Static, detail_page, list_page

TABLE = ("<table><tr><td>本年新收政府信息公开申请数量</td><td>{n}</td></tr>"
         "<tr><td>行政复议</td><td>0</td></tr></table>")


def _sources(tmp_path, portal) -> Settings:
    toml = tmp_path / "sources.toml"
    toml.write_text("".join(
        f'[[source]]\ncounty = "孝义市"\nprefecture = "吕梁市"\nprovince = "山西省"\n'
        f'start_urls = ["{portal.url(path)}"]\nmin_interval_seconds = 0\n\n'
        for path in ("/a/", "/b/")), encoding="utf-8")
    return Settings(sources_file=toml, data_dir=tmp_path / "data",
                    warehouse=tmp_path / "data" / "warehouse.duckdb")


def _report(portal, path: str, agency: str, n: int) -> None:
    portal.add(path, detail_page(f"{agency}2023年政府信息公开工作年度报告", TABLE.format(n=n)))


def test_both_sources_documents_and_one_version_of_both(tmp_path, portal):
    portal.add("/a/", list_page([("/a/1.html", "孝义市人民政府2023年政府信息公开工作年度报告", "2024-01-20")]))
    portal.add("/b/", list_page([("/b/1.html", "孝义市教育局2023年政府信息公开工作年度报告", "2024-01-21"),
                                 ("/b/gone.html", "孝义市民政局2023年政府信息公开工作年度报告", "2024-01-22")]))
    _report(portal, "/a/1.html", "孝义市人民政府", 3)
    _report(portal, "/b/1.html", "孝义市教育局", 4)  # /b/gone.html answers 404
    settings = _sources(tmp_path, portal)

    first = crawl(settings)
    assert list(first) == ["孝义市"]
    county = first["孝义市"]
    urls = set(county.documents["document_url"])
    assert {portal.url("/a/1.html"), portal.url("/b/1.html"), portal.url("/b/gone.html")} <= urls
    assert county.summary["documents"] == 2 and county.summary["failures"] >= 1
    assert [f["url"] for f in county.failures] == [portal.url("/b/gone.html")] * len(county.failures)
    assert list(county.sources["start_url"]) == [portal.url("/a/"), portal.url("/b/")]

    # Nothing changed: the same version. Then a new report on the first source only: a new one.
    assert crawl(settings)["孝义市"].digest == county.digest
    portal.add("/a/", list_page([("/a/1.html", "孝义市人民政府2023年政府信息公开工作年度报告", "2024-01-20"),
                                 ("/a/2.html", "孝义市财政局2023年政府信息公开工作年度报告", "2024-01-25")]))
    _report(portal, "/a/2.html", "孝义市财政局", 5)
    again = crawl(settings)["孝义市"]
    assert again.digest != county.digest
    assert set(again.documents["document_url"]) == urls | {portal.url("/a/2.html")}


def test_a_document_both_list_is_kept_once_fetched(tmp_path, portal):
    # Both sources list the same document; it fails when the first source asks (404 on its
    # first request) and answers the second: the county keeps it once, as fetched.
    title = "孝义市人民政府2023年政府信息公开工作年度报告"
    portal.add("/a/", list_page([("/shared.html", title, "2024-01-20")]))
    portal.add("/b/", list_page([("/shared.html", title, "2024-01-20"),
                                 ("/b/1.html", "孝义市教育局2023年政府信息公开工作年度报告", "2024-01-21")]))
    _report(portal, "/b/1.html", "孝义市教育局", 4)
    _report(portal, "/shared.html", "孝义市人民政府", 3)
    page = portal.routes["/shared.html"]

    def first_time_missing(handler):
        portal._serve(handler, page if portal.hits["/shared.html"] > 1 else
                      Static(b"<html>404</html>", status=404))

    portal.routes["/shared.html"] = first_time_missing
    county = crawl(_sources(tmp_path, portal))["孝义市"]
    docs = county.documents
    assert sorted(docs["document_url"]) == sorted([portal.url("/shared.html"), portal.url("/b/1.html")])
    assert docs["crawl_error"].isna().all() and docs["sha256"].notna().all()
    assert county.summary["documents"] == 2
    assert [f["url"] for f in county.failures] == [portal.url("/shared.html")]  # still reported
