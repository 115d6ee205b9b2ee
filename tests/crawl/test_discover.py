"""`gongkai discover` on each kind of portal: plain/TRS, Hanweb, a JSON API, and a column with
nothing to find."""

import subprocess
import sys

from pipelines.crawl.discover import discover, render
from tests.conftest import REPO
from tests.crawl.conftest import FAST, list_page
from tests.crawl.portals import build_hanweb_portal, build_json_portal, json_list_api
from tests.crawl.test_crawl_portal import build_paginated_portal


def test_discover_plain_portal_lists_entries_noise_and_a_source_block(portal):
    build_paginated_portal(portal)
    found = discover(portal.url("/nb/index.html"), "孝义市", options=FAST)
    assert found.pattern == "plain" and len(found.list_pages) == 3 and found.reason is None
    assert {(e.agency, e.year, e.date) for e in found.entries} >= {("柱濮镇人民政府", 2020, "2021-01-20"),
                                                                  ("孝义市财政局", 2021, "2022-01-05")}
    assert len(found.entries) == 4 and len(found.skipped) == 3
    assert found.details_opened == 3  # only the first few detail pages; no document downloaded
    assert not any(p.startswith("/files/") for p in portal.hits)
    text = render(found)
    assert "pattern:    plain" in text and "孝义市2021年政府信息公开工作要点" in text
    assert '[[source]]\ncounty = "孝义市"\nstart_urls = ["' + portal.url("/nb/index.html") + '"]' in text


def test_discover_hanweb(portal):
    want = build_hanweb_portal(portal)
    found = discover(portal.url("/col/col1234/index.html"), options=FAST)
    assert found.pattern == "hanweb" and len(found.entries) == len(want) + 1  # + the error-page one
    assert len(found.list_pages) == 3  # the column page and two POSTs to the proxy
    assert found.county_guess() == "青山县"  # from 青山县人民政府's titles
    assert found.attachment_types  # the first detail pages were looked at
    assert not any("downfile" in p for p in portal.hits)


def test_discover_json_api_needs_list_api_and_then_finds_it(portal):
    want = build_json_portal(portal)
    bare = discover(portal.url("/col/list.html"), options=FAST)
    assert bare.entries == [] and "declare it with list_api" in bare.reason
    found = discover(portal.url("/col/list.html"), "青山县", options=FAST, list_api=json_list_api(portal))
    assert found.pattern == "json_api" and {e.title for e in found.entries} == set(want)
    assert "list_api = { url = " in found.source_block()


def test_cli_discover_exit_codes(portal, tmp_path):
    build_hanweb_portal(portal)
    portal.add("/empty/index.html", list_page([("/art/x.html", "关于开展安全生产检查的通知", "2022-01-01")]))

    def run(*args):
        return subprocess.run([sys.executable, "-m", "pipelines.cli", "discover", *args,
                               "--min-interval-seconds", "0"], capture_output=True, text=True, cwd=REPO)
    ok = run(portal.url("/col/col1234/index.html"), "--county", "青山县")
    assert ok.returncode == 0, ok.stderr
    assert "pattern:    hanweb" in ok.stdout and 'county = "青山县"' in ok.stdout
    # the printed block is a valid sources file
    block = ok.stdout.split("# a sources entry for this column (gongkai sources check FILE to verify):\n")[1]
    (tmp_path / "s.toml").write_text(block, encoding="utf-8")
    check = subprocess.run([sys.executable, "-m", "pipelines.cli", "sources", "check", str(tmp_path / "s.toml")],
                           capture_output=True, text=True, cwd=REPO)
    assert check.returncode == 0, check.stderr
    empty = run(portal.url("/empty/index.html"))
    assert empty.returncode == 1
    assert "no reports found: 1 list page(s) read (plain) but no title is an annual disclosure report" in empty.stderr
