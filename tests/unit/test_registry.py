"""The one registry of sections, and what is derived from it: the DDL's CHECK lists, the
blocking schema checks, the `categories` table, the data dictionary, the register of checks."""

from __future__ import annotations

import dataclasses

import duckdb
import pandas as pd
import pytest

from pipelines.checks import suite  # noqa: F401  (imports every check module: they register)
from pipelines.checks.findings import CHECKS, registered
from pipelines.checks.schema import fact_problems
from pipelines.core import registry
from pipelines.core.models import Status
from pipelines.core.registry import SECTIONS, categories_rows, dimensions
from pipelines.core.spec import Code
from pipelines.load import ddl


def test_the_registry_says_it_once():
    assert [(s.key, s.number, s.table, s.columns) for s in SECTIONS] == [
        ("applications", "三", "fact_applications", ("row_code", "applicant")),
        ("proactive", "二", "fact_proactive", ("item", "measure")),
        ("review_litigation", "四", "fact_review_litigation", ("proceeding", "outcome")),
    ]
    assert [s.number for s in registry.IN_TEMPLATE_ORDER] == ["二", "三", "四"]
    assert registry.BY_TABLE["fact_proactive_superseded"].key == "proactive"
    assert registry.SECTION_ZH["applications"].startswith("三、")


def test_the_committed_schema_is_current():
    current = ddl.SCHEMA.read_text(encoding="utf-8")
    assert ddl.render(current) == current, "run: python -m pipelines.load.ddl"
    assert ddl.main(["--check"]) == 0


def _with_extra_code(section_key: str, column: str, code: Code) -> tuple:
    sections = []
    for s in SECTIONS:
        if s.key == section_key:
            dims = tuple(dataclasses.replace(d, codes=d.codes + (code,)) if d.column == column
                         else d for d in s.dims)
            s = dataclasses.replace(s, dims=dims)
        sections.append(s)
    return tuple(sections)


def test_a_code_added_to_the_spec_reaches_the_ddl_and_categories():
    extra = Code("withheld_new_reason", "9.新的不予公开理由", ("新的理由",), ("2021",),
                 group="withheld", number=9)
    sections = _with_extra_code("applications", "row_code", extra)
    text = ddl.render(ddl.SCHEMA.read_text(encoding="utf-8"), ddl.check_lists(sections))
    con = duckdb.connect()
    try:
        con.execute(text)
        checks = {(t, cols[0]): expr for t, cols, expr in con.execute(
            "SELECT table_name, constraint_column_names, expression FROM duckdb_constraints() "
            "WHERE constraint_type = 'CHECK'").fetchall()}
        assert "withheld_new_reason" in checks[("fact_applications", "row_code")]
        con.execute("INSERT INTO fact_applications (report_id, row_code, applicant, raw_text) "
                    "VALUES ('r', 'withheld_new_reason', 'total', '1')")
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO fact_applications (report_id, row_code, applicant, raw_text) "
                        "VALUES ('r', 'not_a_code', 'total', '1')")
    finally:
        con.close()
    rows = categories_rows(sections)
    assert {"section": "applications", "dimension": "row_code", "code": "withheld_new_reason",
            "label_zh": "9.新的不予公开理由", "formats": "2021", "sort_order": 27} in rows


def test_the_ddl_lists_exactly_the_registry_and_the_enums():
    con = duckdb.connect()
    try:
        con.execute(ddl.schema_sql())
        got = {(t, cols[0]): expr for t, cols, expr in con.execute(
            "SELECT table_name, constraint_column_names, expression FROM duckdb_constraints() "
            "WHERE constraint_type = 'CHECK' AND len(constraint_column_names) = 1").fetchall()}
        for (table, column), values in ddl.check_lists().items():
            if (table, column) not in got:  # a column the DDL does not have (yet): read_by
                continue
            for v in values:
                assert f"'{v}'" in got[(table, column)], (table, column, v)
        assert all(f"'{s.value}'" in got[("reports", "status")] for s in Status)
        assert "'wps'" not in got[("reports", "media_type")]
    finally:
        con.close()


def test_categories_hold_every_code_of_every_dimension_in_template_order():
    rows = pd.DataFrame(categories_rows())
    assert list(dict.fromkeys(rows["section"])) == ["proactive", "applications",
                                                    "review_litigation"]
    for section, dim in dimensions():
        got = rows[(rows["section"] == section.key) & (rows["dimension"] == dim.column)]
        assert list(got["code"]) == list(dim.code_list)
        assert list(got["sort_order"]) == list(range(1, len(dim.codes) + 1))


def test_blocking_schema_checks_follow_the_registry():
    for section in SECTIONS:
        d1, d2 = section.columns
        ok = pd.DataFrame({"report_id": ["r"], d1: [section.dims[0].code_list[0]],
                           d2: [section.dims[1].code_list[0]], "raw_text": ["1"]})
        assert fact_problems(section.table, ok) == []
        assert fact_problems(section.superseded, ok) == []
        bad = ok.assign(**{d2: ["nonsense"]})
        assert any("outside the template" in p for p in fact_problems(section.table, bad))
        twice = pd.concat([ok, ok], ignore_index=True)
        assert fact_problems(section.table, twice) == [
            f"{section.table} has 1 duplicated (report_id, {d1}, {d2}) keys"]
        assert fact_problems(section.table, ok.assign(raw_text=[None])) == [
            f"{section.table}.raw_text is NULL in 1 rows"]


def test_every_declared_check_is_computed_by_a_registered_function():
    computed = {n for r in registered() for n in r.names}
    assert computed == {c.name for c in CHECKS}
    # I1, I2 and I3 are separate functions.
    by_name = {r.names: r.function.__name__ for r in registered()}
    assert len({by_name[("applications_balance",)], by_name[("applications_row_total",)],
                by_name[("applications_results_total",)]}) == 3
