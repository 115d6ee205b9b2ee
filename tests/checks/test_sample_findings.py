"""The bundled sample: exactly its deliberate errors, and no false alarm on the clean reports."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from pipelines.checks.suite import all_findings
from pipelines.checks.narrative import stated_received
from pipelines.document.document import extract_document
from tests.checks.frames import sample_frames
from tests.conftest import SAMPLE


def test_sample_yields_exactly_the_expected_errors():
    found = all_findings(sample_frames())
    errors = found[found["severity"] == "error"]
    expected = pd.read_csv(SAMPLE / "expected_findings.csv", keep_default_na=False)
    assert Counter(zip(errors["report_id"], errors["check_name"], errors["section"])) == Counter(
        zip(expected["document"], expected["check_name"], expected["section"]))
    rows = errors[errors["check_name"] == "applications_row_total"]["cells"]
    assert {c.split(":")[1].split("/")[0] for c in rows} == {"granted", "partially_granted"}
    # The only warning: the truncated PDF that cannot be read.
    warnings = found[found["severity"] == "warning"]
    assert list(zip(warnings["check_name"], warnings["report_id"])) == [
        ("report_unreadable", "202301/P020230130_1015.pdf")]


def test_sample_narratives_agree_with_the_tables():
    """Section 一 of every HTML report of the sample states its applications received; each
    agrees with row 一 of its table."""
    docs = pd.read_csv(SAMPLE / "reports.csv", keep_default_na=False)
    truth = pd.read_csv(SAMPLE / "truth.csv", keep_default_na=False)
    received = truth[(truth["dim1"] == "new_received") & (truth["dim2"] == "total")]
    received = dict(zip(received["document"], pd.to_numeric(received["value"]).fillna(0)))
    html = docs[docs["media_type"] == "html"]
    assert len(html) >= 5
    for doc in html["document"]:
        narrative = extract_document((SAMPLE / "portal" / doc).read_bytes(), "html").narrative
        stated = stated_received(narrative)
        assert stated, doc
        assert stated[0][0] == received[doc], (doc, stated)
