"""The reviewer's report as a workbook that opens in Excel and WPS: what its sheets hold.

Sheets: 汇总 (one row per agency), 问题清单 (every finding with its page and cells), 三 / 二 / 四
(the year's facts with Chinese labels, in template order), 更正记录 (the corrections file's rows
for the year); numbers stored as numbers with a number format. `sheets` builds them as plain
values; `pipelines.core.workbook.write_file` makes the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.checks.findings import CHECK_BY_NAME, DIMS, LABELS, SECTION_ZH, cell_label
from pipelines.core.models import none_if_missing
from pipelines.core.registry import PLACE
from pipelines.core.workbook import Sheet
from pipelines.report.data import LEVEL_ZH, CountyYear

SEVERITY_ZH = {"error": "错误", "warning": "提示"}
STATUS_ZH = {"ok": "已读取", "partial": "部分读取", "failed": "无法读取", "needs_ocr": "图片版",
             "unsupported": "无法处理", None: "未找到"}
INT = "#,##0"
DEC = "#,##0.##"
SHEETS = ("汇总", "问题清单", "三", "二", "四", "更正记录")
FACT_SHEETS = (("三", "fact_applications"), ("二", "fact_proactive"), ("四", "fact_review_litigation"))


def _plain(column) -> list:
    """A column's values as plain Python values, a missing one as None (a whole column at a
    time: the fact sheets hold most of a workbook's cells)."""
    s = pd.Series(column)
    if isinstance(s.dtype, np.dtype):  # NaN or None already: the writer leaves those cells empty
        return s.tolist()
    return s.astype(object).where(s.notna(), None).tolist()  # pd.NA of nullable dtypes


def _sheet(out: list[Sheet], title: str, header: list[str], rows: list[list],
           formats: dict[int, str] | None = None, wrap: set[int] | None = None,
           error_rows: set[int] | None = None) -> None:
    out.append(Sheet(title, header, [[none_if_missing(v) for v in r] for r in rows], formats or {},
                     wrap or set(), error_rows or set()))


def sheets(cy: CountyYear, summary: pd.DataFrame) -> list[Sheet]:
    wb: list[Sheet] = []
    # 汇总
    header = ["机构", "级别", "报告状态", "表格版本", "新收申请", "予以公开", "部分公开", "不予公开",
              "办理结果总计", "行政复议", "行政诉讼", "错误", "提示", "原文链接"]
    rows, errs = [], set()
    for i, r in enumerate(summary.to_dict("records")):
        rows.append([r["agency_name"], LEVEL_ZH.get(r["level"], r["level"]),
                     STATUS_ZH.get(r.get("status"), r.get("status")), r.get("format"),
                     r.get("received"), r.get("granted"), r.get("partially_granted"),
                     r.get("withheld"), r.get("results_total"), r.get("review"),
                     r.get("litigation"), r["errors"], r["warnings"], r.get("document_url")])
        if r["errors"]:
            errs.add(i)
    _sheet(wb, "汇总", header, rows, {j: INT for j in range(4, 13)}, error_rows=errs)

    # 问题清单
    names = cy.agencies.set_index("agency_id")["agency_name"].to_dict()
    docs = cy.reports.set_index("report_id")["document_url"].to_dict() if len(cy.reports) else {}
    header = ["机构", "年度", "类别", "检查项", "检查代码", "部分", "问题说明", "涉及单元格（原文）",
              "页码", "应为", "实为", "原文链接"]
    rows, errs = [], set()
    f = cy.findings.sort_values(["agency_id", "severity", "check_name"], kind="stable")
    for i, fr in enumerate(f.to_dict("records")):
        check = CHECK_BY_NAME.get(fr["check_name"])
        cells = "；".join(f"{cell_label(t, a, b)}＝{'空白' if raw in (None, '') else raw}"
                         for t, a, b, raw in (fr.get("cell_list") or []))
        rows.append([names.get(fr["agency_id"], fr["agency_id"]), fr["report_year"],
                     SEVERITY_ZH.get(fr["severity"], fr["severity"]),
                     check.title_zh if check else fr["check_name"], fr["check_name"],
                     SECTION_ZH.get(fr["section"], fr["section"]), fr["detail"], cells or None,
                     fr.get("page"), fr.get("expected"), fr.get("actual"),
                     docs.get(fr["report_id"])])
        if fr["severity"] == "error":
            errs.add(i)
    _sheet(wb, "问题清单", header, rows, {1: "0", 8: "0", 9: DEC, 10: DEC}, wrap={6, 7},
           error_rows=errs)

    # 三 / 二 / 四: the year's facts with labels, in template order
    year_ids = set(cy.year_reports["report_id"])
    for name, table in FACT_SHEETS:
        d1, d2 = DIMS[table]
        facts = cy.facts[table]
        facts = facts[facts["report_id"].isin(year_ids)].copy()
        facts["_name"] = facts["agency_id"].map(names)
        facts["_o1"] = facts[d1].map(PLACE[d1]).fillna(99)  # a code of no template: last
        facts["_o2"] = facts[d2].map(PLACE[d2]).fillna(99)
        facts = facts.sort_values(["_name", "_o1", "_o2"])
        header = ["机构", "年度", "行", "列", "数值"] + (["单位"] if table == "fact_proactive" else []) \
            + ["原文", "页码", "更正", "行代码", "列代码"]
        unit = [facts["unit"]] if table == "fact_proactive" else []
        correction = facts["correction_id"] if "correction_id" in facts else [None] * len(facts)
        columns = [facts["_name"], facts["report_year"], facts[d1].map(LABELS[d1]).fillna(facts[d1]),
                   facts[d2].map(LABELS[d2]).fillna(facts[d2]), facts["value"], *unit,
                   facts["raw_text"], facts["page"], correction, facts[d1], facts[d2]]
        rows = list(zip(*(_plain(c) for c in columns)))  # ~9,000 rows: tuples, not lists
        # The value's format only: year and page are whole numbers, shown alike by "General".
        wb.append(Sheet(name, header, rows, {4: DEC if table == "fact_proactive" else INT}))

    # 更正记录
    header = ["行号", "机构", "表", "单元格", "原文", "原值", "更正为", "理由", "更正人", "日期", "状态",
              "未采用原因", "更正编号", "sha256"]
    rows, errs = [], set()
    c = cy.corrections if cy.corrections is not None else pd.DataFrame()
    for i, r in enumerate(c.to_dict("records")):
        t = r.get("table_name")
        cell = "—"
        if t in DIMS:
            d1, d2 = DIMS[t]
            if r.get(d1) and r.get(d2):
                cell = cell_label(t, r[d1], r[d2])
        value = pd.to_numeric(pd.Series([r.get("value")]), errors="coerce").iloc[0]
        rows.append([r["line"], r.get("agency_name"), t, cell, r.get("raw_text"),
                     r.get("previous_value"), value if pd.notna(value) else r.get("value"),
                     r.get("reason"), r.get("author"), r.get("date"),
                     "已采用" if r["status"] == "applied" else "未采用", r.get("rejected_because"),
                     r.get("correction_id"), r.get("sha256")])
        if r["status"] != "applied":
            errs.add(i)
    _sheet(wb, "更正记录", header, rows, {0: "0", 5: DEC, 6: DEC}, wrap={7, 11}, error_rows=errs)

    return wb
