"""Every data-quality check as a Dagster asset check (data findings: they never block).

The findings are computed once, by the `quality_issues` asset (pipelines.checks.suite over the
staged tables); one multi-asset check reads them back and reports each check on the asset it
concerns, with the number of findings and the worst offenders (agency, year, document) in its
metadata. Structural problems are `schema_valid` (blocking), in assets.py.
"""


import pandas as pd
from dagster import (AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, MetadataValue,
                     multi_asset_check)

from pipelines.stages import steps
from pipelines.checks.findings import CHECKS, FINDING_COLUMNS
from pipelines.orchestration.resources import GongkaiSettings

WORST = 5


def _names(settings) -> dict[str, str]:
    """report_id → "agency name year (document)", for naming offenders."""
    try:
        reports = steps.read_stage(settings, "reports")
        agencies = steps.read_stage(settings, "agencies").set_index("agency_id")["agency_name"]
    except FileNotFoundError:
        return {}
    out = {}
    for rid, aid, year, url in reports[["report_id", "agency_id", "report_year",
                                        "document_url"]].itertuples(index=False):
        name = agencies.get(aid, "?") if isinstance(aid, str) else "?"
        y = "" if pd.isna(year) else f" {int(year)}"
        out[rid] = f"{name}{y} ({str(url).rsplit('/', 1)[-1]})"
    return out


def check_result(findings: pd.DataFrame, check, names: "dict[str, str] | None" = None,
                 agencies: "dict[str, str] | None" = None) -> AssetCheckResult:
    names, agencies = names or {}, agencies or {}
    mine = findings[findings["check_name"] == check.name]
    who = [names.get(r) if isinstance(r, str) else
           f"{agencies.get(a, a)} {'' if pd.isna(y) else int(y)}"
           for r, a, y in mine[["report_id", "agency_id", "report_year"]].itertuples(index=False)]
    who = [w or r for w, r in zip(who, mine["report_id"])]
    worst = pd.Series(who, dtype="object").value_counts().head(WORST).to_dict() if len(mine) else {}
    examples = (mine.assign(where=who)[["where", "detail"]].head(10).to_markdown(index=False)
                if len(mine) else "none")
    return AssetCheckResult(
        asset_key=check.asset, check_name=check.name, passed=mine.empty,
        severity=AssetCheckSeverity.ERROR if check.severity == "error" else AssetCheckSeverity.WARN,
        description=check.compares,
        metadata={"findings": len(mine),
                  "severity": str(check.severity),
                  "reports_affected": int(mine["report_id"].nunique()),
                  "agencies_affected": int(mine["agency_id"].nunique()),
                  "worst_offenders": MetadataValue.json({str(k): int(v) for k, v in worst.items()}),
                  "examples": MetadataValue.md(examples)},
    )


@multi_asset_check(
    specs=[AssetCheckSpec(c.name, asset=c.asset, blocking=False, description=c.compares,
                          additional_deps=[] if c.asset == "quality_issues" else ["quality_issues"])
           for c in CHECKS],
    description="Reports every data-quality check from the findings quality_issues computed.",
)
def data_quality_checks(gongkai: GongkaiSettings):
    settings = gongkai.settings()
    try:
        findings = steps.read_stage(settings, "quality_issues")
    except FileNotFoundError:
        findings = pd.DataFrame(columns=FINDING_COLUMNS)
    names = _names(settings)
    try:
        agencies = steps.read_stage(settings, "agencies").set_index("agency_id")["agency_name"].to_dict()
    except FileNotFoundError:
        agencies = {}
    for check in CHECKS:
        yield check_result(findings, check, names, agencies)
