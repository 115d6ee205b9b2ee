"""The evidence crop of a PDF finding: only the band of the page the crop shows is rendered, and
it is that band of the whole page (same size, same place), with the cells outlined."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from pipelines.report.evidence import MARGIN, OUTLINE, PAD, SCALE, PdfPages, pdf_crops
from tests.conftest import REPO

PDF = REPO / "tests" / "fixtures" / "corpus" / "docs" / "C01_bh-scj_2020.pdf"


@pytest.fixture()
def pages():
    p = PdfPages(PDF.read_bytes())
    yield p
    p.close()


def _whole(pages: PdfPages, page: int) -> np.ndarray:
    bitmap = pages.doc[page - 1].render(scale=SCALE)
    return np.asarray(bitmap.to_pil().convert("RGB")).astype(int)


@pytest.mark.parametrize("box", [(0, 150, 400, 330), (37, 401, 611, 690), (300, 150, None, None)])
def test_a_region_is_that_band_of_the_whole_page(pages, box):
    whole = _whole(pages, 1)
    h, w = whole.shape[:2]
    assert pages.size(1) == (w, h)
    left, top, right, bottom = box[0], box[1], box[2] or w, box[3] or h  # None: to the edge
    region = np.asarray(pages.region(1, left, top, right, bottom)).astype(int)
    expected = whole[top:bottom, left:right]
    assert region.shape == expected.shape
    assert expected.std() > 5  # the band holds print, not only paper
    # pdfium may smooth a glyph's edge a shade differently; a band one pixel off differs more.
    off = np.abs(region - expected).mean()
    assert off < 2.0
    shifted = whole[top + 1:bottom + 1, left:right]
    if shifted.shape == region.shape:
        assert np.abs(region - shifted).mean() > 2 * off


def test_the_crop_spans_the_cells_rows_and_outlines_them(pages):
    cell = [300.0, 400.0, 340.0, 414.0]  # x0, top, x1, bottom in points
    neighbour = [120.0, 420.0, 160.0, 434.0]  # another cell of the page: the table's left edge
    [(page, png)] = pdf_crops(pages, [(1, cell)], {1: [cell, neighbour]})
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    left = neighbour[0] - 200.0 if neighbour[0] > 200 else 0.0
    top = cell[1] - PAD
    assert page == 1
    assert img.shape[0] == int((cell[3] + PAD) * SCALE) - int(top * SCALE)
    assert img.shape[1] == int((cell[2] + MARGIN) * SCALE) - int(left * SCALE)
    red = (np.abs(img - np.array(OUTLINE[:3])).sum(axis=2) < 60)
    ys, xs = np.nonzero(red)
    # The outline sits where the cell is, within the outline's width.
    assert abs(xs.min() - (cell[0] - left) * SCALE) <= 3 and abs(xs.max() - (cell[2] - left) * SCALE) <= 3
    assert abs(ys.min() - (cell[1] - top) * SCALE) <= 3 and abs(ys.max() - (cell[3] - top) * SCALE) <= 3
