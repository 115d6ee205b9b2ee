"""`gongkai extract`: one report, no warehouse: its facts (contract columns) and findings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.checks.identities import FINDING_COLUMNS, check_applications, check_review_litigation
from pipelines.checks.template import check_sections_and_rows, missing_cells
from pipelines.core.models import Format
from pipelines.core.registry import SECTION, SECTIONS
from pipelines.document.document import extract_document
from pipelines.load.build import fact_columns, fact_rows

_HINTS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".shtml": "html", ".docx": "docx",
          ".doc": "doc", ".wps": "wps"}


def _read(target: str) -> tuple[bytes, str | None]:
    if target.startswith(("http://", "https://")):
        import httpx

        response = httpx.get(target, follow_redirects=True, timeout=60,
                             headers={"User-Agent": "gongkai/0.1 (report extraction)"})
        response.raise_for_status()
        return response.content, _HINTS.get(Path(response.url.path).suffix.lower())
    path = Path(target)
    return path.read_bytes(), _HINTS.get(path.suffix.lower())


def extract_one(target: str) -> dict:
    data, hint = _read(target)
    result = extract_document(data, hint)
    rid = result.report_id
    facts = fact_rows(result, rid)
    frames = {s.table: pd.DataFrame(facts[s.table], columns=fact_columns(s, context=False))
              .assign(agency_id=None, report_year=None) for s in SECTIONS}
    apps, review = SECTION["applications"].table, SECTION["review_litigation"].table
    # The pipeline's rule: no comparison involving a cell the template expects but that was not
    # placed (the gap is template_rows_missing; OCR holds back the cells it cannot verify, so
    # they are not placed either); where the format is unknown, no I3 on a
    # report with unplaced cells of 三.
    report = pd.DataFrame([{"report_id": rid, "agency_id": None, "report_year": None,
                            "status": str(result.status), "format": str(result.format)}])
    missing = missing_cells(report, frames)
    unplaced = {u.section for u in result.unmapped}
    incomplete = ({rid} if result.format not in (Format.F2019, Format.F2021)
                  and unplaced & {"applications", "unplaced_part"} else set())
    unmapped = pd.DataFrame([{"report_id": rid, "section": u.section} for u in result.unmapped],
                            columns=["report_id", "section"])
    findings = (check_applications(frames[apps], incomplete, missing.get(apps))
                + check_review_litigation(frames[review], missing.get(review))
                + check_sections_and_rows(report, frames, unmapped))
    issues = [{k: f.row()[k] for k in FINDING_COLUMNS} for f in findings]
    issues += [{k: ({"report_id": rid} | f).get(k) for k in FINDING_COLUMNS}
               for f in result.findings]  # the extraction's own (ocr_unverified)
    return {
        "document": target, "report_id": rid, "sha256": result.sha256,
        "media_type": _plain(result.media_type), "status": str(result.status),
        "error": result.error, "format": str(result.format), "pages": result.pages,
        "title": result.title, "extractor_version": result.extractor_version,
        "read_by": _plain(result.read_by),
        "timings": result.timings,
        # the detail page's metadata table, where the document is one (HTML) and has it
        "publisher": result.publisher, "index_no": result.index_no, "doc_no": result.doc_no,
        "published_on": result.published_on,
        **facts,
        "unmapped_cells": [{"report_id": rid, "section": u.section, "label": u.label,
                            "raw_text": u.raw_text, "page": u.page, "reason": u.reason}
                           for u in result.unmapped],
        "quality_issues": issues,
    }


def _plain(value) -> str | None:
    return None if value is None else str(value)


def print_human(out: dict) -> None:
    print(f"{out['document']}\n  status {out['status']}  format {out['format']}  pages {out['pages']}"
          f"  report_id {out['report_id'][:16]}…")
    if out["error"]:
        print(f"  error: {out['error']}")
    for table in (s.table for s in SECTIONS):
        rows = out[table]
        print(f"\n{table} ({len(rows)} cells)")
        if rows:
            print(pd.DataFrame(rows).drop(columns=["report_id"]).to_string(index=False))
    print(f"\nunmapped_cells ({len(out['unmapped_cells'])})")
    for u in out["unmapped_cells"]:
        print(f"  p{u['page']} [{u['section']}] {u['label']!r} {u['raw_text']!r}: {u['reason']}")
    print(f"\nquality_issues ({len(out['quality_issues'])})")
    for f in out["quality_issues"]:
        print(f"  {f['severity']:<7} {f['check_name']}: {f['detail']}")
