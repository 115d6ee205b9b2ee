"""`gongkai compare A B`: two reports side by side, cell by cell, from the warehouse (read-only).

A report is named by its sha256, a prefix of its report_id (or sha256), or AGENCY:YEAR
(青山县人民政府:2022: that agency's current report of that year; the agency by any of its
names). Both current and superseded reports can be compared (a republished report against the
one it replaced, the same agency's two years, two agencies).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.checks.findings import DIMS, cell_label
from pipelines.core.registry import PLACE
from pipelines.core.text import norm

SECTION_OF = {"fact_proactive": "二", "fact_applications": "三", "fact_review_litigation": "四"}


class NotFound(LookupError):
    pass


@dataclass
class Compared:
    a: dict  # the reports row of A, with agency_name
    b: dict
    cells: pd.DataFrame  # table, dim1, dim2, label, raw_a, value_a, raw_b, value_b, state


def resolve(con, ref: str) -> dict:
    """The reports row `ref` names (NotFound with the candidates when it names none or several)."""
    ref = ref.strip()
    base = ("SELECT r.*, a.agency_name FROM reports r LEFT JOIN agencies a USING (agency_id) ")
    m = re.fullmatch(r"(.+?)[:：](\d{4})", ref)
    if m and not re.fullmatch(r"[0-9a-fA-F]+", m.group(1)):
        name, year = norm(m.group(1)), int(m.group(2))
        rows = con.execute(base + "WHERE r.report_year = ? AND (a.agency_name = ? OR list_contains("
                                  "a.name_variants, ?)) ORDER BY r.is_current DESC, r.report_id",
                           [year, name, name]).df()
        if rows.empty:
            names = con.execute("SELECT DISTINCT a.agency_name FROM reports r JOIN agencies a "
                                "USING (agency_id) WHERE r.report_year = ? ORDER BY 1", [year]).df()
            raise NotFound(f"no report of {m.group(1)!r} for {year} (agencies with a {year} report: "
                           f"{', '.join(names['agency_name']) or 'none'})")
        return rows.iloc[0].to_dict()  # the current one
    low = ref.lower()
    rows = con.execute(base + "WHERE lower(r.sha256) = ? OR lower(r.report_id) = ?", [low, low]).df()
    if rows.empty and len(low) >= 4:
        rows = con.execute(base + "WHERE starts_with(lower(r.report_id), ?) "
                                  "OR starts_with(lower(r.sha256), ?)", [low, low]).df()
    if rows.empty:
        raise NotFound(f"no report with sha256 or report_id {ref!r} (use a sha256, a report_id "
                       "prefix of at least 4 characters, or AGENCY:YEAR)")
    if len(rows) > 1:
        listed = "; ".join(f"{r.report_id[:16]} {r.agency_name} {r.report_year}"
                           for r in rows.head(8).itertuples())
        raise NotFound(f"{ref!r} names {len(rows)} reports ({listed}): give more of it")
    return rows.iloc[0].to_dict()


def _facts(con, rid: str) -> pd.DataFrame:
    parts = []
    for table, (d1, d2) in DIMS.items():
        for name in (table, f"{table}_superseded"):
            f = con.execute(f"SELECT '{table}' AS tbl, {d1} AS dim1, {d2} AS dim2, value, raw_text "
                            f"FROM {name} WHERE report_id = ?", [rid]).df()
            parts.append(f)
    return pd.concat(parts, ignore_index=True)


def compare(warehouse: Path, ref_a: str, ref_b: str) -> Compared:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        a, b = resolve(con, ref_a), resolve(con, ref_b)
        fa, fb = _facts(con, a["report_id"]), _facts(con, b["report_id"])
    finally:
        con.close()
    both = fa.merge(fb, on=["tbl", "dim1", "dim2"], how="outer", suffixes=("_a", "_b"),
                    indicator=True)
    states = []
    for where, va, vb in zip(both["_merge"], both["value_a"], both["value_b"]):
        if where == "left_only":
            states.append("only_a")
        elif where == "right_only":
            states.append("only_b")
        else:
            same = (pd.isna(va) and pd.isna(vb)) or (not pd.isna(va) and not pd.isna(vb) and va == vb)
            states.append("same" if same else "different")
    both["state"] = states
    both["label"] = [cell_label(t, a_, b_) for t, a_, b_ in zip(both["tbl"], both["dim1"], both["dim2"])]
    d = {t: DIMS[t] for t in DIMS}
    both["_s"] = both["tbl"].map({"fact_proactive": 0, "fact_applications": 1, "fact_review_litigation": 2})
    both["_o1"] = [PLACE[d[t][0]].get(x, 99) for t, x in zip(both["tbl"], both["dim1"])]
    both["_o2"] = [PLACE[d[t][1]].get(x, 99) for t, x in zip(both["tbl"], both["dim2"])]
    both = both.sort_values(["_s", "_o1", "_o2"]).reset_index(drop=True)
    cells = both.rename(columns={"tbl": "table"})[
        ["table", "dim1", "dim2", "label", "raw_text_a", "value_a", "raw_text_b", "value_b", "state"]]
    return Compared(a, b, cells)


def _name(r: dict) -> str:
    year = r.get("report_year")
    year = "" if year is None or pd.isna(year) else f" {int(year)}"
    cur = "" if r.get("is_current") else "（已被替代）"
    return (f"{r.get('agency_name') or '?'}{year} {r.get('media_type')} {r['report_id'][:12]}{cur}")


def _v(raw, value) -> str:
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return "—"
    if value is None or pd.isna(value):
        return f"“{raw}”" if raw else "空白"
    return f"{value:g}" if str(raw).strip() == f"{value:g}" else f"{value:g}（“{raw}”）"


STATE_ZH = {"same": "相同", "different": "不同", "only_a": "仅 A", "only_b": "仅 B"}


def as_text(c: Compared, every: bool = False) -> str:
    counts = c.cells["state"].value_counts().to_dict()
    lines = [f"A: {_name(c.a)}  {c.a.get('document_url') or ''}",
             f"B: {_name(c.b)}  {c.b.get('document_url') or ''}",
             f"{len(c.cells)} cells: {counts.get('same', 0)} same, {counts.get('different', 0)} different, "
             f"{counts.get('only_a', 0)} only in A, {counts.get('only_b', 0)} only in B"]
    shown = c.cells if every else c.cells[c.cells["state"] != "same"]
    section = None
    for r in shown.itertuples(index=False):
        if r.table != section:
            section = r.table
            lines.append(f"\n{SECTION_OF[r.table]}  ({r.table})")
        diff = ""
        if r.state == "different" and not pd.isna(r.value_a) and not pd.isna(r.value_b):
            diff = f"  ({r.value_b - r.value_a:+g})"
        lines.append(f"  {STATE_ZH[r.state]:<4} {r.label}: A {_v(r.raw_text_a, r.value_a)} | "
                     f"B {_v(r.raw_text_b, r.value_b)}{diff}")
    if not every and shown.empty:
        lines.append("every cell the two reports share is the same")
    return "\n".join(lines) + "\n"


def as_html(c: Compared) -> str:
    e = lambda v: html.escape("" if v is None else str(v))  # noqa: E731
    counts = c.cells["state"].value_counts().to_dict()
    out = ['<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>报告对比</title><style>'
           'body{font:14px/1.5 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#212121}'
           "table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:3px 8px}"
           "th{background:#eef1f5}td.n{text-align:right}tr.different td{background:#fff3e0}"
           "tr.only_a td,tr.only_b td{background:#eceff1;color:#555}h2{font-size:16px}"
           ".only-diff tr.same{display:none}</style></head><body>",
           "<h1>报告逐格对比</h1>",
           f"<p>A：{e(_name(c.a))} {e(c.a.get('title'))}<br>B：{e(_name(c.b))} {e(c.b.get('title'))}</p>",
           f"<p>共 {len(c.cells)} 个单元格：相同 {counts.get('same', 0)}，不同 {counts.get('different', 0)}，"
           f"仅 A {counts.get('only_a', 0)}，仅 B {counts.get('only_b', 0)}。</p>"]
    for table in DIMS:
        part = c.cells[c.cells["table"] == table]
        if part.empty:
            continue
        out.append(f"<h2>{SECTION_OF[table]}</h2><table><tr><th>单元格</th><th>A</th><th>B</th>"
                   "<th>B−A</th><th></th></tr>")
        for r in part.itertuples(index=False):
            diff = ("" if r.state != "different" or pd.isna(r.value_a) or pd.isna(r.value_b)
                    else f"{r.value_b - r.value_a:+g}")
            out.append(f'<tr class="{r.state}"><td>{e(r.label)}</td><td class="n">{e(_v(r.raw_text_a, r.value_a))}</td>'
                       f'<td class="n">{e(_v(r.raw_text_b, r.value_b))}</td><td class="n">{diff}</td>'
                       f"<td>{STATE_ZH[r.state]}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)
