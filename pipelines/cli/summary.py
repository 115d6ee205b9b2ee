"""What a run prints when it is done: read back from the published warehouse, read-only."""

from __future__ import annotations

import duckdb

from pipelines.core.registry import FACT_TABLES
from pipelines.core.settings import Settings


def _print_sources(settings: Settings) -> None:
    """Per source: the list pattern its crawl used, what it found, and crawl_empty (the crawl's
    crawl_sources output, as the lake holds it)."""
    from pipelines.stages.steps import crawl_sources

    for s in crawl_sources(settings).to_dict("records"):
        line = (f"  source {s['county']} ({s['start_url']}): pattern {s['pattern']}, "
                f"{s['list_pages']} list pages, {s['entries']} report entries, "
                f"{s['documents']} documents, {s['failures']} failures")
        if s.get("revalidated"):
            line += f", {s['revalidated']} revalidated ({s['replaced']} replaced)"
        print(line)
        if s["entries"] == 0:
            print(f"  warning crawl_empty: {s['county']}: {s['empty_reason']}; earlier reports kept")


def extraction_line(extraction: dict | None) -> str:
    """What this run extracted, on which executor and how many workers (the metadata of the
    run's extracted_documents materialisation)."""
    if not extraction:
        return "extraction: no record"
    ex = extraction
    return (f"extraction: {ex.get('extracted', 0)} documents extracted, {ex.get('cached', 0)} "
            f"cached, in {ex.get('seconds', 0)} s; executor {ex.get('executor', '?')}, "
            f"workers {ex.get('workers', 0)}")


def print_summary(settings: Settings, seconds: float, unchanged: bool = False,
                  extraction: dict | None = None, left_out: list[str] = ()) -> None:
    same = unchanged
    if same:
        print(f"\nnothing changed since the last published run ({seconds:.1f} s): "
              "the published warehouse was left as it was")
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        run = q("SELECT run_id, reports_seen, reports_new, reports_changed, reports_failed "
                "FROM runs ORDER BY started_at DESC LIMIT 1")[0]
        head = (f"last published run {run[0]}" if same else f"\nrun {run[0]} done in {seconds:.1f} s")
        print(f"{head}: {run[1]} reports seen, {run[2]} new, {run[3]} changed, "
              f"{run[4]} not readable")
        print(extraction_line(extraction))
        _print_sources(settings)
        for note in left_out:  # what the build left out of its sources
            print(f"  warning {note}")
        print("reports by status: " + ", ".join(
            f"{s} {n}" for s, n in q("SELECT status, count(*) FROM reports GROUP BY 1 ORDER BY 2 DESC")))
        for table in FACT_TABLES:
            n, v = q(f"SELECT count(*), count(value) FROM {table}")[0]
            print(f"  {table:<24} {n:>6} cells ({v} with a number)")
        n_unmapped = q("SELECT count(*) FROM unmapped_cells")[0][0]
        print(f"  unmapped_cells           {n_unmapped:>6}")
        applied, rejected = q("SELECT count(*) FILTER (WHERE status = 'applied'), "
                              "count(*) FILTER (WHERE status = 'rejected') FROM corrections")[0]
        if applied or rejected:
            print(f"corrections: {applied} applied, {rejected} rejected")
            for line, why in q("SELECT line, rejected_because FROM corrections "
                               "WHERE status = 'rejected' ORDER BY line"):
                print(f"  line {line}: {why}")
        print("quality findings: " + (", ".join(
            f"{c} {n} ({s})" for c, s, n in q("SELECT check_name, severity, count(*) FROM "
                                               "quality_issues GROUP BY 1, 2 ORDER BY 3 DESC"))
            or "none"))
        bad = q("SELECT coalesce(title, document_url), status, error FROM reports "
                "WHERE status NOT IN ('ok') AND last_seen = (SELECT max(last_seen) FROM reports) "
                "ORDER BY 1")
        for title, status, error in bad:
            print(f"  {status:<10} {title}: {error}")
        print(f"warehouse: {settings.warehouse}")
    finally:
        con.close()
