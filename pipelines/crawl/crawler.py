"""One source's crawl: list pages → report entries → detail pages → documents.

Incremental: list pages are asked for conditionally; a report whose list entry (URL, title,
date) is unchanged and whose earlier fetch was complete is not fetched again, its documents
are rebuilt from the source's state. Anything that fails becomes a CrawlFailure and is
retried on the next run.
"""

from __future__ import annotations

import re
from collections import deque
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import httpx

from pipelines.core.charset import decode_html
from pipelines.crawl import hanweb
from pipelines.crawl.detail import parse_detail_page
from pipelines.crawl.fetch import Fetcher, FetchError, FetchResult, utc_now
from pipelines.crawl.history import CrawlLog, SourceState
from pipelines.crawl.jsonapi import ApiError, ListApi
from pipelines.crawl.jsonapi import parse_page as parse_api_page
from pipelines.crawl.jsonapi import page_request
from pipelines.crawl.listing import ListItem, parse_list_page, strip_fragment
from pipelines.core.media import media_type
from pipelines.crawl.models import CrawlFailure, CrawlResult, DocumentRef
from pipelines.crawl.options import CrawlOptions
from pipelines.crawl.titles import is_annual_report, normalise_title, parse_title
from pipelines.core.lake import LakeError, RawStore
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


PATTERN_ORDER = ("json_api", "hanweb", "trs", "plain")


def describe_patterns(found: set[str]) -> str:
    """"hanweb", "trs+plain" …: the list patterns a crawl met, most specific first; "none"
    when no list page could be read."""
    return "+".join(p for p in PATTERN_ORDER if p in found) or "none"


def source_list_api(source: Source) -> ListApi | None:
    raw = source.options.get("list_api")
    return ListApi.from_dict(raw) if raw else None


def crawl_source(source: Source, data_dir: Path, *, lake: str | None = None,
                 client_factory: Callable[[], httpx.Client] | None = None,
                 now: datetime | None = None) -> CrawlResult:
    """Crawl one source. Never raises for a portal's faults: they are in result.failures.

    Documents go to the lake's raw store (default `<data_dir>/lake`); the crawl log and the
    per-source state stay under the data dir. `now` (UTC) decides which known documents are
    due for revalidation."""
    return _SourceCrawl(source, Path(data_dir), client_factory, lake, now).run()


class _SourceCrawl:
    def __init__(self, source: Source, data_dir: Path, client_factory, lake=None,
                 now: datetime | None = None) -> None:
        self.source = source
        self.options = CrawlOptions.from_source_options(source.options)
        self.list_api = source_list_api(source)
        self.now = now or datetime.now(timezone.utc)
        self.patterns: set[str] = set()
        self._earlier: list[DocumentRef] | None = None
        self.store = RawStore(lake or data_dir / "lake")
        self.state = SourceState(data_dir, source)
        self._read_back = self.state.validators is None  # an earlier version's state
        self.log = CrawlLog(data_dir, self.state.validators)
        self.state.validators = self.log.known
        self.fetcher = Fetcher(source, self.options, self.store, validators=self.log.validators,
                               client_factory=client_factory)
        self.result = CrawlResult(previous_digest=self.state.digest)

    def run(self) -> CrawlResult:
        try:
            for item, list_url in self.discover():
                try:
                    self.process(item, list_url)
                except LakeError:  # the store is down: the run stops, no report is marked failed
                    raise
                except Exception as exc:  # a parser bug on one odd page must not stop the source
                    self.fail(item.url, "detail", f"internal error: {exc!r}", item=item)
        finally:
            self.fetcher.close()
            if self.result.entries == 0:
                self.result.empty_reason = self._empty_reason()
            for row in self.fetcher.log:
                row["pattern"] = self.result.pattern
                if self.result.empty_reason and row["stage"] == "list" and not row.get("note"):
                    row["note"] = f"crawl_empty: {self.result.empty_reason}"
            self.result.log = self.fetcher.log
            self.result.fetched = sum(not d.reused for d in self.result.documents)
            self.log.append(self.fetcher.log)
            if self._read_back:  # every source's validators were read back: keep this one's
                self.state.keep_validators_of(self.state.urls() | {r["url"] for r in self.fetcher.log})
            self.state.digest = self.result.digest
            self.state.save()
        return self.result

    def _empty_reason(self) -> str:
        lists = [f for f in self.result.failures if f.stage == "list"]
        if self.result.list_pages == 0 and lists:
            return f"no list page could be read ({lists[0].url}: {lists[0].error})"
        skipped = len(self.result.skipped_items)
        return (f"{self.result.list_pages} list page(s) read ({self.result.pattern}) but no entry "
                f"is an annual report" + (f" ({skipped} other item(s) skipped)" if skipped else "")
                + (f"; {len(lists)} list page(s) failed" if lists else ""))

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
        """Every report entry of the source's lists (each URL once), by the source's pattern:
        a declared JSON list API, else the HTML columns from start_urls (plain pagination, TRS
        script pagers and Hanweb datastores recognised page by page)."""
        self._reports: dict[str, tuple[ListItem, str]] = {}
        if self.list_api is not None:
            self.patterns.add("json_api")
            self._walk_api(self.list_api)
        else:
            self._walk_html()
        self.result.pattern = describe_patterns(self.patterns)
        self.result.entries = len(self._reports)
        return list(self._reports.values())

    def _take(self, items: list[ListItem], list_url: str) -> int:
        """Keep the annual-report entries, count the noise; returns how many entries were new."""
        new = 0
        skipped = self.result.skipped_items
        for item in items:
            if is_annual_report(item.title):
                known = self._reports.get(item.url)
                if known is None:
                    self._reports[item.url] = (item, list_url)
                    new += 1
                elif known[0].date is None and item.date:
                    self._reports[item.url] = (item, known[1])
            elif (item.date or _REPORTISH.search(item.title)) and item.title not in skipped:
                skipped.append(item.title)
        return new

    def _room(self, url: str) -> bool:
        if self.result.list_pages >= self.options.max_list_pages:
            self.fail(url, "list", f"max_list_pages ({self.options.max_list_pages}) reached; "
                      "further list pages not fetched")
            return False
        return True

    def _walk_html(self) -> None:
        """Breadth-first over the list pages; each URL at most once, at most max_list_pages."""
        queue = deque(strip_fragment(u) for u in self.source.start_urls)
        queued = set(queue)
        while queue:
            url = queue.popleft()
            if not self._room(url):
                break
            try:
                text, final_url = self.fetch_list_text(url)
                column = hanweb.parse_column(text, final_url)
                page = parse_list_page(text, final_url, max_generated=self.options.max_list_pages + 1)
                if column is None and page.links == 0:
                    raise FetchError(f"no links in list page ({len(text)} characters): empty, "
                                     "malformed or not HTML")
            except FetchError as exc:
                self.fail(url, "list", exc.message)
                continue
            except LakeError:
                raise
            except Exception as exc:
                self.fail(url, "list", f"internal error: {exc!r}")
                continue
            if column is not None:
                self.patterns.add("hanweb")
                self._take(parse_list_page(column.records_html, final_url).items, url)
                self._walk_hanweb(column, url)
            else:
                self.patterns.add("trs" if page.script_pager else "plain")
            self._take(page.items, url)
            for next_url in page.page_urls:
                if next_url not in queued and self.source.allows(next_url):
                    queued.add(next_url)
                    queue.append(next_url)

    def _walk_hanweb(self, column: hanweb.HanwebColumn, page_url: str) -> None:
        """The column's further records from the POST proxy, group by group, until the total
        (or an empty or all-known group)."""
        group = column.records or (column.per_page or 15) * 3
        start, total = column.records + 1, column.total
        seen = {i.url for i in parse_list_page(column.records_html, page_url).items}
        while total is None or start <= total:
            url, form = hanweb.proxy_request(column, start, group)
            if not self._room(url):
                return
            try:
                res = self.fetcher.fetch(url, stage="list", method="POST", data=form)
                self.result.list_pages += 1
                xml, _ = decode_html(res.content, res.content_type)
            except FetchError as exc:
                self.fail(url, "list", exc.message)
                return
            records = hanweb.records_of(xml)
            total = hanweb.totals_of(xml)[0] or total
            items = parse_list_page("<ul>" + "".join(records) + "</ul>", page_url).items
            fresh = [i for i in items if i.url not in seen]
            if not records or not fresh:
                return
            seen.update(i.url for i in fresh)
            self._take(items, url)
            start += len(records)
            if total is None and len(records) < group:
                return  # a short group is the last one

    def _walk_api(self, api: ListApi) -> None:
        seen: set[str] = set()
        page_no = api.first_page
        while True:
            url, method, data, body = page_request(api, page_no)
            if not self.source.allows(url):
                self.fail(url, "list", f"list_api host {urlsplit(url).netloc} not allowed")
                return
            if not self._room(url):
                return
            try:
                res = self.fetcher.fetch(url, stage="list", method=method, data=data, json_body=body)
                items, total = parse_api_page(api, res.content, res.final_url)
                self.result.list_pages += 1
            except (FetchError, ApiError) as exc:
                self.fail(url, "list", str(exc))
                return
            fresh = [i for i in items if i.url not in seen]
            if not fresh:
                return  # an empty page, or the API ignoring the page number
            seen.update(i.url for i in fresh)
            self._take(items, url)
            if total is not None and len(seen) >= total:
                return
            page_no += 1

    def fetch_list_text(self, url: str) -> tuple[str, str]:
        res = self.fetcher.fetch(url, stage="list")
        self.result.list_pages += 1
        kind, _ = media_type(res.content, res.content_type, url)
        if kind not in ("html", "other"):
            raise FetchError(f"list page is not HTML but {kind}")
        text, _ = decode_html(res.content, res.content_type)
        return text, res.final_url

    # -- one report entry ------------------------------------------------------------------
    def process(self, item: ListItem, list_url: str) -> None:
        agency, year = parse_title(item.title)
        earlier = self.state.unchanged(item.url, item.title, item.date, self.store)
        if earlier is not None and not self.revalidation_due(item.url):
            for doc in earlier:
                doc.list_url, doc.reused = list_url, True
            self.result.documents += earlier
            self.state.record(item.url, item.title, item.date, earlier, complete=True,
                              checked_at=self.state.checked_at(item.url))
            return
        self._earlier = earlier  # revalidating: the documents as they were

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
            if earlier is not None:  # revalidation failed: keep what we have, ask again next run
                for doc in earlier:
                    doc.list_url, doc.reused = list_url, True
                self.result.documents += earlier
                self.state.record(item.url, item.title, item.date, earlier, complete=True,
                                  checked_at=self.state.checked_at(item.url))
                self._earlier = None
                return
            self.fail(item.url, "detail", exc.message, item=item, page_url=item.url)
            return
        kind, note = media_type(page.content, page.content_type, item.url, page.content_disposition)
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
            kind, note = media_type(res.content, res.content_type, attachment.url,
                                    res.content_disposition)
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

    def revalidation_due(self, page_url: str) -> bool:
        """A known report is asked for again (conditionally) every revalidate_days, even when
        its list entry did not change: a report replaced at the same URL is found."""
        checked = self.state.checked_at(page_url)
        if checked is None:
            return False  # a state from before revalidation: its next change will tell
        try:
            when = datetime.strptime(checked, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        except ValueError:
            return True
        return self.now - when >= timedelta(days=self.options.revalidate_days)

    def keep(self, item: ListItem, docs: list[DocumentRef], complete: bool) -> None:
        earlier = getattr(self, "_earlier", None)
        self._earlier = None
        if earlier is not None:
            self.result.revalidated += 1
            before = {(d.document_url, d.sha256): d for d in earlier}
            for doc in docs:
                same = before.get((doc.document_url, doc.sha256))
                if same is not None:  # a 304 (or the same bytes): as it was
                    doc.fetched_at, doc.reused = same.fetched_at, True
            if {(d.document_url, d.sha256) for d in docs} != set(before):
                self.result.replaced.append(item.url)
        self.result.documents += docs
        self.state.record(item.url, item.title, item.date, docs, complete,
                          checked_at=self.now.strftime("%Y-%m-%dT%H:%M:%SZ"))


