"""The template's identities as Dagster asset checks (data findings: they never block)."""


import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from pipelines import steps
from pipelines.checks import identities
from pipelines.orchestration.resources import GongkaiSettings


def _result(findings: list[dict], check: str) -> AssetCheckResult:
    mine = pd.DataFrame([f for f in findings if f["check_name"] == check],
                        columns=identities.FINDING_COLUMNS)
    worst = (mine.groupby("report_id").size().sort_values(ascending=False).head(5).to_dict()
             if len(mine) else {})
    return AssetCheckResult(
        passed=mine.empty, severity=AssetCheckSeverity.WARN,
        metadata={"findings": len(mine), "reports_affected": int(mine["report_id"].nunique()),
                  "worst_reports": MetadataValue.json(worst),
                  "examples": MetadataValue.md(mine[["report_id", "detail"]].head(10)
                                               .to_markdown(index=False) if len(mine) else "none")},
    )


def _apps(gongkai: GongkaiSettings, current_only: bool = False) -> pd.DataFrame:
    s = gongkai.settings()
    frames = [steps.read_stage(s, "fact_applications")]
    if not current_only:
        frames.append(steps.read_stage(s, "fact_applications_superseded"))
    return pd.concat(frames, ignore_index=True)


@asset_check(asset="fact_applications", description="I1: per applicant column, 一 + 二 = （七）总计 + 四.")
def applications_balance(gongkai: GongkaiSettings) -> AssetCheckResult:
    return _result(identities.check_applications(_apps(gongkai)), "applications_balance")


@asset_check(asset="fact_applications", description="I2: per row, 总计 = 自然人 + the five 法人或其他组织 columns.")
def applications_row_total(gongkai: GongkaiSettings) -> AssetCheckResult:
    return _result(identities.check_applications(_apps(gongkai)), "applications_row_total")


@asset_check(asset="fact_applications", description="I3: per applicant column, （七）总计 = the sum of the result rows.")
def applications_results_total(gongkai: GongkaiSettings) -> AssetCheckResult:
    return _result(identities.check_applications(_apps(gongkai)), "applications_results_total")


@asset_check(asset="fact_review_litigation", description="I4: in each block 总计 = 维持 + 纠正 + 其他 + 尚未审结.")
def review_litigation_total(gongkai: GongkaiSettings) -> AssetCheckResult:
    s = gongkai.settings()
    frame = pd.concat([steps.read_stage(s, "fact_review_litigation"),
                       steps.read_stage(s, "fact_review_litigation_superseded")])
    return _result(identities.check_review_litigation(frame), "review_litigation_total")


@asset_check(asset="fact_applications", description="Year N's 二、上年结转 equals year N−1's 四、结转下年度继续办理.")
def carry_over(gongkai: GongkaiSettings) -> AssetCheckResult:
    return _result(identities.check_carry_over(_apps(gongkai, current_only=True)), "carry_over")
