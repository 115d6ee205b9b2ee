"""A source's conditional requests use the validators kept in its own state file, not the shared
request log read back: the log grows with every night of every source (3,000 sources, a year:
tens of millions of lines), and each source's crawl read all of it. A state an earlier version
wrote (no validators) has them read back from the log once, and keeps only its own."""

from __future__ import annotations

import json

from pipelines.crawl import crawl_source
from tests.crawl.conftest import detail_page, list_page, make_source

TABLE = "<table><tr><td>本年新收政府信息公开申请数量</td><td>3</td></tr></table>"


def _portal(portal) -> None:
    portal.add("/col/", list_page([("/col/1.html", "孝义市人民政府2023年政府信息公开工作年度报告",
                                    "2024-01-20")]))
    portal.add("/col/1.html", detail_page("孝义市人民政府2023年政府信息公开工作年度报告", TABLE))


def _state(tmp_path) -> tuple:
    (path,) = (tmp_path / "crawl" / "state").glob("*.json")
    return path, json.loads(path.read_text(encoding="utf-8"))


def _if_none_match(portal, path: str) -> list:
    return [h.get("If-None-Match") for p, h in portal.requests if p == path]


def test_the_second_night_asks_with_the_states_validators_and_never_reads_the_log(portal, tmp_path):
    _portal(portal)
    source = make_source(portal.url("/col/"))
    crawl_source(source, tmp_path)
    _, state = _state(tmp_path)
    assert portal.url("/col/") in state["validators"]
    etag = state["validators"][portal.url("/col/")]["etag"]
    assert etag
    # Another source's lines, and a line that would mislead this one if the log were read back.
    log = tmp_path / "crawl" / "log.jsonl"
    with log.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"url": portal.url("/col/"), "status": 200, "sha256": "f" * 64,
                             "etag": '"from-the-log"', "method": "GET"}) + "\n")
        fh.write("not json: a line cut by a crash\n")
    portal.requests.clear()
    again = crawl_source(source, tmp_path)
    assert again.failures == []
    assert _if_none_match(portal, "/col/") == [etag]  # the state's, not the log's last line
    assert any(r["status"] == 304 for r in again.log)


def test_an_earlier_versions_state_reads_the_log_back_once_and_keeps_its_own(portal, tmp_path):
    _portal(portal)
    source = make_source(portal.url("/col/"))
    crawl_source(source, tmp_path)
    path, state = _state(tmp_path)
    etag = state["validators"][portal.url("/col/")]["etag"]
    del state["validators"]  # as an earlier version wrote it
    path.write_text(json.dumps(state), encoding="utf-8")
    other = "http://elsewhere.example/col/"  # another source's URL in the shared log
    with (tmp_path / "crawl" / "log.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"url": other, "status": 200, "sha256": "e" * 64, "etag": '"x"',
                             "method": "GET"}) + "\n")
    portal.requests.clear()
    crawl_source(source, tmp_path)
    assert _if_none_match(portal, "/col/") == [etag]  # read back from the log
    _, state = _state(tmp_path)
    assert portal.url("/col/") in state["validators"] and other not in state["validators"]


def test_a_crawl_after_one_killed_mid_line_starts_its_rows_on_a_line_of_their_own(portal, tmp_path):
    """A crawl killed while writing a row leaves its last line without a newline: the next
    crawl's first row would join it into one line that is neither (and the row would be
    lost). The torn line stays alone; every row of the next crawl is whole."""
    _portal(portal)
    source = make_source(portal.url("/col/"))
    crawl_source(source, tmp_path)
    log = tmp_path / "crawl" / "log.jsonl"
    before = log.read_text(encoding="utf-8").splitlines()
    with log.open("a", encoding="utf-8") as fh:
        fh.write('{"url": "' + portal.url("/col/1.html") + '", "sta')  # killed here
    again = crawl_source(source, tmp_path)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[len(before)] == '{"url": "' + portal.url("/col/1.html") + '", "sta'
    assert [json.loads(line) for line in lines[len(before) + 1:]] == again.log
    assert again.log and log.read_text(encoding="utf-8").endswith("\n")
