"""crawl_empty: one warning per source whose lists yielded no report, filed under its county."""

import pandas as pd

from pipelines.checks.findings import CHECK_BY_NAME, FINDING_COLUMNS
from pipelines.load.build import county_id
from pipelines.stages.steps import SOURCE_COLUMNS, with_crawl_findings


def test_crawl_empty_per_source_with_its_county():
    sources = pd.DataFrame([
        {"county": "青山县", "start_url": "http://a.gov.cn/col/1/", "pattern": "hanweb", "entries": 12},
        {"county": "松岭县", "start_url": "http://b.gov.cn/nb/", "pattern": "plain", "entries": 0,
         "empty_reason": "1 list page(s) read (plain) but no entry is an annual report"},
    ], columns=SOURCE_COLUMNS)
    agencies = pd.DataFrame({"agency_id": ["a1"], "county_id": [county_id("青山县")]})
    found = pd.DataFrame([{"report_id": "r1", "agency_id": "a1", "report_year": 2021,
                           "check_name": "carry_over", "severity": "error", "section": "applications",
                           "detail": "x", "expected": 1.0, "actual": 2.0, "cells": None, "page": None}],
                         columns=FINDING_COLUMNS)
    out = with_crawl_findings(found, sources, agencies)
    assert list(out["check_name"]) == ["carry_over", "crawl_empty"]
    assert list(out["county_id"]) == [county_id("青山县"), county_id("松岭县")]
    empty = out.iloc[1]
    assert empty["severity"] == "warning" == CHECK_BY_NAME["crawl_empty"].severity
    assert pd.isna(empty["report_id"]) and pd.isna(empty["agency_id"]) and pd.isna(empty["report_year"])
    assert "http://b.gov.cn/nb/" in empty["detail"] and "no entry is an annual report" in empty["detail"]
    assert empty["section"] == "crawl"
