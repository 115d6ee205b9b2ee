"""The reviewer's report of a real `gongkai run` on the bundled sample: every figure of its
summary table (各机构汇总) against the sample's truth file, and its error and warning counts
against the findings the sample is known to hold (data/sample/expected_findings.csv)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pipelines.checks.findings import CHECK_BY_NAME
from pipelines.report import write_report
from tests.conftest import SAMPLE

TRUTH = pd.read_csv(SAMPLE / "truth.csv", dtype=str, keep_default_na=False)
REPORTS = pd.read_csv(SAMPLE / "reports.csv", dtype=str, keep_default_na=False)
FINDINGS = pd.read_csv(SAMPLE / "expected_findings.csv", dtype=str, keep_default_na=False)
COLUMNS = ["机构", "级别", "报告", "新收申请", "予以公开", "部分公开", "不予公开", "行政复议", "行政诉讼",
           "错误", "提示"]


def _figure(cells: pd.DataFrame, table: str, rows, total_col: str) -> str:
    """A headline figure from truth: each row's printed 总计, or the sum of its parts where
    the 总计 is blank; '—' where nothing is printed."""
    out, any_value = 0.0, False
    for row in rows:
        r = cells[(cells["table"] == table) & (cells["dim1"] == row)]
        total = r[r["dim2"] == total_col]["value"]
        parts = pd.to_numeric(r[r["dim2"] != total_col]["value"], errors="coerce").dropna()
        if len(total) and total.iloc[0] != "":
            out, any_value = out + float(total.iloc[0]), True
        elif len(parts):
            out, any_value = out + parts.sum(), True
    return f"{out:g}" if any_value else "—"


def expected(year: int) -> dict[str, list[str]]:
    out = {}
    reps = REPORTS[REPORTS["report_year"] == str(year)]
    for agency, docs in reps.groupby("agency_name"):
        readable = docs[docs["expected_status"] == "ok"]
        found = FINDINGS[(FINDINGS["agency_name"] == agency) & (FINDINGS["report_year"] == str(year))]
        errors = sum(CHECK_BY_NAME[c].severity == "error" for c in found["check_name"])
        warnings = len(found) - errors
        if readable.empty:  # the truncated PDF: nothing read, report_unreadable
            out[agency] = ["—"] * 6 + [str(errors), str(warnings + 1)]
            continue
        cells = TRUTH[TRUTH["document"] == readable["document"].iloc[0]]
        withheld = sorted(set(cells.loc[cells["dim1"].str.startswith("withheld_"), "dim1"]))
        out[agency] = [
            _figure(cells, "fact_applications", ["new_received"], "total"),
            _figure(cells, "fact_applications", ["granted"], "total"),
            _figure(cells, "fact_applications", ["partially_granted"], "total"),
            _figure(cells, "fact_applications", withheld, "total"),
            _figure(cells, "fact_review_litigation", ["review"], "total"),
            _figure(cells, "fact_review_litigation", ["lawsuit_direct", "lawsuit_after_review"],
                    "total"),
            str(errors), str(warnings)]
    return out


def summary_table(md: str) -> dict[str, list[str]]:
    part = md.split("## 各机构汇总", 1)[1].split("\n## ", 1)[0]
    lines = [ln for ln in part.splitlines() if ln.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header == COLUMNS
    rows = {}
    for ln in lines[2:]:
        cells = [c.strip() for c in ln.strip("|").split("|")]
        rows[cells[0]] = cells[3:]
    return rows


@pytest.mark.parametrize("year", [2020, 2021, 2022])
def test_summary_table_figures_are_the_truths(sample_warehouse, tmp_path, year):
    write_report(sample_warehouse["warehouse"], "青山县", year, tmp_path)
    got = summary_table((tmp_path / "report.md").read_text(encoding="utf-8"))
    assert got == expected(year)
