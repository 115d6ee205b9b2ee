"""Decode portal HTML to text.

Order: BOM, the HTTP header's charset, the page's <meta>, then detection. County portals often
send GBK pages with a default "utf-8" (or "iso-8859-1") header, so every declared charset is
verified by a strict decode before it is believed.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses characters
# that pages labelled with the smaller sets use anyway.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
            "cp936": "gb18030", "euc-cn": "gb18030", "hz-gb-2312": "gb18030", "utf8": "utf-8"}
# Servers default to these; on a page with non-ASCII bytes they are almost never the truth and
# they decode any byte "cleanly", so they cannot be verified.
_UNVERIFIABLE = {"iso8859-1", "latin-1", "iso-8859-1", "latin1", "cp1252", "windows-1252", "ascii", "us-ascii"}


def normalise_charset(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    return "gb18030" if canonical in ("gbk", "gb2312") else canonical


def header_charset(content_type: str | None) -> str | None:
    m = _HEADER_CHARSET.search(content_type or "")
    return normalise_charset(m.group(1)) if m else None


def meta_charset(content: bytes) -> str | None:
    m = _META_CHARSET.search(content[:8192])
    return normalise_charset(m.group(1).decode("ascii", "ignore")) if m else None


def _decodes(content: bytes, encoding: str) -> str | None:
    if encoding in _UNVERIFIABLE and any(b > 0x7F for b in content):
        return None
    try:
        text = content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    if encoding == "gb18030" and _is_utf8(content):
        return None  # most UTF-8 byte runs are also valid GB18030; strict UTF-8 is UTF-8
    return text


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def decode_html(content: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding used)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(bom):
            return content.decode(enc, "replace"), enc
    if content.isascii():
        return content.decode("ascii"), "ascii"
    declared = [c for c in (header_charset(content_type), meta_charset(content)) if c]
    for candidate in declared:
        text = _decodes(content, candidate)
        if text is not None:
            return text, candidate
    if _is_utf8(content):
        return content.decode("utf-8"), "utf-8"
    # Word-pasted pages sometimes carry a stray broken byte: a declared multi-byte charset
    # that fails on a handful of bytes is still right.
    for candidate in declared:
        if candidate in _UNVERIFIABLE:
            continue
        text = content.decode(candidate, "replace")
        if text.count("\ufffd") <= max(2, len(text) // 2000):
            return text, candidate
    best = charset_normalizer.from_bytes(content).best()
    guess = normalise_charset(best.encoding) if best else None
    if guess:
        return content.decode(guess, "replace"), guess
    # Chinese portals: the likeliest truth when nothing else is known.
    return content.decode("gb18030", "replace"), "gb18030"
