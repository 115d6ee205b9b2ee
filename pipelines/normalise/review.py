"""Section 四: administrative review and litigation, one row of 15 under a two-level header."""

from __future__ import annotations

from pipelines.parse.grid import Grid, dominant
from pipelines.normalise.labels import NoMatch, match_code
from pipelines.normalise.model import Fact, Unmapped, make_fact
from pipelines.core.spec import OUTCOMES, PROCEEDINGS
from pipelines.core.text import norm, parse_value

SECTION = "review_litigation"
HOLES = "row has fewer cells than the table is wide (empty cells dropped?): its values cannot be placed"
_HEADER_WORDS = tuple(w for c in PROCEEDINGS + OUTCOMES for w in c.words) + ("行政诉讼",)


def _proceeding(texts: list[str]) -> str | None:
    # Most specific first: "复议后起诉" also holds "复议".
    for code, words in (("lawsuit_after_review", ("复议后起诉", "复议后")),
                        ("lawsuit_direct", ("未经复议", "直接起诉")),
                        ("review", ("行政复议",))):
        if any(w in t for t in texts for w in words):
            return code
    return None


def read_review(grids: list[Grid]) -> tuple[list[Fact], list[Unmapped]]:
    facts: list[Fact] = []
    unmapped: list[Unmapped] = []
    placed: set[tuple[str, str]] = set()
    for grid in grids:
        header = [r for r in range(grid.n_rows)
                  if any(any(w in norm(c.text) for w in _HEADER_WORDS) for c in grid.row_cells(r))
                  and not any(parse_value(c.text).kind == "number" for c in grid.row_cells(r))]
        if not header:
            for r in range(grid.n_rows):
                unmapped.extend(Unmapped(SECTION, "", c.text, grid.page, "no header above")
                                for c in grid.row_cells(r) if norm(c.text))
            continue
        colmap: dict[int, tuple[str, str] | str] = {}
        for c in range(grid.n_cols):
            above = [grid.cells[r][c] for r in header if grid.cells[r][c] is not None]
            proceeding = _proceeding([norm(x.text) for x in above])
            # The outcome is the lowest header cell that names no proceeding (those stand
            # over five columns each).
            leaf = next((x for x in reversed(above) if norm(x.text)
                         and _proceeding([norm(x.text)]) is None and "诉讼" not in norm(x.text)),
                        None)
            try:
                outcome = match_code(leaf.text, OUTCOMES, what="column header").code if leaf else None
            except NoMatch as e:
                colmap[c] = str(e)
                continue
            colmap[c] = (proceeding, outcome) if proceeding and outcome else "column header not recognised"
        seen: set[int] = set()
        for r in range(max(header) + 1, grid.n_rows):
            holes = grid.has_holes(r)
            for cell in grid.row_cells(r):
                if id(cell) in seen:
                    continue
                seen.add(id(cell))
                targets = {colmap.get(c) for c in range(cell.col, cell.last_col + 1)}
                placed_by = {t for t in targets if isinstance(t, tuple)}
                # Spanning several grid columns is fine when one header stands over them all
                # (a sliver column a converted .doc adds has no header of its own), or when the
                # cell lies under one header but for a sliver (a value row ruled
                # apart from its header): it is placed by its own position in the group.
                if len(placed_by) == 1:
                    target = placed_by.pop()
                else:
                    own = dominant(grid, cell, lambda c: colmap.get(c)
                                   if isinstance(colmap.get(c), tuple) else None)
                    target = own or "value cell spans columns of different headers"
                if holes:
                    target = HOLES
                if not isinstance(target, tuple):
                    if norm(cell.text):
                        unmapped.append(Unmapped(SECTION, "", cell.text, grid.page,
                                                 target or "column header not recognised"))
                    continue
                if target in placed:
                    unmapped.append(Unmapped(SECTION, "", cell.text, grid.page,
                                             "a second row of values"))
                    continue
                placed.add(target)
                facts.append(make_fact(SECTION, target[0], target[1], cell.text, grid.page,
                                       bbox=cell.bbox))
    return facts, unmapped
