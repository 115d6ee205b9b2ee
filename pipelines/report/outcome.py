"""What a `write_all` did, said briefly: the log lines and the table the `county_reports` step
shows, bounded whatever the number of county-years.

A night of thousands of counties makes tens of thousands of county-years, nearly all kept.
A line each would be as many events in Dagster's event log (a SQLite write each, ~15 ms) and
a log nobody reads; so the step says it in one message, naming the county-years it made again
(the night's news), up to AT_MOST of them, and counting the rest. A county-year whose report
could not be made comes first, with its error.
"""

from __future__ import annotations

from pipelines.core.bounded import first

AT_MOST = 20  # county-years named one by one in the log
TABLE_AT_MOST = 200  # and in the table (one event either way: its size is what is bounded)


def _made(done: list[dict]) -> list[dict]:
    return [d for d in done if not d.get("reused") and not d.get("failed")]


def _failed(done: list[dict]) -> list[dict]:
    return [d for d in done if d.get("failed")]


def log_message(done: list[dict], folder: str, at_most: int = AT_MOST) -> str:
    """One message (one event): how many county-years were made and kept (and could not be
    made), then a line per county-year that could not be made and per county-year made again
    (the first `at_most` of all these)."""
    made, failed = _made(done), _failed(done)
    lines = [f"{len(done)} county-years under {folder}: {len(made)} made, "
             f"{len(done) - len(made) - len(failed)} kept (inputs unchanged)"
             + (f", {len(failed)} could not be made" if failed else "")]
    lines += first([failure_line(d) for d in failed]
                   + [f"report {d['county']} {d['year']}: {d['errors']} errors, "
                      f"{d['warnings']} warnings → {d['html']}" for d in made], at_most)
    return "\n".join(lines)


def failure_line(d: dict) -> str:
    return f"report {d['county']} {d['year']} could not be made: {d['failed']}"


def failure_description(done: list[dict], at_most: int = AT_MOST) -> str | None:
    """The step's failure when a county-year's report could not be made (the others were
    made all the same): which, and why. None when every one was made or kept."""
    failed = _failed(done)
    if not failed:
        return None
    return "\n".join([f"{len(failed)} of {len(done)} county-years' reports could not be made "
                      f"(the others were made or kept):"]
                     + first([failure_line(d) for d in failed], at_most) + [REMEDY])


# A no-change night does not run the report step: what makes a failed county-year again.
REMEDY = ("Each is made again by the next run that publishes the warehouse, by materialising "
          "county_reports alone (it reads the last quality_issues), or by `gongkai report "
          "--county <county> --year <year>`.")


def index_table(done: list[dict], at_most: int = TABLE_AT_MOST) -> str:
    """The county-years that could not be made and those made again, as a Markdown table (the
    first `at_most`, and a line for the rest); the kept ones are counted, not listed."""
    made, failed = _made(done), _failed(done)
    if not done:
        return "no county has current reports"
    if not made and not failed:
        return f"all {len(done)} county-years kept (inputs unchanged)"
    rows = ["| county | year | agencies | errors | warnings | html |",
            "|---|---:|---:|---:|---:|---|"]
    rows += first([f"| {d['county']} | {d['year']} | | | | could not be made: "
                   f"{d['failed'].replace('|', '/')} |" for d in failed]
                  + [f"| {d['county']} | {d['year']} | {d['agencies']} | {d['errors']} | "
                     f"{d['warnings']} | {d['html']} |" for d in made], at_most,
                  "| … and {n} more | | | | | |")
    kept = len(done) - len(made) - len(failed)
    if kept:
        rows.append(f"| {kept} kept (inputs unchanged) | | | | | |")
    return "\n".join(rows)
