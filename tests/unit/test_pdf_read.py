"""What pipelines.parse.pdf_tables reads of a PDF: the glyphs of a page, and the pages camelot
reads (the table pages that have ruling)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from pipelines.parse import pdf_tables as P

DOCS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "docs"


def _read(name: str) -> P.PdfRead:
    data = (DOCS / name).read_bytes()
    read = P.read_text(data)
    P.read_tables(data, read)
    return read


# L01: its first table page is narrative only; W01: the page after the last table;
# L14: no table page has ruling (camelot is not called)
@pytest.mark.parametrize("name", ["L01_bh-gov_2019.pdf", "W01_bh-fgj_2020.pdf",
                                  "L14_lj-gxq_2022.pdf"])
def test_table_pages_without_ruling_left_out_and_the_same_tables_found(name, monkeypatch):
    read = _read(name)
    assert set(read.ruled_pages) < set(read.table_pages)
    assert set(read.glyphs) == set(read.ruled_pages)
    # every kind of object counted as ruling: camelot reads every table page
    monkeypatch.setattr(P, "_RULING_KINDS", tuple(range(6)))  # FPDF_PAGEOBJ_UNKNOWN … FORM
    every = _read(name)
    assert every.ruled_pages == every.table_pages == read.table_pages
    assert [repr(g) for g in read.grids] == [repr(g) for g in every.grids]


def _glyphs_one_by_one(textpage) -> list[P.Glyph]:
    """The page's glyphs through pypdfium2's own per-character calls."""
    out = []
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1 or code in P._NOT_DRAWN:
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        out.append(P.Glyph(chr(code), left, bottom, right, top))
    return P.dedupe_glyphs(out)


@pytest.mark.parametrize("name", ["C01_bh-scj_2020.pdf", "W19_bh-jtj_2021.pdf"])
def test_glyphs_as_pypdfium2_reads_them_one_by_one(name):
    doc = pdfium.PdfDocument((DOCS / name).read_bytes())
    try:
        for i in range(len(doc)):
            textpage = doc[i].get_textpage()
            glyphs = P._glyphs(textpage)
            assert glyphs == _glyphs_one_by_one(textpage) and glyphs
            boxes = glyphs.boxes()
            assert boxes[0].tolist() == [g.left for g in glyphs]
            assert boxes[3].tolist() == [g.top for g in glyphs]
            assert boxes[4].tolist() == [g.cx for g in glyphs]
            assert boxes[6].tolist() == [float(g.char.isspace()) for g in glyphs]
    finally:
        doc.close()
