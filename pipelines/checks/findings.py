"""The shape of a finding, and the register of every check: name, severity, the asset it is
reported on, what it compares, and the function that computes it.

A finding is one row of `quality_issues` (the contract's columns) plus two columns of our own
that say where to look: `cells` (the cells involved, as codes: "table:dim1/dim2;dim1/dim2")
and `page` (the first page of the source document holding one of them; NULL for HTML).

Every check is declared once, in `CHECKS` below (the README's table, the reviewer's report's
legend and the Dagster asset checks all read it). A function that computes findings registers
itself with `@computes("name", ...)`; `pipelines.checks.suite` runs every registered function
over one `CheckInputs`, in the order they were registered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from pipelines.core.models import Finding, Severity
from pipelines.core.registry import (DIMS, LABELS, SECTION_ZH, TABLE_OF_SECTION,
                                     cell_label)

__all__ = ["CHECKS", "CHECK_BY_NAME", "CONTRACT_COLUMNS", "FINDING_COLUMNS", "Check",
           "CheckInputs", "DIMS", "LABELS", "SECTION_ZH", "TABLE_OF", "add_pages", "cell_label",
           "Registered", "cells_ref", "computes", "fact_meta", "finding", "fmt", "parse_cells", "registered"]

CONTRACT_COLUMNS = ["report_id", "agency_id", "report_year", "check_name", "severity", "section",
                    "detail", "expected", "actual"]
FINDING_COLUMNS = CONTRACT_COLUMNS + ["cells", "page", "county_id"]

TABLE_OF = TABLE_OF_SECTION  # section key → fact table (from the registry)


@dataclass(frozen=True)
class Check:
    name: str
    severity: Severity  # error: an arithmetic contradiction among printed figures; warning: the rest
    asset: str  # the Dagster asset the asset check is attached to
    title_zh: str
    compares: str  # what it compares, for the README, the report's legend and Dagster


E, W = Severity.ERROR, Severity.WARNING
CHECKS: tuple[Check, ...] = (
    Check("applications_balance", E, "fact_applications", "勾稽关系不平（一＋二≠（七）＋四）",
          "I1, per applicant column: 一 + 二 = （七）总计 + 四"),
    Check("applications_row_total", E, "fact_applications", "行合计不等于各申请人列之和",
          "I2, per row: 总计 = 自然人 + the five 法人或其他组织 columns"),
    Check("applications_results_total", E, "fact_applications", "办理结果总计不等于各项之和",
          "I3, per applicant column: （七）总计 = the sum of the result rows （一）…（六）"),
    Check("review_litigation_total", E, "fact_review_litigation", "复议诉讼总计不等于各项之和",
          "I4, per block: 总计 = 维持 + 纠正 + 其他 + 尚未审结"),
    Check("carry_over", E, "fact_applications", "上年结转与上一年报告不一致",
          "year N's 二、上年结转 against year N−1's 四、结转下年度继续办理, per applicant column"),
    Check("blank_total", W, "quality_issues", "总计栏空白",
          "a 总计 cell left blank while its parts are not: reported instead of I1–I4"),
    Check("cell_not_number", W, "quality_issues", "数字栏填写了文字",
          "text that is not a number in a number cell (见附件 …)"),
    Check("negative_count", W, "quality_issues", "出现负数",
          "a negative value where none can be negative (every cell but 本年增/减)"),
    Check("format_outdated", W, "reports", "2021年及以后的报告仍使用2019版表格",
          "a report on 2021 or later whose tables are the 2019 format"),
    Check("section_missing", W, "reports", "缺少统计表",
          "a readable report without the table of section 二, 三 or 四"),
    Check("template_rows_missing", W, "reports", "表格缺少模板规定的行或列",
          "the rows and columns of the report's national template against those printed"),
    Check("report_unreadable", W, "reports", "报告无法读取，未能核对",
          "the current report of an agency and year could not be read (failed, scanned image, "
          "unsupported file)"),
    Check("coverage_gap", W, "reports", "本年度未找到报告",
          "an agency with a report in year N−1 and none in year N (years the county published in)"),
    Check("roster_missing", W, "reports", "名单内机构未发布报告",
          "an agency on its source's roster (agencies = [...]) with no current report for a year "
          "its county published in"),
    Check("town_regulations", W, "fact_proactive", "乡镇、街道填报了规章",
          "a nonzero 规章 figure from a town, township or sub-district (they cannot issue 规章)"),
    Check("history_outlier", W, "quality_issues", "数值远超本机关历年水平",
          "a value more than 10× the agency's median of its other years (at least 2 other years)"),
    Check("crawl_empty", W, "quality_issues", "栏目列表未找到年度报告",
          "a source whose list pages yielded no annual report (a redesign, a moved column); "
          "report_id NULL, the county in county_id; earlier reports stay"),
    Check("narrative_mismatch", W, "fact_applications", "正文申请数与表格不一致",
          "the applications received stated in section 一 against row 一's 总计"),
    Check("ocr_unverified", "warning", "reports", "图片版识别结果未通过勾稽核对",
          "OCR-read cells of a comparison (I1–I4, 总计 column, （七） row) that does not hold, or "
          "cells no comparison covers whose second reading disagrees: kept in unmapped_cells, "
          "not stored as facts (a misreading or a printed error: check the page)"),
)
CHECK_BY_NAME = {c.name: c for c in CHECKS}


@dataclass
class CheckInputs:
    """What the checks read: the staged frames, as `pipelines.checks.suite` hands them on.

    `every`: each fact table over every document (current and superseded); `current`: the
    current reports' facts only (checks across years); `incomplete`: reports of an unknown
    format with section 三 cells that could not be placed (where the format is known,
    `missing` says which comparisons cannot be made)."""

    every: dict[str, pd.DataFrame]
    current: dict[str, pd.DataFrame]
    reports: pd.DataFrame | None = None
    agencies: pd.DataFrame | None = None
    unmapped: pd.DataFrame | None = None
    narratives: pd.DataFrame | None = None
    incomplete: frozenset = field(default_factory=frozenset)
    extracted: pd.DataFrame | None = None  # findings the extraction made itself (FINDING_COLUMNS)
    sources: pd.DataFrame | None = None  # per source, what its crawl found (crawl_empty)
    # table → report_id → the cells the report's template expects that were not placed
    # (`pipelines.checks.template.missing_cells`): identities skip comparisons involving them
    missing: dict = field(default_factory=dict)


CheckFunction = Callable[..., list[Finding]]
Reads = Callable[[CheckInputs], "tuple | None"]


@dataclass(frozen=True)
class Registered:
    names: tuple[str, ...]  # the checks whose findings it computes
    function: CheckFunction
    reads: Reads  # its arguments out of CheckInputs; None: what it needs is not there


_REGISTERED: list[Registered] = []


def computes(*names: str, reads: Reads) -> Callable[[CheckFunction], CheckFunction]:
    """Register `function(*reads(inputs))` as the one computing the findings of `names`
    (declared in CHECKS). The function keeps its own plain signature and stays callable."""
    unknown = [n for n in names if n not in CHECK_BY_NAME]
    if unknown:
        raise ValueError(f"checks {unknown} are not declared in CHECKS")

    def register(fn: CheckFunction) -> CheckFunction:
        if all(fn is not r.function for r in _REGISTERED):
            _REGISTERED.append(Registered(names, fn, reads))
        return fn
    return register


def registered() -> list[Registered]:
    """Every registered check function, in the order of CHECKS (whatever order the modules
    were imported in; two functions of one check keep their registration order)."""
    order = {c.name: i for i, c in enumerate(CHECKS)}
    return sorted(_REGISTERED, key=lambda r: min(order[n] for n in r.names))


def finding(meta: dict, check: str, section: str | None, detail: str, expected=None, actual=None,
            cells: str | None = None, severity: str | None = None) -> Finding:
    year = meta.get("report_year")
    return Finding(
        report_id=meta.get("report_id"), agency_id=meta.get("agency_id"),
        report_year=None if year is None or pd.isna(year) else int(year),
        check_name=check, severity=Severity(severity or CHECK_BY_NAME[check].severity),
        section=section, detail=detail,
        expected=None if expected is None else float(expected),
        actual=None if actual is None else float(actual), cells=cells)


def cells_ref(table: str, keys) -> str:
    """"fact_applications:granted/natural_person;granted/total"."""
    return f"{table}:" + ";".join(f"{a}/{b}" for a, b in keys)


def parse_cells(ref) -> tuple[str | None, list[tuple[str, str]]]:
    if not isinstance(ref, str) or ":" not in ref:
        return None, []
    table, rest = ref.split(":", 1)
    return table, [tuple(k.split("/", 1)) for k in rest.split(";") if "/" in k]


def fmt(v) -> str:
    return "空白" if v is None or pd.isna(v) else f"{v:g}"


def fact_meta(frame: pd.DataFrame) -> dict[str, dict]:
    return (frame.drop_duplicates("report_id")
            .set_index("report_id", drop=False)[["report_id", "agency_id", "report_year"]]
            .to_dict("index"))


def add_pages(findings: pd.DataFrame, facts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Fill `page` with the first page of the source holding one of the finding's cells."""
    if findings.empty:
        return findings
    pages: dict[tuple, int] = {}
    for table, (d1, d2) in DIMS.items():
        f = facts.get(table)
        if f is None or f.empty or "page" not in f:
            continue
        g = f[f["page"].notna()]
        for rid, a, b, p in g[["report_id", d1, d2, "page"]].itertuples(index=False):
            pages[(table, rid, a, b)] = int(p)
    out = []
    given = findings["page"] if "page" in findings else [None] * len(findings)
    for rid, ref, page in zip(findings["report_id"], findings["cells"], given):
        table, keys = parse_cells(ref)
        found = [pages[(table, rid, a, b)] for a, b in keys if (table, rid, a, b) in pages]
        # A finding whose cells are not facts (held back by OCR) keeps the page it names.
        out.append(min(found) if found else (None if pd.isna(page) else int(page)))
    findings = findings.copy()
    findings["page"] = pd.array(out, dtype="Int64")
    return findings
