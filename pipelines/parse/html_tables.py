"""Tables of an inline HTML report as grids, with rowspan/colspan expanded."""

from __future__ import annotations

import hashlib
import re

import lxml.etree
import lxml.html

from pipelines.parse.grid import Grid, from_spans
from pipelines.core.text import clean_cell, norm

# A page's own furniture changes between visits (counters, dates); the report does not.
_COUNTER = re.compile(r"(浏览次数|访问次数|访问量|点击数|阅读次数|浏览量)[:：]?\s*\d+")


def parse(html_text: str):
    return lxml.html.document_fromstring(html_text or "<html></html>")


def _span(el, name: str) -> int:
    value = el.get(name)
    if value is None:  # most cells
        return 1
    try:
        return max(1, min(int(re.sub(r"\D", "", value) or 1), 200))
    except ValueError:
        return 1


# Compiled once: an element's .xpath() compiles its expression on every call, per cell.
_PARAGRAPHS = lxml.etree.XPath(".//p")
_ROWS = lxml.etree.XPath(".//tr")
_OWN_TABLE = lxml.etree.XPath("ancestor::table[1]")
_CELLS = lxml.etree.XPath("./td|./th")


def _cell_text(td) -> str:
    # Word-pasted cells put each run in a <span> and paragraphs in <p>: join paragraphs with a
    # space so "本年新\n制作数量" stays one label once spaces are folded by the normaliser.
    paragraphs = _PARAGRAPHS(td)
    if not paragraphs:
        return clean_cell(td.text_content())
    return clean_cell(" ".join(p.text_content() for p in paragraphs))


def table_to_grid(table) -> Grid:
    rows = [tr for tr in _ROWS(table) if _OWN_TABLE(tr)[0] is table]
    occupied: dict[tuple[int, int], bool] = {}
    spans = []
    n_cols = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in _CELLS(tr):
            while occupied.get((r, c)):
                c += 1
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            rs = min(rs, len(rows) - r)
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    occupied[(rr, cc)] = True
            spans.append((r, c, rs, cs, _cell_text(td)))
            c += cs
            n_cols = max(n_cols, c)
    return from_spans(spans, len(rows), n_cols, page=None)


def innermost_tables(doc) -> list:
    """Tables that hold no other table: old portals lay whole pages out in tables."""
    return [t for t in doc.iter("table") if not t.xpath(".//table")]


def report_root(doc, tables: list):
    """The smallest element holding every report table: the report without the page around it."""
    if not tables:
        return None
    root = tables[0]
    while root is not None and not all(root in t.iterancestors() or root is t for t in tables):
        root = root.getparent()
    # Widen to the article container so the narrative is part of the report's identity,
    # but never to <body>: the page around the report is not the report.
    while (root is not None and root.getparent() is not None
           and root.getparent().tag not in ("body", "html")
           and len(norm(root.getparent().text_content())) < 3 * len(norm(root.text_content())) + 2000):
        root = root.getparent()
    return root


def content_hash(doc, tables: list) -> str:
    root = report_root(doc, tables)
    text = root.text_content() if root is not None else doc.text_content()
    text = _COUNTER.sub("", text)
    return hashlib.sha256(norm(text).encode("utf-8")).hexdigest()


def page_text(doc) -> str:
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    return doc.text_content()
