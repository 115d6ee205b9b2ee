"""The normaliser places every value of both national templates by its labels."""

from __future__ import annotations

import itertools

import pytest

from pipelines.parse.grid import from_spans
from pipelines.normalise.sections import normalise
from tests.fixtures import report_templates as T


def grid_of(layout, values: dict, page=None):
    placed, n_rows, n_cols = T.place(layout)
    spans = [(p.row, p.col, p.cell.rowspan, p.cell.colspan,
              values[p.cell.key] if p.cell.is_value else p.cell.text) for p in placed]
    return from_spans(spans, n_rows, n_cols, page=page)


def numbered(layout, start=1):
    counter = itertools.count(start)
    return {k: str(next(counter)) for k in T.value_keys(layout)}


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_every_template_cell_is_placed(fmt):
    grids, expected = [], {}
    for i, (table, build) in enumerate(T.TABLES.items()):
        layout = build(fmt)
        values = numbered(layout, start=100 * (i + 1))
        grids.append(grid_of(layout, values))
        expected.update({(table, *k): float(v) for k, v in values.items()})
    out = normalise(grids)
    assert out.unmapped == []
    assert out.format == fmt
    got = {({"applications": "fact_applications", "proactive": "fact_proactive",
             "review_litigation": "fact_review_litigation"}[f.section], f.dim1, f.dim2): f.value
           for f in out.facts}
    assert got == expected


def test_split_table_continues_on_next_page_without_header():
    layout = T.applications_layout("2021")
    values = numbered(layout)
    whole = grid_of(layout, values, page=3)
    top = from_spans([], 0, 0)
    top.cells, top.page = whole.cells[:12], 3
    bottom = from_spans([], 0, 0)
    bottom.cells, bottom.page = whole.cells[12:], 4
    out = normalise([top, bottom])
    assert out.unmapped == []
    assert len(out.facts) == len(values)
    assert {f.page for f in out.facts} == {3, 4}


def _row_of(grid, text):
    return next(r for r in range(grid.n_rows) if any(text in c.text for c in grid.row_cells(r)))


def test_a_row_whose_empty_cells_were_dropped_is_not_placed_by_position():
    layout = T.applications_layout("2021")
    values = numbered(layout)
    grid = grid_of(layout, values)
    r = _row_of(grid, "予以公开")
    row = grid.cells[r]
    # HTML with the empty cells left out: the last two values slide left, the row ends early.
    kept = [c for c in row[3:] if c.col not in (4, 5)]
    for i, cell in enumerate(kept):
        cell.col = 3 + i
    grid.cells[r] = row[:3] + kept + [None] * (len(row) - 3 - len(kept))
    out = normalise([grid])
    placed = {(f.dim1, f.dim2) for f in out.facts}
    assert not any(code == "granted" for code, _ in placed)
    assert len([u for u in out.unmapped if "fewer cells" in u.reason]) == len(kept)
    assert len(out.facts) == len(values) - 7


def test_a_label_the_template_lacks_goes_to_unmapped_with_its_cells():
    layout = T.proactive_layout("2019")
    values = numbered(layout)
    grid = grid_of(layout, values)
    r = _row_of(grid, "规范性文件")
    grid.cells[r][0].text = "其他主动公开文件"
    out = normalise([grid])
    assert {u.raw_text for u in out.unmapped} == {values[("normative_documents", m)]
                                                  for m in ("newly_made", "newly_published",
                                                            "total_published")}
    assert all("not recognised" in u.reason for u in out.unmapped)


def test_a_2021_table_printing_other_results_as_one_row_reads_as_printed():
    layout = T.applications_layout("2019")  # the 2019 （六） is one row
    values = numbered(layout)
    out = normalise([grid_of(layout, values)])
    assert out.unmapped == []
    assert {f.dim1 for f in out.facts if f.dim1.startswith("other_")} == {"other_total"}
