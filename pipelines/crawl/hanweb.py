"""Hanweb (大汉 jcms) columns: the list as XML inside the page, the rest from a POST proxy.

A column page (`/col/colNNNN/index.html`) carries its first records in

    <script type="text/xml"><datastore>
      <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=…&columnid=…"></a>]]></nextgroup>
      <recordset><record><![CDATA[<li><a href="/art/2021/1/20/art_1234_56.html">…</a><span>2021-01-20</span></li>]]></record>…</recordset>
    </datastore></script>

and a pager script (jpage.js) asks `/module/web/jpage/dataproxy.jsp?startrecord=S&endrecord=E&perpage=P`
by POST for the next groups, with the column's form fields (col, appid, webid, path, columnid,
sourceContentType, unitid, webname, permissiontype) taken from the nextgroup link and the
page's script. The proxy answers the same XML with <totalrecord> and <totalpage>.
"""

from __future__ import annotations

import html as htmlmod
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

FORM_FIELDS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid",
               "webname", "permissiontype")
# What jpage.js sends when the page does not say otherwise.
_FORM_DEFAULTS = {"col": "1", "appid": "1", "permissiontype": "0", "sourceContentType": "1"}
PROXY_PATH = "/module/web/jpage/dataproxy.jsp"

_DATASTORE = re.compile(r"<datastore\b[^>]*>(.*?)</datastore>", re.S | re.I)
_RECORD = re.compile(r"<record\b[^>]*>(.*?)</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup\b[^>]*>(.*?)</nextgroup>", re.S | re.I)
_CDATA = re.compile(r"^\s*<!\[CDATA\[(.*)\]\]>\s*$", re.S)
_TAG_NUMBER = {name: re.compile(rf"<{name}\b[^>]*>\s*(?:<!\[CDATA\[)?\s*(\d+)", re.I)
               for name in ("totalrecord", "totalpage")}
_PROXY_URL = re.compile(r"""['"(]?([^'"()\s<>]*dataproxy\.jsp[^'"()\s<>]*)""", re.I)
_SCRIPT_VALUE = r"""(?:\b|['"]){name}['"]?\s*[:=]\s*['"]?([^'",;}}\s)]*)"""
_PERPAGE = re.compile(r"""\bper[_-]?page['"]?\s*[:=]\s*['"]?(\d+)""", re.I)
_TOTAL = re.compile(r"""\btotal[_-]?record['"]?\s*[:=]\s*['"]?(\d+)""", re.I)


def _cdata(text: str) -> str:
    m = _CDATA.match(text)
    return m.group(1) if m else htmlmod.unescape(text)


def is_hanweb(html: str) -> bool:
    return bool(_DATASTORE.search(html)) or "dataproxy.jsp" in html


@dataclass
class HanwebColumn:
    records_html: str  # the records' <li> fragments, one list
    records: int  # how many records the page itself held
    proxy_url: str | None  # absolute URL of dataproxy.jsp (no query)
    form: dict[str, str] = field(default_factory=dict)
    per_page: int | None = None
    total: int | None = None  # totalrecord, when the page says it


def records_of(xml: str) -> list[str]:
    """The records (HTML fragments) of a datastore or proxy answer."""
    return [_cdata(r) for r in _RECORD.findall(xml)]


def totals_of(xml: str) -> tuple[int | None, int | None]:
    """(totalrecord, totalpage) of a proxy answer."""
    found = [m.group(1) if (m := _TAG_NUMBER[n].search(xml)) else None for n in ("totalrecord", "totalpage")]
    return tuple(int(v) if v else None for v in found)  # type: ignore[return-value]


def parse_column(html: str, url: str) -> HanwebColumn | None:
    """The column's own records and what the proxy needs; None when the page is not Hanweb."""
    store = _DATASTORE.search(html)
    if store is None and "dataproxy.jsp" not in html:
        return None
    xml = store.group(1) if store else ""
    records = records_of(xml)
    form: dict[str, str] = {}
    proxy = None
    nextgroup = _NEXTGROUP.search(xml)
    candidates = [_cdata(nextgroup.group(1))] if nextgroup else []
    candidates += [m.group(1) for m in _PROXY_URL.finditer(html)]
    for text in candidates:
        m = _PROXY_URL.search(text)
        if not m:
            continue
        target = htmlmod.unescape(m.group(1))
        parts = urlsplit(urljoin(url, target))
        proxy = proxy or urlunsplit(parts._replace(query="", fragment=""))
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key in FORM_FIELDS and key not in form:
                form[key] = value
    scripts = re.sub(r"<script\b[^>]*text/xml[^>]*>.*?</script>", "", html, flags=re.S | re.I)
    for name in FORM_FIELDS:
        if name not in form:
            m = re.search(_SCRIPT_VALUE.format(name=name), scripts)
            if m and m.group(1):
                form[name] = m.group(1)
    for key, value in _FORM_DEFAULTS.items():
        form.setdefault(key, value)
    if proxy is None:
        proxy = urljoin(url, PROXY_PATH)
    per_page = _PERPAGE.search(scripts)
    total = _TOTAL.search(scripts)
    total_record, _ = totals_of(xml)
    return HanwebColumn(
        records_html="<ul>" + "".join(records) + "</ul>", records=len(records), proxy_url=proxy,
        form=form, per_page=int(per_page.group(1)) if per_page else None,
        total=total_record or (int(total.group(1)) if total else None),
    )


def proxy_request(column: HanwebColumn, start: int, group: int) -> tuple[str, dict[str, str]]:
    """(URL with startrecord/endrecord/perpage in the query, form fields) for one group."""
    per_page = column.per_page or group
    query = f"startrecord={start}&endrecord={start + group - 1}&perpage={per_page}"
    return f"{column.proxy_url}?{query}", dict(column.form)
