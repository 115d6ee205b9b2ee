"""Extract: every document → its tables and placed cells (one cached result per document)."""


import pandas as pd
from dagster import (AssetExecutionContext, AssetIn, BackfillPolicy, DataVersion, MetadataValue,
                     Output, PartitionsDefinition, asset)

from assets.crawl.assets import per_partition
from pipelines.document.version import EXTRACTOR_VERSION
from pipelines.orchestration.resources import GongkaiSettings, RunLock
from pipelines.stages import steps


def build(partitions: PartitionsDefinition):
    @asset(group_name="extract", kinds={"python", "camelot"}, owners=["team:gongkai"],
           partitions_def=partitions, backfill_policy=BackfillPolicy.single_run(),
           # The extractor's digest: when the extraction code changes, the UI shows this
           # asset (and what follows) stale, and every document is read again.
           code_version=EXTRACTOR_VERSION,
           ins={"raw_documents": AssetIn(), "published_warehouse": AssetIn()},
           description="Every known document of the county (this crawl's, and those earlier runs "
                       "fetched: the warehouse is cumulative) with its report_id and status; the "
                       "per-document results (tables read, cells placed by label, unplaced cells) "
                       "are in the lake under extracted/<extractor version>/<sha256>.json, each "
                       "computed once per document and extractor version.")
    def extracted_documents(context: AssetExecutionContext, gongkai: GongkaiSettings,
                            run_lock: RunLock, raw_documents, published_warehouse):
        keys = list(context.partition_keys)
        crawled = raw_documents if isinstance(raw_documents, dict) else {keys[0]: raw_documents}
        crawled = {k: crawled.get(k) for k in keys}
        known, out = steps.extract(gongkai.settings(), crawled, published_warehouse,
                                   progress=context.log.info)
        statuses = out["statuses"]
        context.log.info(f"{out['extracted']} documents extracted, {out['cached']} cached, "
                         f"{dict(statuses)} in {out['seconds']} s on "
                         f"{out['executor']['describe']}")
        failed = [f"| {d['sha256'][:12]} | {d['status']} | {d.get('error') or ''} |"
                  for d in out["not_ok"]]
        version = steps.documents_version(
            pd.concat(list(known.values()), ignore_index=True))
        return Output(per_partition(keys, known), data_version=DataVersion(version), metadata={
            "documents": out["documents"], "extracted": out["extracted"], "cached": out["cached"],
            "dagster/row_count": sum(len(f) for f in known.values()),
            "extractor_version": EXTRACTOR_VERSION,
            "statuses": MetadataValue.json(dict(statuses)), "seconds": out["seconds"],
            "executor": out["executor"]["describe"], "workers": out["executor"]["workers"],
            "not_ok": MetadataValue.md("| sha256 | status | error |\n|---|---|---|\n"
                                       + "\n".join(failed) if failed else "none"),
        })

    return [extracted_documents]
