"""Every example query in sql/queries/ runs on the sample warehouse and returns what its
comment says, checked against the base tables (or the sample's known contents)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

QUERIES = Path(__file__).resolve().parents[2] / "sql" / "queries"
FILES = sorted(QUERIES.glob("*.sql"))


@pytest.fixture(scope="module")
def con(sample_warehouse):
    c = duckdb.connect(str(sample_warehouse["warehouse"]), read_only=True)
    yield c
    c.close()


def run(con, stem: str) -> pd.DataFrame:
    return con.execute((QUERIES / f"{stem}.sql").read_text(encoding="utf-8")).df()


def totals(con, row_code: str) -> pd.DataFrame:
    return con.execute(
        "SELECT a.agency_name, f.report_year, f.value FROM fact_applications f JOIN agencies a "
        "USING (agency_id) WHERE f.row_code = ? AND f.applicant = 'total'", [row_code]).df()


def test_there_are_at_least_ten_documented_queries(con):
    assert len(FILES) >= 10
    for f in FILES:
        text = f.read_text(encoding="utf-8")
        assert text.startswith("--"), f"{f.name}: starts with a comment saying what it returns"
        assert len(con.execute(text).fetchall()) > 0, f"{f.name} returns nothing on the sample"


def test_01_new_applications(con):
    got = run(con, "01_new_applications_by_agency_year")
    want = totals(con, "new_received")
    assert len(got) == len(want) == 12  # 4 agencies × 2020–2022; 应急管理局's PDF is unreadable
    merged = got.merge(want, on=["agency_name", "report_year"])
    assert (merged["new_applications"] == merged["value"]).all()
    assert list(got.itertuples(index=False, name=None)) == sorted(
        got.itertuples(index=False, name=None), key=lambda r: (r[0], r[2]))


def test_02_county_totals(con):
    got = run(con, "02_county_totals_by_year").set_index("report_year")
    assert list(got.index) == [2020, 2021, 2022] and set(got["county"]) == {"青山县"}
    for code, col in (("new_received", "received"), ("results_total", "handled"),
                      ("granted", "granted")):
        want = totals(con, code).groupby("report_year")["value"].sum()
        assert (got[col] == want).all(), col
    assert (got["agencies"] == 4).all()


def test_03_grant_rate_ranking(con):
    got = run(con, "03_grant_rate_ranking")
    assert (got["grant_rate"].diff().dropna() <= 0).all()
    assert (got["handled"] > 0).all()
    latest = con.execute("SELECT max(report_year) FROM reports WHERE is_current").fetchone()[0]
    granted = totals(con, "granted").query("report_year == @latest").set_index("agency_name")
    for row in got.itertuples():
        assert row.grant_rate == pytest.approx(granted.loc[row.agency_name, "value"] / row.handled,
                                               abs=5e-4)


def test_04_outcome_mix(con):
    got = run(con, "04_outcome_mix_by_year")
    assert got.groupby("report_year").size().eq(6).all()
    assert got.groupby("report_year")["share"].sum().between(0.99, 1.01).all()
    results = con.execute(
        "SELECT report_year, sum(value) FROM fact_applications WHERE applicant = 'total' AND "
        "row_code NOT IN ('new_received', 'carried_over', 'results_total', 'carried_forward') "
        "GROUP BY 1").df().set_index("report_year").iloc[:, 0]
    assert (got.groupby("report_year")["applications"].sum() == results).all()


def test_05_other_handling(con):
    got = run(con, "05_other_handling_across_formats")
    assert set(got.loc[got["format"] == "2019", "is_sum"]) == {False}
    assert set(got.loc[got["format"] == "2021", "is_sum"]) == {True}
    subrows = con.execute(
        "SELECT a.agency_name, f.report_year, sum(f.value) AS v FROM fact_applications f JOIN "
        "agencies a USING (agency_id) WHERE f.applicant = 'total' AND f.row_code IN "
        "('other_no_correction', 'other_unpaid_fee', 'other_other') GROUP BY ALL").df()
    merged = got.merge(subrows, on=["agency_name", "report_year"])
    assert len(merged) == (got["format"] == "2021").sum()
    assert (merged["other_handling"].fillna(-1) == merged["v"].fillna(-1)).all()


def test_06_withheld_reasons(con):
    got = run(con, "06_withheld_reasons")
    assert len(got) == 8 and got["reason"].str.startswith("withheld_").all()
    assert got["label_zh"].iloc[0] == "1.属于国家秘密"
    want = con.execute("SELECT sum(value) FROM fact_applications WHERE applicant = 'total' AND "
                       "row_code LIKE 'withheld_%'").fetchone()[0]
    assert got["applications"].sum() == want


def test_07_applicants(con):
    got = run(con, "07_applicants_by_type")
    assert "total" not in set(got["applicant"])
    assert list(got.query("report_year == 2021")["applicant"]) == [
        "natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_org", "other_org"]
    by_year = got.groupby("report_year")["new_applications"].sum()
    want = totals(con, "new_received").groupby("report_year")["value"].sum()
    assert (by_year == want).all()  # the sample's 总计 column adds up for this row


def test_08_review_litigation(con):
    got = run(con, "08_review_litigation_by_year")
    assert len(got) == 3 * got["report_year"].nunique()
    review_2021 = got.query("report_year == 2021 and proceeding == 'review'").iloc[0]
    assert review_2021["correction_rate"] == pytest.approx(
        review_2021["corrected"] / review_2021["cases"], abs=5e-4)


def test_09_normative_documents(con):
    got = run(con, "09_normative_documents_series")
    assert set(zip(got["format"], got["printed_measure"])) == {("2019", "newly_made"),
                                                               ("2021", "issued")}
    assert len(got) == 12


def test_10_fees(con):
    got = run(con, "10_fees_by_agency")
    assert (got["amount_wan_yuan"].diff().dropna() <= 0).all()
    assert got.iloc[0]["agency_name"] == "青山县人民政府"
    assert got["amount_wan_yuan"].max() == pytest.approx(130.5)


def test_11_reports_with_errors(con):
    got = run(con, "11_reports_with_errors")
    assert set(got["check_name"]) == {"applications_row_total", "review_litigation_total"}
    assert len(got) == con.execute("SELECT count(*) FROM quality_issues WHERE severity = 'error'"
                                   ).fetchone()[0]


def test_12_carry_over(con):
    got = run(con, "12_carry_over_chain")
    assert len(got) == 8  # 4 agencies × (2021, 2022)
    both = got.dropna(subset=["carried_forward_last_year", "carried_over_this_year"])
    assert (both["matches"] == (both["carried_forward_last_year"]
                                == both["carried_over_this_year"])).all()
    flagged = {(a, y) for a, y in con.execute(
        "SELECT a.agency_name, q.report_year FROM quality_issues q JOIN agencies a "
        "USING (agency_id) WHERE q.check_name = 'carry_over'").fetchall()}
    mismatched = {(r.agency_name, r.report_year) for r in both.itertuples() if not r.matches}
    assert mismatched <= flagged


def test_13_not_readable(con):
    got = run(con, "13_reports_not_readable")
    assert len(got) == 1 and got.iloc[0]["status"] == "failed"
    assert "truncated PDF" in got.iloc[0]["error"]


def test_14_licensing_change(con):
    got = run(con, "14_licensing_decisions_change")
    firsts = got.groupby("agency_name")["report_year"].transform("min") == got["report_year"]
    assert got.loc[firsts, "change"].isna().all()
    later = got[~firsts]
    prev = got.set_index(["agency_name", "report_year"])["decisions"]
    for row in later.itertuples():
        assert row.change == row.decisions - prev[(row.agency_name, row.report_year - 1)]


def test_15_republished(con):
    got = run(con, "15_republished_reports")
    assert len(got) == 2 and got["is_current"].sum() == 1
    assert set(got["media_type"]) == {"pdf", "html"}
