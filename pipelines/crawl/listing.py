"""A column (list) page: its entries (link, title, date) and the other pages of the list.

Pagination on county portals comes as "下一页"/"尾页"/page-number links, index_N.html-style
URLs, ?page=-style parameters, or only as a script (TRS `createPageHTML(...)`,
`var countPage = N`) that writes the pager in the browser — then the page URLs are generated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

_SPACES = re.compile(r"[\s\u00a0\u3000]+")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_ELLIPSIS = ("…", "...", "..", "⋯")
# Forward words only: "首页" is also the portal's home link in every nav bar, and earlier
# pages are reached from the start page anyway.
_PAGER_WORDS = re.compile(r"^(?:下一?页|下页|后页|尾页|末页|最后一?页|>+|»|›|\d{1,4}|\[\d{1,4}\])$")
_PAGER_FILE = re.compile(r"(?:^|/)(?:index|list|column-index|t|default)[_-]\d+\.s?html?$|/\d{1,4}\.s?html?$", re.I)
_PAGE_PARAMS = {"page", "pageno", "pagenum", "pageindex", "currpage", "curpage", "pagenumber", "p"}
_TRS_PAGER = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_COUNT_PAGE = re.compile(r"\bvar\s+(?:countPage|pageCount|totalPage|totalPages|page_count)\s*=\s*['\"]?(\d+)")
_PAGE_PREFIX = re.compile(r"\bvar\s+(?:prefix|pageName|page_name)\s*=\s*['\"]([\w-]+)['\"]")
_PAGE_SUFFIX = re.compile(r"\bvar\s+(?:suffix|pageExt|page_ext)\s*=\s*['\"]\.?(s?html?)['\"]")


@dataclass
class ListItem:
    url: str
    title: str
    date: str | None  # YYYY-MM-DD


@dataclass
class ListPage:
    items: list[ListItem] = field(default_factory=list)
    page_urls: list[str] = field(default_factory=list)  # other pages of the same list
    links: int = 0  # <a href> seen: 0 means the page is not a usable list page
    script_pager: bool = False  # its other pages come from a script pager (TRS createPageHTML …)


def clean_text(text: str | None) -> str:
    """Spaces folded; otherwise as printed (titles keep their full-width brackets)."""
    return _SPACES.sub(" ", text or "").strip()


def find_date(text: str) -> str | None:
    for y, m, d in _DATE.findall(unicodedata.normalize("NFKC", text)):
        if 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
            return f"{y}-{int(m):02d}-{int(d):02d}"
    return None


def strip_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(fragment=""))


def parse_html(text: str) -> etree._Element | None:
    """lxml's forgiving parser; None when there is nothing to parse."""
    if not text or not text.strip():
        return None
    # lxml refuses str input that declares an encoding in an XML prolog.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def link_title(a: etree._Element) -> str:
    """The link's text, or its title attribute when the text is cut ("…") or missing."""
    text = clean_text(a.text_content())
    attr = clean_text(a.get("title"))
    if not attr:
        return text
    stem = text
    for mark in _ELLIPSIS:
        stem = stem.removesuffix(mark)
    stem = stem.strip()
    if not text or stem != text or (len(attr) > len(text) and attr.startswith(stem)):
        return attr
    return text


def _date_near(a: etree._Element) -> str | None:
    """A date in the link's row (li/tr/dd...), not crossing into a neighbour entry's row."""
    own = a.text_content()
    node = a
    for _ in range(3):
        node = node.getparent()
        if node is None or node.tag in ("body", "html"):
            return None
        if len(node.findall(".//a[@href]")) > 1:
            return None  # this container holds other entries: their dates are not ours
        date = find_date(node.text_content().replace(own, " ", 1))
        if date:
            return date
    return None


def _same_list(url: str, current: str) -> bool:
    """Pages of one list share scheme, host and folder; this keeps a stray number link in a
    nav bar from leading the crawl into another column."""
    a, b = urlsplit(url), urlsplit(current)
    return (a.scheme, a.netloc, a.path.rsplit("/", 1)[0]) == (b.scheme, b.netloc, b.path.rsplit("/", 1)[0])


def _is_pager_link(url: str, text: str, current: str) -> bool:
    if strip_fragment(url) == strip_fragment(current) or not _same_list(url, current):
        return False
    if _PAGER_WORDS.match(unicodedata.normalize("NFKC", text).replace(" ", "")):
        return True
    if len(text) > 6:
        return False  # a titled entry, even if its URL looks like a page
    parts = urlsplit(url)
    if _PAGER_FILE.search(parts.path):
        return True
    return any(k.lower() in _PAGE_PARAMS and v.isdigit() for k, v in parse_qsl(parts.query))


def _script_pages(html: str, base_url: str, limit: int) -> list[str]:
    """Pages a script pager would write: TRS createPageHTML or `var countPage = N`."""
    total = prefix = ext = None
    for m in _TRS_PAGER.finditer(html):  # the call, not the function's own definition
        args = [a.strip().strip("'\"") for a in m.group(1).split(",")]
        ints = [int(a) for a in args if a.isdigit()]
        strs = [a for a in args if a and not a.isdigit()]
        exts = [s for s in strs if s.lower() in ("html", "shtml", "htm")]
        if ints and exts:
            total, ext = ints[0], exts[0]
            before = strs[: strs.index(ext)]
            prefix = before[-1] if before else "index"
            break
    if total is None:
        m = _COUNT_PAGE.search(html)
        if m:
            total = int(m.group(1))
            pm, sm = _PAGE_PREFIX.search(html), _PAGE_SUFFIX.search(html)
            prefix = pm.group(1) if pm else "index"
            path_ext = urlsplit(base_url).path.rsplit(".", 1)
            ext = sm.group(1) if sm else (path_ext[1] if len(path_ext) == 2 and "/" not in path_ext[1] else "html")
    if not total or total < 2:
        return []
    # TRS numbers pages index.html, index_1.html, ..., index_{total-1}.html.
    total = min(total, limit)
    return [urljoin(base_url, f"{prefix}.{ext}")] + [urljoin(base_url, f"{prefix}_{i}.{ext}") for i in range(1, total)]


def parse_list_page(html: str, url: str, *, max_generated: int = 200) -> ListPage:
    page = ListPage()
    root = parse_html(html)
    if root is None:
        return page
    base = urljoin(url, (root.xpath("//base/@href") or [url])[0])
    seen: set[str] = set()
    pages: list[str] = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        page.links += 1
        target = strip_fragment(urljoin(base, href))
        title = link_title(a)
        if _is_pager_link(target, title, url):
            pages.append(target)
            continue
        if not title or target in seen:
            continue
        seen.add(target)
        page.items.append(ListItem(target, title, _date_near(a)))
    scripted = _script_pages(html, base, max_generated)
    page.script_pager = bool(scripted)
    pages += scripted
    own = strip_fragment(url)
    page.page_urls = [p for i, p in enumerate(pages) if p != own and p not in pages[:i]]
    return page
