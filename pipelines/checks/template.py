"""Template compliance: the format used, the tables present, the rows and columns printed,
and reports that could not be read at all."""

from __future__ import annotations

import pandas as pd

from pipelines.checks.findings import (DIMS, LABELS, SECTION_ZH, TABLE_OF, cells_ref, computes,
                                       finding)
from pipelines.core.models import Finding, Format, Status
from pipelines.core.spec import OTHER_SUB_ROWS, expected_cells, template_cells

__all__ = ["template_cells", "OTHER_SUB_ROWS", "check_format", "check_unreadable",
           "check_sections_and_rows", "missing_cells"]

READABLE = (Status.OK, Status.PARTIAL)
UNREADABLE = {Status.FAILED: "无法读取", Status.NEEDS_OCR: "只有图片、没有文字层（需OCR）",
              Status.UNSUPPORTED: "文件类型无法处理"}


def _with_reports(i):
    return i.reports is not None and len(i.reports) > 0


def _present(frames: dict[str, pd.DataFrame]) -> dict[str, dict[str, set]]:
    """section → report_id → {(dim1, dim2)} printed."""
    out: dict[str, dict[str, set]] = {}
    for section, table in TABLE_OF.items():
        f = frames.get(table)
        d1, d2 = DIMS[table]
        got: dict[str, set] = {}
        if f is not None:
            for rid, a, b in f[["report_id", d1, d2]].itertuples(index=False):
                got.setdefault(rid, set()).add((a, b))
        out[section] = got
    return out


def missing_cells(reports: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """table → report_id → the cells the report's template expects that were not placed, for
    readable reports of a known format and the sections they printed (a section not found at
    all is `section_missing`, and no identity of it can be compared anyway). Identities skip
    every comparison that involves one of these cells (rule: an extractor's gap is never an
    arithmetic error)."""
    present = _present(frames)
    out: dict[str, dict] = {t: {} for t in TABLE_OF.values()}
    r = reports[reports["status"].isin([str(s) for s in READABLE])
                & reports["format"].isin([str(Format.F2019), str(Format.F2021)])]
    for rid, fmt in r[["report_id", "format"]].itertuples(index=False):
        for section, table in TABLE_OF.items():
            got = present[section].get(rid)
            if not got:
                continue
            gap = {c for c in expected_cells(section, str(fmt), got) if c not in got}
            if gap:
                out[table][rid] = gap
    return out


@computes("format_outdated", reads=lambda i: (i.reports,) if _with_reports(i) else None)
def check_format(reports: pd.DataFrame) -> list[Finding]:
    """A report on 2021 or later whose tables are the 2019 format."""
    r = reports[reports["status"].isin([str(s) for s in READABLE]) & (reports["format"] == "2019")
                & (pd.to_numeric(reports["report_year"], errors="coerce") >= 2021)]
    return [finding(row, "format_outdated", "report",
                    f"{int(row['report_year'])} 年度报告仍使用 2019 版统计表格"
                    "（国办公开办函〔2019〕60号），应使用 2021 版（国办公开办函〔2021〕30号）",
                    2021, 2019) for row in r.to_dict("records")]


@computes("report_unreadable", reads=lambda i: (i.reports,) if _with_reports(i) else None)
def check_unreadable(reports: pd.DataFrame) -> list[Finding]:
    """The report that stands for its agency and year could not be read: nothing was checked."""
    r = reports[reports["is_current"].astype(bool)
                & reports["status"].isin([str(s) for s in UNREADABLE])]
    return [finding(row, "report_unreadable", "report",
                    f"报告{UNREADABLE[row['status']]}，未能核对其数据"
                    + (f"（{row['error']}）" if isinstance(row.get("error"), str) else ""))
            for row in r.to_dict("records")]


@computes("section_missing", "template_rows_missing",
          reads=lambda i: (i.reports, i.every, i.unmapped) if _with_reports(i) else None)
def check_sections_and_rows(reports: pd.DataFrame, frames: dict[str, pd.DataFrame],
                            unmapped: pd.DataFrame | None = None) -> list[Finding]:
    """Whole tables missing (section_missing); template rows and columns missing
    (template_rows_missing), one finding per report and section."""
    findings = []
    present = _present(frames)
    lost: dict[tuple[str, str], int] = {}
    if unmapped is not None and len(unmapped):
        lost = unmapped.groupby(["report_id", "section"]).size().to_dict()
    r = reports[reports["status"].isin([str(s) for s in READABLE])]
    for row in r.to_dict("records"):
        rid, fmt = row["report_id"], row["format"]
        for section, table in TABLE_OF.items():
            got = present[section].get(rid, set())
            note = ""
            if lost.get((rid, section)):
                note = (f"（另有 {lost[(rid, section)]} 个单元格未能归位，缺少的内容可能在其中，"
                        "请对照原文）")
            if not got:
                findings.append(finding(row, "section_missing", section,
                                        f"报告中没有{SECTION_ZH[section]}的统计表{note}"))
                continue
            if fmt not in (Format.F2019, Format.F2021):
                continue
            want = expected_cells(section, fmt, got)
            if section == "applications" and fmt == "2021":
                printed_rows = {a for a, _ in got}
                if "other_total" in printed_rows and not printed_rows & set(OTHER_SUB_ROWS):
                    # （六）其他处理 printed as one row: 2019's layout in a 2021 table
                    findings.append(finding(
                        row, "template_rows_missing", section,
                        "（六）其他处理只印了一行（2019 版样式），缺少 2021 版的三个子项："
                        "1.逾期不补正、2.逾期未缴费、3.其他", 3, 0,
                        cells_ref(table, [("other_total", "total")])))
            missing = [c for c in want if c not in got]
            if not missing:
                continue
            d1, d2 = DIMS[table]
            rows_all = list(dict.fromkeys(a for a, _ in want))
            cols_all = list(dict.fromkeys(b for _, b in want))
            miss = set(missing)
            gone_rows = [a for a in rows_all if all(c in miss for c in want if c[0] == a)]
            gone_cols = [b for b in cols_all if all(c in miss for c in want if c[1] == b)]
            rest = [c for c in missing if c[0] not in gone_rows and c[1] not in gone_cols]
            parts = []
            if gone_rows:
                parts.append("缺少行：" + "、".join(LABELS[d1].get(a, a) for a in gone_rows))
            if gone_cols and section != "proactive":
                parts.append("缺少列：" + "、".join(LABELS[d2].get(b, b) for b in gone_cols))
            elif gone_cols:
                rest += [c for c in missing if c[1] in gone_cols and c[0] not in gone_rows]
            if rest:
                shown = "、".join(f"{LABELS[d1].get(a, a)}×{LABELS[d2].get(b, b)}"
                                 for a, b in rest[:6])
                parts.append(f"缺少单元格 {len(rest)} 个：{shown}" + ("…" if len(rest) > 6 else ""))
            findings.append(finding(
                row, "template_rows_missing", section,
                f"{SECTION_ZH[section]}（{fmt} 版）：" + "；".join(parts) + note,
                len(want), len(want) - len(missing)))
    return findings
