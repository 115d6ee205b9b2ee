"""The normaliser places every value of both national templates by its labels."""

from __future__ import annotations

import itertools

import pytest

from pipelines.extract.grid import from_spans
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
