"""The template's identities (domain.md I1–I4) and the carry-over between years.

Each check takes the fact frames and returns findings, one per failing comparison, naming the
cells that disagree and by how much. A blank cell is not a zero: a blank total is its own
finding (`blank_total`) and is not compared; blank parts count as nothing printed (0).

The whole check suite runs from `pipelines.checks.suite.all_findings(frames)`.
"""

from __future__ import annotations

import pandas as pd

from pipelines.checks.findings import (FINDING_COLUMNS, LABELS, cells_ref, fact_meta, finding,
                                       fmt)
from pipelines.core.spec import APPLICATION_ROWS, ORG_APPLICANTS

__all__ = ["FINDING_COLUMNS", "check_applications", "check_review_litigation",
           "check_carry_over", "check_not_numbers"]

RESULT_ROWS = tuple(c.code for c in APPLICATION_ROWS
                    if c.group and c.code != "results_total")
LABEL = {c.code: c.label_zh for c in APPLICATION_ROWS}
ROW = LABELS["row_code"]
COL = LABELS["applicant"]
APPLICANT_PARTS = ("natural_person",) + ORG_APPLICANTS
APPLICANTS = APPLICANT_PARTS + ("total",)
ABSENT = object()
APPS = "fact_applications"
REVIEW = "fact_review_litigation"


def _cells(frame: pd.DataFrame, d1: str, d2: str) -> dict[str, dict[tuple[str, str], float | None]]:
    """report_id → {(dim1, dim2): value or None (blank)}."""
    out: dict[str, dict] = {}
    for rid, a, b, v in frame[["report_id", d1, d2, "value"]].itertuples(index=False):
        out.setdefault(rid, {})[(a, b)] = None if pd.isna(v) else float(v)
    return out


def _sum(cells: dict, keys) -> float:
    return sum(cells.get(k) or 0.0 for k in keys)


def _differ(a: float, b: float) -> bool:
    return abs(a - b) > 1e-9


def check_applications(apps: pd.DataFrame, incomplete: set | frozenset = frozenset(),
                       missing: dict | None = None) -> list[dict]:
    """I2 (per row) and blank totals, then I3 and I1 (per applicant column).

    `missing`: report_id → the (row_code, applicant) cells its template expects that were not
    placed (`pipelines.checks.template.missing_cells`). A comparison involving one of them is
    not made: the gap is the extractor's finding (`template_rows_missing`), never the report's
    arithmetic. `incomplete`: reports whose template is not known (format unknown) but with
    section 三 cells that could not be placed: their result rows are not all known, so I3 is
    not compared there."""
    findings = []
    meta = fact_meta(apps)
    missing = missing or {}
    for rid, cells in _cells(apps, "row_code", "applicant").items():
        m = meta[rid]
        gap = missing.get(rid, frozenset())
        gap_rows = {r for r, _ in gap}
        gap_cols = {a for _, a in gap}
        rows = {r for r, _ in cells}
        blank_rows = set()  # rows whose 总计 is blank while their parts are not
        for row in sorted(rows):
            total = cells.get((row, "total"), ABSENT)
            parts_keys = [(row, a) for a in APPLICANT_PARTS if (row, a) in cells]
            parts = _sum(cells, parts_keys)
            if total is None:
                if parts:
                    blank_rows.add(row)
                    findings.append(finding(
                        m, "blank_total", "applications",
                        f"{ROW[row]}：总计栏空白，而各申请人列之和为 {parts:g}", parts, None,
                        cells_ref(APPS, [(row, "total")] + [k for k in parts_keys if cells[k]])))
                continue
            if total is ABSENT or not parts_keys or row in gap_rows:
                continue  # no total, no applicant columns printed, or a cell of the row not read
            if _differ(parts, total):
                listed = " + ".join(f"{COL[k[1]]} {fmt(cells[k])}" for k in parts_keys if cells[k])
                findings.append(finding(
                    m, "applications_row_total", "applications",
                    f"{ROW[row]}：总计印为 {total:g}，但各申请人列之和为 {parts:g}"
                    f"（{listed or '各列均为空白或0'}），相差 {total - parts:+g}",
                    parts, total, cells_ref(APPS, [(row, "total")] + [k for k in parts_keys
                                                                       if cells[k]])))
        for col in APPLICANTS:
            printed = cells.get(("results_total", col), ABSENT)
            if printed is ABSENT or printed is None:
                continue  # a blank total is reported once, by blank_total
            result_rows = [r for r in RESULT_ROWS if (r, col) in cells]
            skip_total = col == "total"  # a blank 总计 among the rows: not compared
            result_gap = any((r, col) in gap for r in RESULT_ROWS + ("results_total",))
            if (result_rows and rid not in incomplete and not result_gap
                    and not (skip_total and blank_rows & set(result_rows))):
                parts = _sum(cells, [(r, col) for r in result_rows])
                if _differ(parts, printed):
                    nonzero = [r for r in result_rows if cells[(r, col)]]
                    listed = "、".join(f"{ROW[r]} {fmt(cells[(r, col)])}" for r in nonzero)
                    findings.append(finding(
                        m, "applications_results_total", "applications",
                        f"{COL[col]}列：（七）总计印为 {printed:g}，但各办理结果之和为 {parts:g}"
                        f"（{listed or '均为空白或0'}），相差 {printed - parts:+g}", parts, printed,
                        cells_ref(APPS, [("results_total", col)] + [(r, col) for r in nonzero])))
            if ("new_received", col) in cells and ("carried_over", col) in cells:
                involved = ("new_received", "carried_over", "results_total", "carried_forward")
                if skip_total and blank_rows & set(involved):
                    continue
                if any((r, col) in gap for r in involved):
                    continue
                left = _sum(cells, [("new_received", col), ("carried_over", col)])
                right = printed + (cells.get(("carried_forward", col)) or 0.0)
                if _differ(left, right):
                    findings.append(finding(
                        m, "applications_balance", "applications",
                        f"{COL[col]}列：一（本年新收）{fmt(cells[('new_received', col)])} + 二（上年结转）"
                        f"{fmt(cells[('carried_over', col)])} = {left:g}，但（七）总计 {printed:g} + "
                        f"四（结转下年度）{fmt(cells.get(('carried_forward', col)))} = {right:g}，"
                        f"相差 {right - left:+g}", left, right,
                        cells_ref(APPS, [(r, col) for r in involved if (r, col) in cells])))
    return findings


def check_review_litigation(review: pd.DataFrame, missing: dict | None = None) -> list[dict]:
    """I4: in each block 总计 = 维持 + 纠正 + 其他 + 尚未审结; not compared in a block where a
    cell the template expects was not placed (`missing`: report_id → (proceeding, outcome))."""
    findings = []
    missing = missing or {}
    meta = fact_meta(review)
    parts_of = ("upheld", "corrected", "other", "pending")
    names = LABELS["proceeding"]
    outs = LABELS["outcome"]
    for rid, cells in _cells(review, "proceeding", "outcome").items():
        gap = missing.get(rid, frozenset())
        for proceeding in ("review", "lawsuit_direct", "lawsuit_after_review"):
            if (proceeding, "total") not in cells or any(p == proceeding for p, _ in gap):
                continue
            total = cells[(proceeding, "total")]
            keys = [(proceeding, p) for p in parts_of if (proceeding, p) in cells]
            if not keys:
                continue
            parts = _sum(cells, keys)
            listed = " + ".join(f"{outs[p]} {fmt(cells.get((proceeding, p)))}" for p in parts_of
                                if (proceeding, p) in cells)
            ref = cells_ref(REVIEW, [(proceeding, "total")] + [k for k in keys if cells[k]])
            if total is None:
                if parts:
                    findings.append(finding(meta[rid], "blank_total", "review_litigation",
                                            f"{names[proceeding]}：总计栏空白（{listed}）",
                                            parts, None, ref))
                continue
            if _differ(parts, total):
                findings.append(finding(
                    meta[rid], "review_litigation_total", "review_litigation",
                    f"{names[proceeding]}：总计印为 {total:g}，但 {listed} = {parts:g}，"
                    f"相差 {total - parts:+g}", parts, total, ref))
    return findings


def check_carry_over(apps: pd.DataFrame) -> list[dict]:
    """Year N's 二 (carried over) against year N−1's 四 (carried forward), same agency.

    Give it the current reports' facts: one report per agency and year. Only cells both
    reports printed and placed are compared (a cell not placed has no row to join)."""
    findings = []
    a = apps[apps["agency_id"].notna() & apps["report_year"].notna()]
    over = a[a["row_code"] == "carried_over"]
    fwd = a[a["row_code"] == "carried_forward"][["agency_id", "report_year", "applicant", "value",
                                                  "report_id"]]
    fwd = fwd.assign(report_year=fwd["report_year"] + 1)
    joined = over.merge(fwd, on=["agency_id", "report_year", "applicant"],
                        suffixes=("", "_prev"))
    for row in joined.itertuples(index=False):
        now = 0.0 if pd.isna(row.value) else float(row.value)
        before = 0.0 if pd.isna(row.value_prev) else float(row.value_prev)
        if _differ(now, before):
            year = int(row.report_year)
            findings.append(finding(
                {"report_id": row.report_id, "agency_id": row.agency_id,
                 "report_year": year}, "carry_over", "applications",
                f"{COL[row.applicant]}列：{year} 年报告的二、上年结转为 {fmt(row.value)}，"
                f"但 {year - 1} 年报告的四、结转下年度继续办理为 {fmt(row.value_prev)}，"
                f"相差 {now - before:+g}", before, now,
                cells_ref(APPS, [("carried_over", row.applicant)])))
    return findings


def check_not_numbers(frames: dict[str, pd.DataFrame]) -> list[dict]:
    """Text in a number cell ("见附件"): the fact keeps its raw_text, the value stays NULL."""
    findings = []
    for table, section, d1, d2 in (("fact_applications", "applications", "row_code", "applicant"),
                                   ("fact_proactive", "proactive", "item", "measure"),
                                   ("fact_review_litigation", "review_litigation", "proceeding",
                                    "outcome")):
        f = frames[table]
        for row in f[f["kind"] == "text"].itertuples(index=False):
            a, b = getattr(row, d1), getattr(row, d2)
            findings.append(finding(row._asdict(), "cell_not_number", section,
                                    f"{LABELS[d1].get(a, a)} × {LABELS[d2].get(b, b)}："
                                    f"“{row.raw_text}”不是数字", None, None,
                                    cells_ref(table, [(a, b)])))
    return findings

