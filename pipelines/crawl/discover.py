"""`gongkai discover URL`: walk one column like the crawler, download nothing but its list
pages and the first few detail pages, and say what a sources entry for it would find.

Polite like the crawler (robots.txt, one request per `min_interval_seconds` per host). Nothing
is kept: the raw store and the crawl state live in a temporary folder.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.core.charset import decode_html
from pipelines.core.media import expected_type, media_type
from pipelines.core.sources import Source
from pipelines.crawl.crawler import _SourceCrawl
from pipelines.crawl.detail import parse_detail_page
from pipelines.crawl.fetch import FetchError
from pipelines.crawl.titles import parse_title

DETAIL_SAMPLE = 3  # detail pages opened to see how reports are published


@dataclass
class Entry:
    title: str
    url: str
    agency: str | None
    year: int | None
    date: str | None


@dataclass
class Discovery:
    start_url: str
    county: str | None
    pattern: str = "none"
    list_pages: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    attachment_types: Counter = field(default_factory=Counter)  # inline html, pdf, doc, ...
    details_opened: int = 0
    list_api: dict | None = None

    @property
    def reason(self) -> str | None:
        """Why nothing was found (None when reports were found)."""
        if self.entries:
            return None
        if not self.list_pages:
            return "no list page could be read: " + ("; ".join(self.failures) or "nothing fetched")
        why = (f"{len(self.list_pages)} list page(s) read ({self.pattern}) but no title is an "
               "annual disclosure report (政府信息公开工作年度报告)")
        if self.skipped:
            why += f"; {len(self.skipped)} other item(s) skipped"
        if self.pattern in ("plain", "none") and self.list_api is None and not self.skipped:
            why += ("; if the column's list is written by a script from a JSON API, declare it "
                    "with list_api (see the README)")
        return why

    def county_guess(self) -> str:
        if self.county:
            return self.county
        names = Counter()
        for e in self.entries:
            m = re.match(r"^(.{1,8}?[县市区旗])人民政府$", e.agency or "")
            if m:
                names[m.group(1)] += 1
        return names.most_common(1)[0][0] if names else "TODO: the county's name"

    def source_block(self) -> str:
        lines = ["[[source]]", f'county = "{self.county_guess()}"',
                 f'start_urls = ["{self.start_url}"]']
        if self.list_api:
            lines.append("list_api = " + _inline_table(self.list_api))
        return "\n".join(lines) + "\n"


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, dict):
        return _inline_table(v)
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _inline_table(d: dict) -> str:
    return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in d.items()) + " }"


def discover(url: str, county: str | None = None, *, options: dict | None = None,
             list_api: dict | None = None, details: int = DETAIL_SAMPLE,
             client_factory=None) -> Discovery:
    """Walk the column at `url`; never raises for a portal's faults."""
    opts = dict(options or {})
    if list_api:
        opts["list_api"] = list_api
    source = Source(county=county or "discover", start_urls=(url,), options=opts)
    found = Discovery(start_url=url, county=county, list_api=list_api)
    with tempfile.TemporaryDirectory(prefix="gongkai-discover.") as tmp:
        crawl = _SourceCrawl(source, Path(tmp), client_factory)
        try:
            items = crawl.discover()
            for item, _list_url in items:
                agency, year = parse_title(item.title)
                found.entries.append(Entry(item.title, item.url, agency, year, item.date))
            for item, _ in items[:details]:
                _look_at_detail(crawl, item.url, found)
        finally:
            crawl.fetcher.close()
        found.pattern = crawl.result.pattern
        found.skipped = list(crawl.result.skipped_items)
        found.failures = [f"{f.url}: {f.error}" for f in crawl.result.failures]
        found.list_pages = [r["url"] for r in crawl.fetcher.log
                            if r["stage"] == "list" and not r.get("error")]
    found.entries.sort(key=lambda e: (e.date or "", e.title), reverse=True)
    return found


def _look_at_detail(crawl: _SourceCrawl, url: str, found: Discovery) -> None:
    """One detail page: is the report inline, which attachments (by their names) does it have."""
    try:
        res = crawl.fetcher.fetch(url, stage="detail")
    except FetchError as exc:
        found.failures.append(f"{url}: {exc.message}")
        return
    found.details_opened += 1
    kind, _ = media_type(res.content, res.content_type, url, res.content_disposition)
    if kind != "html":
        found.attachment_types[f"{kind} (linked from the list)"] += 1
        return
    text, _ = decode_html(res.content, res.content_type)
    page = parse_detail_page(text, res.final_url)
    if page.inline:
        found.attachment_types["html (inline report)"] += 1
    for att in page.attachments:
        expected, ext, _ = expected_type(att.url)
        found.attachment_types[expected or ext or "unknown (a download script: the type shows "
                               "when it is fetched)"] += 1
    if not page.inline and not page.attachments:
        found.attachment_types["none found (images only?)"] += 1


def render(found: Discovery) -> str:
    out = [f"column:     {found.start_url}", f"pattern:    {found.pattern}",
           f"list pages: {len(found.list_pages)}"]
    out += [f"  {u}" for u in found.list_pages]
    out.append(f"reports:    {len(found.entries)}")
    for e in found.entries:
        out.append(f"  {e.date or '----------'}  {e.year or '????'}  {e.agency or '(agency not in the title)'}"
                   f"  {e.title}\n      {e.url}")
    out.append(f"skipped (not annual reports): {len(found.skipped)}")
    out += [f"  {t}" for t in found.skipped]
    if found.details_opened:
        out.append(f"documents on the first {found.details_opened} detail page(s): "
                   + ", ".join(f"{k} × {n}" for k, n in found.attachment_types.most_common()))
    if found.failures:
        out.append(f"failures: {len(found.failures)}")
        out += [f"  {f}" for f in found.failures]
    if found.entries:
        out += ["", "# a sources entry for this column (gongkai sources check FILE to verify):",
                found.source_block().rstrip()]
    return "\n".join(out)
