"""What a `write_all` did, said briefly: the log lines and the table the `county_reports` step
shows, bounded whatever the number of county-years.

A night of thousands of counties makes tens of thousands of county-years, nearly all kept.
A line each would be as many events in Dagster's event log (a SQLite write each, ~15 ms) and
a log nobody reads; so the step says it in one message, naming the county-years it made again
(the night's news), up to AT_MOST of them, and counting the rest.
"""

from __future__ import annotations

from pipelines.core.bounded import first

AT_MOST = 20  # county-years named one by one in the log
TABLE_AT_MOST = 200  # and in the table (one event either way: its size is what is bounded)


def log_message(done: list[dict], folder: str, at_most: int = AT_MOST) -> str:
    """One message (one event): how many county-years were made and kept, then a line per
    county-year made again (the first `at_most`)."""
    made = [d for d in done if not d.get("reused")]
    lines = [f"{len(done)} county-years under {folder}: {len(made)} made, "
             f"{len(done) - len(made)} kept (inputs unchanged)"]
    lines += first([f"report {d['county']} {d['year']}: {d['errors']} errors, "
                    f"{d['warnings']} warnings → {d['html']}" for d in made], at_most)
    return "\n".join(lines)


def index_table(done: list[dict], at_most: int = TABLE_AT_MOST) -> str:
    """The county-years made again as a Markdown table (the first `at_most`, and a line for
    the rest); the kept ones are counted, not listed."""
    made = [d for d in done if not d.get("reused")]
    if not done:
        return "no county has current reports"
    if not made:
        return f"all {len(done)} county-years kept (inputs unchanged)"
    rows = ["| county | year | agencies | errors | warnings | html |",
            "|---|---:|---:|---:|---:|---|"]
    rows += first([f"| {d['county']} | {d['year']} | {d['agencies']} | {d['errors']} | "
                   f"{d['warnings']} | {d['html']} |" for d in made], at_most,
                  "| … and {n} more | | | | | |")
    kept = len(done) - len(made)
    if kept:
        rows.append(f"| {kept} kept (inputs unchanged) | | | | | |")
    return "\n".join(rows)
