"""A detail (article) page: its attachments, and whether it holds the report inline.

Attachments hide in plain links, links whose extension is hidden behind a download script
(text 附件/下载), <iframe>/<embed>/<object>, onclick/window.open(...) code, inline scripts
and pdf.js viewer URLs (viewer.html?file=...). A page can carry the report both inline
(a statistics <table>) and as an attachment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from lxml import etree

from pipelines.crawl.listing import clean_text, find_date, parse_html, strip_fragment
from pipelines.core.media import DOCUMENT_EXTENSIONS, url_extension

# Words only the statistics tables of a disclosure report contain.
INLINE_MARKERS = ("本年新收", "第二十条", "行政复议", "申请人情况", "本年新制作", "本年制发",
                  "结转下年度", "予以公开", "行政诉讼")
_DOC_EXT = "|".join(DOCUMENT_EXTENSIONS)
_QUOTED_DOC_URL = re.compile(rf"""['"]([^'"<>\s]+?\.(?:{_DOC_EXT}))(?:\?[^'"<>\s]*)?['"]""", re.I)
_QUOTED_URL = re.compile(r"""(?:window\.open|location(?:\.href)?\s*=|location\.assign)\s*\(?\s*['"]([^'"]+)['"]""")
_PAGE_EXT = ("html", "htm", "shtml", "")
_SOURCE_LABEL = re.compile(r"(?:来源|发布机构|发文机关|信息来源|发布单位)\s*[:：]\s*([^\s:：|｜]{2,40})")
_DATE_VALUE = r"((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})"
_DATE_LABEL = re.compile(r"(?:发布|成文|公开|印发)?(?:日期|时间)\s*[:：]?\s*" + _DATE_VALUE)
# The publication date proper, before any other dated label (成文日期 is when it was written).
_PUBLISHED_LABEL = re.compile(r"(?:发布|公开|公布)(?:日期|时间)\s*[:：]?\s*" + _DATE_VALUE)
# A line that is only a date: the signature date at the end of a report ("2022年1月20日").
_DATE_LINE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_BLOCKS = ("p", "div", "span", "td", "li", "font", "strong", "b")


def stated_date(root: etree._Element, text: str) -> str | None:
    """The date the page states for the document: its 发布日期 (metadata table or a line),
    else another dated label (成文日期, 日期：), else the last line that is only a date (the
    report's signature date). None when the page states none."""
    for pattern in (_PUBLISHED_LABEL, _DATE_LABEL):
        m = pattern.search(text)
        if m and find_date(m.group(1)):
            return find_date(m.group(1))
    # metadata tables: <td>发布日期</td><td>2022-01-20</td> (no label and value in one text)
    for td in root.iter("td", "th", "span", "label", "b", "strong"):
        label = clean_text(td.text_content()).replace(" ", "").rstrip(":：")
        if label in ("发布日期", "发布时间", "公开日期", "成文日期"):
            nxt = td.getnext()
            if nxt is not None and find_date(nxt.text_content() or ""):
                return find_date(nxt.text_content())
    lines = [clean_text(el.text_content()) for el in root.iter(*_BLOCKS)
             if len(el) == 0 or el.tag in ("p", "div")]
    dated = [ln for ln in lines if _DATE_LINE.match(ln)]
    return find_date(dated[-1]) if dated else None


@dataclass
class Attachment:
    url: str
    label: str


@dataclass
class DetailPage:
    attachments: list[Attachment] = field(default_factory=list)
    inline: bool = False  # the page itself holds the report's tables
    title: str | None = None
    published_on: str | None = None
    heading: str | None = None  # the article's own title (<h1>, meta ArticleTitle)
    source: str | None = None  # who published it (meta ContentSource, "来源：…")


def _viewer_file(url: str) -> str | None:
    """pdf.js: viewer.html?file=<url-encoded document URL>, resolved against the viewer."""
    parts = urlsplit(url)
    if "viewer" not in parts.path.lower():
        return None
    for key, value in parse_qsl(parts.query) + parse_qsl(parts.fragment):
        if key == "file" and value:
            return urljoin(url, unquote(value))
    return None


def _is_document_url(url: str) -> bool:
    if url_extension(url) in DOCUMENT_EXTENSIONS:
        return True
    # download.jsp?filename=report.pdf
    return any(url_extension("/" + v) in DOCUMENT_EXTENSIONS for _, v in parse_qsl(urlsplit(url).query))


def find_attachments(root: etree._Element, base: str) -> list[Attachment]:
    found: dict[str, Attachment] = {}

    def add(raw: str | None, label: str, *, by_text: bool = False) -> None:
        raw = (raw or "").strip()
        if not raw or raw.startswith(("#", "mailto:", "javascript:")):
            return
        url = strip_fragment(urljoin(base, raw))
        url = _viewer_file(url) or url
        if _is_document_url(url) or (by_text and url_extension(url) not in _PAGE_EXT):
            found.setdefault(url, Attachment(url, label))

    for el in root.iter():
        if not isinstance(el.tag, str):
            continue  # comments and processing instructions
        label = clean_text(el.text_content()) if el.tag == "a" else ""
        label = clean_text(el.get("title")) or label
        if el.tag == "a":
            href = el.get("href") or ""
            add(href, label, by_text=bool(re.search(r"附件|下载", label)))
        elif el.tag in ("iframe", "embed", "frame"):
            add(el.get("src"), label)
        elif el.tag == "object":
            add(el.get("data"), label)
            add(el.get("src"), label)
        code = " ".join(v for k, v in el.attrib.items() if k.lower().startswith("on"))
        if el.tag == "a" and (el.get("href") or "").lower().startswith("javascript:"):
            code += " " + el.get("href")
        if el.tag == "script" and el.text:
            code += " " + el.text
        if code.strip():
            for m in _QUOTED_URL.finditer(code):
                add(m.group(1), label, by_text=el.tag == "a" and bool(re.search(r"附件|下载", label)))
            for m in _QUOTED_DOC_URL.finditer(code):
                add(m.group(0)[1:-1], label)
    return list(found.values())


def has_inline_report(root: etree._Element) -> bool:
    for table in root.iter("table"):
        text = clean_text(table.text_content()).replace(" ", "")
        if any(marker in text for marker in INLINE_MARKERS):
            return True
    return False


def parse_detail_page(html: str, url: str) -> DetailPage:
    root = parse_html(html)
    if root is None:
        return DetailPage()
    base = urljoin(url, (root.xpath("//base/@href") or [url])[0])
    title_el = root.find(".//title")
    text = clean_text(root.text_content())
    meta = {(el.get("name") or "").lower(): clean_text(el.get("content"))
            for el in root.iter("meta") if el.get("name") and el.get("content")}
    h1 = root.find(".//h1")
    heading = meta.get("articletitle") or (clean_text(h1.text_content()) if h1 is not None else None)
    source = meta.get("contentsource")
    if not source:
        sm = _SOURCE_LABEL.search(text)
        source = sm.group(1) if sm else None
    return DetailPage(
        attachments=find_attachments(root, base),
        inline=has_inline_report(root),
        title=clean_text(title_el.text_content()) if title_el is not None else None,
        published_on=stated_date(root, text),
        heading=heading or None,
        source=source or None,
    )
