"""Every check fires on a crafted report and stays silent on clean ones."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.checks.findings import CHECKS, CONTRACT_COLUMNS, FINDING_COLUMNS
from pipelines.checks.suite import all_findings
from pipelines.checks.narrative import chinese_number, stated_received
from tests.checks.frames import Corpus

APPS, PRO, REV = "fact_applications", "fact_proactive", "fact_review_litigation"


def run(corpus: Corpus) -> pd.DataFrame:
    return all_findings(corpus.frames())


def only(found: pd.DataFrame, check: str) -> pd.DataFrame:
    others = found[found["check_name"] != check]
    assert others.empty, others[["check_name", "detail"]].to_string()
    return found[found["check_name"] == check]


def two_clean_years() -> Corpus:
    c = Corpus()
    c.report("r20", "局", 2020, fmt="2019").report("r21", "局", 2021)
    return c


def test_clean_reports_raise_nothing():
    c = two_clean_years()
    c.report("r22", "局", 2022, narrative="一、总体情况 全年共收到政府信息公开申请5件，上年结转1件。")
    c.agency("柳溪镇", "town").report("t21", "柳溪镇", 2021).report("t22", "柳溪镇", 2022)
    found = run(c)
    assert found.empty, found[["check_name", "detail"]].to_string()
    assert list(found.columns) == FINDING_COLUMNS and FINDING_COLUMNS[:9] == CONTRACT_COLUMNS


def test_every_check_is_registered_with_a_severity():
    names = {c.name for c in CHECKS}
    assert {"applications_balance", "applications_row_total", "applications_results_total",
            "review_litigation_total", "carry_over", "blank_total", "cell_not_number",
            "format_outdated", "section_missing", "template_rows_missing", "negative_count",
            "town_regulations", "history_outlier", "coverage_gap", "narrative_mismatch"} <= names
    errors = {c.name for c in CHECKS if c.severity == "error"}
    assert errors == {"applications_balance", "applications_row_total",
                      "applications_results_total", "review_litigation_total", "carry_over"}


# --- identities ------------------------------------------------------------------------------

def test_row_total_names_the_cells_and_the_difference():
    # 商业企业 of （一） printed 1 and its 总计 kept: I2 on the row (and I3 in that column)
    c = two_clean_years().set(APPS, "r21", "granted", "commercial_enterprise", 1)
    found = run(c)
    assert set(found["check_name"]) == {"applications_row_total", "applications_results_total"}
    f = found[found["check_name"] == "applications_row_total"].iloc[0]
    assert (f["severity"], f["expected"], f["actual"], f["page"]) == ("error", 4.0, 3.0, 2)
    assert "granted/total" in f["cells"] and "granted/commercial_enterprise" in f["cells"]
    assert "总计印为 3" in f["detail"] and "相差 -1" in f["detail"]


def test_results_total_per_column():
    c = two_clean_years()
    c.set(APPS, "r21", "results_total", "natural_person", 6).set(APPS, "r21", "results_total", "total", 6)
    found = run(c)
    i3 = found[found["check_name"] == "applications_results_total"]
    assert set(i3["cells"].str.split(":").str[1].str.split(";").str[0]) == {
        "results_total/natural_person", "results_total/total"}
    assert (i3["expected"] == 5).all() and (i3["actual"] == 6).all()
    # the same misprint unbalances I1 in both columns (6 + 1 ≠ 5 + 1)
    assert set(found["check_name"]) == {"applications_results_total", "applications_balance"}


def test_balance_per_column():
    c = two_clean_years()
    for col in ("natural_person", "total"):
        c.set(APPS, "r21", "carried_forward", col, 3)
    f = only(run(c), "applications_balance")
    assert len(f) == 2 and set(f["expected"]) == {6.0} and set(f["actual"]) == {8.0}


def test_review_litigation_total_per_block():
    c = two_clean_years().set(REV, "r21", "lawsuit_direct", "corrected", 2)
    f = only(run(c), "review_litigation_total").iloc[0]
    assert (f["severity"], f["expected"], f["actual"]) == ("error", 2.0, 0.0)
    assert "未经复议直接起诉" in f["detail"]


def test_blank_total_is_a_warning_not_an_identity_failure():
    c = two_clean_years().set(APPS, "r21", "granted", "total", None, raw="")
    f = only(run(c), "blank_total").iloc[0]
    assert f["severity"] == "warning" and f["expected"] == 3.0


def test_blank_parts_count_as_zero_and_blank_zero_rows_are_silent():
    c = two_clean_years()
    for col in ("commercial_enterprise", "research_institution"):
        c.set(APPS, "r21", "granted", col, None, raw="")
    c.set(REV, "r21", "lawsuit_direct", "total", None, raw="—")
    assert run(c).empty


def test_carry_over_between_years_of_current_reports():
    c = two_clean_years()
    c.set(APPS, "r21", "carried_over", "natural_person", 2).set(APPS, "r21", "carried_over", "total", 2)
    c.set(APPS, "r21", "carried_forward", "natural_person", 2).set(APPS, "r21", "carried_forward", "total", 2)
    f = only(run(c), "carry_over")
    assert len(f) == 2 and set(f["report_id"]) == {"r21"} and set(f["actual"]) == {2.0}
    # a superseded document of 2020 does not take part
    c2 = two_clean_years().report("r20b", "局", 2020, fmt="2019", current=False)
    c2.set(APPS, "r20b", "carried_forward", "natural_person", 9)
    assert run(c2)["check_name"].isin(["applications_balance", "applications_row_total"]).all()


def test_cell_not_number():
    c = two_clean_years().set(PRO, "r21", "administrative_licensing", "decisions", None, raw="见附件")
    f = only(run(c), "cell_not_number").iloc[0]
    assert "见附件" in f["detail"] and f["severity"] == "warning"


# --- template compliance ---------------------------------------------------------------------

def test_format_outdated_only_from_2021_on():
    c = Corpus().report("a", "局", 2021, fmt="2019")
    f = only(run(c), "format_outdated").iloc[0]
    assert (f["expected"], f["actual"], f["severity"]) == (2021.0, 2019.0, "warning")
    assert run(Corpus().report("b", "局", 2020, fmt="2019")).empty


def test_section_missing():
    c = Corpus().report("a", "局", 2021, sections=("proactive", "applications"))
    f = only(run(c), "section_missing").iloc[0]
    assert f["section"] == "review_litigation"


def test_template_rows_missing_rows_columns_and_a_one_row_other():
    c = Corpus().report("a", "局", 2021).drop(APPS, "a", "withheld_query_matter")
    f = only(run(c), "template_rows_missing").iloc[0]
    assert "8.属于行政查询事项" in f["detail"] and f["expected"] - f["actual"] == 7
    c = Corpus().report("b", "局", 2021).drop(APPS, "b", "other_no_correction") \
        .drop(APPS, "b", "other_unpaid_fee").drop(APPS, "b", "other_other")
    for col in ("natural_person", "total", "commercial_enterprise", "research_institution",
                "social_welfare_org", "legal_service_org", "other_org"):
        c.set(APPS, "b", "other_total", col, 0)
    f = only(run(c), "template_rows_missing").iloc[0]
    assert "（六）其他处理只印了一行" in f["detail"]
    c = Corpus().report("c", "局", 2021)
    c.facts[APPS] = [r for r in c.facts[APPS] if r["applicant"] != "social_welfare_org"]
    f = only(run(c), "template_rows_missing").iloc[0]
    assert "缺少列：社会公益组织" in f["detail"]


def test_unreadable_current_report():
    c = Corpus().report("a", "局", 2022, status="failed")
    f = only(run(c), "report_unreadable").iloc[0]
    assert "truncated PDF" in f["detail"]
    assert run(Corpus().report("a", "局", 2022).report("b", "局", 2022, status="failed",
                                                      current=False)).empty


# --- plausibility ----------------------------------------------------------------------------

def test_negative_count_but_not_a_decrease():
    c = two_clean_years().set(REV, "r21", "review", "pending", -1)
    c.set(REV, "r21", "review", "upheld", 2)  # keep I4: 2 + (-1) = 1
    f = only(run(c), "negative_count").iloc[0]
    assert f["actual"] == -1.0
    c = Corpus().report("a", "局", 2020, fmt="2019").set(PRO, "a", "administrative_penalty", "change", -8, raw="减少8")
    assert run(c).empty


@pytest.mark.parametrize("level", ["town", "township", "subdistrict"])
def test_town_regulations(level):
    c = Corpus().agency("镇", level)
    c.report("a", "镇", 2021).set(PRO, "a", "regulations", "issued", 1)
    f = only(run(c), "town_regulations").iloc[0]
    assert (f["expected"], f["actual"]) == (0.0, 1.0)
    ok = Corpus().agency("镇", level)
    ok.report("a", "镇", 2021).set(PRO, "a", "regulations", "issued", None, raw="/")
    assert run(ok).empty
    dept = Corpus().report("a", "局", 2021).set(PRO, "a", "regulations", "issued", 1)
    assert run(dept).empty


def _years(values, row="administrative_licensing"):
    c = Corpus()
    for i, v in enumerate(values):
        c.report(f"y{i}", "局", 2021 + i).set(PRO, f"y{i}", row, "decisions", v)
    return c


def test_history_outlier_needs_two_other_years_and_ten_times_the_median():
    f = only(run(_years([40, 52, 610])), "history_outlier")
    assert list(f["report_id"]) == ["y2"] and f.iloc[0]["expected"] == 46.0
    assert run(_years([40, 610])).empty  # one other year only
    assert run(_years([40, 52, 300])).empty  # 6.5×
    assert run(_years([0, 0, 3])).empty  # a median of 0 counts as 1
    assert len(run(_years([0, 0, 40]))) == 1


def test_coverage_gap():
    c = Corpus()
    c.report("a20", "甲", 2020).report("a21", "甲", 2021)
    c.report("b20", "乙", 2020)
    c.report("x20", "丙", 2020, status="failed").report("x21", "丙", 2021, status="failed")
    found = run(c)
    gap = found[found["check_name"] == "coverage_gap"]
    assert list(zip(gap["agency_id"], gap["report_year"])) == [("乙", 2021)]
    assert gap["report_id"].isna().all()
    # no year after the county's latest year is a gap
    assert run(Corpus().report("a20", "甲", 2020)).empty


# --- narrative against table -------------------------------------------------------------------

@pytest.mark.parametrize("text,n", [
    ("一、总体情况 2021年，全年共收到政府信息公开申请 21 件，办结20件。", 21),
    ("一、总体情况 本年度新收政府信息公开申请二十一件。", 21),
    ("一、总体情况 共受理依申请公开事项 21 件，均按时答复。", 21),
    ("一、总体情况 收到21件政府信息公开申请，已全部办结。", 21),
    ("一、总体情况 本年新收政府信息公开申请数量为２１件。", 21),
    ("一、总体情况 本年度未收到政府信息公开申请。", 0),
])
def test_stated_received_phrasings(text, n):
    assert [s[0] for s in stated_received(text)] == [n]


def test_stated_received_ignores_other_figures_and_later_sections():
    text = ("本报告由总体情况、收到和处理政府信息公开申请情况等六部分组成。一、总体情况 上年结转申请3件，"
            "办结申请5件。二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况 一、本年新收政府信息"
            "公开申请数量 7 7 件")
    assert stated_received(text) == []
    assert (chinese_number("一百零五"), chinese_number("十二"), chinese_number("两千零三")) == (105, 12, 2003)


def test_narrative_mismatch_fires_and_agrees_with_new_plus_carried_for_a_total():
    c = Corpus().report("a", "局", 2021, narrative="一、总体情况 全年共收到政府信息公开申请21件。")
    f = only(run(c), "narrative_mismatch").iloc[0]
    assert (f["expected"], f["actual"], f["section"]) == (5.0, 21.0, "narrative")
    ok = Corpus().report("a", "局", 2021, narrative="一、总体情况 共受理政府信息公开申请6件（含上年结转1件）。")
    assert run(ok).empty
    silent = Corpus().report("a", "局", 2021, narrative="一、总体情况 依法做好依申请公开工作。")
    assert run(silent).empty


def test_only_fact_frames_still_work():
    """The original entry point: all_findings over the fact frames alone."""
    frames = two_clean_years().set(REV, "r21", "review", "total", 3).frames()
    facts = {k: v for k, v in frames.items() if k.startswith("fact_")}
    assert list(all_findings(facts)["check_name"]) == ["review_litigation_total"]


def _lose(c: Corpus, table: str, rid: str, a: str, b: str) -> Corpus:
    """A printed cell the reader did not place: its fact is missing."""
    d1, d2 = {APPS: ("row_code", "applicant"), REV: ("proceeding", "outcome")}[table]
    c.facts[table] = [r for r in c.facts[table]
                      if not (r["report_id"] == rid and r[d1] == a and r[d2] == b)]
    return c


def test_no_identity_compared_over_a_cell_the_template_expects_but_not_placed():
    # r21 printed （一）予以公开 × 自然人 and 行政复议 × 结果维持; the reader lost both. Compared
    # without them, I1 (自然人), I2 (（一）), I3 (自然人) and I4 (行政复议) would all fail.
    c = two_clean_years().set(REV, "r21", "review", "upheld", 2).set(REV, "r21", "review", "total", 2)
    assert run(c).empty
    _lose(c, APPS, "r21", "granted", "natural_person")
    _lose(c, REV, "r21", "review", "upheld")
    found = run(c)
    assert set(found["check_name"]) == {"template_rows_missing"}, found[["check_name", "detail"]]
    assert set(found["section"]) == {"applications", "review_litigation"}
    # the same gaps where the format is unknown: I3 is still not compared on a report with
    # unplaced cells of 三 (the fallback), the rest of the arithmetic is
    next(r for r in c.reports if r["report_id"] == "r21")["format"] = "unknown"
    frames = c.frames()
    frames["unmapped_cells"] = pd.DataFrame([{
        "report_id": "r21", "section": "applications", "label": "", "raw_text": "3", "page": 2,
        "reason": "row not recognised"}])
    found = all_findings(frames)
    assert "applications_results_total" not in set(found["check_name"])
    assert "applications_row_total" in set(found["check_name"])


def test_cells_held_back_are_not_read_as_the_reports_arithmetic_error():
    # OCR could not verify 自然人 of （一）, nor a part of the 行政复议 block: they are in
    # unmapped_cells, not facts. The row, column and block they belong to are not compared
    # (an extractor's gap is not the agency's error); the gate's own finding says so instead.
    c = two_clean_years()
    c.facts[APPS] = [r for r in c.facts[APPS] if not (
        r["report_id"] == "r21" and r["row_code"] == "granted" and r["applicant"] == "natural_person")]
    c.facts[REV] = [r for r in c.facts[REV] if not (
        r["report_id"] == "r21" and r["proceeding"] == "review" and r["outcome"] == "upheld")]
    frames = c.frames()
    frames["unmapped_cells"] = pd.DataFrame([
        {"report_id": "r21", "section": s, "label": "", "raw_text": "8", "page": 2,
         "reason": "OCR reading not verified"} for s in ("applications", "review_litigation")])
    frames["extraction_findings"] = pd.DataFrame([{
        "report_id": "r21", "agency_id": "局", "report_year": 2021, "check_name": "ocr_unverified",
        "severity": "warning", "section": "applications", "detail": "第2页 I2 …",
        "expected": 3.0, "actual": 8.0, "cells": "", "page": 2}])
    found = all_findings(frames)
    assert (found["severity"] == "warning").all(), found[["check_name", "detail"]]
    assert set(found["check_name"]) == {"ocr_unverified", "template_rows_missing"}
    ocr = found[found["check_name"] == "ocr_unverified"].iloc[0]
    assert ocr["page"] == 2 and ocr["expected"] == 3.0
