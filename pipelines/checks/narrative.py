"""Narrative against table: the number of applications section 一 says were received, against
row 一 (本年新收) of the section 三 table.

Only section 一 is read (up to the heading of 二 or 三), so the table's own text, the report's
table of contents ("收到和处理政府信息公开申请情况") and figures of other kinds (办结, 结转)
never count. Phrasings read: 收到/受理/接收/新收 … 申请 … N 件 (N in digits or Chinese
numerals), N 件 before 申请 ("收到21件政府信息公开申请"), and 未收到 … 申请 (0).
A 受理/共 statement may include the applications carried over, so it also agrees when it
equals 一 + 二.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from pipelines.checks.findings import cells_ref, computes, finding
from pipelines.core.models import Finding

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NUM = r"(\d+|[零〇一二两三四五六七八九十百千万]+)"
_STOP = r"[^，,。；;：:、！？\d（）()]"  # a statement does not cross a clause boundary
_VERB = r"(?P<verb>新收|收到|受理|接收|接到|共收)"
PATTERNS = (
    # 收到政府信息公开申请21件 / 共受理依申请公开事项 21 件 / 本年新收政府信息公开申请数量为21件
    re.compile(_VERB + _STOP + r"{0,24}?申请" + _STOP + r"{0,10}?" + NUM + r"件"),
    # 收到21件政府信息公开申请 / 共收到各类申请 21 件
    re.compile(_VERB + _STOP + r"{0,8}?" + NUM + r"件" + _STOP + r"{0,14}?申请"),
)
ZERO = re.compile(r"(未|没有|无)(新收|收到|受理|接到)" + _STOP + r"{0,20}?申请")
_SECTION_END = re.compile(r"(二|三)、\s*(主动公开|收到和处理|政府信息公开申请)")
_SECTION_ONE = re.compile(r"一、\s*总体情况")


def chinese_number(s: str) -> int | None:
    """"21" → 21, "二十一" → 21, "一百零五" → 105, "十二" → 12; None when not a number."""
    if s.isdigit():
        return int(s)
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def section_one(text: str) -> str:
    """The narrative's 一、总体情况 (or everything before section 二/三's heading)."""
    t = unicodedata.normalize("NFKC", text or "")
    t = re.sub(r"\s+", "", t)
    start = _SECTION_ONE.search(t)
    if start:
        t = t[start.end():]
    end = _SECTION_END.search(t)
    return t[:end.start()] if end else t


def stated_received(text: str) -> list[tuple[int, str, str]]:
    """(number, verb, the sentence fragment) for every statement of applications received."""
    one = section_one(text)
    out = []
    for m in ZERO.finditer(one):
        out.append((0, "未收到", m.group(0)))
    for pattern in PATTERNS:
        for m in pattern.finditer(one):
            if re.search(r"(结转|办结|答复|转办)", m.group(0)):
                continue
            n = chinese_number(m.group(m.lastindex))
            if n is not None:
                out.append((n, m.group("verb"), m.group(0)))
    return out


def _row_total(cells: pd.DataFrame, row: str) -> float | None:
    c = cells[cells["row_code"] == row]
    if c.empty:
        return None
    total = c.loc[c["applicant"] == "total", "value"]
    if len(total) and pd.notna(total.iloc[0]):
        return float(total.iloc[0])
    return float(pd.to_numeric(c.loc[c["applicant"] != "total", "value"]).fillna(0).sum())


@computes("narrative_mismatch", reads=lambda i: None if i.narratives is None
          else (i.narratives, i.every["fact_applications"]))
def check_narrative(narratives: pd.DataFrame, apps: pd.DataFrame) -> list[Finding]:
    """narratives: report_id, narrative; apps: the fact_applications rows of those reports."""
    if narratives is None or narratives.empty or apps is None or apps.empty:
        return []
    findings = []
    by_report = {rid: g for rid, g in apps[apps["row_code"].isin(["new_received", "carried_over"])]
                 .groupby("report_id")}
    for row in narratives.to_dict("records"):
        g = by_report.get(row["report_id"])
        if g is None or not isinstance(row.get("narrative"), str):
            continue
        received = _row_total(g, "new_received")
        if received is None:
            continue
        carried = _row_total(g, "carried_over") or 0.0
        statements = stated_received(row["narrative"])
        if not statements:
            continue
        agrees = any(n == received or (verb in ("受理", "共收") and n == received + carried)
                     for n, verb, _ in statements)
        if agrees:
            continue
        n, _, text = statements[0]
        meta = {"report_id": row["report_id"], "agency_id": g["agency_id"].iloc[0],
                "report_year": g["report_year"].iloc[0]}
        findings.append(finding(
            meta, "narrative_mismatch", "narrative",
            f"正文称“{text}”（{n} 件），但表格一、本年新收申请总计为 {received:g} 件",
            received, n, cells_ref("fact_applications", [("new_received", "total")])))
    return findings
