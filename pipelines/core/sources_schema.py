"""The sources file's schema: every key a [[source]] table may hold, with its type.

Checked with pydantic before anything starts (`gongkai run`, `gongkai sources check`):
unknown keys are errors (a misspelled option is never silently ignored), types are strict
(`max_list_pages = "20"` is an error, not a 20), and every error names the file, the line
where the key is (or the line of its [[source]] header, for a missing key), the key and what
is expected. A TOML syntax error names the line TOML gives.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import jmespath
from jmespath.exceptions import JMESPathError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

_STRICT = ConfigDict(extra="forbid", strict=True)


def _jmespath(expr: str | None) -> str | None:
    if expr is None:
        return None
    try:
        jmespath.compile(expr)
    except JMESPathError as exc:
        raise ValueError(f"not a JMESPath expression ({' '.join(str(exc).split())})") from None
    return expr


class ListApiItems(BaseModel):
    """The nested form: items = { path, title, url, date }."""

    model_config = _STRICT
    path: str
    title: str
    url: str
    date: str | None = None

    @field_validator("path", "title", "url", "date")
    @classmethod
    def _expressions(cls, v):
        return _jmespath(v)


class ListApiModel(BaseModel):
    model_config = _STRICT
    url: str = Field(min_length=1)
    method: Literal["GET", "POST", "get", "post"] = "GET"
    params: dict[str, str | int | float | bool] = Field(default_factory=dict)
    items: str | ListApiItems
    title: str | None = None
    link: str | None = None
    date: str | None = None
    total: str | None = None
    body: Literal["form", "json"] = "form"
    first_page: int = Field(default=1, ge=0)

    @field_validator("title", "link", "date", "total")
    @classmethod
    def _expressions(cls, v):
        return _jmespath(v)

    @field_validator("items")
    @classmethod
    def _items(cls, v):
        return _jmespath(v) if isinstance(v, str) else v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"^https?://[^/\s]+", v):
            raise ValueError("not an http(s) URL")
        return v

    @model_validator(mode="after")
    def _fields(self):
        if isinstance(self.items, str) and (not self.title or not self.link):
            missing = [k for k in ("title", "link") if not getattr(self, k)]
            raise ValueError(f"with items as an expression, {' and '.join(missing)} must be given "
                             "(JMESPath on each item), or give items = {path, title, url, date}")
        return self


class SourceEntry(BaseModel):
    """One [[source]] table. Defaults of the crawl options are in pipelines/crawl/options.py."""

    model_config = _STRICT
    county: str = Field(min_length=1)
    prefecture: str | None = None
    province: str | None = None
    division_code: str | int | None = None
    start_urls: list[str] = Field(min_length=1)
    allowed_hosts: list[str] | None = None
    agencies: list[str] | None = None
    revalidate_days: float | None = Field(default=None, ge=0)
    list_api: ListApiModel | None = None
    file_root: str | None = None
    # crawl options (pipelines/crawl/options.py CrawlOptions)
    min_interval_seconds: float | None = Field(default=None, ge=0)
    obey_robots: bool | None = None
    max_list_pages: int | None = Field(default=None, ge=1)
    max_download_mb: float | None = Field(default=None, gt=0)
    connect_timeout_seconds: float | None = Field(default=None, gt=0)
    read_timeout_seconds: float | None = Field(default=None, gt=0)
    download_timeout_seconds: float | None = Field(default=None, gt=0)
    max_attempts: int | None = Field(default=None, ge=1)
    backoff_seconds: float | None = Field(default=None, ge=0)
    backoff_max_seconds: float | None = Field(default=None, ge=0)
    retry_after_max_seconds: float | None = Field(default=None, ge=0)
    max_redirects: int | None = Field(default=None, ge=0)
    verify_tls: bool | None = None
    user_agent: str | None = Field(default=None, min_length=1)
    robots_user_agent: str | None = Field(default=None, min_length=1)

    @field_validator("start_urls")
    @classmethod
    def _urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not re.match(r"^(?:https?://[^/\s]+|file:)", url, re.I):
                raise ValueError(f"{url!r} is not an http(s):// or file: URL")
        return urls

    @field_validator("allowed_hosts")
    @classmethod
    def _hosts(cls, hosts):
        for h in hosts or []:  # as HostRule.parse reads them: "host", "host:port", "*.host"
            entry = h.strip().lower().removeprefix("*.")
            parts = urlsplit("//" + entry)
            if not parts.hostname or "/" in entry:
                raise ValueError(f"not a host: {h!r}")
            parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
        return hosts


NAMED_KEYS = ("county", "prefecture", "province", "division_code", "start_urls", "allowed_hosts",
              "agencies")
KEYS = tuple(SourceEntry.model_fields)

# What each key expects, in words (for the error messages and the README).
_KIND = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
EXPECTED = {
    "county": "a non-empty string: the county's name",
    "prefecture": "a string", "province": "a string",
    "division_code": "a string (or integer): the GB/T 2260 code",
    "start_urls": "a non-empty list of http(s):// or file: URLs (strings)",
    "allowed_hosts": 'a list of host names ("host", "host:port", "*.host")',
    "agencies": "a list of agency names (strings)",
    "revalidate_days": "a number of days ≥ 0 (default 7)",
    "list_api": "a table {url, method, params, items, title, link, date, total}",
    "file_root": "a folder (string)",
    "list_api.url": "an http(s) URL (string; {page} may appear in it)",
    "list_api.method": '"GET" or "POST"',
    "list_api.params": "a table of strings, numbers or booleans ({page} in a string is the page number)",
    "list_api.items": "a JMESPath expression (string) naming the list of items, or a table {path, title, url, date}",
    "list_api.title": "a JMESPath expression (string), evaluated on each item",
    "list_api.link": "a JMESPath expression (string) giving each item's URL",
    "list_api.date": "a JMESPath expression (string), evaluated on each item",
    "list_api.total": "a JMESPath expression (string) giving the number of records",
    "list_api.body": '"form" or "json" (how a POST sends its params)',
    "list_api.first_page": "an integer ≥ 0 (default 1)",
}
for _name, _f in SourceEntry.model_fields.items():
    if _name not in EXPECTED:
        _t = next((t for t in (bool, int, float, str) if t in getattr(_f.annotation, "__args__", ())), str)
        _bound = next((f" {op} {getattr(m, attr)}" for m in _f.metadata for attr, op in
                       (("ge", "≥"), ("gt", ">")) if getattr(m, attr, None) is not None), "")
        EXPECTED[_name] = _KIND[_t] + _bound


class SourcesError(ValueError):
    """The sources file cannot be used: every problem found, one line each."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class _Block:
    header_line: int  # 1-based line of the [[source]] header
    lines: list[tuple[int, str]]  # the block's lines (number, text) up to the next [[source]]


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*\[\[\s*source\s*\]\]", line):
            blocks.append(_Block(n, []))
        elif blocks:
            blocks[-1].lines.append((n, line))
    return blocks


def _key_line(block: _Block | None, path: tuple) -> int | None:
    """The line of key `path[0]` (or of a nested key after it) in the block."""
    if block is None:
        return None
    keys = [p for p in path if isinstance(p, str)]
    if not keys:
        return block.header_line
    first = None
    for n, line in block.lines:
        stripped = line.split("#", 1)[0]
        if re.match(rf"^\s*{re.escape(keys[0])}\s*=", stripped) or re.match(
                rf"^\s*\[\s*source\s*\.\s*{re.escape(keys[0])}\s*\]", stripped):
            first = n
            break
    if first is None:
        return block.header_line
    if len(keys) > 1:
        for n, line in block.lines:
            if n >= first and re.search(rf"(?:^|[{{,\s]){re.escape(keys[1])}\s*=", line.split("#", 1)[0]):
                return n
    return first


def _describe(value: Any) -> str:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{shown} ({type(value).__name__})"


def _problem(path: Path, block: _Block | None, index: int, entry: dict, err: dict) -> str:
    loc = tuple(err["loc"])
    # drop pydantic's union-branch names ("str", "ListApiItems", "function-after[...]")
    keys = [p for p in loc if isinstance(p, int) or p in KEYS or p in ListApiModel.model_fields
            or p in ListApiItems.model_fields or (err["type"] == "extra_forbidden" and p == loc[-1])]
    dotted = ".".join(str(k) for k in keys if isinstance(k, str)) or "?"
    line = _key_line(block, tuple(keys))
    county = entry.get("county") if isinstance(entry.get("county"), str) else None
    where = f"{path}:{line}: " if line else f"{path}: "
    where += f"[[source]] #{index + 1}" + (f" ({county})" if county else "")
    kind = err["type"]
    if kind == "extra_forbidden":
        top = dotted.split(".")[0]
        options = list(KEYS) if top == dotted else list(
            ListApiModel.model_fields if top == "list_api" else ListApiItems.model_fields)
        close = difflib.get_close_matches(keys[-1], options, n=1, cutoff=0.6) if keys else []
        hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(options)}"
        return f"{where}: unknown key '{dotted}'{hint}"
    expected = EXPECTED.get(dotted) or EXPECTED.get(dotted.rsplit(".", 1)[0]) or "see the README"
    if kind == "missing":
        return f"{where}: missing required key '{dotted}': expected {expected}"
    value = entry
    for k in keys:
        try:
            value = value[k]
        except (KeyError, IndexError, TypeError):
            value = err.get("input")
            break
    item = next((f"[{k}]" for k in keys if isinstance(k, int)), "")
    msg = err["msg"].removeprefix("Value error, ")
    if kind.endswith("_type") or kind in ("literal_error", "model_type", "dict_type", "list_type"):
        return f"{where}: key '{dotted}'{item}: expected {expected}, got {_describe(value)}"
    return f"{where}: key '{dotted}'{item}: {msg} (expected {expected}, got {_describe(value)})"


def _line_of(problem: str) -> int:
    m = re.match(r"^.*?:(\d+): ", problem)
    return int(m.group(1)) if m else 0


def validate_file(path: str | Path) -> list[tuple[dict, SourceEntry]]:
    """Parse and check the sources file; (raw table, checked entry) per [[source]].
    Raises SourcesError with every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourcesError(path, [f"{path}: cannot read the sources file ({exc.strerror or exc})"]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourcesError(path, [f"{path}: not UTF-8 text ({exc})"]) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"{path}:{m.group(1)}" if m else str(path)
        raise SourcesError(path, [f"{where}: not valid TOML: {exc}"]) from exc
    problems: list[str] = []
    for key in data:
        if key != "source":
            close = difflib.get_close_matches(key, ["source"], n=1)
            problems.append(f"{path}: unknown top-level key '{key}'"
                            + ("; did you mean [[source]]?" if close else "; expected [[source]] tables"))
    entries = data.get("source", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.append(f"{path}: 'source' must be an array of tables ([[source]])")
        raise SourcesError(path, problems)
    if not entries and not problems:
        problems.append(f"{path}: no [[source]] table: expected at least one source "
                        "(county and start_urls)")
    blocks = _blocks(text)
    checked = []
    for i, entry in enumerate(entries):
        block = blocks[i] if i < len(blocks) else None
        try:
            checked.append((entry, SourceEntry.model_validate(entry)))
        except ValidationError as exc:
            found = [_problem(path, block, i, entry, e) for e in exc.errors()]
            problems += sorted(dict.fromkeys(found), key=_line_of)
    if problems:
        raise SourcesError(path, problems)
    return checked
