"""A county-year whose report cannot be made (its data meets a bug) is that county-year's
failure, not the night's: its folder says so and why, every other county-year is made all the
same, and the next write_all makes it again. An error of the disk or the lake stops at once.
The helper process: a task it cannot be sent, or whose result it cannot send back, is made
here; a task's own error in it comes back as that error."""

from __future__ import annotations

import re
import shutil
import threading

import pandas as pd
import pytest
from upath import UPath

from pipelines.report import STAMP, raw_reader, render, write_all
from pipelines.report.helper import Helper, HelperTaskError


@pytest.fixture()
def setup(sample_warehouse, tmp_path):
    src = sample_warehouse["data_dir"]
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(sample_warehouse["warehouse"], warehouse)
    findings = pd.read_parquet(src / "lake" / "assets" / "quality_issues.parquet")
    return warehouse, findings, raw_reader(UPath(src / "lake")), tmp_path


def _page(path) -> str:
    return re.sub(r"生成于 [0-9: -]+", "", path.read_text(encoding="utf-8"))


def _fails_in(monkeypatch, year: int, error: Exception) -> None:
    """render.html_page raises `error` for `year`'s county-year only."""
    html_page = render.html_page

    def page(cy, *args, **kwargs):
        if cy.year == year:
            raise error
        return html_page(cy, *args, **kwargs)

    monkeypatch.setattr(render, "html_page", page)


def test_a_county_year_that_cannot_be_made_says_why_and_the_others_are_made(setup, monkeypatch):
    warehouse, findings, docs, tmp = setup
    expected = write_all(warehouse, tmp / "expected", findings, docs, helper="process")
    years = [d["year"] for d in expected]
    assert len(years) >= 3
    bad = years[1]  # county-years before and after it
    out = tmp / "reports"
    shutil.copytree(tmp / "expected", out)  # an earlier night's reports
    _fails_in(monkeypatch, bad, ValueError("a value the page cannot show"))
    done = write_all(warehouse, out, findings, docs, helper="process", reuse=False)

    assert [d["year"] for d in done] == years  # every county-year, in order
    failed = [d for d in done if d.get("failed")]
    assert [d["year"] for d in failed] == [bad]
    assert failed[0]["failed"] == "ValueError: a value the page cannot show"
    folder = out / failed[0]["county"] / str(bad)
    page, md = _page(folder / "index.html"), _page(folder / "report.md")
    for text in (page, md):
        assert "未能生成" in text and "ValueError: a value the page cannot show" in text
    assert "各机构汇总" not in page  # not the earlier night's report
    # Nothing of the earlier report (or of this one's) is left to be taken for this night's.
    assert not (folder / "report.xlsx").exists() and not (folder / STAMP).exists()
    assert not [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".png", ".svg")]
    # The others are made as they are without the fault.
    for d, e in zip(done, expected):
        if d["year"] == bad:
            continue
        assert d["errors"] == e["errors"] and d["evidence_images"] == e["evidence_images"]
        mine, theirs = out / d["county"] / str(d["year"]), tmp / "expected" / e["county"] / str(e["year"])
        assert _page(mine / "index.html") == _page(theirs / "index.html")
        assert _page(mine / "report.md") == _page(theirs / "report.md")
        assert (mine / "report.xlsx").is_file() and (mine / STAMP).is_file()

    # The fault mended: the next write_all makes that county-year, and keeps the others.
    monkeypatch.undo()
    again = write_all(warehouse, out, findings, docs, helper="process")
    assert {d["year"]: d["reused"] for d in again} == {y: y != bad for y in years}
    assert not any(d.get("failed") for d in again)
    theirs = tmp / "expected" / failed[0]["county"] / str(bad)
    assert _page(folder / "index.html") == _page(theirs / "index.html")
    assert (folder / "report.xlsx").is_file() and (folder / STAMP).is_file()


def test_an_error_of_the_disk_stops_write_all(setup, monkeypatch):
    """Not one county-year's: every one after would meet it too."""
    warehouse, findings, docs, tmp = setup
    years = [d["year"] for d in write_all(warehouse, tmp / "first", findings, docs)]
    _fails_in(monkeypatch, years[0], OSError(28, "No space left on device"))
    with pytest.raises(OSError, match="No space left"):
        write_all(warehouse, tmp / "reports", findings, docs, reuse=False)


def test_the_helper_process_makes_here_what_it_cannot_be_sent_or_send_back():
    hands = Helper("process")
    try:
        # An argument that does not pickle: never sent, made here.
        assert hands.submit(len, [threading.Lock()]).result() == 1
        # A result that does not pickle: made there, not sent back; made here.
        made = hands.submit(eval, "lambda: 42").result()
        assert made() == 42
        # The task's own error, from there: the same error, not made again here (where
        # int() would raise ValueError itself).
        with pytest.raises(HelperTaskError, match=r"^ValueError: invalid literal"):
            hands.submit(int, "x").result()
        assert hands.submit(eval, "6 * 7").result() == 42  # and it goes on
    finally:
        hands.close()


def test_a_threads_task_error_is_its_own_and_the_task_is_not_made_again():
    calls = []

    def fails():
        calls.append(1)
        raise ValueError("its own")

    hands = Helper("thread")
    try:
        with pytest.raises(ValueError, match="its own"):
            hands.submit(fails).result()
        assert calls == [1]
    finally:
        hands.close()
