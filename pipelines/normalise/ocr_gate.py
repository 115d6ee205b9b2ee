"""The arithmetic gate for values read by OCR: the table's identities decide, not the
engine's confidence.

A recognised number of section 三 or 四 is kept as a fact only where every identity it takes
part in and that can be evaluated holds, and at least one does (I1 per applicant column,
I2 per row — the 总计 column —, I3 per applicant column — the （七） row —, I4 per block).
Where a comparison fails, other readings of its cells (`reread`: another threshold and
scale) are tried one cell at a time, and a reading that makes every comparison of its cell
hold replaces the first. The cells of comparisons that still fail, and cells no comparison
covers, go to `unmapped` with their recognised text and the reason; each failing comparison
becomes one `ocr_unverified` finding naming its rows and page.

Section 二 has no identities: a value there is kept only when a second reading agrees with
the first and no reading disagrees.

Blank cells count as 0 in a comparison (as the checks count them); a cell whose text is not
a number makes every comparison it is in fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pipelines.core.spec import APPLICATION_ROWS, ORG_APPLICANTS
from pipelines.core.text import parse_value
from pipelines.normalise.model import INTEGER_SECTIONS, Fact, Unmapped

PARTS = ("natural_person",) + ORG_APPLICANTS
RESULT_ROWS = tuple(c.code for c in APPLICATION_ROWS if c.group and c.code != "results_total")
OUTCOME_PARTS = ("upheld", "corrected", "other", "pending")
LABEL = {c.code: c.label_zh for c in APPLICATION_ROWS}
PROCEEDING_ZH = {"review": "行政复议", "lawsuit_direct": "未经复议直接起诉",
                 "lawsuit_after_review": "复议后起诉"}
APPLICANT_ZH = {"natural_person": "自然人", "commercial_enterprise": "商业企业",
                "research_institution": "科研机构", "social_welfare_org": "社会公益组织",
                "legal_service_org": "法律服务机构", "other_org": "其他", "total": "总计"}
REASON = ("OCR reading not verified: {what} does not hold with the values read "
          "(a misreading or a printed error: check the page)")
UNCOVERED = "OCR reading not verified: no identity covers this cell and no second reading confirms it"

Key = tuple[str, str, str]  # section, dim1, dim2


@dataclass
class Comparison:
    name: str  # I1..I4
    check: str  # what it is, for people
    total: Key
    parts: list[Key]
    negate: list[Key]  # subtracted from the parts (I1: 一 = 七 + 四 − 二)


def _comparisons(keys: set[Key]) -> list[Comparison]:
    """Every comparison whose cells were all placed (an unplaced member: not evaluable)."""
    out = []
    app_rows = {d1 for s, d1, _ in keys if s == "applications"}
    for r in sorted(app_rows):
        total = ("applications", r, "total")
        parts = [("applications", r, a) for a in PARTS]
        if total in keys and all(p in keys for p in parts):
            out.append(Comparison("I2", f"{LABEL.get(r, r)}：总计 = 各申请人列之和", total, parts, []))
    for a in PARTS + ("total",):
        total = ("applications", "results_total", a)
        parts = [("applications", r, a) for r in RESULT_ROWS if r in app_rows]
        if total in keys and parts and all(p in keys for p in parts):
            out.append(Comparison("I3", f"{APPLICANT_ZH[a]}列：（七）总计 = 各办理结果之和",
                                  total, parts, []))
        i1 = [("applications", r, a) for r in ("new_received", "carried_over", "results_total",
                                               "carried_forward")]
        if all(k in keys for k in i1):
            # 一 + 二 = 七 + 四, written as 一 = 七 + 四 − 二.
            out.append(Comparison("I1", f"{APPLICANT_ZH[a]}列：一 + 二 = （七）总计 + 四",
                                  i1[0], [i1[2], i1[3]], [i1[1]]))
    for proc in PROCEEDING_ZH:
        total = ("review_litigation", proc, "total")
        parts = [("review_litigation", proc, o) for o in OUTCOME_PARTS]
        if total in keys and all(p in keys for p in parts):
            out.append(Comparison("I4", f"{PROCEEDING_ZH[proc]}：总计 = 维持 + 纠正 + 其他 + 尚未审结",
                                  total, parts, []))
    return out


def _number(fact: Fact) -> float | None:
    """A cell's value in a comparison: blank is 0; text that is no number is None."""
    if fact.kind == "blank":
        return 0.0
    return fact.value if fact.kind == "number" else None


def _holds(c: Comparison, val: Callable[[Key], float | None]) -> bool:
    members = [c.total] + c.parts + c.negate
    values = [val(k) for k in members]
    if any(v is None for v in values):
        return False
    total, rest = values[0], values[1:]
    parts = sum(rest[:len(c.parts)]) - sum(rest[len(c.parts):])
    return abs(total - parts) < 1e-9


def _parse(section: str, text: str) -> tuple[float | None, str]:
    p = parse_value(text)
    value, kind = p.value, p.kind
    if value is not None and section in INTEGER_SECTIONS and value != int(value):
        value, kind = None, "text"
    return value, kind


Readings = list[tuple[str, float, bool]]


def gate(facts: list[Fact], unmapped: list[Unmapped], reread: Callable[[str], Readings],
         reread_many: Callable[[list[str], list[bool]], list[Readings]] | None = None
         ) -> tuple[list[Fact], list[Unmapped], list[dict]]:
    """(verified facts, unmapped plus the unverified cells, ocr_unverified findings).

    `reread(raw_text)` gives other readings of a cell: (text, confidence, altered), where
    altered readings changed the ink (specks removed) and so may make a comparison hold but
    never confirm a value on their own. `reread_many(texts, altered)`, when given, reads at
    once the cells no comparison covers, without the altered readings (they cannot count
    there: such a cell needs readings that confirm it)."""
    by_key: dict[Key, Fact] = {(f.section, f.dim1, f.dim2): f for f in facts}
    comps = _comparisons(set(by_key))
    of_key: dict[Key, list[Comparison]] = {}
    for c in comps:
        for k in [c.total] + c.parts + c.negate:
            of_key.setdefault(k, []).append(c)
    current = {k: _number(f) for k, f in by_key.items()}
    val = current.get
    cache: dict[Key, Readings] = {}

    def alternatives(k: Key) -> Readings:
        if k not in cache:
            cache[k] = reread(by_key[k].raw_text)
        return cache[k]

    if reread_many is not None:
        # Known to be needed: the readings that may confirm each cell no comparison covers (a
        # section 二 value is never in one), blanks aside. The cells of failing comparisons
        # are read again one at a time below, until the comparison holds.
        confirm = [k for k, f in by_key.items() if f.kind != "blank"
                   and (f.section == "proactive" or not of_key.get(k))]
        got = reread_many([by_key[k].raw_text for k in confirm], [False] * len(confirm))
        cache.update(zip(confirm, got))

    # Second readings: one cell at a time, for the cells of failing comparisons.
    for _ in range(3):
        failing = [c for c in comps if not _holds(c, val)]
        if not failing:
            break
        changed = False
        for c in failing:
            if _holds(c, val):
                continue
            for k in [c.total] + c.parts + c.negate:
                before = current[k]
                for text, conf, _ in alternatives(k):
                    v, kind = _parse(k[0], text)
                    number = 0.0 if kind == "blank" else v
                    if number is None or number == before:
                        continue
                    current[k] = number
                    if all(_holds(o, val) for o in of_key.get(k, [])):
                        f = by_key[k]
                        f.raw_text = _retext(f.raw_text, text, conf)
                        f.value, f.kind = v, kind
                        changed = True
                        break
                    current[k] = before
                if _holds(c, val):
                    break
        if not changed:
            break

    failing = [c for c in comps if not _holds(c, val)]
    bad: dict[Key, list[Comparison]] = {}
    for c in failing:
        for k in [c.total] + c.parts + c.negate:
            bad.setdefault(k, []).append(c)
    kept, dropped = [], []
    for k, f in by_key.items():
        if f.section == "proactive":
            ok = _confirmed(f, alternatives(k))
            reason = None if ok else UNCOVERED
        elif k in bad:
            reason = REASON.format(what="; ".join(f"{c.name} ({c.check})" for c in bad[k]))
        elif not of_key.get(k):
            reason = UNCOVERED if not _confirmed(f, alternatives(k)) else None
        else:
            reason = None
        if reason is None:
            kept.append(f)
        else:
            dropped.append(Unmapped(f.section, _label(k), f.raw_text, f.page, reason))
    findings = [_finding(c, by_key) for c in failing]
    uncovered = [u for u in dropped if u.reason == UNCOVERED]
    if uncovered:
        pages = sorted({u.page for u in uncovered if u.page is not None})
        findings.append({
            "check_name": "ocr_unverified", "severity": "warning", "section": uncovered[0].section,
            "detail": (f"第{'、'.join(map(str, pages))}页：{len(uncovered)} 个识别出的数值无勾稽关系可核对、"
                       "两次识别不一致，未作为数据存储：" + "，".join(u.label for u in uncovered[:8])
                       + ("…" if len(uncovered) > 8 else "") + "。请核对原页。"),
            "expected": None, "actual": None, "cells": "", "page": pages[0] if pages else None})
    return kept, unmapped + dropped, findings


def _confirmed(f: Fact, alternatives: list[tuple[str, float, bool]]) -> bool:
    """A value no identity covers: a second reading of the same ink agrees, none disagrees."""
    if f.kind != "number":
        return f.kind == "blank" or not alternatives
    values = [_parse(f.section, t) for t, _, altered in alternatives if not altered]
    same = [v for v, kind in values if kind == "number" and v == f.value]
    other = [v for v, kind in values if kind == "number" and v != f.value]
    return bool(same) and not other


def _retext(old, text: str, conf: float):
    """The replacing reading, keeping the cell's provenance (page, box, crop)."""
    new = type(old).make(text, old.page, old.bbox, conf, old.crop, old.numeric) \
        if hasattr(old, "make") else text
    return new


def _label(k: Key) -> str:
    section, d1, d2 = k
    if section == "applications":
        return f"{LABEL.get(d1, d1)} / {APPLICANT_ZH.get(d2, d2)}"
    if section == "review_litigation":
        return f"{PROCEEDING_ZH.get(d1, d1)} / {d2}"
    return f"{d1} / {d2}"


TABLE = {"applications": "fact_applications", "review_litigation": "fact_review_litigation"}


def _finding(c: Comparison, by_key: dict[Key, Fact]) -> dict:
    members = [c.total] + c.parts + c.negate
    facts = [by_key[k] for k in members]
    pages = sorted({f.page for f in facts if f.page is not None})
    order = {c.code: i for i, c in enumerate(APPLICATION_ROWS)}
    rows = list(dict.fromkeys(_label(k).split(" / ")[0]
                              for k in sorted(members, key=lambda k: order.get(k[1], 99))))
    total = _number(by_key[c.total])
    parts = [_number(by_key[k]) for k in c.parts]
    minus = [_number(by_key[k]) for k in c.negate]
    expected = (None if any(v is None for v in parts + minus)
                else sum(parts) - sum(minus))
    read = "，".join(f"{_label(k)}={str(by_key[k].raw_text)!r}" for k in members)
    return {
        "check_name": "ocr_unverified", "severity": "warning", "section": c.total[0],
        "detail": (f"第{'、'.join(map(str, pages))}页 {c.name}（{c.check}）不成立，涉及：{'、'.join(rows)}。"
                   f"识别结果：{read}。可能是识别错误或印刷错误：请核对原页；这些单元格未作为数据存储。"),
        "expected": expected, "actual": total,
        "cells": TABLE[c.total[0]] + ":" + ";".join(f"{k[1]}/{k[2]}" for k in members),
        "page": pages[0] if pages else None,
    }
