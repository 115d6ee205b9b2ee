"""Every check over the staged frames, as one DataFrame of findings (quality_issues' rows).

frames (staged tables, by name):
- `fact_applications`, `fact_proactive`, `fact_review_litigation` and their `_superseded`
  twins (required);
- `reports`, `agencies`, `unmapped_cells` (optional: the template, coverage and town checks
  need them);
- `narratives` (optional: report_id, narrative — see `narratives()`);
- `extraction_findings` (optional: findings the extraction made itself, the OCR gate's
  `ocr_unverified` — see `extraction_findings()`).

Per-report checks run over every document's facts (current and superseded); checks across
years (carry_over, history_outlier, coverage_gap) over the current reports only.
"""

from __future__ import annotations

import pandas as pd

from pipelines.checks import crawl, extraction, identities, narrative, plausibility, template  # noqa: F401,E501 (they register their checks)
from pipelines.checks.findings import (FINDING_COLUMNS, CheckInputs, add_pages, finding,
                                       registered)
from pipelines.core.models import Format
from pipelines.core.registry import FACT_TABLES

FACTS = FACT_TABLES
INCOMPLETE_SECTIONS = ("applications", "unplaced_part")  # unplaced cells that may be a 三 row


def narratives(reports: pd.DataFrame, store) -> pd.DataFrame:
    """report_id → the report's opening text, from the per-document results (a ResultStore)."""
    rows = []
    for rid, sha in reports[["report_id", "sha256"]].itertuples(index=False):
        result = store.get(sha) if isinstance(sha, str) else None
        if result is not None:
            rows.append({"report_id": rid, "narrative": result.narrative})
    return pd.DataFrame(rows, columns=["report_id", "narrative"])


def extraction_findings(reports: pd.DataFrame, store) -> pd.DataFrame:
    """Findings a per-document result carries itself (`findings`: the OCR gate's
    `ocr_unverified`), with the report's agency and year."""
    rows = []
    cols = ["report_id", "sha256", "agency_id", "report_year"]
    for rid, sha, aid, year in reports[cols].itertuples(index=False):
        result = store.get(sha) if isinstance(sha, str) else None
        for f in (result.findings if result is not None else []):
            out = finding({"report_id": rid, "agency_id": aid, "report_year": year},
                          f["check_name"], f["section"], f["detail"], f.get("expected"),
                          f.get("actual"), f.get("cells"), f.get("severity"))
            out.page = f.get("page")
            rows.append(out.row())
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def inputs(frames: dict[str, pd.DataFrame]) -> CheckInputs:
    """The staged frames as the checks read them."""
    every = {t: pd.concat([frames[t], frames[f"{t}_superseded"]], ignore_index=True)
             for t in FACTS}
    unmapped = frames.get("unmapped_cells")
    if unmapped is not None and "resolved_by" in unmapped:
        # A cell a correction supplied is placed now: its report is no longer missing it.
        unmapped = unmapped[unmapped["resolved_by"].isna()]
    incomplete = (frozenset(unmapped.loc[unmapped["section"].isin(INCOMPLETE_SECTIONS),
                                         "report_id"]) if unmapped is not None else frozenset())
    reports = frames.get("reports")
    missing: dict = {}
    if reports is not None and len(reports):
        missing = template.missing_cells(reports, every)
        # Where the template is known, `missing` says which comparisons cannot be made; the
        # fallback (any unplaced cell of 三) stays for reports whose format is unknown.
        known = set(reports.loc[reports["format"].isin([str(Format.F2019), str(Format.F2021)]),
                                "report_id"])
        incomplete = incomplete - known
    return CheckInputs(every=every, current={t: frames[t] for t in FACTS},
                       reports=reports, agencies=frames.get("agencies"),
                       unmapped=unmapped, narratives=frames.get("narratives"),
                       incomplete=frozenset(incomplete), sources=frames.get("crawl_sources"),
                       extracted=frames.get("extraction_findings"), missing=missing)


def all_findings(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every registered check over the staged frames, as quality_issues' rows (sorted)."""
    given = inputs(frames)
    found = []
    for check in registered():
        args = check.reads(given)
        if args is not None:
            found += check.function(*args)
    out = pd.DataFrame([f.row() for f in found], columns=FINDING_COLUMNS)
    out = add_pages(out, given.every)
    out["report_year"] = out["report_year"].astype("Int64")
    for col in ("expected", "actual"):
        out[col] = out[col].astype("float64")
    return out.sort_values(["report_year", "agency_id", "report_id", "severity", "check_name"],
                           na_position="last", kind="stable").reset_index(drop=True)
