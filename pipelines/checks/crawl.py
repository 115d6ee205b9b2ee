"""Findings about the crawl itself: a source whose lists yielded no report (crawl_empty).

A redesign or a moved column leaves a list page that answers but holds no annual report (or
no list page that answers at all). The county's earlier reports stay in the warehouse; this
finding says the source needs a look. report_id, agency_id and report_year are NULL; the
county is in county_id and the detail.
"""

from __future__ import annotations

import pandas as pd

from pipelines.checks.findings import computes, finding
from pipelines.core.models import Finding


@computes("crawl_empty", reads=lambda i: None if i.sources is None else (i.sources,))
def check_crawl_empty(sources: pd.DataFrame) -> list[Finding]:
    """sources: one row per source (county, county_id, start_url, pattern, entries,
    empty_reason), as the crawl staged them (pipelines.stages.steps.crawl_sources)."""
    out = []
    for s in sources.to_dict("records"):
        if s.get("entries") is None or pd.isna(s["entries"]) or int(s["entries"]) > 0:
            continue
        f = finding({}, "crawl_empty", "crawl",
                    f"{s['county']}：{s['start_url']} 的列表未找到任何年度报告（{s.get('empty_reason') or ''}）；"
                    "以前采集的报告仍保留。", actual=0)
        f.county_id = s.get("county_id")
        out.append(f)
    return out
