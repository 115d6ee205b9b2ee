"""Every data-quality check as a Dagster asset check (data findings: they never block).

The findings are computed once, by the `quality_issues` asset (pipelines.checks.suite over the
built tables); one multi-asset check takes them as its input and reports each check on the asset it
concerns, with the number of findings and the worst offenders (agency, year, document) in its
metadata. Structural problems are `schema_valid` (blocking), in assets.py.
"""


import pandas as pd
from dagster import (AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetIn, MetadataValue,
                     multi_asset_check)

from pipelines.checks.findings import CHECKS

WORST = 5


def _names(reports: pd.DataFrame, agencies: pd.DataFrame) -> dict[str, str]:
    """report_id → "agency name year (document)", for naming offenders."""
    agencies = agencies.set_index("agency_id")["agency_name"]
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
                          additional_deps=[d for d in ("quality_issues", "reports", "agencies")
                                           if d != c.asset])
           for c in CHECKS],
    ins={"quality_issues": AssetIn(), "reports": AssetIn(), "agencies": AssetIn()},
    description="Reports every data-quality check from the findings quality_issues computed.",
)
def data_quality_checks(quality_issues: pd.DataFrame, reports: pd.DataFrame,
                        agencies: pd.DataFrame):
    names = _names(reports, agencies)
    by_id = agencies.set_index("agency_id")["agency_name"].to_dict()
    for check in CHECKS:
        yield check_result(quality_issues, check, names, by_id)
