"""Every PDF fact's bbox holds its printed text: pdfium's text inside the box (turned back into
PDF coordinates) equals the fact's raw_text, for every cell of the bundled sample's PDFs."""

from __future__ import annotations

import re

import duckdb
import pypdfium2 as pdfium

from pipelines.core.lake import RawStore


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def test_text_inside_every_bbox_is_the_cell(sample_warehouse):
    con = duckdb.connect(str(sample_warehouse["warehouse"]), read_only=True)
    try:
        rows = []
        for t in ("fact_applications", "fact_proactive", "fact_review_litigation"):
            rows += con.execute(f"SELECT r.sha256, f.page, f.bbox, f.raw_text, r.media_type FROM {t} f "
                                f"JOIN reports r USING (report_id) UNION ALL "
                                f"SELECT r.sha256, f.page, f.bbox, f.raw_text, r.media_type FROM {t}_superseded f "
                                f"JOIN reports r USING (report_id)").fetchall()
    finally:
        con.close()
    store = RawStore(sample_warehouse["data_dir"] / "lake")
    pdf_rows = [r for r in rows if r[4] == "pdf"]
    assert len(pdf_rows) > 1000 and all(r[2] is not None and len(r[2]) == 4 for r in pdf_rows)
    assert all(r[2] is None for r in rows if r[4] == "html")
    docs, wrong, nonblank = {}, [], 0
    for sha, page, (x0, top, x1, bottom), raw, _ in pdf_rows:
        doc = docs.get(sha) or docs.setdefault(sha, pdfium.PdfDocument(store.read(sha)))
        p = doc[page - 1]
        left, _, _, ceiling = p.get_cropbox()
        tp = p.get_textpage()
        # Shrunk by a point: the ruling between cells is shared with the neighbours.
        inside = tp.get_text_bounded(left + x0 + 1, ceiling - bottom + 1, left + x1 - 1, ceiling - top - 1)
        nonblank += bool(_squash(raw))
        if _squash(inside) != _squash(raw):
            wrong.append((sha[:8], page, raw, inside))
    assert not wrong, wrong[:5]
    assert nonblank > 900
