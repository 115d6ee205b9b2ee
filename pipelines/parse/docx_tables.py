"""Tables of a DOCX attachment as grids, read from the document's own table markup."""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn

from pipelines.parse.grid import Grid, from_spans
from pipelines.core.text import clean_cell


def _tc_text(tc) -> str:
    paras = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))]
    return clean_cell(" ".join(p for p in paras if p))


def read_docx(data: bytes) -> tuple[list[Grid], str]:
    """(grids in document order, the document's text)."""
    document = docx.Document(io.BytesIO(data))
    grids = []
    for table in document.tables:
        tbl = table._tbl
        starts: dict[tuple[int, int], list] = {}  # (row, col) of a region's top-left → span
        owner: dict[tuple[int, int], tuple[int, int]] = {}
        n_cols = 0
        rows = tbl.findall(qn("w:tr"))
        for r, tr in enumerate(rows):
            c = 0
            for tc in tr.findall(qn("w:tc")):
                pr = tc.find(qn("w:tcPr"))
                span = 1
                vmerge = None
                if pr is not None:
                    gs = pr.find(qn("w:gridSpan"))
                    span = int(gs.get(qn("w:val"))) if gs is not None else 1
                    vm = pr.find(qn("w:vMerge"))
                    if vm is not None:
                        vmerge = vm.get(qn("w:val")) or "continue"
                if vmerge == "continue" and (r - 1, c) in owner:
                    top = owner[(r - 1, c)]
                    starts[top][2] = r - top[0] + 1
                    for cc in range(c, c + span):
                        owner[(r, cc)] = top
                else:
                    starts[(r, c)] = [r, c, 1, span, _tc_text(tc)]
                    for cc in range(c, c + span):
                        owner[(r, cc)] = (r, c)
                c += span
            n_cols = max(n_cols, c)
        grids.append(from_spans([tuple(v) for v in starts.values()], len(rows), n_cols,
                                page=None))
    text = "\n".join(p.text for p in document.paragraphs)
    return grids, text
