"""Every document of the hazard corpus read right: the extractor's regression test.

The benchmark (tests/benchmarks/extract_bench.py) reports the same accuracy per hazard with
timings; this test holds the line in CI: no wrong cell, no cell missing without its report
saying so, every status and error as the manifest expects, and no error-severity finding on
documents whose printed arithmetic is clean.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipelines.checks.identities import check_applications, check_review_litigation
from pipelines.core.models import ExtractionResult
from pipelines.document.document import extract_document
from pipelines.normalise.model import TABLE_OF_SECTION
from tests.benchmarks.extract_bench import HINTS, score_document

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
MANIFEST = pd.read_csv(CORPUS / "manifest.csv", dtype=str, keep_default_na=False)
TRUTH = pd.read_csv(CORPUS / "truth.csv", dtype=str, keep_default_na=False)
HAS_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))


@pytest.fixture(scope="module")
def results() -> dict[str, ExtractionResult]:
    out = {}
    for name in MANIFEST["document"]:
        path = CORPUS / "docs" / name
        out[name] = extract_document(path.read_bytes(), HINTS.get(path.suffix.lower()))
    return out


@pytest.mark.parametrize("row", MANIFEST.to_dict("records"), ids=list(MANIFEST["document"]))
def test_document(row, results):
    result = results[row["document"]]
    if row["document"].endswith(".doc") and not HAS_SOFFICE:
        assert result.status == "unsupported" and "LibreOffice" in result.error
        return
    assert result.status == row["expected_status"], result.error
    if row["expected_error"]:
        assert row["expected_error"].lower() in (result.error or "").lower()
    counts = score_document(row["document"], result, TRUTH[TRUTH["document"] == row["document"]])
    assert counts.get("wrong", 0) == 0, counts
    assert counts.get("missing-silently", 0) == 0, counts
    if row["expected_status"] == "ok":
        assert counts.get("missing-reported", 0) == 0, counts


def test_clean_documents_raise_no_error_finding(results):
    rows = {"fact_applications": [], "fact_review_litigation": []}
    for name, result in results.items():
        for f in result.facts:
            table = TABLE_OF_SECTION[f.section]
            if table in rows:
                d1, d2 = (("row_code", "applicant") if table == "fact_applications"
                          else ("proceeding", "outcome"))
                rows[table].append({"report_id": name, "agency_id": None, "report_year": None,
                                    d1: f.dim1, d2: f.dim2, "value": f.value})
    apps = pd.DataFrame(rows["fact_applications"])
    review = pd.DataFrame(rows["fact_review_litigation"])
    incomplete = {name for name, r in results.items()
                  if any(u.section in ("applications", "unplaced_part") for u in r.unmapped)}
    errors = [f for f in check_applications(apps, incomplete) + check_review_litigation(review)
              if f.severity == "error"]
    assert errors == []
