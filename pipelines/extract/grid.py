"""One table as read from any document: a grid whose merged regions are single cells.

HTML (rowspan/colspan), PDF (camelot's cells without a ruling line between them) and DOCX
(gridSpan/vMerge) all become this shape, so the normaliser places values the same way for
every source.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False)
class Cell:
    text: str
    row: int  # top-left position of the merged region
    col: int
    rowspan: int = 1
    colspan: int = 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(eq=False)
class Grid:
    cells: list[list[Cell | None]]  # every position points at the cell covering it
    page: int | None = None  # 1-based PDF page; None for HTML
    order: tuple = field(default=(0,))  # reading order within the document

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.cells), default=0)

    def row_cells(self, r: int) -> list[Cell]:
        """Distinct cells covering row r, left to right (merged regions once)."""
        out: list[Cell] = []
        for cell in self.cells[r]:
            if cell is not None and (not out or out[-1] is not cell) and cell not in out:
                out.append(cell)
        return out

    def text(self) -> str:
        seen: set[int] = set()
        parts = []
        for row in self.cells:
            for cell in row:
                if cell is not None and id(cell) not in seen:
                    seen.add(id(cell))
                    parts.append(cell.text)
        return " ".join(parts)

    def slice_rows(self, start: int, stop: int | None = None) -> "Grid":
        """Rows [start, stop) as a grid of their own (cells keep their identity)."""
        return Grid(self.cells[start:stop], self.page, self.order)


def from_spans(spans: list[tuple[int, int, int, int, str]], n_rows: int, n_cols: int,
               page: int | None = None, order: tuple = (0,)) -> Grid:
    """Build a grid from (row, col, rowspan, colspan, text) regions."""
    cells: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    for r, c, rs, cs, text in spans:
        cell = Cell(text, r, c, rs, cs)
        for rr in range(r, min(r + rs, n_rows)):
            for cc in range(c, min(c + cs, n_cols)):
                cells[rr][cc] = cell
    return Grid(cells, page, order)
