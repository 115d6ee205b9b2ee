"""Every check over the staged frames, as one DataFrame of findings (quality_issues' rows).

frames (staged tables, by name):
- `fact_applications`, `fact_proactive`, `fact_review_litigation` and their `_superseded`
  twins (required);
- `reports`, `agencies`, `unmapped_cells` (optional: the template, coverage and town checks
  need them);
- `narratives` (optional: report_id, narrative — see `narratives()`).

Per-report checks run over every document's facts (current and superseded); checks across
years (carry_over, history_outlier, coverage_gap) over the current reports only.
"""

from __future__ import annotations

import pandas as pd

from pipelines.checks import identities, narrative, plausibility, template
from pipelines.checks.findings import FINDING_COLUMNS, add_pages

FACTS = ("fact_applications", "fact_proactive", "fact_review_litigation")


def narratives(reports: pd.DataFrame, store) -> pd.DataFrame:
    """report_id → the report's opening text, from the per-document results (a ResultStore)."""
    rows = []
    for rid, sha in reports[["report_id", "sha256"]].itertuples(index=False):
        if isinstance(sha, str) and store.has(sha):
            rows.append({"report_id": rid, "narrative": store.get(sha).get("narrative")})
    return pd.DataFrame(rows, columns=["report_id", "narrative"])


def all_findings(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    current = {t: frames[t] for t in FACTS}
    every = {t: pd.concat([frames[t], frames[f"{t}_superseded"]], ignore_index=True)
             for t in FACTS}
    unmapped = frames.get("unmapped_cells")
    incomplete = (set(unmapped.loc[unmapped["section"].isin(["applications", "unplaced_part"]),
                                   "report_id"]) if unmapped is not None else set())
    reports = frames.get("reports")
    missing = (template.missing_cells(reports, every) if reports is not None and len(reports)
               else {})
    # Where the template is known, `missing` says which comparisons cannot be made; the
    # fallback (any unplaced cell of 三) stays for reports whose format is unknown.
    known = (set(reports.loc[reports["format"].isin(["2019", "2021"]), "report_id"])
             if reports is not None and len(reports) else set())
    found = (identities.check_applications(every["fact_applications"], incomplete - known,
                                           missing.get("fact_applications"))
             + identities.check_review_litigation(every["fact_review_litigation"],
                                                  missing.get("fact_review_litigation"))
             + identities.check_carry_over(current["fact_applications"])
             + identities.check_not_numbers(every)
             + plausibility.check_negative(every)
             + plausibility.check_history(current))
    agencies = frames.get("agencies")
    if reports is not None and len(reports):
        found += (template.check_format(reports) + template.check_unreadable(reports)
                  + template.check_sections_and_rows(reports, every, frames.get("unmapped_cells"))
                  + plausibility.check_coverage(reports, agencies))
    if agencies is not None:
        found += plausibility.check_town_regulations(every["fact_proactive"], agencies)
    if frames.get("narratives") is not None:
        found += narrative.check_narrative(frames["narratives"], every["fact_applications"])
    out = pd.DataFrame(found, columns=FINDING_COLUMNS)
    out = add_pages(out, every)
    out["report_year"] = out["report_year"].astype("Int64")
    for col in ("expected", "actual"):
        out[col] = out[col].astype("float64")
    return out.sort_values(["report_year", "agency_id", "report_id", "severity", "check_name"],
                           na_position="last", kind="stable").reset_index(drop=True)
