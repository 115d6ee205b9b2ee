"""Facts, dimensions, findings and the published DuckDB warehouse."""

import time

from dagster import (AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetExecutionContext,
                     AssetSpec, MaterializeResult, MetadataValue, asset, multi_asset)

from pipelines.stages import steps
from pipelines.load import export
from pipelines.checks.schema import fact_problems, report_problems
from pipelines.orchestration.resources import GongkaiSettings

FACT_DESCRIPTIONS = {
    "fact_applications": "Section 三 (applications received and handled): one row per printed "
                         "cell, by row_code × applicant, current reports only.",
    "fact_proactive": "Section 二 (proactive disclosure): one row per printed cell, by item × "
                      "measure, with unit, current reports only.",
    "fact_review_litigation": "Section 四 (administrative review and litigation): one row per "
                              "printed cell, by proceeding × outcome, current reports only.",
}
DIMENSION_DESCRIPTIONS = {
    "counties": "One row per county of the sources file.",
    "agencies": "One row per agency: stable id across years and spellings, fullest name, level.",
    "reports": "One row per fetched report document with status, error and is_current.",
    "categories": "The template's code lists with their Chinese labels (both formats).",
}
_FACTS = tuple(FACT_DESCRIPTIONS)


@multi_asset(
    specs=[AssetSpec(n, group_name="warehouse", deps=["extracted_documents"], kinds={"pandas"},
                     owners=["team:gongkai"], description=d)
           for n, d in DIMENSION_DESCRIPTIONS.items()]
    + [AssetSpec(n, group_name="warehouse", deps=["extracted_documents", "reports", "agencies"],
                 kinds={"pandas"}, owners=["team:gongkai"], description=d)
       for n, d in FACT_DESCRIPTIONS.items()]
    + [AssetSpec("unmapped_cells", group_name="warehouse", deps=["extracted_documents", "reports"],
                 kinds={"pandas"}, owners=["team:gongkai"],
                 description="Every cell or row the normaliser could not place, with the reason.")],
    check_specs=[AssetCheckSpec("schema_valid", asset=n, blocking=True,
                                description="Codes from the template, keys present and unique.")
                 for n in _FACTS + ("reports",)],
)
def facts_and_dimensions(context: AssetExecutionContext, gongkai: GongkaiSettings):
    settings = gongkai.settings()
    t0 = time.perf_counter()
    counts = steps.build(settings)
    seconds = round(time.perf_counter() - t0, 2)
    # Dimensions first: a multi-asset yields its assets in dependency order.
    frames = steps.stage_frames(settings, tuple(DIMENSION_DESCRIPTIONS) + _FACTS + ("unmapped_cells",))
    for name, frame in frames.items():
        meta = {"dagster/row_count": len(frame), "unchanged": bool(counts.get("unchanged")),
                "seconds": seconds}
        if name in _FACTS and len(frame):
            meta["preview"] = MetadataValue.md(frame.drop(columns=["kind"]).head(10).to_markdown(index=False))
            meta["superseded_rows"] = len(steps.read_stage(settings, f"{name}_superseded"))
        if name == "reports":
            meta["statuses"] = MetadataValue.json(frame["status"].value_counts().to_dict())
            meta["current"] = int(frame["is_current"].sum())
        yield MaterializeResult(asset_key=name, metadata=meta)
    for name in _FACTS + ("reports",):
        problems = (report_problems(frames[name]) if name == "reports"
                    else fact_problems(name, frames[name])
                    + fact_problems(name + "_superseded",
                                    steps.read_stage(settings, name + "_superseded")))
        yield AssetCheckResult(asset_key=name, check_name="schema_valid", passed=not problems,
                               severity=AssetCheckSeverity.ERROR,
                               metadata={"problems": MetadataValue.json(problems)})


@asset(group_name="warehouse", deps=list(_FACTS), kinds={"pandas"}, owners=["team:gongkai"],
       description="Findings of every data-quality check (identities I1–I4, carry-over, cells "
                   "that are not numbers, template compliance, plausibility, coverage, narrative "
                   "against table; see pipelines/checks/findings.py), one row per failing "
                   "comparison.")
def quality_issues(context: AssetExecutionContext, gongkai: GongkaiSettings):
    t0 = time.perf_counter()
    findings = steps.find_issues(gongkai.settings())
    seconds = round(time.perf_counter() - t0, 2)
    by_check = findings.groupby(["check_name", "severity"]).size().reset_index(name="findings")
    return MaterializeResult(metadata={
        "dagster/row_count": len(findings), "seconds": seconds,
        "by_check": MetadataValue.md(by_check.to_markdown(index=False) if len(by_check) else "none"),
    })


@asset(group_name="warehouse", kinds={"duckdb"}, owners=["team:gongkai"],
       deps=["counties", "agencies", "reports", "categories", *_FACTS, "unmapped_cells",
             "quality_issues"],
       description="The published DuckDB warehouse (tables, analysts' views; see "
                   "sql/DATA_DICTIONARY.md) and its Parquet export (exports/, facts partitioned "
                   "by report_year): built into new files and swapped in atomically, so "
                   "analysts never see a half-built state. A night with nothing new keeps the "
                   "published file as it is.")
def warehouse(context: AssetExecutionContext, gongkai: GongkaiSettings):
    t0 = time.perf_counter()
    out = steps.publish(gongkai.settings())
    seconds = round(time.perf_counter() - t0, 2)
    context.log.info(f"{'nothing changed: kept' if out.get('unchanged') else 'published'} "
                     f"{out['warehouse']}")
    return MaterializeResult(metadata={
        "path": MetadataValue.path(out["warehouse"]),
        "exports": MetadataValue.path(str(export.exports_path(out["warehouse"]))),
        "unchanged": bool(out.get("unchanged", False)),
        "seconds": seconds,
        "tables": MetadataValue.json(out["tables"]),
        "run": MetadataValue.json({k: str(v) for k, v in out["run"].items()}),
    })
