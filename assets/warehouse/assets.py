"""Facts, dimensions, findings and the published DuckDB warehouse."""


import time

import pandas as pd
from dagster import (AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetExecutionContext,
                     AssetIn, AssetKey, AssetOut, DataVersion, MaterializeResult, MetadataValue,
                     Output, asset, multi_asset, multi_asset_check)

from pipelines.checks.schema import fact_problems, report_problems
from pipelines.core.lake import ParquetFile
from pipelines.load import export
from pipelines.orchestration.io_manager import RECORD_BATCHES
from pipelines.orchestration.resources import GongkaiSettings, RunLock, file_version
from pipelines.stages import steps
from pipelines.stages.steps import BUILD_CODE_VERSION

FACT_DESCRIPTIONS = {
    "fact_applications": "Section 三 (applications received and handled): one row per printed "
                         "cell, by row_code × applicant, current reports only.",
    "fact_proactive": "Section 二 (proactive disclosure): one row per printed cell, by item × "
                      "measure, with unit, current reports only.",
    "fact_review_litigation": "Section 四 (administrative review and litigation): one row per "
                              "printed cell, by proceeding × outcome, current reports only.",
}
DIMENSION_DESCRIPTIONS = {
    "counties": "One row per county of the sources file (and of earlier runs).",
    "agencies": "One row per agency: stable id across years and spellings, fullest name, level.",
    "reports": "One row per fetched report document with status, error and is_current.",
    "categories": "The template's code lists with their Chinese labels (both formats).",
}
OTHER_DESCRIPTIONS = {
    **{f"{t}_superseded": f"The facts of {t} from reports that are not current (an earlier "
                          "publication, or the form of a publication that reads worse)."
       for t in FACT_DESCRIPTIONS},
    "unmapped_cells": "Every cell or row the normaliser could not place, with the reason.",
    "crawl_log": "One row per request of every crawl (url, status, etag, sha256, error).",
    "runs": "One row per published run (earlier runs and this one), with its counts of reports "
            "seen, new, changed and not readable.",
    "corrections": "Every row of the reviewer's corrections file, applied or rejected (and why).",
}
_FACTS = tuple(FACT_DESCRIPTIONS)
BUILT = {**DIMENSION_DESCRIPTIONS, **FACT_DESCRIPTIONS, **OTHER_DESCRIPTIONS}
PUBLISHED = tuple(BUILT) + ("quality_issues",)


def _out(name: str, description: str) -> AssetOut:
    return AssetOut(group_name="warehouse", kinds={"pandas"}, owners=["team:gongkai"],
                    description=description, code_version=BUILD_CODE_VERSION,
                    # Not produced on a night with nothing new: what follows is then skipped
                    # and the published warehouse, exports and reports stay as they are.
                    is_required=False)


def last_published(context: AssetExecutionContext, settings) -> "str | None":
    """The inputs fingerprint of the warehouse this data dir publishes, if the file there is
    still the one the latest `warehouse` materialisation wrote."""
    event = context.instance.get_latest_materialization_event(AssetKey("warehouse"))
    mat = event.asset_materialization if event else None
    if mat is None:
        return None
    meta = {k: getattr(v, "value", v) for k, v in mat.metadata.items()}
    if (str(meta.get("path")) != str(settings.warehouse)
            or meta.get("file_version") != file_version(settings.warehouse)):
        return None
    return mat.tags.get("dagster/data_version")


@multi_asset(
    outs={n: _out(n, d) for n, d in BUILT.items()},
    ins={"extracted_documents": AssetIn(), "published_warehouse": AssetIn(),
         "crawl_sources": AssetIn()},
    internal_asset_deps={
        **{n: {AssetKey("extracted_documents"), AssetKey("published_warehouse"),
               AssetKey("crawl_sources")} for n in BUILT},
        **{n: {AssetKey("extracted_documents"), AssetKey("reports"), AssetKey("agencies")}
           for n in _FACTS},
        "unmapped_cells": {AssetKey("extracted_documents"), AssetKey("reports")},
    },
)
def facts_and_dimensions(context: AssetExecutionContext, gongkai: GongkaiSettings,
                         run_lock: RunLock, extracted_documents, published_warehouse,
                         crawl_sources):
    settings = gongkai.settings()
    t0 = time.perf_counter()
    from pipelines.orchestration.partitions import counties

    docs = steps.all_documents(extracted_documents, published_warehouse, counties(settings))
    # which lists yielded nothing, by which pattern: part of what the warehouse is built from
    sources = steps.sources_frame(crawl_sources, counties(settings))
    fingerprint = steps.inputs_fingerprint(settings, docs, sources)
    if steps.unchanged(settings, fingerprint, last_published(context, settings),
                       published_warehouse):
        # A no-change night: nothing is produced, so the checks, the warehouse and the
        # reviewer's reports are skipped and the published files stay exactly as they are.
        context.log.info(f"nothing changed (inputs {fingerprint}): the published warehouse "
                         f"{settings.warehouse} stays as it is")
        return
    tables = steps.build(settings, docs, published_warehouse, context.run_id.split("-")[0])
    tables["runs"] = tables["runs"].assign(inputs_fingerprint=None)
    tables["runs"].loc[tables["runs"].index[-1], "inputs_fingerprint"] = fingerprint
    seconds = round(time.perf_counter() - t0, 2)
    version = DataVersion(fingerprint)
    # Dimensions first: a multi-asset yields its assets in dependency order.
    for name in BUILT:
        frame = tables[name]  # crawl_log: a Parquet file (steps.build)
        rows = frame.rows if isinstance(frame, ParquetFile) else len(frame)
        meta = {"dagster/row_count": rows, "seconds": seconds}
        if isinstance(frame, ParquetFile) and frame.left_out:  # lines of its source left out
            context.log.warning(frame.left_out)
            meta["left_out"] = frame.left_out
        if name in _FACTS and len(frame):
            meta["preview"] = MetadataValue.md(frame.drop(columns=["kind"]).head(10)
                                               .to_markdown(index=False))
        if name == "reports":
            meta["statuses"] = MetadataValue.json(frame["status"].value_counts().to_dict())
            meta["current"] = int(frame["is_current"].sum())
        yield Output(frame, name, data_version=version, metadata=meta)


@multi_asset_check(
    specs=[AssetCheckSpec("schema_valid", asset=n, blocking=True,
                          description="Codes from the template, keys present and unique.",
                          additional_deps=[f"{n}_superseded"] if n in _FACTS else [])
           for n in _FACTS + ("reports",)],
    ins={n: AssetIn() for n in _FACTS + tuple(f"{t}_superseded" for t in _FACTS) + ("reports",)},
    description="Structural checks of the built tables (blocking: a broken schema never "
                "publishes).",
)
def schema_checks(**frames):
    for name in _FACTS + ("reports",):
        problems = (report_problems(frames[name]) if name == "reports"
                    else fact_problems(name, frames[name])
                    + fact_problems(name + "_superseded", frames[name + "_superseded"]))
        yield AssetCheckResult(asset_key=name, check_name="schema_valid", passed=not problems,
                               severity=AssetCheckSeverity.ERROR,
                               metadata={"problems": MetadataValue.json(problems)})


_FINDING_INPUTS = _FACTS + tuple(f"{t}_superseded" for t in _FACTS) + (
    "reports", "agencies", "unmapped_cells")


@asset(group_name="warehouse", kinds={"pandas"}, owners=["team:gongkai"],
       code_version=BUILD_CODE_VERSION,
       ins={**{n: AssetIn() for n in _FINDING_INPUTS}, "crawl_sources": AssetIn()},
       description="Findings of every data-quality check (identities I1–I4, carry-over, cells "
                   "that are not numbers, template compliance, plausibility, coverage, narrative "
                   "against table, lists that yielded nothing (crawl_empty, per source); see "
                   "pipelines/checks/findings.py), one row per failing comparison.")
def quality_issues(context: AssetExecutionContext, gongkai: GongkaiSettings, run_lock: RunLock,
                   **frames) -> Output:
    from pipelines.orchestration.partitions import counties

    t0 = time.perf_counter()
    settings = gongkai.settings()
    frames["crawl_sources"] = steps.sources_frame(frames.get("crawl_sources"), counties(settings))
    findings = steps.find_issues(settings, frames)
    seconds = round(time.perf_counter() - t0, 2)
    by_check = findings.groupby(["check_name", "severity"]).size().reset_index(name="findings")
    return Output(findings, metadata={
        "dagster/row_count": len(findings), "seconds": seconds,
        "by_check": MetadataValue.md(by_check.to_markdown(index=False) if len(by_check) else "none"),
    })


@asset(group_name="warehouse", kinds={"duckdb"}, owners=["team:gongkai"],
       code_version=BUILD_CODE_VERSION,
       # crawl_log, every request ever made, is read in batches straight into DuckDB
       ins={n: AssetIn(metadata=RECORD_BATCHES if n == "crawl_log" else None)
            for n in PUBLISHED},
       description="The published DuckDB warehouse (tables, analysts' views; see "
                   "sql/DATA_DICTIONARY.md) and its Parquet export (exports/, facts partitioned "
                   "by report_year): built into new files by the one DuckDB writer and swapped in "
                   "atomically, so analysts never see a half-built state. A night with nothing "
                   "new does not run it, so the published file stays as it is.")
def warehouse(context: AssetExecutionContext, gongkai: GongkaiSettings, run_lock: RunLock,
              **tables) -> MaterializeResult:
    settings = gongkai.settings()
    t0 = time.perf_counter()
    fingerprint = str(tables["runs"]["inputs_fingerprint"].iloc[-1])
    out = steps.publish(settings, tables)
    seconds = round(time.perf_counter() - t0, 2)
    context.log.info(f"published {out['warehouse']}")
    return MaterializeResult(data_version=DataVersion(fingerprint), metadata={
        "path": MetadataValue.path(out["warehouse"]),
        "file_version": file_version(settings.warehouse),
        "exports": MetadataValue.path(str(export.exports_path(out["warehouse"]))),
        "seconds": seconds,
        "tables": MetadataValue.json(out["tables"]),
        "run": MetadataValue.json({k: str(v) for k, v in out["run"].items()}),
    })

