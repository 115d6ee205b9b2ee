"""The crawl step says what it did in two messages at most, whatever the number of counties."""

from __future__ import annotations

from pipelines.crawl.outcome import crawl_message, empty_message


def _summary(i: int) -> dict:
    return {"county": f"县{i}", "list_pages": 2, "documents": 10 + i, "fetched": i % 2,
            "failures": 1 if i == 0 else 0, "seconds": 0.5}


def test_one_message_with_the_totals_and_the_first_counties():
    n = 23
    msg = crawl_message([_summary(i) for i in range(n)], [f"{i:016x}" for i in range(n)],
                        ["trs"] * (n - 1) + [""], at_most=20)
    lines = msg.split("\n")
    assert lines[0] == (f"23 counties: 46 list pages, {sum(10 + i for i in range(n))} documents "
                        "(11 fetched), 1 failures")
    assert lines[1] == ("县0: pattern trs, 2 list pages, 10 documents (0 fetched), 1 failures "
                        "in 0.5 s, digest 000000000000")
    assert len(lines) == 1 + 20 + 1
    assert lines[-1] == "… and 3 more counties (every one: the sources metadata)"
    one = crawl_message([_summary(22)], ["ab" * 8], [""]).split("\n")
    assert len(one) == 2 and one[1].startswith("县22: pattern ?,")


def test_empty_sources_in_one_warning_or_none():
    assert empty_message([]) is None
    empty = [{"county": f"县{i}", "start_url": f"http://x/{i}/", "empty_reason": "no entries"}
             for i in range(3)]
    lines = empty_message(empty, at_most=2).split("\n")
    assert lines == ["3 source(s) whose lists yielded no report (earlier reports kept)",
                     "crawl_empty: 县0 (http://x/0/): no entries",
                     "crawl_empty: 县1 (http://x/1/): no entries",
                     "… and 1 more (every one: the empty metadata)"]


def test_exactly_so_many_counties_are_all_named_and_nothing_counted():
    lines = crawl_message([_summary(i) for i in range(20)], ["0" * 16] * 20, ["trs"] * 20,
                          at_most=20).split("\n")
    assert len(lines) == 1 + 20 and lines[-1].startswith("县19: ")
