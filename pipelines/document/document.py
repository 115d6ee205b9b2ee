"""One document in, one result out: the pure per-document step of the pipeline.

`extract_document` never raises for a bad document and never touches the warehouse or
Dagster: what it could not read is part of its result (status, error, unmapped cells).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import time
import traceback
from pathlib import Path

from pipelines.core.charset import decode_html
from pipelines.core.media import sniff_media_type
from pipelines.core.models import ExtractionResult, Format, MediaType, ReadBy, Status
from pipelines.core.registry import SECTION
from pipelines.core.text import norm
from pipelines.core.collector import collection_paused
from pipelines.document.version import EXTRACTOR_VERSION
from pipelines.normalise.metadata import split_metadata
from pipelines.normalise.model import EXTRA_ROW
from pipelines.normalise.sections import READERS, normalise
from pipelines.parse import html_tables, pdf_tables

_TITLE = re.compile(r"[^\n。]{0,60}?[0-9０-９]{4}\s*年度?[^\n。]{0,30}?年度?报告")


def _title_from_text(text: str) -> str | None:
    m = _TITLE.search(text[:1500])
    return re.sub(r"\s+", "", m.group(0)) if m else None


def _status(normalised, grids_read: int, where: str) -> tuple[Status, str | None]:
    """ok, or partial when a table of the template is missing or a printed cell of the template
    could not be placed. Empty cells of unused areas, tables that are not the template's (the
    detail page's metadata, the narrative's own) and rows the template does not have are in
    unmapped_cells but do not make a report partial."""
    if not normalised.sections:
        return Status.FAILED, (f"no table of the national template found ({grids_read} tables "
                               f"read{where})")
    problems = [f"section {SECTION[s].number} table not found" for s in READERS
                if s not in normalised.sections]
    placed_unmapped = [u for u in normalised.unmapped if u.section != "other"
                       and not u.reason.startswith(EXTRA_ROW)]
    if placed_unmapped:
        problems.append(f"{len(placed_unmapped)} cells could not be placed "
                        "(see unmapped_cells)")
    return (Status.PARTIAL, "; ".join(problems)) if problems else (Status.OK, None)


def _legacy_to_docx(data: bytes, suffix: str) -> bytes | None:
    """Convert .doc/.wps with LibreOffice when it is installed; None when it is not."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"report.{suffix}"
        src.write_bytes(data)
        subprocess.run([soffice, "--headless", "--convert-to", "docx", "--outdir", tmp, str(src)],
                       capture_output=True, timeout=120, check=False)
        out = Path(tmp) / "report.docx"
        return out.read_bytes() if out.exists() else None


def failed_result(sha: str | None, media_type: str | None,
                  error: str | None = None) -> ExtractionResult:
    """A result as it stands before anything is read: that of a document nothing could be
    read from."""
    return ExtractionResult(sha256=sha, extractor_version=EXTRACTOR_VERSION,
                            media_type=_media(media_type), status=Status.FAILED, error=error,
                            format=Format.UNKNOWN, report_id=sha)


def _media(value: str | None) -> MediaType | None:
    if value is None:
        return None
    try:
        return MediaType(value)
    except ValueError:
        return MediaType.OTHER


NARRATIVE_CHARS = 4000  # section 一 and the start of 二: where the narrative states its totals


def _narrative(text: str) -> str:
    """The report's opening text (title, 一、总体情况 ...), whitespace folded, for checks that
    compare what the narrative says with the tables."""
    return re.sub(r"\s+", " ", text or "").strip()[:NARRATIVE_CHARS]


def extract_document(data: bytes, media_type_hint: str | None = None) -> ExtractionResult:
    """Read one report document (PDF, HTML, DOCX, DOC) into facts and findings. Never raises
    for a bad document: what could not be read is the result's status and error."""
    started = time.perf_counter()
    sha = hashlib.sha256(data).hexdigest()
    result = failed_result(sha, None)
    try:
        result.media_type = _media(sniff_media_type(data, media_type_hint))
        _extract_into(result, data, result.media_type)
    except Exception as e:  # a bad document is a result, never a crash of the run
        result.status = Status.FAILED
        result.error = f"extractor error: {type(e).__name__}: {e}"
        result.traceback = traceback.format_exc(limit=5)
    result.timings["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _extract_into(result: ExtractionResult, data: bytes, media_type: MediaType) -> None:
    where = ""
    if media_type == MediaType.PDF:
        try:
            with collection_paused():  # see pipelines.core.collector
                read = _read_text_layer(result, data)
        except pdf_tables.UnreadablePdf as e:
            result.status, result.error = e.status, str(e)
            if e.status == "needs_ocr":
                _extract_scanned(result, data)
            return
        grids = read.grids
        where = f" on pages {read.table_pages}" if read.table_pages else "; no page names a table"
    elif media_type == MediaType.HTML:
        doc = html_tables.parse(decode_html(data)[0])
        tables = html_tables.innermost_tables(doc)
        grids = [html_tables.table_to_grid(t) for t in tables]
        result.read_by = ReadBy.HTML
        result.report_id = "h" + html_tables.content_hash(doc, tables)[:63]
        root = html_tables.report_root(doc, tables)
        text = html_tables.page_text(root if root is not None else doc)
        result.title = _title_from_text(html_tables.page_text(doc))
        result.narrative = _narrative(text)
    elif media_type in (MediaType.DOCX, MediaType.DOC, MediaType.WPS):
        if media_type != MediaType.DOCX:
            converted = _legacy_to_docx(data, media_type)
            if converted is None:
                result.status = Status.UNSUPPORTED
                result.error = (f"legacy .{media_type} document: LibreOffice (soffice) is needed "
                                "to convert it and is not installed")
                return
            data = converted
        # python-docx (about 7 MiB a process) only where a DOCX is read: most portals have none
        from pipelines.parse import docx_tables

        grids, text = docx_tables.read_docx(data)
        result.read_by = ReadBy.DOCX
        result.title = _title_from_text(text)
        result.narrative = _narrative(text)
    else:
        result.status = Status.UNSUPPORTED
        result.error = f"unsupported document type ({media_type})"
        return
    # The detail page's metadata table (索引号, 发布机构 …) is about the report, not of it.
    metadata, grids = split_metadata(grids)
    result.publisher = metadata.get("publisher")
    result.index_no = metadata.get("index_no")
    result.doc_no = metadata.get("doc_no")
    result.published_on = metadata.get("published_on")
    normalised = normalise(grids)
    result.format = normalised.format
    result.sections = normalised.sections
    result.facts = normalised.facts
    result.unmapped = normalised.unmapped
    result.status, result.error = _status(normalised, len(grids), where)
    if result.title:
        result.title = norm(result.title)


def _read_text_layer(result: ExtractionResult, data: bytes) -> pdf_tables.PdfRead:
    """A PDF's text layer and the tables of its table pages (UnreadablePdf when it has no
    text layer or cannot be opened)."""
    read = pdf_tables.read_text(data)
    result.read_by = ReadBy.TEXT
    result.pages = read.pages
    result.title = _title_from_text("\n".join(read.page_texts[:2]))
    result.narrative = _narrative("\n".join(read.page_texts))
    t0 = time.perf_counter()
    pdf_tables.read_tables(data, read)
    result.timings["tables_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    result.table_pages = read.table_pages
    return read


def _extract_scanned(result: ExtractionResult, data: bytes) -> None:
    """A PDF without a text layer: OCR (pipelines.parse.scan), the same normaliser, and only
    the values the table's arithmetic confirms as facts (pipelines.normalise.ocr_gate).
    Stays needs_ocr, with the reason, where no table could be found."""
    from pipelines.document import scanned
    from pipelines.parse import scan

    t0 = time.perf_counter()
    read = scan.read_scan(data, is_title=lambda text: _title_from_text(text) is not None)
    result.timings.update(read.timings)
    result.pages = read.pages
    result.table_pages = read.table_pages
    title = _title_from_text(read.title_text)
    result.title = norm(title) if title else None
    if read.reason:
        result.error = read.reason
        return
    normalised = normalise(read.grids)
    if not normalised.sections:
        result.error = (f"scanned image: {len(read.grids)} ruled tables found on pages "
                        f"{read.table_pages}, none recognised as the national template "
                        "(OCR needed by hand)")
        return
    facts, unmapped, findings = scanned.verify(normalised.facts, normalised.unmapped)
    normalised.facts, normalised.unmapped = facts, unmapped
    result.read_by = ReadBy.OCR
    result.format = normalised.format
    result.sections = normalised.sections
    result.facts = [scanned.plain_fact(f) for f in facts]
    result.unmapped = [scanned.plain_unplaced(u) for u in unmapped]
    result.findings = findings
    result.status, result.error = _status(normalised, len(read.grids),
                                          f" on pages {read.table_pages}")
    result.timings["ocr_ms"] = round((time.perf_counter() - t0) * 1000, 1)
