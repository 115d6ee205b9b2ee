"""Crawl: portal list pages → the report index → documents in the raw store."""

import time

from dagster import (AssetExecutionContext, AssetSpec, BackfillPolicy, MaterializeResult,
                     MetadataValue, multi_asset)

from pipelines.stages import steps
from pipelines.orchestration.partitions import county_partitions
from pipelines.orchestration.resources import GongkaiSettings


@multi_asset(
    specs=[
        AssetSpec("report_index", group_name="crawl", kinds={"python"}, owners=["team:gongkai"],
                  description="Annual-report entries found on each source's list pages "
                              "(title, agency, year, detail page), noise items skipped."),
        AssetSpec("raw_documents", group_name="crawl", kinds={"python"}, deps=["report_index"],
                  owners=["team:gongkai"],
                  description="Report documents (inline HTML pages and PDF/DOC/DOCX attachments) "
                              "in the content-addressed raw store raw/<sha256[:2]>/<sha256>."),
    ],
    # By county, every county of a run in one step (a step costs seconds, a county less).
    partitions_def=county_partitions,
    backfill_policy=BackfillPolicy.single_run(),
)
def crawl(context: AssetExecutionContext, gongkai: GongkaiSettings):
    t0 = time.perf_counter()
    summary = steps.crawl(gongkai.settings(), list(context.partition_keys))
    seconds = round(time.perf_counter() - t0, 2)
    for s in summary["sources"]:
        context.log.info(f"{s['county']}: pattern {s['pattern']}, {s['list_pages']} list pages, "
                         f"{s['documents']} documents, {s['failures']} failures in {s['seconds']} s")
        if s["entries"] == 0:
            context.log.warning(f"crawl_empty: {s['county']} ({s['start_url']}): {s['empty_reason']}")
    yield MaterializeResult(asset_key="report_index", metadata={
        "sources": MetadataValue.json(summary["sources"]),
        "list_page_failures": len(summary["list_failures"]),
        "seconds": seconds,
    })
    yield MaterializeResult(asset_key="raw_documents", metadata={
        "documents": summary["documents"],
        "fetch_failures": len(summary["failures"]) - len(summary["list_failures"]),
        "failures": MetadataValue.md(_failures_md(summary["failures"])),
        "seconds": seconds,
    })


def _failures_md(failures: list[dict]) -> str:
    if not failures:
        return "none"
    rows = [f"| {f['stage']} | {f.get('title') or ''} | {f['url']} | {f['error']} |"
            for f in failures[:50]]
    return "| stage | title | url | error |\n|---|---|---|---|\n" + "\n".join(rows)
