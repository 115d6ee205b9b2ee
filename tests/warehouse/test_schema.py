"""The warehouse's DDL: the contract's tables and columns, constraints that agree with the
template spec, comments on everything, and a data dictionary that is up to date."""

from __future__ import annotations

import importlib.util
import re

import duckdb
import pytest

from pipelines.load.warehouse import SQL_DIR
from pipelines.core.registry import dimensions

CONTRACT = {
    "counties": "county_id county prefecture province division_code",
    "agencies": "agency_id agency_name county_id level",
    "reports": "report_id agency_id report_year format title page_url document_url media_type "
               "sha256 pages published_on fetched_at status error is_current first_seen last_seen",
    "fact_applications": "report_id agency_id report_year row_code applicant value raw_text page",
    "fact_proactive": "report_id agency_id report_year item measure value unit raw_text page",
    "fact_review_litigation": "report_id agency_id report_year proceeding outcome value raw_text page",
    "categories": "section dimension code label_zh formats sort_order",
    "quality_issues": "report_id agency_id report_year check_name severity section detail "
                      "expected actual",
    "unmapped_cells": "report_id section label raw_text page",
    "crawl_log": "url status etag last_modified sha256 fetched_at error",
    "runs": "run_id started_at finished_at extractor_version",
}
CONTRACT_VIEWS = ("v_applications", "v_proactive", "v_review_litigation", "v_county_applications",
                  "v_agency_year", "v_applications_comparable", "v_proactive_comparable")


@pytest.fixture(scope="module")
def ddl():
    con = duckdb.connect()
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
    con.execute((SQL_DIR / "views.sql").read_text(encoding="utf-8"))
    yield con
    con.close()


def _columns(con, table):
    return {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE "
                                      "table_name = ?", [table]).fetchall()}


def test_contract_tables_and_columns_exist(ddl):
    for table, cols in CONTRACT.items():
        assert set(cols.split()) <= _columns(ddl, table), table
        assert _columns(ddl, table + "_superseded") == _columns(ddl, table) or \
            not table.startswith("fact_")
    views = {v for (v,) in ddl.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal")
             .fetchall()}
    assert set(CONTRACT_VIEWS) <= views


def test_value_types_are_the_contracts(ddl):
    types = dict(ddl.execute("SELECT table_name || '.' || column_name, data_type FROM "
                             "duckdb_columns()").fetchall())
    assert types["fact_applications.value"] == "BIGINT"
    assert types["fact_review_litigation.value"] == "BIGINT"
    assert types["fact_proactive.value"] == "DOUBLE"
    assert types["reports.format"] == "VARCHAR"
    assert types["quality_issues.expected"] == types["quality_issues.actual"] == "DOUBLE"


def test_code_checks_list_exactly_the_template_codes(ddl):
    """The CHECK constraints of the fact tables and the spec (hence `categories`) cannot drift."""
    checks = {(t, cols[0]): expr for t, cols, expr in ddl.execute(
        "SELECT table_name, constraint_column_names, expression FROM duckdb_constraints() "
        "WHERE constraint_type = 'CHECK'").fetchall()}
    for section, dim in dimensions():
        expr = checks[(section.table, dim.column)]
        assert set(re.findall(r"'([a-z_]+)'", expr)) == set(dim.code_list), dim.column


# By name: columns added later (nullable, e.g. confidence) need no change here.
APPS_COLS = "(report_id, agency_id, report_year, row_code, applicant, value, raw_text, page)"


def test_constraints_reject_bad_rows(ddl):
    con = ddl.cursor()
    with pytest.raises(duckdb.ConstraintException):
        con.execute(f"INSERT INTO fact_applications {APPS_COLS} VALUES ('r', 'a', 2021, "
                    "'granted_typo', 'total', 1, '1', NULL)")
    con.execute(f"INSERT INTO fact_applications {APPS_COLS} VALUES ('r', 'a', 2021, 'granted', "
                "'total', 1, '1', NULL)")
    try:
        with pytest.raises(duckdb.ConstraintException):  # one row per printed cell
            con.execute(f"INSERT INTO fact_applications {APPS_COLS} VALUES ('r', 'a', 2021, "
                        "'granted', 'total', 2, '2', NULL)")
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO reports (report_id, format, media_type, status, is_current, "
                        "first_seen, last_seen) VALUES ('x', '2020', 'pdf', 'ok', false, "
                        "now(), now())")
    finally:
        con.execute("DELETE FROM fact_applications")


def test_every_table_view_and_column_is_commented(ddl):
    missing = [t for (t,) in ddl.execute("SELECT table_name FROM duckdb_tables() WHERE comment "
                                         "IS NULL").fetchall()]
    missing += [v for (v,) in ddl.execute("SELECT view_name FROM duckdb_views() WHERE NOT "
                                          "internal AND comment IS NULL").fetchall()]
    missing += [f"{t}.{c}" for t, c in ddl.execute(
        "SELECT table_name, column_name FROM duckdb_columns() c JOIN duckdb_tables() USING "
        "(table_name) WHERE c.comment IS NULL AND table_name NOT LIKE '%_superseded'").fetchall()]
    assert not missing, missing


def test_data_dictionary_is_up_to_date():
    spec = importlib.util.spec_from_file_location("make_data_dictionary",
                                                  SQL_DIR / "make_data_dictionary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (SQL_DIR / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert committed == module.render(), "run: python sql/make_data_dictionary.py"
    for code in ("normative_documents", "other_total", "other_unpaid_fee", "v_agency_year"):
        assert code in committed


def test_published_warehouse_has_the_schema_and_views(sample_warehouse):
    con = duckdb.connect(str(sample_warehouse["warehouse"]), read_only=True)
    try:
        for table, cols in CONTRACT.items():
            assert set(cols.split()) <= _columns(con, table), table
        for view in CONTRACT_VIEWS:
            con.execute(f"SELECT * FROM {view} LIMIT 1").fetchall()
        pks = {t for (t,) in con.execute("SELECT table_name FROM duckdb_constraints() WHERE "
                                         "constraint_type = 'PRIMARY KEY'").fetchall()}
        assert {"reports", "agencies", "counties", "fact_applications", "categories"} <= pks
    finally:
        con.close()
