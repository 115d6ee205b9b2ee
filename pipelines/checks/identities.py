"""The template's identities (domain.md I1–I4) and the carry-over between years.

Each check takes the fact frames and returns findings, one per failing comparison, naming the
cells that disagree and by how much. A blank cell is not a zero: a blank total is its own
finding (`blank_total`) and is not compared; blank parts count as nothing printed (0).

The whole check suite runs from `pipelines.checks.suite.all_findings(frames)`.
"""

from __future__ import annotations

import pandas as pd

from pipelines.checks.findings import (FINDING_COLUMNS, LABELS, CheckInputs, cells_ref, computes,
                                       fact_meta, finding, fmt, parse_cells)
from pipelines.core.models import Finding
from pipelines.core.registry import SECTION, SECTIONS
from pipelines.core.spec import APPLICATION_ROWS, ORG_APPLICANTS

__all__ = ["FINDING_COLUMNS", "check_applications", "check_balance", "check_row_total",
           "check_results_total", "check_blank_totals", "check_review_litigation",
           "check_review_total", "check_review_blank_totals", "check_carry_over",
           "check_not_numbers"]

RESULT_ROWS = tuple(c.code for c in APPLICATION_ROWS
                    if c.group and c.code != "results_total")
LABEL = {c.code: c.label_zh for c in APPLICATION_ROWS}
ROW = LABELS["row_code"]
COL = LABELS["applicant"]
APPLICANT_PARTS = ("natural_person",) + ORG_APPLICANTS
APPLICANTS = APPLICANT_PARTS + ("total",)
ABSENT = object()
APPS = SECTION["applications"].table
REVIEW = SECTION["review_litigation"].table
REVIEW_PARTS = ("upheld", "corrected", "other", "pending")
PROCEEDINGS = ("review", "lawsuit_direct", "lawsuit_after_review")

Cells = dict[tuple[str, str], "float | None"]


def _cells(frame: pd.DataFrame, d1: str, d2: str) -> dict[str, Cells]:
    """report_id → {(dim1, dim2): value or None (blank)}."""
    out: dict[str, dict] = {}
    for rid, a, b, v in frame[["report_id", d1, d2, "value"]].itertuples(index=False):
        out.setdefault(rid, {})[(a, b)] = None if pd.isna(v) else float(v)
    return out


def _sum(cells: Cells, keys) -> float:
    return sum(cells.get(k) or 0.0 for k in keys)


def _differ(a: float, b: float) -> bool:
    return abs(a - b) > 1e-9


def _every_apps(i: CheckInputs):
    return i.every[APPS], i.incomplete, i.missing.get(APPS)


def _every_review(i: CheckInputs):
    return i.every[REVIEW], i.missing.get(REVIEW)


# --- section 三: a blank 总计, then I2 (rows), I3 and I1 (applicant columns) ------------------

def _row_parts(cells: Cells, row: str) -> tuple[list[tuple[str, str]], float]:
    keys = [(row, a) for a in APPLICANT_PARTS if (row, a) in cells]
    return keys, _sum(cells, keys)


def _blank_total_rows(cells: Cells) -> list[str]:
    """Rows whose 总计 is printed blank while their applicant columns are not (sorted)."""
    return [row for row in sorted({r for r, _ in cells})
            if (row, "total") in cells and cells[(row, "total")] is None
            and _row_parts(cells, row)[1]]


def _printed_results_total(cells: Cells, col: str) -> float | None:
    """（七）总计 of an applicant column; None when it is absent or blank (a blank total is
    reported once, by blank_total, and not compared)."""
    return cells.get(("results_total", col))


@computes("blank_total", reads=_every_apps)
def check_blank_totals(apps: pd.DataFrame, incomplete=frozenset(),
                       missing: dict | None = None) -> list[Finding]:
    """A row whose 总计 is blank while its applicant columns are not: not compared by I1–I3."""
    findings = []
    meta = fact_meta(apps)
    for rid, cells in _cells(apps, "row_code", "applicant").items():
        for row in _blank_total_rows(cells):
            keys, parts = _row_parts(cells, row)
            findings.append(finding(
                meta[rid], "blank_total", "applications",
                f"{ROW[row]}：总计栏空白，而各申请人列之和为 {parts:g}", parts, None,
                cells_ref(APPS, [(row, "total")] + [k for k in keys if cells[k]])))
    return findings


@computes("applications_row_total", reads=_every_apps)
def check_row_total(apps: pd.DataFrame, incomplete=frozenset(),
                    missing: dict | None = None) -> list[Finding]:
    """I2, per row: 总计 = 自然人 + the five 法人或其他组织 columns; not compared in a row with
    a cell the template expects that was not placed (`missing`)."""
    findings = []
    meta = fact_meta(apps)
    missing = missing or {}
    for rid, cells in _cells(apps, "row_code", "applicant").items():
        gap_rows = {r for r, _ in missing.get(rid, frozenset())}
        for row in sorted({r for r, _ in cells}):
            total = cells.get((row, "total"), ABSENT)
            keys, parts = _row_parts(cells, row)
            if total is None or total is ABSENT or not keys or row in gap_rows:
                continue  # blank (blank_total), no total, no applicant columns printed, or a
                # cell of the row not read (not placed, or held back by OCR: `missing`)
            if _differ(parts, total):
                listed = " + ".join(f"{COL[k[1]]} {fmt(cells[k])}" for k in keys if cells[k])
                findings.append(finding(
                    meta[rid], "applications_row_total", "applications",
                    f"{ROW[row]}：总计印为 {total:g}，但各申请人列之和为 {parts:g}"
                    f"（{listed or '各列均为空白或0'}），相差 {total - parts:+g}",
                    parts, total, cells_ref(APPS, [(row, "total")] + [k for k in keys
                                                                       if cells[k]])))
    return findings


@computes("applications_results_total", reads=_every_apps)
def check_results_total(apps: pd.DataFrame, incomplete=frozenset(),
                        missing: dict | None = None) -> list[Finding]:
    """I3, per applicant column: （七）总计 = the sum of the result rows.

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
        if rid in incomplete:
            continue
        gap = missing.get(rid, frozenset())
        blank_rows = set(_blank_total_rows(cells))
        for col in APPLICANTS:
            printed = _printed_results_total(cells, col)
            if printed is None:
                continue
            if any((r, col) in gap for r in RESULT_ROWS + ("results_total",)):
                continue  # a result cell of the column not read
            result_rows = [r for r in RESULT_ROWS if (r, col) in cells]
            if not result_rows or (col == "total" and blank_rows & set(result_rows)):
                continue  # a blank 总计 among the rows: the total column is not compared
            parts = _sum(cells, [(r, col) for r in result_rows])
            if _differ(parts, printed):
                nonzero = [r for r in result_rows if cells[(r, col)]]
                listed = "、".join(f"{ROW[r]} {fmt(cells[(r, col)])}" for r in nonzero)
                findings.append(finding(
                    meta[rid], "applications_results_total", "applications",
                    f"{COL[col]}列：（七）总计印为 {printed:g}，但各办理结果之和为 {parts:g}"
                    f"（{listed or '均为空白或0'}），相差 {printed - parts:+g}", parts, printed,
                    cells_ref(APPS, [("results_total", col)] + [(r, col) for r in nonzero])))
    return findings


@computes("applications_balance", reads=_every_apps)
def check_balance(apps: pd.DataFrame, incomplete=frozenset(),
                  missing: dict | None = None) -> list[Finding]:
    """I1, per applicant column: 一 + 二 = （七）总计 + 四 (the 勾稽关系 the header prints); not
    compared in a column where one of these cells was expected but not placed (`missing`)."""
    findings = []
    meta = fact_meta(apps)
    missing = missing or {}
    involved = ("new_received", "carried_over", "results_total", "carried_forward")
    for rid, cells in _cells(apps, "row_code", "applicant").items():
        gap = missing.get(rid, frozenset())
        blank_rows = set(_blank_total_rows(cells))
        for col in APPLICANTS:
            printed = _printed_results_total(cells, col)
            if printed is None:
                continue
            if ("new_received", col) not in cells or ("carried_over", col) not in cells:
                continue
            if rid in incomplete and ("carried_forward", col) not in cells:
                continue  # not placed by the extractor (or not verified by OCR): unknown, not 0
            if col == "total" and blank_rows & set(involved):
                continue
            if any((r, col) in gap for r in involved):
                continue
            left = _sum(cells, [("new_received", col), ("carried_over", col)])
            right = printed + (cells.get(("carried_forward", col)) or 0.0)
            if _differ(left, right):
                findings.append(finding(
                    meta[rid], "applications_balance", "applications",
                    f"{COL[col]}列：一（本年新收）{fmt(cells[('new_received', col)])} + 二（上年结转）"
                    f"{fmt(cells[('carried_over', col)])} = {left:g}，但（七）总计 {printed:g} + "
                    f"四（结转下年度）{fmt(cells.get(('carried_forward', col)))} = {right:g}，"
                    f"相差 {right - left:+g}", left, right,
                    cells_ref(APPS, [(r, col) for r in involved if (r, col) in cells])))
    return findings


def check_applications(apps: pd.DataFrame, incomplete: set | frozenset = frozenset(),
                       missing: dict | None = None) -> list[Finding]:
    """Every check of section 三 tables: blank totals, I2, I3, I1 (for `gongkai extract` and
    tests; the suite runs each registered function on its own). In reading order: per report,
    its rows (a blank 总计 or I2), then its applicant columns (I3, then I1). `missing`: see
    `check_results_total`."""
    found = (check_blank_totals(apps, incomplete, missing)
             + check_row_total(apps, incomplete, missing)
             + check_results_total(apps, incomplete, missing)
             + check_balance(apps, incomplete, missing))
    reports = {rid: i for i, rid in enumerate(dict.fromkeys(apps["report_id"]))}

    def reading_order(f: Finding) -> tuple:
        row, col = parse_cells(f.cells)[1][0]
        if f.check_name in ("blank_total", "applications_row_total"):
            return reports.get(f.report_id, 0), 0, row, 0
        return (reports.get(f.report_id, 0), 1, APPLICANTS.index(col),
                f.check_name != "applications_results_total")
    return sorted(found, key=reading_order)


# --- section 四: a blank 总计, then I4 (blocks) -------------------------------------------

def _review_blocks(review: pd.DataFrame, missing: dict | None = None):
    """(meta, proceeding, total, part keys, their sum, listed, cells ref) of every block
    that prints a 总计 and at least one part, and none of whose cells the template expects was
    left unplaced (`missing`: report_id → (proceeding, outcome))."""
    meta = fact_meta(review)
    names = LABELS["outcome"]
    missing = missing or {}
    for rid, cells in _cells(review, "proceeding", "outcome").items():
        gap = missing.get(rid, frozenset())
        for proceeding in PROCEEDINGS:
            if (proceeding, "total") not in cells or any(p == proceeding for p, _ in gap):
                continue
            keys = [(proceeding, p) for p in REVIEW_PARTS if (proceeding, p) in cells]
            if len(keys) < len(REVIEW_PARTS):
                continue  # none printed, or a part not placed (or not verified by OCR): unknown
            listed = " + ".join(f"{names[p]} {fmt(cells.get((proceeding, p)))}"
                                for p in REVIEW_PARTS if (proceeding, p) in cells)
            ref = cells_ref(REVIEW, [(proceeding, "total")] + [k for k in keys if cells[k]])
            yield (meta[rid], proceeding, cells[(proceeding, "total")], _sum(cells, keys),
                   listed, ref)


@computes("blank_total", reads=_every_review)
def check_review_blank_totals(review: pd.DataFrame,
                              missing: dict | None = None) -> list[Finding]:
    """A block of section 四 whose 总计 is blank while its parts are not."""
    names = LABELS["proceeding"]
    return [finding(m, "blank_total", "review_litigation",
                    f"{names[proceeding]}：总计栏空白（{listed}）", parts, None, ref)
            for m, proceeding, total, parts, listed, ref in _review_blocks(review, missing)
            if total is None and parts]


@computes("review_litigation_total", reads=_every_review)
def check_review_total(review: pd.DataFrame, missing: dict | None = None) -> list[Finding]:
    """I4: in each block 总计 = 维持 + 纠正 + 其他 + 尚未审结; not compared in a block where a
    cell the template expects was not placed (`missing`: report_id → (proceeding, outcome))."""
    names = LABELS["proceeding"]
    return [finding(m, "review_litigation_total", "review_litigation",
                    f"{names[proceeding]}：总计印为 {total:g}，但 {listed} = {parts:g}，"
                    f"相差 {total - parts:+g}", parts, total, ref)
            for m, proceeding, total, parts, listed, ref in _review_blocks(review, missing)
            if total is not None and _differ(parts, total)]


def check_review_litigation(review: pd.DataFrame, missing: dict | None = None) -> list[Finding]:
    """Every check of section 四 tables: blank totals and I4, block by block (`missing`: see
    `check_review_total`)."""
    found = check_review_blank_totals(review, missing) + check_review_total(review, missing)
    reports = {rid: i for i, rid in enumerate(dict.fromkeys(review["report_id"]))}
    return sorted(found, key=lambda f: (reports.get(f.report_id, 0),
                                        PROCEEDINGS.index(parse_cells(f.cells)[1][0][0])))


# --- across years, and every table ----------------------------------------------------------

@computes("carry_over", reads=lambda i: (i.current[APPS],))
def check_carry_over(apps: pd.DataFrame) -> list[Finding]:
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


@computes("cell_not_number", reads=lambda i: (i.every,))
def check_not_numbers(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """Text in a number cell ("见附件"): the fact keeps its raw_text, the value stays NULL."""
    findings = []
    for section in SECTIONS:
        f = frames[section.table]
        d1, d2 = section.columns
        for row in f[f["kind"] == "text"].itertuples(index=False):
            a, b = getattr(row, d1), getattr(row, d2)
            findings.append(finding(row._asdict(), "cell_not_number", section.key,
                                    f"{LABELS[d1].get(a, a)} × {LABELS[d2].get(b, b)}："
                                    f"“{row.raw_text}”不是数字", None, None,
                                    cells_ref(section.table, [(a, b)])))
    return findings
