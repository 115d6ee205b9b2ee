"""crawl_empty: one warning per source whose lists yielded no report, filed under its county."""

import pandas as pd

from pipelines.checks.findings import CHECK_BY_NAME, FINDING_COLUMNS, registered
from pipelines.checks.suite import all_findings
from tests.checks.frames import sample_frames
from pipelines.load.build import county_id
from pipelines.stages.steps import SOURCE_COLUMNS, with_county


def test_crawl_empty_per_source_with_its_county():
    sources = pd.DataFrame([
        {"county": "青山县", "start_url": "http://a.gov.cn/col/1/", "pattern": "hanweb", "entries": 12},
        {"county": "松岭县", "start_url": "http://b.gov.cn/nb/", "pattern": "plain", "entries": 0,
         "empty_reason": "1 list page(s) read (plain) but no entry is an annual report"},
    ], columns=SOURCE_COLUMNS)
    sources["county_id"] = [county_id(c) for c in sources["county"]]
    frames = {**sample_frames(), "crawl_sources": sources}
    out = with_county(all_findings(frames), frames["agencies"])
    assert list(out.columns) == FINDING_COLUMNS
    (row,) = out[out["check_name"] == "crawl_empty"].to_dict("records")
    assert out.loc[out["check_name"] != "crawl_empty", "county_id"].notna().all()
    assert row["check_name"] == "crawl_empty" and row["severity"] == CHECK_BY_NAME["crawl_empty"].severity == "warning"
    assert row["county_id"] == county_id("松岭县") and row["section"] == "crawl"
    assert pd.isna(row["report_id"]) and pd.isna(row["agency_id"]) and pd.isna(row["report_year"])
    assert "http://b.gov.cn/nb/" in row["detail"] and "no entry is an annual report" in row["detail"]
    assert any(r.names == ("crawl_empty",) for r in registered())


def test_other_findings_take_their_agencys_county():
    findings = pd.DataFrame([{"report_id": "r1", "agency_id": "a1", "check_name": "carry_over",
                              "county_id": None}], columns=FINDING_COLUMNS)
    out = with_county(findings, pd.DataFrame({"agency_id": ["a1"], "county_id": ["cn_1"]}))
    assert list(out["county_id"]) == ["cn_1"]
