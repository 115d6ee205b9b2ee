"""Findings the extraction made itself, handed on as they are: the OCR gate's
`ocr_unverified` (pipelines.normalise.ocr_gate), carried in each per-document result and
gathered by `pipelines.checks.suite.extraction_findings`."""

from __future__ import annotations

import pandas as pd

from pipelines.checks.findings import CheckInputs, computes, finding
from pipelines.core.models import Finding


def _extracted(i: CheckInputs):
    return None if i.extracted is None else (i.extracted,)


@computes("ocr_unverified", reads=_extracted)
def check_ocr_unverified(extracted: pd.DataFrame) -> list[Finding]:
    """OCR-read cells of a comparison that does not hold (or that no comparison covers and a
    second reading does not confirm): one finding per comparison, with its page."""
    out = []
    for r in extracted[extracted["check_name"] == "ocr_unverified"].to_dict("records"):
        f = finding(r, "ocr_unverified", r["section"], r["detail"],
                    None if pd.isna(r["expected"]) else r["expected"],
                    None if pd.isna(r["actual"]) else r["actual"], r["cells"] or None)
        f.page = None if pd.isna(r["page"]) else int(r["page"])
        out.append(f)
    return out
