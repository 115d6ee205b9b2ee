"""Matching printed labels to the template's codes: tolerant, but never a guess."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from pipelines.core.spec import Code
from pipelines.core.text import norm, norm_loose

FUZZY_MIN = 72  # similarity (0-100) a misprinted label needs to its template label
FUZZY_MARGIN = 12  # and its lead over the runner-up

_LEADING_NUMBER = re.compile(r"^(\d+)\s*[.．、]?")
_CHINESE_NUMBER = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]")


def leading_number(label: str) -> int | None:
    m = _LEADING_NUMBER.match(norm(label))
    return int(m.group(1)) if m else None


def leading_chinese_number(label: str) -> str | None:
    m = _CHINESE_NUMBER.match(norm(label))
    return m.group(1) if m else None


def strip_numbering(label: str) -> str:
    s = norm(label)
    s = _CHINESE_NUMBER.sub("", s)
    s = _LEADING_NUMBER.sub("", s)
    return s


class NoMatch(Exception):
    """The label cannot be placed with confidence; the message says why."""


def match_code(label: str, codes: tuple[Code, ...], *, what: str = "label") -> Code:
    """The one code whose words the label holds, else a clear fuzzy winner, else NoMatch."""
    text = norm(label)
    if not text:
        raise NoMatch(f"empty {what}")
    hits = [c for c in codes if any(w in text for w in c.words)]
    if len(hits) > 1:
        # A longer, more specific word beats a shorter one it contains ("其他处理" vs "其他").
        best = max(max(len(w) for w in c.words if w in text) for c in hits)
        hits = [c for c in hits if max(len(w) for w in c.words if w in text) == best]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise NoMatch(f"{what} {label!r} fits several codes: {', '.join(c.code for c in hits)}")
    body = norm_loose(strip_numbering(label))
    scored = sorted(
        ((fuzz.ratio(body, norm_loose(strip_numbering(c.label_zh))), c) for c in codes),
        key=lambda sc: -sc[0],
    )
    if scored and scored[0][0] >= FUZZY_MIN and (
        len(scored) == 1 or scored[0][0] - scored[1][0] >= FUZZY_MARGIN
    ):
        return scored[0][1]
    best = f" (closest: {scored[0][1].label_zh} at {scored[0][0]:.0f}%)" if scored else ""
    raise NoMatch(f"{what} {label!r} not recognised{best}")
