"""What a crawl hands on: fetched report documents, failures (never dropped), the request log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from pipelines.core.models import DocumentRef  # the document reference is a core model


@dataclass
class CrawlFailure:
    """A list page, report page or attachment that could not be fetched; retried next run."""

    url: str
    page_url: str | None
    title: str | None
    agency_hint: str | None
    year_hint: int | None
    published_on: str | None
    stage: str  # list | detail | attachment
    error: str


@dataclass
class CrawlResult:
    documents: list[DocumentRef] = field(default_factory=list)
    failures: list[CrawlFailure] = field(default_factory=list)
    log: list[dict] = field(default_factory=list)  # this run's requests, as appended to crawl/log.jsonl
    list_pages: int = 0
    skipped_items: list[str] = field(default_factory=list)  # titles judged not annual reports
    fetched: int = 0  # documents whose bytes were fetched this run (the others were reused)
    previous_digest: str | None = None  # the digest the source's previous crawl ended with
    pattern: str = "none"  # the list pattern(s) met: json_api, hanweb, trs, plain ("trs+plain")
    entries: int = 0  # annual-report entries found on the lists
    empty_reason: str | None = None  # set when the lists yielded no report (crawl_empty)
    revalidated: int = 0  # known reports asked for again because revalidate_days had passed
    replaced: list[str] = field(default_factory=list)  # of those, pages whose documents changed

    @property
    def digest(self) -> str:
        """A fingerprint of what the crawl found: every document (URL, page, sha256, title,
        date, type, note) and every failure (URL, stage, error), order-independent. Equal
        digests mean the later stages would see the same input."""
        docs = sorted((d.document_url, d.page_url, d.sha256, d.title, d.published_on or "",
                       d.media_type, d.note or "", d.agency_hint or "", str(d.year_hint or ""))
                      for d in self.documents)
        fails = sorted((f.url, f.stage, f.error) for f in self.failures)
        blob = json.dumps([docs, fails], ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    @property
    def changed_since_last_crawl(self) -> bool:
        """False when this crawl found exactly what the source's previous crawl did. Careful:
        the previous crawl's run may have failed after crawling; to skip a rebuild compare
        `crawl_digest(...)` with the one recorded by the last *published* run instead."""
        return self.digest != self.previous_digest


def crawl_digest(results: list[CrawlResult]) -> str:
    """One fingerprint of several sources' crawls (order-independent)."""
    return hashlib.sha256("\n".join(sorted(r.digest for r in results)).encode()).hexdigest()
