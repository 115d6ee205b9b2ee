"""The analysts' views on the sample warehouse, against the base tables."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def con(sample_warehouse):
    c = duckdb.connect(str(sample_warehouse["warehouse"]), read_only=True)
    yield c
    c.close()


def test_agency_year_has_one_row_per_current_report(con):
    n_current = con.execute("SELECT count(*) FROM reports WHERE is_current").fetchone()[0]
    rows = con.execute("SELECT agency_id, report_year, count(*) FROM v_agency_year "
                       "GROUP BY ALL").fetchall()
    assert len(rows) == n_current and all(n == 1 for *_, n in rows)


def test_agency_year_figures_are_the_printed_totals(con):
    got = con.execute("SELECT report_id, applications_new, applications_handled, grant_rate, "
                      "reviews, reviews_corrected, review_correction_rate, findings_error "
                      "FROM v_agency_year WHERE status = 'ok'").df().set_index("report_id")
    facts = con.execute("SELECT report_id, row_code, value FROM fact_applications "
                        "WHERE applicant = 'total'").df()
    cell = {(r, c): v for r, c, v in facts.itertuples(index=False)}
    for rid, row in got.iterrows():
        assert row.applications_new == cell[(rid, "new_received")]
        assert row.applications_handled == cell[(rid, "results_total")]
        if cell[(rid, "results_total")]:
            assert row.grant_rate == pytest.approx(cell[(rid, "granted")] / cell[(rid, "results_total")])
    errors = dict(con.execute("SELECT report_id, count(*) FROM quality_issues WHERE severity = "
                              "'error' GROUP BY 1").fetchall())
    assert errors and all(got.loc[r, "findings_error"] == n for r, n in errors.items())
    # The sample's 教育局 2021 prints a review block whose 总计 is 0 while 纠正 is 1.
    bad = con.execute("SELECT reviews, reviews_corrected, review_correction_rate FROM v_agency_year "
                      "WHERE agency_name = '青山县教育局' AND report_year = 2021").fetchone()
    assert bad[0] == 0 and bad[1] == 1 and bad[2] is None


def test_unreadable_report_keeps_its_row_with_null_figures(con):
    row = con.execute("SELECT status, applications_new, grant_rate FROM v_agency_year "
                      "WHERE status = 'failed'").fetchall()
    assert row == [("failed", None, None)]


def test_other_handling_is_one_series_across_formats(con):
    printed = con.execute(
        "SELECT report_id, applicant, sum(value) FROM fact_applications WHERE row_code IN "
        "('other_no_correction', 'other_unpaid_fee', 'other_other') GROUP BY ALL").fetchall()
    assert printed
    comparable = {(r, a): v for r, a, v in con.execute(
        "SELECT report_id, applicant, value FROM v_applications_comparable WHERE "
        "row_code = 'other_total' AND is_sum").fetchall()}
    for rid, applicant, total in printed:
        assert comparable[(rid, applicant)] == total
    one_row = con.execute("SELECT count(*) FROM v_applications_comparable WHERE row_code = "
                          "'other_total' AND NOT is_sum AND format = '2019'").fetchone()[0]
    assert one_row > 0
    codes = {c for (c,) in con.execute("SELECT DISTINCT row_code FROM v_applications_comparable")
             .fetchall()}
    assert not codes & {"other_no_correction", "other_unpaid_fee", "other_other"}
    # Every other cell passes through unchanged.
    n_plain = con.execute("SELECT count(*) FROM fact_applications WHERE row_code NOT LIKE "
                          "'other_%'").fetchone()[0]
    assert con.execute("SELECT count(*) FROM v_applications_comparable WHERE row_code <> "
                       "'other_total'").fetchone()[0] == n_plain


def test_normative_documents_series_spans_both_formats(con):
    rows = con.execute("SELECT format, printed_measure FROM v_proactive_comparable WHERE item = "
                       "'normative_documents' AND series = 'issued'").fetchall()
    assert {("2019", "newly_made"), ("2021", "issued")} <= set(rows)


def test_county_view_sums_the_facts(con):
    direct = con.execute("SELECT sum(value) FROM fact_applications WHERE row_code = "
                         "'new_received' AND applicant = 'total'").fetchone()[0]
    view = con.execute("SELECT sum(value) FROM v_county_applications WHERE row_code = "
                       "'new_received' AND applicant = 'total'").fetchone()[0]
    assert direct == view > 0
