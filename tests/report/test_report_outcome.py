"""The county_reports step says what it did in one message and one table, bounded: a night
of tens of thousands of county-years must not write as many events to Dagster's event log."""

from __future__ import annotations

from pipelines.report.outcome import REMEDY, failure_description, index_table, log_message


def _done(n_made: int, n_kept: int) -> list[dict]:
    out = []
    for i in range(n_made + n_kept):
        out.append({"county": f"县{i // 6}", "year": 2019 + i % 6, "agencies": 3, "errors": i,
                    "warnings": 1, "html": f"/r/县{i // 6}/{2019 + i % 6}/index.html",
                    "reused": i >= n_made})
    return out


def test_the_message_counts_every_county_year_and_names_only_those_made_again():
    lines = log_message(_done(3, 4), "/r").split("\n")
    assert lines[0] == "7 county-years under /r: 3 made, 4 kept (inputs unchanged)"
    assert lines[1:] == [f"report 县0 {2019 + i}: {i} errors, 1 warnings → /r/县0/{2019 + i}/index.html"
                         for i in range(3)]


def test_the_message_names_at_most_so_many():
    lines = log_message(_done(25, 0), "/r", at_most=20).split("\n")
    assert len(lines) == 1 + 20 + 1 and lines[-1] == "… and 5 more"
    assert lines[0] == "25 county-years under /r: 25 made, 0 kept (inputs unchanged)"


def test_the_table_lists_what_was_made_again_bounded_and_counts_the_kept():
    assert index_table([]) == "no county has current reports"
    assert index_table(_done(0, 12)) == "all 12 county-years kept (inputs unchanged)"
    rows = index_table(_done(25, 7), at_most=20).split("\n")
    assert rows[0].startswith("| county | year |") and len(rows) == 2 + 20 + 2
    assert rows[2] == "| 县0 | 2019 | 3 | 0 | 1 | /r/县0/2019/index.html |"
    assert rows[-2] == "| … and 5 more | | | | | |"
    assert rows[-1] == "| 7 kept (inputs unchanged) | | | | | |"
    assert len(index_table(_done(3, 0)).split("\n")) == 2 + 3  # nothing kept: no such row


def test_exactly_so_many_are_all_named_and_nothing_counted():
    lines = log_message(_done(20, 0), "/r", at_most=20).split("\n")
    assert len(lines) == 1 + 20 and not lines[-1].startswith("…")
    rows = index_table(_done(20, 0), at_most=20).split("\n")
    assert len(rows) == 2 + 20 and not rows[-1].startswith("| …")


def _with_failed(done: list[dict], *at: int) -> list[dict]:
    for i in at:
        done[i] = done[i] | {"failed": f"ValueError: bad {i}", "reused": False, "agencies": 0,
                             "errors": 0, "warnings": 0}
    return done


def test_a_county_year_that_could_not_be_made_comes_first_with_its_error():
    done = _with_failed(_done(3, 4), 1, 5)
    lines = log_message(done, "/r").split("\n")
    assert lines[0] == ("7 county-years under /r: 2 made, 3 kept (inputs unchanged), "
                        "2 could not be made")
    assert lines[1:3] == ["report 县0 2020 could not be made: ValueError: bad 1",
                          "report 县0 2024 could not be made: ValueError: bad 5"]
    assert [line.split(":")[0] for line in lines[3:]] == ["report 县0 2019", "report 县0 2021"]
    rows = index_table(done).split("\n")
    assert rows[2] == "| 县0 | 2020 | | | | could not be made: ValueError: bad 1 |"
    assert rows[-1] == "| 3 kept (inputs unchanged) | | | | | |"
    assert failure_description(done) == (
        "2 of 7 county-years' reports could not be made (the others were made or kept):\n"
        "report 县0 2020 could not be made: ValueError: bad 1\n"
        "report 县0 2024 could not be made: ValueError: bad 5\n" + REMEDY)


def test_no_failure_when_every_one_was_made_or_kept():
    assert failure_description(_done(3, 4)) is None
    assert failure_description(_with_failed(_done(0, 2), 1)).startswith("1 of 2 ")
    assert index_table(_with_failed(_done(0, 2), 1)).split("\n")[-1] == \
        "| 1 kept (inputs unchanged) | | | | | |"
