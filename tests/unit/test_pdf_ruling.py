"""The pages camelot reads (pipelines.parse.pdf_tables): the table pages that have ruling."""

from __future__ import annotations

from pathlib import Path

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
