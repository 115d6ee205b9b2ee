"""The sources file: which county portals to crawl, and which hosts each crawl may touch."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

REQUIRED_KEYS = ("county", "start_urls")

# Public suffixes with two labels that Chinese portals live under. Without them "www.x.gov.cn"
# would give the site "gov.cn" and allow every government host in the country.
_TWO_LABEL_SUFFIXES = frozenset(
    f"{a}.cn"
    for a in (
        "gov com net org edu ac mil "
        "bj sh tj cq he sx nm ln jl hl js zj ah fj jx sd ha hb hn gd gx hi sc gz yn xz sn gs qh nx xj"
    ).split()
) | {"com.hk", "gov.hk", "gov.mo", "co.uk", "com.tw", "gov.tw"}


@dataclass(frozen=True)
class HostRule:
    """One allowed_hosts entry: "host", "host:port", "*.host" or "*.host:port"."""

    host: str
    port: int | None  # None: every port
    wildcard: bool

    @classmethod
    def parse(cls, entry: str) -> "HostRule":
        entry = entry.strip().lower()
        wildcard = entry.startswith("*.")
        if wildcard:
            entry = entry[2:]
        parts = urlsplit("//" + entry)
        if not parts.hostname:
            raise ValueError(f"not a host: {entry!r}")
        return cls(parts.hostname.rstrip("."), parts.port, wildcard)

    def matches(self, host: str, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        # "*.example.gov.cn" also covers example.gov.cn itself: nobody writing it means less.
        return host == self.host or (self.wildcard and host.endswith("." + self.host))


def site_of(host: str) -> str | None:
    """The registrable domain ("www.example.gov.cn" → "example.gov.cn"); None for IPs and
    single-label names, which only ever match themselves."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) < 2:
        return None
    keep = 3 if ".".join(labels[-2:]) in _TWO_LABEL_SUFFIXES else 2
    if len(labels) < keep:
        return None
    return ".".join(labels[-keep:])


def default_allowed_hosts(start_urls: tuple[str, ...]) -> tuple[str, ...]:
    hosts: list[str] = []
    for url in start_urls:
        host = urlsplit(url).hostname
        if not host:
            continue  # file: URLs need no host
        candidates = [host]
        site = site_of(host)
        if site:
            candidates += [site, "*." + site]
        hosts += [h for h in candidates if h not in hosts]
    return tuple(hosts)


def file_url_path(url: str) -> Path:
    """The local path a file: URL names."""
    return Path(url2pathname(unquote(urlsplit(url).path)))


@dataclass(frozen=True)
class Source:
    county: str
    prefecture: str | None = None
    province: str | None = None
    division_code: str | None = None
    start_urls: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()  # the roster: agencies expected to publish (roster_missing)
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_urls", tuple(self.start_urls))
        object.__setattr__(self, "agencies", tuple(self.agencies))
        hosts = tuple(self.allowed_hosts) or default_allowed_hosts(self.start_urls)
        object.__setattr__(self, "allowed_hosts", hosts)
        object.__setattr__(self, "_rules", tuple(HostRule.parse(h) for h in hosts))

    @property
    def file_roots(self) -> tuple[Path, ...]:
        """Folders file: URLs may be read from: the start pages' folders and option file_root."""
        roots = [file_url_path(u).parent for u in self.start_urls if u.lower().startswith("file:")]
        if self.options.get("file_root"):
            roots.append(Path(self.options["file_root"]))
        return tuple(r.resolve() for r in roots)

    def allows(self, url: str) -> bool:
        """May the crawler fetch this URL (a link, an attachment, a redirect target)?"""
        try:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "file":
                path = file_url_path(url).resolve()
                return any(path.is_relative_to(root) for root in self.file_roots)
            if scheme not in ("http", "https") or not parts.hostname:
                return False
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:  # a malformed port or URL
            return False
        host = parts.hostname.lower().rstrip(".")
        return any(rule.matches(host, port) for rule in self._rules)  # type: ignore[attr-defined]


def _resolve_start_url(url: str, base_dir: Path) -> str:
    """`file:relative/path` (no "//") is relative to the sources file's folder, so the bundled
    sample works from any clone; everything else is kept."""
    if url.lower().startswith("file:") and not url[5:].startswith("/"):
        return (base_dir / unquote(url[5:])).resolve().as_uri()
    if url.lower().startswith("file:/") and not url[5:].startswith("//"):
        return Path(unquote(url[5:])).as_uri()  # file:/abs → file:///abs
    return url


def load_sources(path: str | Path) -> list[Source]:
    """The sources of a sources file, checked first (pipelines/core/sources_schema.py):
    SourcesError (a ValueError) naming file, line, key and what is expected otherwise."""
    from pipelines.core.sources_schema import NAMED_KEYS, validate_file

    path = Path(path)
    base_dir = path.resolve().parent
    sources = []
    for raw, entry in validate_file(path):
        options = {k: raw[k] for k in raw if k not in NAMED_KEYS}
        if isinstance(options.get("file_root"), str):
            options["file_root"] = str((base_dir / options["file_root"]).resolve())
        sources.append(Source(
            county=entry.county, prefecture=entry.prefecture, province=entry.province,
            division_code=None if entry.division_code is None else str(entry.division_code),
            start_urls=tuple(_resolve_start_url(u, base_dir) for u in entry.start_urls),
            allowed_hosts=tuple(entry.allowed_hosts or ()),
            agencies=tuple(a.strip() for a in entry.agencies or () if a.strip()), options=options,
        ))
    return sources
