"""The spec's template cells (what template_rows_missing and rule 4 expect of a report)
against the fixture templates, written independently from the national formats
(tests/fixtures/report_templates.py, which also draws every fixture document)."""

from __future__ import annotations

import pytest

from pipelines.core.spec import expected_cells, template_cells
from tests.fixtures import report_templates as T

SECTIONS = {"proactive": "fact_proactive", "applications": "fact_applications",
            "review_litigation": "fact_review_litigation"}


@pytest.mark.parametrize("fmt", ["2019", "2021"])
@pytest.mark.parametrize("section", list(SECTIONS))
def test_template_cells_are_the_fixture_templates_cells(section, fmt):
    printed = T.value_keys(T.TABLES[SECTIONS[section]](fmt))
    assert len(printed) == len(set(printed))
    assert expected_cells(section, fmt, set(printed)) == printed  # same cells, same order
    assert set(printed) <= set(template_cells(section, fmt))


def test_a_2021_table_whose_other_handling_is_one_row():
    # the 2019 （六） row in a 2021 table: the template then expects that row, not the three
    one_row = [c for c in T.value_keys(T.applications_layout("2019"))]
    want = expected_cells("applications", "2021", set(one_row))
    assert ("other_total", "total") in want and ("other_other", "total") not in want
    assert set(want) == set(one_row)
