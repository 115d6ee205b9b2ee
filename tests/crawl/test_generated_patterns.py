"""The generated benchmark portal in each content system (make_portal --pattern), served by the
benchmark's server: every report document found with its agency and year, nothing else; the
second crawl reads only the lists."""

import csv
from urllib.parse import unquote

import pytest

from pipelines.core.sources import Source
from pipelines.crawl import crawl_source
from tests.benchmarks.crawl_bench import CountingServer
from tests.benchmarks.make_portal import list_api_for, make_portal, start_path


@pytest.mark.parametrize("pattern", ["plain", "hanweb", "json"])
def test_generated_portal_of_each_pattern(tmp_path, pattern):
    counts = make_portal(tmp_path / "site", n_reports=40, seed=3, per_page=5, pattern=pattern)
    server = CountingServer(tmp_path / "site" / "portal")
    try:
        base = f"http://127.0.0.1:{server.port}/"
        options = {"min_interval_seconds": 0}
        if pattern == "json":
            options["list_api"] = list_api_for(base, per_page=5)
        source = Source(county="松岭县", start_urls=(base + start_path(pattern),), options=options)
        first = crawl_source(source, tmp_path / "data")
        assert first.failures == [] and first.pattern == {"plain": "trs+plain"}.get(pattern, pattern.replace("json", "json_api"))
        assert first.list_pages == counts["list_pages"]
        with (tmp_path / "site" / "manifest.csv").open(encoding="utf-8") as fh:
            manifest = {m["document"]: m for m in csv.DictReader(fh)}
        found = {unquote(d.document_url.removeprefix(base)): d for d in first.documents}
        assert set(found) == set(manifest)
        for doc, m in manifest.items():
            assert found[doc].year_hint == int(m["report_year"]), doc
            assert found[doc].media_type == m["media_type"], doc
        assert len(first.skipped_items) == counts["noise"]
        server.take()
        second = crawl_source(source, tmp_path / "data")
        statuses, sent = server.take()
        assert second.fetched == 0 and {r["stage"] for r in second.log} <= {"list", "robots"}
        if pattern != "hanweb":  # GET lists are conditional; the Hanweb proxy is POST
            assert sent == 0 and set(statuses) <= {304, 404}
    finally:
        server.stop()
