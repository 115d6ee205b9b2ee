"""Plausibility and coverage: figures that cannot be, or are far from the agency's habit, and
agencies that stopped publishing."""

from __future__ import annotations

import statistics

import pandas as pd

from pipelines.checks.findings import DIMS, LABELS, cells_ref, computes, finding, fmt
from pipelines.core.models import Finding
from pipelines.core.registry import BY_TABLE

SECTION_OF = {table: s.key for table, s in BY_TABLE.items() if table == s.table}
LOCAL_LEVELS = {"town": "镇", "township": "乡", "subdistrict": "街道"}
SIGNED_MEASURES = {"change"}  # 本年增/减 is negative when the count went down
OUTLIER_FACTOR = 10.0
OUTLIER_MIN_OTHER_YEARS = 2


def _has_reports(i) -> bool:
    return i.reports is not None and len(i.reports) > 0


@computes("negative_count", reads=lambda i: (i.every,))
def check_negative(facts: dict[str, pd.DataFrame]) -> list[Finding]:
    """A negative value where none can be negative: every cell but 本年增/减."""
    findings = []
    for table, section in SECTION_OF.items():
        f = facts.get(table)
        if f is None or f.empty:
            continue
        d1, d2 = DIMS[table]
        neg = f[pd.to_numeric(f["value"], errors="coerce") < 0]
        if table == "fact_proactive":
            neg = neg[~neg["measure"].isin(SIGNED_MEASURES)]
        for row in neg.to_dict("records"):
            a, b = row[d1], row[d2]
            findings.append(finding(row, "negative_count", section,
                                    f"{LABELS[d1].get(a, a)} × {LABELS[d2].get(b, b)} 为负数 "
                                    f"{fmt(row['value'])}（原文“{row['raw_text']}”），件数不可能为负",
                                    0, row["value"], cells_ref(table, [(a, b)])))
    return findings


@computes("town_regulations", reads=lambda i: None if i.agencies is None
          else (i.every["fact_proactive"], i.agencies))
def check_town_regulations(proactive: pd.DataFrame, agencies: pd.DataFrame) -> list[Finding]:
    """Towns, townships and sub-districts cannot issue 规章: a nonzero 规章 figure is wrong."""
    if proactive is None or proactive.empty or agencies is None or agencies.empty:
        return []
    level = agencies.set_index("agency_id")["level"]
    f = proactive[(proactive["item"] == "regulations")
                  & proactive["agency_id"].map(level).isin(list(LOCAL_LEVELS))]
    f = f[pd.to_numeric(f["value"], errors="coerce").fillna(0) != 0]
    return [finding(row, "town_regulations", "proactive",
                    f"{LOCAL_LEVELS[level[row['agency_id']]]}级机关无权制定规章，但规章 × "
                    f"{LABELS['measure'].get(row['measure'], row['measure'])} 填了 {fmt(row['value'])}"
                    "（应为 0 或“/”）", 0, row["value"],
                    cells_ref("fact_proactive", [("regulations", row["measure"])]))
            for row in f.to_dict("records")]


def _outlier_cells(facts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The figures compared across years: row totals of 三 and 四, and section 二's counts."""
    parts = []
    apps = facts.get("fact_applications")
    if apps is not None and len(apps):
        a = apps[apps["applicant"] == "total"]
        parts.append(a.assign(table="fact_applications", d1=a["row_code"], d2=a["applicant"]))
    rev = facts.get("fact_review_litigation")
    if rev is not None and len(rev):
        r = rev[rev["outcome"] == "total"]
        parts.append(r.assign(table="fact_review_litigation", d1=r["proceeding"], d2=r["outcome"]))
    pro = facts.get("fact_proactive")
    if pro is not None and len(pro):
        p = pro[~pro["measure"].isin(SIGNED_MEASURES)]
        parts.append(p.assign(table="fact_proactive", d1=p["item"], d2=p["measure"]))
    if not parts:
        return pd.DataFrame()
    cols = ["report_id", "agency_id", "report_year", "table", "d1", "d2", "value"]
    out = pd.concat([p[cols] for p in parts], ignore_index=True)
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    return out[out["value"].notna() & out["agency_id"].notna() & out["report_year"].notna()]


@computes("history_outlier", reads=lambda i: (i.current,))
def check_history(facts: dict[str, pd.DataFrame]) -> list[Finding]:
    """A value more than 10× the agency's median of its other years (≥ 2 other years).

    Give it the current reports' facts. A median of 0 counts as 1, so 0, 0 → 3 is not
    an outlier but 0, 0 → 40 is."""
    cells = _outlier_cells(facts)
    findings = []
    if cells.empty:
        return findings
    groups: dict[tuple, list[dict]] = {}
    for row in cells.to_dict("records"):  # plain dicts: ~10k small groups, pandas per group is slow
        groups.setdefault((row["agency_id"], row["table"], row["d1"], row["d2"]), []).append(row)
    for (aid, table, a, b), rows in groups.items():
        if len(rows) < OUTLIER_MIN_OTHER_YEARS + 1:
            continue
        for row in rows:
            others = sorted((r["report_year"], r["value"]) for r in rows
                            if r["report_year"] != row["report_year"])
            median = float(statistics.median(v for _, v in others))
            if row["value"] > OUTLIER_FACTOR * max(median, 1.0):
                d1, d2 = DIMS[table]
                years = "、".join(f"{int(y)}年 {v:g}" for y, v in others)
                findings.append(finding(
                    row, "history_outlier", SECTION_OF[table],
                    f"{LABELS[d1].get(a, a)} × {LABELS[d2].get(b, b)} 为 {row['value']:g}，"
                    f"是本机关其他年份中位数 {median:g} 的 {row['value'] / max(median, 1.0):.0f} 倍"
                    f"以上（{years}），请核实是否多填或单位有误", median, row["value"],
                    cells_ref(table, [(a, b)])))
    return findings


@computes("coverage_gap", reads=lambda i: (i.reports, i.agencies) if _has_reports(i) else None)
def check_coverage(reports: pd.DataFrame, agencies: pd.DataFrame) -> list[Finding]:
    """An agency with a report in year N−1 and none in year N, for the years its county
    published reports in (so a year still being published does not raise it for everyone)."""
    if reports is None or reports.empty or agencies is None or agencies.empty:
        return []
    county = agencies.set_index("agency_id")["county_id"]
    r = reports[reports["agency_id"].notna() & reports["report_year"].notna()]
    r = r.assign(county_id=r["agency_id"].map(county), year=r["report_year"].astype(int))
    findings = []
    for cid, g in r.groupby("county_id"):
        county_years = set(g["year"])
        for aid, ga in g.groupby("agency_id"):
            years = set(ga["year"])
            for year in sorted(county_years):
                if year - 1 in years and year not in years:
                    findings.append(finding(
                        {"report_id": None, "agency_id": aid, "report_year": year},
                        "coverage_gap", "report",
                        f"{year - 1} 年度有报告，{year} 年度未找到报告（若机构已更名或撤并，"
                        "可忽略）"))
    return findings


@computes("roster_missing", reads=lambda i: (i.reports, i.agencies) if _has_reports(i) else None)
def check_roster(reports: pd.DataFrame, agencies: pd.DataFrame) -> list[Finding]:
    """An agency on its source's roster (agencies = [...]) with no current report for a year
    its county published in (report_id NULL)."""
    if (reports is None or reports.empty or agencies is None or agencies.empty
            or "on_roster" not in agencies):
        return []
    listed = agencies[agencies["on_roster"].fillna(False).astype(bool)]
    if listed.empty:
        return []
    county = agencies.set_index("agency_id")["county_id"]
    r = reports[reports["agency_id"].notna() & reports["report_year"].notna()]
    if "is_current" in r:
        r = r[r["is_current"].fillna(False).astype(bool)]
    r = r.assign(county_id=r["agency_id"].map(county), year=r["report_year"].astype(int))
    years_of = r.groupby("county_id")["year"].apply(set).to_dict()
    have = set(zip(r["agency_id"], r["year"]))
    findings = []
    for a in listed.to_dict("records"):
        for year in sorted(years_of.get(a["county_id"], ())):
            if (a["agency_id"], year) not in have:
                findings.append(finding(
                    {"report_id": None, "agency_id": a["agency_id"], "report_year": year},
                    "roster_missing", "report",
                    f"{a['agency_name']} 在应公开机构名单中，但未找到其 {year} 年度报告（本县其他机构已发布"
                    f"{year} 年度报告）"))
    return findings
