"""Text normalisation for labels and parsing of the numbers printed in value cells."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

from pipelines.core.spec import BLANK_MARKS

_T2S = opencc.OpenCC("t2s")
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# Quotes and list punctuation carry no meaning in a label; brackets are kept (ASCII after NFKC)
# because "(三)" and "3." tell the template's structure.
_NOISE = re.compile(r"[“”\"'‘’「」『』:：;；,，。、.·•]")


@lru_cache(maxsize=65536)
def norm(label: str | None) -> str:
    """A label in comparable form: NFKC (full-width → ASCII), simplified characters, no spaces."""
    if not label:
        return ""
    s = unicodedata.normalize("NFKC", label)
    s = _T2S.convert(s)
    s = s.replace("【", "[").replace("】", "]").replace("〔", "(").replace("〕", ")")
    return _SPACES.sub("", s)


def norm_loose(label: str | None) -> str:
    """`norm` without list punctuation, for fuzzy comparison."""
    return _NOISE.sub("", norm(label))


def clean_cell(raw: str | None) -> str:
    """A cell as read: spaces (incl. &nbsp; and full-width) folded and trimmed."""
    if raw is None:
        return ""
    return _SPACES.sub(" ", str(raw)).strip()


@dataclass(frozen=True)
class Parsed:
    value: float | None
    unit: str | None
    kind: str  # number | blank | text


_NUMBER = re.compile(
    r"^(?P<sign>[+\-−]|增加|增|减少|减)?(?P<num>\d+(?:\.\d+)?)"
    r"(?P<unit>万元|元|件|个|项|次|条|宗)?"
    r"(?P<note>\(.*\))?$"
)
_UNITS = {"元", "万元"}  # units that change the number's meaning; counting words are dropped


def parse_value(raw: str | None) -> Parsed:
    """The number a value cell prints, or why there is none.

    "减少8"/"减8"/"-8" → -8; "增加3"/"+3" → 3; "251000元" → 251000 元; "22（其中修订 16 件）" → 22;
    blank, "/", "-", "—" → blank; anything else → text (a finding, never a guess).
    """
    text = clean_cell(raw)
    if text == "" or text in BLANK_MARKS:
        return Parsed(None, None, "blank")
    s = unicodedata.normalize("NFKC", text).replace(" ", "").replace(",", "")
    m = _NUMBER.match(s)
    if not m:
        return Parsed(None, None, "text")
    value = float(m["num"])
    if m["sign"] in ("-", "−", "减少", "减"):
        value = -value
    unit = m["unit"] if m["unit"] in _UNITS else None
    return Parsed(value, unit, "number")
