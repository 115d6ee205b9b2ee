"""The typed shapes that cross a stage boundary, and the one serialiser of a document's result.

crawl ─ DocumentRef ─▶ (staged as KnownDocument rows) ─▶ document ─ ExtractionResult (Fact,
UnplacedCell) ─▶ load ─▶ checks ─ Finding ─▶ warehouse.

Enums are `StrEnum`s: a member *is* its contract string ("ok", "pdf", "2019", "error"), so the
warehouse, the JSON and every comparison with a plain string see exactly what they saw before.

Facts and unplaced cells are plain slotted dataclasses (a document has hundreds, a run a
hundred thousand: they must stay small and cheap to make). The per-document result is a
pydantic dataclass that validates on assignment, so `result.status = "partial"` is stored as
`Status.PARTIAL` and a misspelt status fails where it is written, not in the warehouse.

The result cache is written and read only through `dump_result` / `load_result`: a JSON object
whose first member is `"schema_version"`. A file of another schema version (or none: the
untyped files of before) is not read at all: `load_result` returns None and the document is
extracted again. Bump `RESULT_SCHEMA_VERSION` whenever a field changes meaning or type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, Literal

from pydantic import ConfigDict, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass as pydantic_dataclass


# --- enums: the contract's code lists -------------------------------------------------------

class Status(StrEnum):
    """How far a report could be read (reports.status)."""
    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"
    NEEDS_OCR = "needs_ocr"
    UNSUPPORTED = "unsupported"


STATUS_RANK = {Status.OK: 0, Status.PARTIAL: 1, Status.UNSUPPORTED: 2, Status.NEEDS_OCR: 3,
               Status.FAILED: 4}  # which form of one publication reads better (lower is better)
UNREADABLE = (Status.FAILED, Status.NEEDS_OCR, Status.UNSUPPORTED)


class MediaType(StrEnum):
    """What a stored document is (by its bytes first). `wps` is read like `doc`; the warehouse
    stores it as `other` (its contract list has no wps)."""
    PDF = "pdf"
    HTML = "html"
    DOCX = "docx"
    DOC = "doc"
    WPS = "wps"
    OTHER = "other"


WAREHOUSE_MEDIA_TYPES = (MediaType.PDF, MediaType.HTML, MediaType.DOCX, MediaType.DOC,
                         MediaType.OTHER)


def warehouse_media_type(value: str | None) -> MediaType:
    """reports.media_type: the contract's list; anything else (wps, unknown) is `other`."""
    return MediaType(value) if value in WAREHOUSE_MEDIA_TYPES else MediaType.OTHER


class Format(StrEnum):
    """The national table format, read from header words (reports.format)."""
    F2019 = "2019"
    F2021 = "2021"
    UNKNOWN = "unknown"


TEMPLATE_FORMATS = (Format.F2019, Format.F2021)


class Severity(StrEnum):
    ERROR = "error"  # printed figures contradict each other
    WARNING = "warning"  # needs a person's judgement


class ReadBy(StrEnum):
    """What read the document's tables (reports.read_by)."""
    TEXT = "text"  # a PDF's text layer
    HTML = "html"
    DOCX = "docx"
    OCR = "ocr"


FactKind = Literal["number", "blank", "text"]  # text: not a number, a finding; value stays NULL


# --- crawl → load: the document reference ----------------------------------------------------

@dataclass
class DocumentRef:
    """One fetched report document: an attachment, or the detail page holding the report inline.
    What the crawl hands on."""

    sha256: str  # of the bytes in the raw store
    raw_path: str  # relative to the lake root: raw/<sha[:2]>/<sha>
    media_type: str  # a MediaType value, by magic bytes first
    document_url: str  # the attachment URL, or the detail page URL for an inline report
    page_url: str  # the detail page (the list page when the list links the file directly)
    list_url: str
    title: str
    county: str
    agency_hint: str | None
    year_hint: int | None
    published_on: str | None  # YYYY-MM-DD: the list page's date, else the detail page's
    fetched_at: str  # ISO-8601 UTC of the fetch that produced these bytes
    inline: bool
    note: str | None = None  # e.g. "expected pdf (by extension), got html (probably an error page)"
    reused: bool = False  # rebuilt from an earlier run's state: its list entry had not changed
    publisher: str | None = None  # from the detail page's metadata table, where it has one
    index_no: str | None = None
    doc_no: str | None = None

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict) -> "DocumentRef":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def none_if_missing(value: Any) -> Any:
    """A frame's missing value (NaN, NaT, pd.NA) as None."""
    if value is None:
        return None
    try:
        return None if value != value else value  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):  # pd.NA compares to NA: ambiguous truth value
        return None


@dataclass
class KnownDocument:
    """One row of the staged documents the loader builds reports from: a fetched document, or
    one whose fetch failed (`crawl_error`, no sha256), or one an earlier run fetched that this
    crawl did not see again (`seen_now` False)."""

    sha256: str | None = None
    raw_path: str | None = None
    media_type: str | None = None
    document_url: str | None = None
    page_url: str | None = None
    list_url: str | None = None
    title: str | None = None
    county: str | None = None
    agency_hint: str | None = None
    year_hint: int | None = None
    published_on: str | None = None
    fetched_at: str | None = None
    inline: bool | None = None
    crawl_error: str | None = None
    seen_now: bool = True

    @classmethod
    def from_record(cls, record: dict) -> "KnownDocument":
        names = _KNOWN_FIELDS
        doc = cls(**{k: none_if_missing(v) for k, v in record.items() if k in names})
        if doc.year_hint is not None:
            doc.year_hint = int(doc.year_hint)
        doc.seen_now = True if doc.seen_now is None else bool(doc.seen_now)
        return doc


_KNOWN_FIELDS = frozenset(f.name for f in fields(KnownDocument))
DOC_COLUMNS = [f.name for f in fields(KnownDocument) if f.name != "seen_now"]


# --- normalise → load: facts and unplaced cells -----------------------------------------------

@dataclass(slots=True)
class Fact:
    """One printed cell placed by its labels: `dim1`/`dim2` are the section's two codes
    (applications: row_code/applicant; proactive: item/measure; review_litigation:
    proceeding/outcome; see pipelines.core.registry)."""

    section: str  # a registry key: applications | proactive | review_litigation
    dim1: str
    dim2: str
    raw_text: str
    value: float | None
    unit: str | None
    page: int | None
    kind: FactKind
    bbox: list[float] | None = None  # PDF points [x0, top, x1, bottom] from the page's top-left
    confidence: float | None = None  # OCR recognition confidence; None when not read by OCR


@dataclass(slots=True)
class UnplacedCell:
    """A table cell or row the normaliser could not place (unmapped_cells): nothing read is
    dropped silently. `section` is a registry key, `unplaced_part` (a table holding template
    labels that was not joined to its section) or `other` (a table of the narrative's own)."""

    section: str
    label: str
    raw_text: str
    page: int | None
    reason: str
    bbox: list[float] | None = None


# --- document → load: the per-document result ------------------------------------------------

@pydantic_dataclass(config=ConfigDict(validate_assignment=True))
class ExtractionResult:
    """Everything read from one document. Built by `extract_document` (never raises: what could
    not be read is `status`/`error`), cached by sha256 and extractor version."""

    sha256: str | None
    extractor_version: str
    media_type: MediaType | None = None
    status: Status = Status.FAILED
    error: str | None = None
    format: Format = Format.UNKNOWN
    pages: int | None = None
    report_id: str | None = None  # the sha256; for inline HTML "h" + a hash of the report's text
    title: str | None = None
    sections: list[str] = field(default_factory=list)  # registry keys of the tables found
    table_pages: list[int] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    unmapped: list[UnplacedCell] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    narrative: str | None = None  # the opening text, for the narrative-against-table check
    traceback: str | None = None  # when the extractor itself failed
    # Filled by later stages (OCR, detail-page metadata); None until they are.
    read_by: ReadBy | None = None
    # Findings the extraction makes itself (the OCR gate's ocr_unverified): quality_issues'
    # columns without report, agency and year (Finding fields as a dict).
    findings: list[dict] = field(default_factory=list)
    publisher: str | None = None
    index_no: str | None = None
    doc_no: str | None = None
    published_on: str | None = None

    @property
    def facts_placed(self) -> int:
        """Cells with a number placed into the fact tables."""
        return sum(f.kind == "number" for f in self.facts)


@dataclass(frozen=True)
class ResultSummary:
    """What a worker hands back across processes: small, no facts."""

    sha256: str | None
    status: Status
    error: str | None
    format: Format
    pages: int | None
    report_id: str | None
    timings: dict[str, float]
    facts: int
    unmapped: int

    @classmethod
    def of(cls, r: ExtractionResult) -> "ResultSummary":
        return cls(r.sha256, r.status, r.error, r.format, r.pages, r.report_id, dict(r.timings),
                   len(r.facts), len(r.unmapped))

    def to_dict(self) -> dict:
        """Plain values (enums as their strings), for metadata and logs."""
        return {f.name: (getattr(self, f.name).value if isinstance(getattr(self, f.name), StrEnum)
                         else getattr(self, f.name)) for f in fields(self)}


# --- the one serialiser of the result cache ---------------------------------------------------

RESULT_SCHEMA_VERSION = 2  # 1: the untyped dicts before (no schema_version member)
_RESULT = TypeAdapter(ExtractionResult)
_HEAD = re.compile(rb'\A\s*\{\s*"schema_version"\s*:\s*(\d+)\s*[,}]')


def dump_result(result: ExtractionResult) -> bytes:
    """The result as UTF-8 JSON, `schema_version` first."""
    body = _RESULT.dump_json(result)
    return b'{"schema_version":%d,' % RESULT_SCHEMA_VERSION + body[1:]


def schema_version_of(head: bytes) -> int | None:
    """The schema version a cached file's first bytes declare (None: none, an old file)."""
    m = _HEAD.match(head)
    return int(m.group(1)) if m else None


def load_result(data: bytes) -> ExtractionResult | None:
    """The result a cached file holds; None when it is of another schema version or does not
    validate (the caller treats it as missing and extracts the document again)."""
    if schema_version_of(data[:64]) != RESULT_SCHEMA_VERSION:
        return None
    try:
        return _RESULT.validate_json(data)
    except ValidationError:
        return None


# --- checks → warehouse: a finding ------------------------------------------------------------

@dataclass(slots=True)
class Finding:
    """One row of quality_issues (the contract's columns) plus where to look: `cells` (codes:
    "fact_applications:granted/total;granted/natural_person") and `page` (first source page)."""

    report_id: str | None
    agency_id: str | None
    report_year: int | None
    check_name: str
    severity: Severity
    section: str | None
    detail: str
    expected: float | None = None
    actual: float | None = None
    cells: str | None = None
    page: int | None = None
    county_id: str | None = None  # set by checks with no agency (crawl_empty); else from the agency

    def row(self) -> dict:
        return {"report_id": self.report_id, "agency_id": self.agency_id,
                "report_year": self.report_year, "check_name": self.check_name,
                "severity": str(self.severity), "section": self.section, "detail": self.detail,
                "expected": self.expected, "actual": self.actual, "cells": self.cells,
                "page": self.page, "county_id": self.county_id}
