"""JSON list APIs behind script-rendered column pages (a source's `list_api`).

    list_api = { url = "https://www.x.gov.cn/api/articles", method = "GET",
                 params = { columnId = "123", pageNo = "{page}", pageSize = 20 },
                 items = "data.list", title = "title", link = "url", date = "publishTime",
                 total = "data.total" }

`items`, `title`, `link` (or `url` inside a nested `items` table), `date` and `total` are
JMESPath expressions: `items` on the answer, the others on each item (`total` on the answer:
the number of records). `{page}` in the URL or a parameter is the page number (from
`first_page`, default 1). Pages are asked for until one is empty, holds nothing new, or the
total is reached. GET sends the parameters in the query; POST as a form (`body = "json"`
for a JSON body). The nested form

    list_api = { url = "…", params = {…}, items = { path = "data.list", title = "title", url = "url", date = "time" } }

says the same with the item fields under `items`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit, parse_qsl

import jmespath
from jmespath.exceptions import JMESPathError

from pipelines.crawl.listing import ListItem, clean_text, find_date, strip_fragment

METHODS = ("GET", "POST")
BODIES = ("form", "json")


@dataclass(frozen=True)
class ListApi:
    url: str
    items: str
    title: str
    link: str
    method: str = "GET"
    params: dict[str, Any] = field(default_factory=dict)
    date: str | None = None
    total: str | None = None
    body: str = "form"  # POST only
    first_page: int = 1

    @classmethod
    def from_dict(cls, raw: dict) -> "ListApi":
        """From the sources file's table (already checked for keys and types)."""
        raw = dict(raw)
        items = raw.pop("items")
        if isinstance(items, dict):
            raw["items"] = items["path"]
            raw["title"] = items["title"]
            raw["link"] = items["url"]
            if items.get("date"):
                raw["date"] = items["date"]
        else:
            raw["items"] = items
        method = str(raw.get("method", "GET")).upper()
        return cls(url=raw["url"], items=raw["items"], title=raw["title"], link=raw["link"],
                   method=method, params=dict(raw.get("params") or {}), date=raw.get("date"),
                   total=raw.get("total"), body=raw.get("body", "form"),
                   first_page=int(raw.get("first_page", 1)))

    def expressions(self) -> dict[str, str]:
        return {k: v for k, v in (("items", self.items), ("title", self.title), ("link", self.link),
                                  ("date", self.date), ("total", self.total)) if v}


def check_expression(expr: str) -> str | None:
    """None when `expr` is valid JMESPath, else the parser's complaint."""
    try:
        jmespath.compile(expr)
        return None
    except JMESPathError as exc:
        return str(exc).replace("\n", " ")


def _fill(value: Any, page: int) -> Any:
    return value.replace("{page}", str(page)) if isinstance(value, str) else value


def page_request(api: ListApi, page: int) -> tuple[str, str, dict | None, Any]:
    """(URL, method, form data, JSON body) of page `page`."""
    url = _fill(api.url, page)
    params = {k: _fill(v, page) for k, v in api.params.items()}
    as_text = {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in params.items()}
    if api.method == "GET":
        if as_text:
            parts = urlsplit(url)
            query = parse_qsl(parts.query, keep_blank_values=True) + list(as_text.items())
            url = urlunsplit(parts._replace(query=urlencode(query)))
        return url, "GET", None, None
    if api.body == "json":
        return url, "POST", None, params
    return url, "POST", as_text, None


def _as_date(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds or seconds
        try:
            return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d")
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value)
    if text.isdigit() and len(text) >= 10:
        return _as_date(int(text))
    return find_date(text)


class ApiError(ValueError):
    pass


def parse_page(api: ListApi, content: bytes, base_url: str) -> tuple[list[ListItem], int | None]:
    """(items, total records when the API says) of one answer; ApiError when it is not JSON
    or `items` does not name a list."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(f"list_api answer is not JSON ({exc.__class__.__name__}: {exc})") from exc
    found = jmespath.search(api.items, data)
    if found is None:
        found = []
    if not isinstance(found, list):
        raise ApiError(f"list_api items {api.items!r} is {type(found).__name__}, not a list")
    items = []
    for entry in found:
        title = jmespath.search(api.title, entry)
        link = jmespath.search(api.link, entry)
        if not isinstance(link, str) or not link.strip() or title is None:
            continue
        date = _as_date(jmespath.search(api.date, entry)) if api.date else None
        items.append(ListItem(strip_fragment(urljoin(base_url, link.strip())), clean_text(str(title)), date))
    total = None
    if api.total:
        value = jmespath.search(api.total, data)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            total = int(value)
        elif isinstance(value, str) and value.strip().isdigit():
            total = int(value)
    return items, total
