"""Section 二: proactive disclosure, block by block (第二十条第（x）项)."""

from __future__ import annotations

import re

from pipelines.parse.grid import Cell, Grid, aligned_columns, dominant
from pipelines.normalise.labels import NoMatch, match_code
from pipelines.normalise.model import Fact, Unmapped, make_fact
from pipelines.core.spec import PROACTIVE_ITEMS, PROACTIVE_MEASURES
from pipelines.core.text import norm, parse_value

SECTION = "proactive"
HOLES = "row has fewer cells than the table is wide (empty cells dropped?): its values cannot be placed"
_BLOCK = re.compile(r"第二十条第?\(?([一二三四五六七八九十]+)\)?项")


def _header_unit(header: str) -> str | None:
    """The unit a column header states ("本年收费金额（单位：万元）"); None when it states none."""
    text = norm(header)
    if "万元" in text:
        return "万元"
    if "(元)" in text or "单位元" in text.replace(":", ""):
        return "元"
    return None


def _measure_header(cells: list[Cell]) -> list[tuple[Cell, str, str | None]] | None:
    """[(header cell, measure, unit)] when the row is a block's column header, else None."""
    texts = [norm(c.text) for c in cells]
    if not any("信息内容" in t for t in texts) and not any(
        any(w in t for m in PROACTIVE_MEASURES for w in m.words) for t in texts
    ):
        return None
    out = []
    for cell in cells[1:]:
        if not norm(cell.text):
            continue
        try:
            m = match_code(cell.text, PROACTIVE_MEASURES, what="column header")
        except NoMatch:
            out.append((cell, "", None))
            continue
        out.append((cell, m.code, _header_unit(cell.text)))
    return out


def _carry_over(measures, aligned: dict[int, int]):
    """A block's column header, moved onto the next page's grid by its column ruling."""
    out = []
    for cell, code, unit in measures:
        if cell.col not in aligned or cell.last_col not in aligned:
            return None  # the columns moved: nothing above this part places its values
        first, last = aligned[cell.col], aligned[cell.last_col]
        out.append((Cell(cell.text, cell.row, first, cell.rowspan, last - first + 1), code, unit))
    return out


def read_proactive(grids: list[Grid]) -> tuple[list[Fact], list[Unmapped]]:
    facts: list[Fact] = []
    unmapped: list[Unmapped] = []
    measures: list[tuple[Cell, str, str | None]] | None = None
    placed: set[tuple[str, str]] = set()
    seen: set[int] = set()
    prev: Grid | None = None
    for grid in grids:
        if measures is not None and prev is not None:
            measures = _carry_over(measures, aligned_columns(prev, grid))
        prev = grid
        for r in range(grid.n_rows):
            cells = grid.row_cells(r)
            texts = [norm(c.text) for c in cells]
            if any(_BLOCK.search(t) for t in texts):
                measures = None  # a new block brings its own column header
                continue
            header = _measure_header(cells)
            if header is not None and not any(parse_value(c.text).kind == "number" for c in cells):
                measures = header
                continue
            fresh = [c for c in cells if id(c) not in seen]
            seen.update(id(c) for c in fresh)
            if not fresh or not any(norm(c.text) for c in fresh):
                continue
            label_cell, values = cells[0], [c for c in fresh if c is not cells[0]]
            label = label_cell.text
            if grid.has_holes(r):
                unmapped.extend(Unmapped(SECTION, label, c.text, grid.page, HOLES) for c in values)
                continue
            if measures is None:
                unmapped.extend(Unmapped(SECTION, label, c.text, grid.page,
                                         "no column header for this block")
                                for c in fresh if norm(c.text))
                continue
            try:
                item = match_code(label, PROACTIVE_ITEMS, what="row label").code
            except NoMatch as e:
                unmapped.extend(Unmapped(SECTION, label, c.text, grid.page, str(e))
                                for c in values)
                continue
            for cell in values:
                hits = [(m, u) for h, m, u in measures
                        if h.col <= cell.last_col and cell.col <= h.last_col]
                if len(hits) > 1:  # ruled a little apart from its header: its own position
                    under = {c: (m, u) for h, m, u in measures
                             for c in range(h.col, h.last_col + 1)}
                    own = dominant(grid, cell, under.get)
                    hits = [own] if own else hits
                if len(hits) != 1 or not hits[0][0]:
                    if not hits and not norm(cell.text):
                        continue  # an empty cell under no header: an unused area, nothing printed
                    why = ("column header not recognised" if hits else
                           "value under no column header")
                    unmapped.append(Unmapped(SECTION, label, cell.text, grid.page, why))
                    continue
                measure, unit = hits[0]
                if (item, measure) in placed:
                    unmapped.append(Unmapped(SECTION, label, cell.text, grid.page,
                                             f"{item}/{measure} printed more than once"))
                    continue
                placed.add((item, measure))
                facts.append(make_fact(SECTION, item, measure, cell.text, grid.page, unit,
                                       bbox=cell.bbox))
    return facts, unmapped
