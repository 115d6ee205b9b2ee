"""Extract: every document → its tables and placed cells (one cached result per document)."""


from dagster import AssetExecutionContext, BackfillPolicy, MaterializeResult, MetadataValue, asset

from pipelines.stages import steps
from pipelines.orchestration.partitions import county_partitions
from pipelines.orchestration.resources import GongkaiSettings


@asset(group_name="extract", deps=["raw_documents"], kinds={"python", "camelot"},
       owners=["team:gongkai"], partitions_def=county_partitions,
       backfill_policy=BackfillPolicy.single_run(),
       description="Per-document extraction results under extracted/<extractor version>/"
                   "<sha256>.json: tables read (camelot for PDFs, lxml for HTML), cells placed "
                   "by label, unplaced cells, status and error. Cached by sha256 and version.")
def extracted_documents(context: AssetExecutionContext, gongkai: GongkaiSettings):
    out = steps.extract(gongkai.settings(), list(context.partition_keys), progress=context.log.info)
    statuses = out["statuses"]
    context.log.info(f"{out['extracted']} documents extracted, {out['cached']} cached, "
                     f"{dict(statuses)} in {out['seconds']} s on {out['executor']['describe']}")
    failed = [f"| {d['sha256'][:12]} | {d['status']} | {d.get('error') or ''} |"
              for d in out["not_ok"]]
    return MaterializeResult(metadata={
        "documents": out["documents"], "extracted": out["extracted"], "cached": out["cached"],
        "statuses": MetadataValue.json(dict(statuses)), "seconds": out["seconds"],
        "executor": out["executor"]["describe"], "workers": out["executor"]["workers"],
        "not_ok": MetadataValue.md("| sha256 | status | error |\n|---|---|---|\n" + "\n".join(failed)
                                   if failed else "none"),
    })
