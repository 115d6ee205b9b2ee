"""`gongkai extract`: one report, no warehouse: its facts (contract columns) and findings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.checks.identities import FINDING_COLUMNS, check_applications, check_review_litigation
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
    findings = (check_applications(frames[SECTION["applications"].table])
                + check_review_litigation(frames[SECTION["review_litigation"].table]))
    return {
        "document": target, "report_id": rid, "sha256": result.sha256,
        "media_type": _plain(result.media_type), "status": str(result.status),
        "error": result.error, "format": str(result.format), "pages": result.pages,
        "title": result.title, "extractor_version": result.extractor_version,
        "timings": result.timings,
        **facts,
        "unmapped_cells": [{"report_id": rid, "section": u.section, "label": u.label,
                            "raw_text": u.raw_text, "page": u.page, "reason": u.reason}
                           for u in result.unmapped],
        "quality_issues": [{k: f.row()[k] for k in FINDING_COLUMNS} for f in findings],
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
