"""The per-source crawl options (keys of a [[source]] table besides the named ones).

Defaults are gentle because they are used against real county portals; tests and local
benchmarks lower them per source.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

USER_AGENT = "gongkai/0.1 (government report statistics; +contact in README)"


@dataclass(frozen=True)
class CrawlOptions:
    min_interval_seconds: float = 1.0  # per host, between the start of two requests
    obey_robots: bool = True
    max_list_pages: int = 200  # per source; pagination is never followed further
    max_download_mb: float = 50.0  # per response body; streaming is aborted past it
    connect_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 20.0  # longest silence while reading
    download_timeout_seconds: float = 300.0  # whole body, so a trickling server cannot stall us
    max_attempts: int = 4  # per request, for timeouts, resets, 5xx and 429
    backoff_seconds: float = 1.0  # first retry wait; doubles, with jitter
    backoff_max_seconds: float = 30.0
    retry_after_max_seconds: float = 120.0  # a longer Retry-After is capped to this
    max_redirects: int = 10
    verify_tls: bool = True  # some portals serve broken certificates: set false for those
    user_agent: str = USER_AGENT
    revalidate_days: float = 7.0  # known documents are asked for again (conditionally) this often
    robots_user_agent: str = "gongkai"  # the token matched against robots.txt groups

    @classmethod
    def from_source_options(cls, options: dict) -> "CrawlOptions":
        values = {}
        for f in fields(cls):
            if f.name not in options:
                continue
            raw = options[f.name]
            kind = type(f.default)
            # bool is an int in Python: check it first so `obey_robots = 1` is not silently taken
            if kind is bool:
                ok = isinstance(raw, bool)
            elif kind is float:
                ok = isinstance(raw, (int, float)) and not isinstance(raw, bool)
            elif kind is int:
                ok = isinstance(raw, int) and not isinstance(raw, bool)
            else:
                ok = isinstance(raw, str)
            if not ok:
                raise ValueError(f"option {f.name} must be a {kind.__name__}, got {raw!r}")
            if kind in (int, float) and raw < 0:
                raise ValueError(f"option {f.name} must not be negative, got {raw!r}")
            values[f.name] = kind(raw)
        if values.get("max_attempts", 1) < 1:
            raise ValueError("option max_attempts must be at least 1")
        return cls(**values)

    @property
    def max_bytes(self) -> int:
        return int(self.max_download_mb * 1024 * 1024)
