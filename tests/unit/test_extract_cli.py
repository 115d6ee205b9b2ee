"""`gongkai extract` as a user runs it: a file or a URL, human or --json output, exit codes."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "fixtures" / "corpus"
DOCS = CORPUS / "docs"
TRUTH = pd.read_csv(CORPUS / "truth.csv", dtype=str, keep_default_na=False)


def gongkai(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "extract", *args],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(DOCS))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_human_output_of_a_clean_pdf():
    run = gongkai(str(DOCS / "W19_bh-jtj_2021.pdf"))
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "status ok  format 2021  pages 4" in out
    truth = TRUTH[TRUTH["document"] == "W19_bh-jtj_2021.pdf"]
    for table, n in truth.groupby("table").size().items():
        assert f"{table} ({n} cells)" in out
    assert "unmapped_cells (0)" in out and "quality_issues (0)" in out


def test_json_of_a_partial_report_places_what_it_can_and_raises_no_false_error():
    # L11: sub-item labels of （三）不予公开 missing. Its 56 cells are unplaced, so I3 (and
    # I2 of those rows) cannot be compared: template_rows_missing says so, no error does.
    run = gongkai(str(DOCS / "L11_sq-zjj_2019.pdf"), "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert {"document", "report_id", "sha256", "media_type", "status", "error", "format", "pages",
            "title", "extractor_version", "timings", "fact_applications", "fact_proactive",
            "fact_review_litigation", "unmapped_cells", "quality_issues"} <= set(out)
    assert (out["status"], out["format"], out["media_type"]) == ("partial", "2019", "pdf")
    truth = TRUTH[TRUTH["document"] == "L11_sq-zjj_2019.pdf"]
    placed = {(r["row_code"], r["applicant"]) for r in out["fact_applications"]}
    want = truth[(truth["table"] == "fact_applications") & (truth["expect"] == "fact")]
    assert placed == set(zip(want["dim1"], want["dim2"]))
    assert len([u for u in out["unmapped_cells"] if u["section"] == "applications"]) == 56
    checks = {(f["check_name"], f["severity"]) for f in out["quality_issues"]}
    assert ("template_rows_missing", "warning") in checks
    assert not [f for f in out["quality_issues"] if f["severity"] == "error"]
    row = out["fact_applications"][0]
    assert set(row) == {"report_id", "row_code", "applicant", "value", "raw_text", "page",
                        "bbox"}  # bbox: the cell's box on its page (issue 14)


def test_a_url_served_on_localhost_reads_like_the_file(server):
    by_url = gongkai(f"{server}/H16_lj-hbz_2022.html", "--json")
    by_file = gongkai(str(DOCS / "H16_lj-hbz_2022.html"), "--json")
    assert by_url.returncode == by_file.returncode == 0, by_url.stderr
    a, b = json.loads(by_url.stdout), json.loads(by_file.stdout)
    for key in ("report_id", "sha256", "status", "format", "fact_applications", "unmapped_cells"):
        assert a[key] == b[key], key
    assert a["document"].startswith("http://127.0.0.1:")
    # the detail page's metadata table
    assert (a["publisher"], a["published_on"]) == ("河埠镇人民政府", "2023-02-15")


def test_exit_codes(server, tmp_path):
    unreadable = gongkai(str(DOCS / "L13_bh-yjj_2022.pdf"))
    assert unreadable.returncode == 1 and "status failed" in unreadable.stdout
    missing = gongkai(str(tmp_path / "nothing.pdf"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    not_found = gongkai(f"{server}/no-such-report.pdf")
    assert not_found.returncode == 2 and "404" in not_found.stderr
