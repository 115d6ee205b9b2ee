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

from pipelines.core.models import ExtractionResult
from pipelines.document.document import extract_document
from tests.benchmarks.extract_bench import HINTS, score_document, status_as_expected

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
        pytest.skip("LibreOffice (soffice) is not installed: this .doc is only checked to be "
                    "'unsupported'; install libreoffice-writer-nogui to read it")
    assert status_as_expected(row["expected_status"], result), (result.status, result.error)
    if row["expected_error"]:
        assert row["expected_error"].lower() in (result.error or "").lower()
    if row["expected_status"] == "ocr":
        return  # scanned, without truth rows here: scored cell by cell in tests/parse/test_scan.py
    counts = score_document(row["document"], result, TRUTH[TRUTH["document"] == row["document"]])
    assert counts.get("wrong", 0) == 0, counts
    assert counts.get("missing-silently", 0) == 0, counts
    if row["expected_status"] == "ok":
        assert counts.get("missing-reported", 0) == 0, counts


def _pipeline_findings(results: dict[str, ExtractionResult], tmp: Path) -> tuple[pd.DataFrame, dict]:
    """The pipeline's own path: results in the lake's store, frames by the loader's
    build_frames, findings by the check suite (what `gongkai run` does between extract and
    publish)."""
    from pipelines.checks.suite import all_findings
    from pipelines.core.sources import Source
    from pipelines.document.results import ResultStore
    from pipelines.load.build import build_frames

    store = ResultStore(tmp)
    docs = []
    for name, result in results.items():
        store.put(result)
        m = MANIFEST[MANIFEST["document"] == name].iloc[0]
        docs.append({"county": "白河县", "sha256": result.sha256, "agency_hint": m["agency_name"],
                     "year_hint": int(m["report_year"]), "document_url": f"file:{name}",
                     "page_url": f"file:{name}", "media_type": str(result.media_type),
                     "title": result.title, "published_on": None, "fetched_at": None})
    frames = build_frames(pd.DataFrame(docs), store, [Source(county="白河县", start_urls=["file:x"])],
                          {}, "test", pd.Timestamp.now(), pd.DataFrame()).tables
    rid = {name: r.report_id for name, r in results.items()}
    return all_findings(frames), rid


def test_no_error_finding_from_an_extractors_gap(results, tmp_path):
    """The corpus prints no arithmetic error: every error-severity finding through the
    pipeline would be a false alarm. Partial documents (cells not placed) raise
    template_rows_missing for their gaps instead (rule: an extractor's gap is never reported
    as the agency's arithmetic)."""
    found, rid = _pipeline_findings(results, tmp_path)
    errors = found[found["severity"] == "error"]
    assert errors.empty, errors[["report_id", "check_name", "detail"]].to_string()
    partial = MANIFEST[MANIFEST["expected_status"] == "partial"]["document"]
    gaps = set(found.loc[found["check_name"].isin(["template_rows_missing", "section_missing"]),
                         "report_id"])
    assert {rid[d] for d in partial} <= gaps
