"""What a crawl step did, said in two messages at most, whatever the number of counties: one
(info) with the totals and a line for each of the first AT_MOST counties, one (a warning) for
the sources whose lists yielded no report (crawl_empty). Every county's figures are in the
step's metadata (`sources`, `empty`); a message per county would be an event per county in
Dagster's event log (a SQLite write each, ~15 ms): most of a minute a night at a few thousand.
"""

from __future__ import annotations

from pipelines.core.bounded import first

AT_MOST = 20  # counties (and empty sources) named one by one


def crawl_message(summaries: list[dict], digests: list[str], patterns: list[str],
                  at_most: int = AT_MOST) -> str:
    """`summaries`: each county's crawl summary (county, list_pages, documents, fetched,
    failures, seconds), with its digest and the list patterns its sources used."""
    total = {k: sum(s[k] for s in summaries) for k in ("list_pages", "documents", "fetched",
                                                       "failures")}
    head = (f"{len(summaries)} {'county' if len(summaries) == 1 else 'counties'}: "
            f"{total['list_pages']} list pages, {total['documents']} "
            f"documents ({total['fetched']} fetched), {total['failures']} failures")
    lines = [f"{s['county']}: pattern {p or '?'}, {s['list_pages']} list pages, "
             f"{s['documents']} documents ({s['fetched']} fetched), {s['failures']} failures "
             f"in {s['seconds']} s, digest {d[:12]}"
             for s, d, p in zip(summaries, digests, patterns)]
    return "\n".join([head, *first(lines, at_most,
                                   "… and {n} more counties (every one: the sources metadata)")])


def empty_message(empty: list[dict], at_most: int = AT_MOST) -> str | None:
    """`empty`: the sources whose lists yielded no report (county, start_url, empty_reason);
    None when there is none."""
    if not empty:
        return None
    lines = [f"crawl_empty: {e['county']} ({e['start_url']}): {e['empty_reason']}" for e in empty]
    head = f"{len(empty)} source(s) whose lists yielded no report (earlier reports kept)"
    return "\n".join([head, *first(lines, at_most,
                                   "… and {n} more (every one: the empty metadata)")])
