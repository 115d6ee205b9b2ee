"""One source's crawl: list pages → report entries → detail pages → documents.

Incremental: list pages are asked for conditionally; a report whose list entry (URL, title,
date) is unchanged and whose earlier fetch was complete is not fetched again, its documents
are rebuilt from the source's state. Anything that fails becomes a CrawlFailure and is
retried on the next run.
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from typing import Callable

import httpx

from pipelines.core.charset import decode_html
from pipelines.crawl.detail import parse_detail_page
from pipelines.crawl.fetch import Fetcher, FetchError, FetchResult, utc_now
from pipelines.crawl.history import CrawlLog, SourceState
from pipelines.crawl.listing import ListItem, parse_list_page, strip_fragment
from pipelines.core.media import media_type
from pipelines.crawl.models import CrawlFailure, CrawlResult, DocumentRef
from pipelines.crawl.options import CrawlOptions
from pipelines.crawl.titles import is_annual_report, normalise_title, parse_title
from pipelines.core.lake import RawStore
from pipelines.core.sources import Source

# Entries that look like articles (a date, or "report" in the title) but are not annual
# reports are reported as skipped; nav links are not worth a line.
_REPORTISH = re.compile(r"报告|年报")


_AGENCY_WORDS = re.compile(r"(?:人民政府|政府|局|委员会|委|办公室|办事处|街道|镇|乡|管委会|中心|院)$")


def agency_from_source(source: str | None) -> str | None:
    """A detail page's publisher as an agency name, when it reads like one."""
    if not source:
        return None
    name = normalise_title(source).strip("　 ：:")
    return name if 2 <= len(name) <= 30 and _AGENCY_WORDS.search(name) else None


def _holds_report(res: FetchResult) -> bool:
    text, _ = decode_html(res.content, res.content_type)
    return parse_detail_page(text, res.final_url).inline


def crawl_source(source: Source, data_dir: Path, *, lake: str | None = None,
                 client_factory: Callable[[], httpx.Client] | None = None) -> CrawlResult:
    """Crawl one source. Never raises for a portal's faults: they are in result.failures.

    Documents go to the lake's raw store (default `<data_dir>/lake`); the crawl log and the
    per-source state stay under the data dir."""
    return _SourceCrawl(source, Path(data_dir), client_factory, lake).run()


class _SourceCrawl:
    def __init__(self, source: Source, data_dir: Path, client_factory, lake=None) -> None:
        self.source = source
        self.options = CrawlOptions.from_source_options(source.options)
        self.store = RawStore(lake or data_dir / "lake")
        self.log = CrawlLog(data_dir)
        self.state = SourceState(data_dir, source)
        self.fetcher = Fetcher(source, self.options, self.store, validators=self.log.validators,
                               client_factory=client_factory)
        self.result = CrawlResult(previous_digest=self.state.digest)

    def run(self) -> CrawlResult:
        try:
            for item, list_url in self.discover():
                try:
                    self.process(item, list_url)
                except Exception as exc:  # a parser bug on one odd page must not stop the source
                    self.fail(item.url, "detail", f"internal error: {exc!r}", item=item)
        finally:
            self.fetcher.close()
            self.result.log = self.fetcher.log
            self.result.fetched = sum(not d.reused for d in self.result.documents)
            self.log.append(self.fetcher.log)
            self.state.digest = self.result.digest
            self.state.save()
        return self.result

    # -- failures --------------------------------------------------------------------------
    def fail(self, url: str, stage: str, error: str, *, item: ListItem | None = None,
             page_url: str | None = None, agency: str | None = None, year: int | None = None) -> None:
        if item:
            t_agency, t_year = parse_title(item.title)
            agency, year = agency or t_agency, year or t_year
        self.result.failures.append(CrawlFailure(
            url=url, page_url=page_url, title=item.title if item else None, agency_hint=agency,
            year_hint=year, published_on=item.date if item else None, stage=stage, error=error,
        ))

    # -- list pages ------------------------------------------------------------------------
    def discover(self) -> list[tuple[ListItem, str]]:
        """Walk the list pages breadth-first; each URL at most once, at most max_list_pages."""
        queue = deque(strip_fragment(u) for u in self.source.start_urls)
        queued = set(queue)
        reports: dict[str, tuple[ListItem, str]] = {}
        skipped = self.result.skipped_items
        while queue:
            url = queue.popleft()
            if self.result.list_pages >= self.options.max_list_pages:
                self.fail(url, "list", f"max_list_pages ({self.options.max_list_pages}) reached; "
                          "further list pages not fetched")
                break
            try:
                page = self.fetch_list_page(url)
            except FetchError as exc:
                self.fail(url, "list", exc.message)
                continue
            except Exception as exc:
                self.fail(url, "list", f"internal error: {exc!r}")
                continue
            for item in page.items:
                if is_annual_report(item.title):
                    known = reports.get(item.url)
                    if known is None:
                        reports[item.url] = (item, url)
                    elif known[0].date is None and item.date:
                        reports[item.url] = (item, known[1])
                elif (item.date or _REPORTISH.search(item.title)) and item.title not in skipped:
                    skipped.append(item.title)
            for next_url in page.page_urls:
                if next_url not in queued and self.source.allows(next_url):
                    queued.add(next_url)
                    queue.append(next_url)
        return list(reports.values())

    def fetch_list_page(self, url: str):
        res = self.fetcher.fetch(url, stage="list")
        self.result.list_pages += 1
        kind, _ = media_type(res.content, res.content_type, url)
        if kind not in ("html", "other"):
            raise FetchError(f"list page is not HTML but {kind}")
        text, _ = decode_html(res.content, res.content_type)
        page = parse_list_page(text, res.final_url, max_generated=self.options.max_list_pages + 1)
        if page.links == 0:
            raise FetchError(f"no links in list page ({len(res.content)} bytes): empty, malformed or not HTML")
        return page

    # -- one report entry ------------------------------------------------------------------
    def process(self, item: ListItem, list_url: str) -> None:
        agency, year = parse_title(item.title)
        earlier = self.state.unchanged(item.url, item.title, item.date, self.store)
        if earlier is not None:
            for doc in earlier:
                doc.list_url, doc.reused = list_url, True
            self.result.documents += earlier
            self.state.record(item.url, item.title, item.date, earlier, complete=True)
            return

        def document(res: FetchResult, kind: str, note: str | None, *, inline: bool, page_url: str,
                     published_on: str | None) -> DocumentRef:
            return DocumentRef(
                sha256=res.sha256, raw_path=self.store.relpath(res.sha256), media_type=kind,
                document_url=res.url, page_url=page_url, list_url=list_url, title=item.title,
                county=self.source.county, agency_hint=agency, year_hint=year,
                published_on=published_on, fetched_at=utc_now(), inline=inline, note=note,
            )

        try:
            page = self.fetcher.fetch(item.url, stage="detail")
        except FetchError as exc:
            self.fail(item.url, "detail", exc.message, item=item, page_url=item.url)
            return
        kind, note = media_type(page.content, page.content_type, item.url)
        if kind != "html":
            # The list links the document itself: there is no detail page.
            doc = document(page, kind, note, inline=False, page_url=list_url, published_on=item.date)
            self.keep(item, [doc], complete=note is None)
            return

        text, _ = decode_html(page.content, page.content_type)
        detail = parse_detail_page(text, page.final_url)
        published_on = item.date or detail.published_on
        if agency is None or year is None:
            # "2021年政府信息公开工作年度报告" on a list: the article's own heading or its
            # publisher ("来源：柱濮镇人民政府") names the agency.
            h_agency, h_year = parse_title(detail.heading or "")
            agency = agency or h_agency or agency_from_source(detail.source)
            year = year or h_year
        docs: list[DocumentRef] = []
        complete = True
        if detail.inline or not detail.attachments:
            # With neither a table nor an attachment the report is probably images: keep the
            # page so the extractor can say so (needs_ocr) instead of losing the report.
            missing = None if detail.inline else "no report table or attachment found on the page"
            docs.append(document(page, "html", missing, inline=True, page_url=item.url,
                                 published_on=published_on))
        for attachment in detail.attachments:
            try:
                res = self.fetcher.fetch(attachment.url, stage="attachment")
            except FetchError as exc:
                self.fail(attachment.url, "attachment", exc.message, item=item, page_url=item.url,
                          agency=agency, year=year)
                complete = False
                continue
            kind, note = media_type(res.content, res.content_type, attachment.url)
            if note:
                self.fetcher.annotate(res.final_url, note)
                complete = False  # likely an error page: try again next run
                if kind == "html" and not _holds_report(res):
                    # An error page under a document's name is not a report: a failure with
                    # the reason, so the report shows as failed (and is retried) instead of
                    # appearing as an unreadable page.
                    self.fail(attachment.url, "attachment", note, item=item, page_url=item.url,
                              agency=agency, year=year)
                    continue
            docs.append(document(res, kind, note, inline=False, page_url=item.url,
                                 published_on=published_on))
        self.keep(item, docs, complete)

    def keep(self, item: ListItem, docs: list[DocumentRef], complete: bool) -> None:
        self.result.documents += docs
        self.state.record(item.url, item.title, item.date, docs, complete)


