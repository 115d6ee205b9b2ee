"""Crawl: portal list pages → the report index → documents in the raw store."""


import time

from dagster import (AssetExecutionContext, AssetKey, AssetOut, BackfillPolicy, DataVersion,
                     MetadataValue, Output, PartitionsDefinition, multi_asset)

from pipelines.crawl.models import crawl_digest
from pipelines.crawl.outcome import crawl_message, empty_message
from pipelines.orchestration.resources import GongkaiSettings, RunLock
from pipelines.stages import steps


def per_partition(keys: list[str], values: dict):
    """What a step over `keys` hands the IO manager: the value, or {partition: value}."""
    return values[keys[0]] if len(keys) == 1 else {k: values[k] for k in keys}


def build(partitions: PartitionsDefinition):
    @multi_asset(
        outs={
            "report_index": AssetOut(
                group_name="crawl", kinds={"python"}, owners=["team:gongkai"],
                description="Annual-report entries found on each source's list pages (title, "
                            "agency, year, detail page, document or why it could not be "
                            "fetched), noise items skipped. Data version: the crawl's digest."),
            "raw_documents": AssetOut(
                group_name="crawl", kinds={"python"}, owners=["team:gongkai"],
                description="Report documents (inline HTML pages and PDF/DOC/DOCX attachments) "
                            "in the lake's content-addressed raw store raw/<sha256[:2]>/<sha256>, "
                            "one row each, with fetch failures. Data version: the crawl's digest, "
                            "unchanged on a night the portals did not change."),
            "crawl_sources": AssetOut(
                group_name="crawl", kinds={"pandas"}, owners=["team:gongkai"],
                description="Per source of the county: its start URL, the list pattern read "
                            "(plain/trs/hanweb/json_api), report entries found, documents "
                            "revalidated and replaced, and why a list yielded nothing "
                            "(crawl_empty). Read by the build fingerprint, the checks and the "
                            "run summary."),
        },
        internal_asset_deps={"report_index": set(), "raw_documents": {AssetKey("report_index")},
                             "crawl_sources": set()},
        # By county, every county of a run in one step (a step costs seconds, a county less).
        partitions_def=partitions,
        backfill_policy=BackfillPolicy.single_run(),
    )
    def crawl(context: AssetExecutionContext, gongkai: GongkaiSettings, run_lock: RunLock):
        t0 = time.perf_counter()
        keys = list(context.partition_keys)
        out = steps.crawl(gongkai.settings(), keys)
        seconds = round(time.perf_counter() - t0, 2)
        crawls = list(out.values())
        context.log.info(crawl_message(
            [c.summary for c in crawls], [c.digest for c in crawls],
            [", ".join(dict.fromkeys(str(p) for p in c.sources["pattern"])) for c in crawls]))
        empty = empty_message([src for c in crawls for src in c.sources.to_dict("records")
                               if src["entries"] == 0])
        if empty:
            context.log.warning(empty)
        # One step over several counties records one version for all of them: their digest.
        version = DataVersion(crawl_digest([r for c in out.values() for r in c.results])[:16])
        failures = [f for c in out.values() for f in c.failures]
        list_failures = [f for f in failures if f["stage"] == "list"]
        yield Output(per_partition(keys, {k: c.entries for k, c in out.items()}), "report_index",
                     data_version=version, metadata={
                         "sources": MetadataValue.json(
                             [{**c.summary, "patterns": list(c.sources["pattern"])}
                              for c in out.values()]),
                         "dagster/row_count": sum(len(c.documents) for c in out.values()),
                         "list_page_failures": len(list_failures), "seconds": seconds})
        yield Output(per_partition(keys, {k: c.documents for k, c in out.items()}),
                     "raw_documents", data_version=version, metadata={
                         "documents": sum(c.summary["documents"] for c in out.values()),
                         "fetched": sum(c.summary["fetched"] for c in out.values()),
                         "fetch_failures": len(failures) - len(list_failures),
                         "failures": MetadataValue.md(_failures_md(failures)),
                         "seconds": seconds})
        sources = [c.sources for c in out.values()]
        yield Output(per_partition(keys, {k: c.sources for k, c in out.items()}),
                     "crawl_sources", data_version=version, metadata={
                         "dagster/row_count": sum(len(f) for f in sources),
                         "empty": MetadataValue.json(
                             [{"county": r["county"], "start_url": r["start_url"],
                               "pattern": r["pattern"], "reason": r["empty_reason"]}
                              for f in sources for r in f.to_dict("records") if r["entries"] == 0]),
                         "seconds": seconds})

    return [crawl]


def _failures_md(failures: list[dict]) -> str:
    if not failures:
        return "none"
    rows = [f"| {f['stage']} | {f.get('title') or ''} | {f['url']} | {f['error']} |"
            for f in failures[:50]]
    return "| stage | title | url | error |\n|---|---|---|---|\n" + "\n".join(rows)
