"""The reviewer's report: per county and year, one offline HTML page and its Markdown twin.

    write_report(warehouse, county, year, out_dir)  → {"html": …, "markdown": …, "charts": […]}
    write_all(warehouse, reports_dir)              → every county × report year

Reads the published warehouse read-only; never imports dagster.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pipelines.report import charts, data, render


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)  # a reader never sees half a report


def write_report(warehouse: Path, county: str, year: int, out_dir: Path,
                 findings=None, _county: dict | None = None) -> dict:
    """`_county`: write_all's per-county memo (the county's data and its chart over the years,
    the same for each of its years)."""
    memo = _county if _county is not None else {}
    cy = data.load(Path(warehouse), county, int(year), findings, memo.get("base"))
    memo["base"] = cy
    summary = data.summary(cy)
    if "over_years" not in memo:
        memo["over_years"] = charts.over_years(data.history(cy))
    svgs = {"by_agency": charts.by_agency(summary, cy.year) if len(summary) else None,
            "over_years": memo["over_years"]}
    out_dir = Path(out_dir)
    chart_files = {}
    alt = {"by_agency": "各机构办理结果", "over_years": "历年趋势"}
    for key, svg in svgs.items():
        if svg:
            _write(out_dir / "charts" / f"{key}.svg", svg)
            chart_files[alt[key]] = f"charts/{key}.svg"
    _write(out_dir / "index.html", render.html_page(cy, summary, svgs))
    _write(out_dir / "report.md", render.markdown(cy, summary, chart_files))
    f = cy.findings
    return {"html": str(out_dir / "index.html"), "markdown": str(out_dir / "report.md"),
            "agencies": len(summary), "errors": int((f["severity"] == "error").sum()),
            "warnings": int((f["severity"] == "warning").sum())}


def write_all(warehouse: Path, reports_dir: Path, findings=None) -> list[dict]:
    """Every county and report year the warehouse holds current reports for. `findings`: the
    run's quality_issues with their cells, when the caller has them (see data.load)."""
    out = []
    memos: dict[str, dict] = {}
    for row in data.counties(Path(warehouse)).itertuples(index=False):
        if row.report_year is None or row.report_year != row.report_year:
            continue
        target = Path(reports_dir) / row.county / str(int(row.report_year))
        memo = memos.setdefault(row.county, {})
        if len(memos) > 1:  # counties come in order: keep only the current one's
            memos = {row.county: memo}
        out.append({"county": row.county, "year": int(row.report_year)}
                   | write_report(warehouse, row.county, int(row.report_year), target, findings,
                                  memo))
    return out
