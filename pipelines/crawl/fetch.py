"""Fetching one URL politely and defensively, with one log row per request.

- http(s): httpx with connect/read timeouts, a size cap enforced while streaming, retries with
  exponential backoff and jitter (tenacity) on timeouts, resets and 5xx/429 (Retry-After
  honoured), none on other 4xx; redirects followed by hand so every hop passes Source.allows
  and robots.txt; a per-host minimum interval between requests; conditional requests from the
  previous run's validators, a 304 reusing the stored bytes.
- file: read from disk, only inside the source's file roots.
Every body fetched is put into the raw store, so a later 304 can be answered from it.
"""

from __future__ import annotations

import email.utils
import mimetypes
import random
import re
import ssl
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt

from pipelines.crawl.listing import strip_fragment
from pipelines.crawl.options import CrawlOptions
from pipelines.crawl.robots import RobotsRules
from pipelines.core.lake import RawStore
from pipelines.core.sources import Source, file_url_path

REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_SHORT_BODY = re.compile(r"received (\d+) bytes, expected (\d+)")
_TIMEOUT_KIND = {httpx.ConnectTimeout: "connect", httpx.ReadTimeout: "read",
                 httpx.WriteTimeout: "write", httpx.PoolTimeout: "pool"}


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class FetchError(Exception):
    """A request that did not yield a usable body; the message is what the failure row says."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message


@dataclass
class FetchResult:
    url: str  # as requested
    final_url: str  # after redirects
    status: int | None  # None for file: reads
    content: bytes
    content_type: str | None
    sha256: str
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a 304: content is the stored copy
    content_disposition: str | None = None  # the file name a download script gives


@dataclass
class _Response:
    status: int
    headers: httpx.Headers
    content: bytes = b""


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class HostThrottle:
    """At least `interval` seconds between the starts of two requests to one host."""

    def __init__(self, interval: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = interval
        self._sleep = sleep
        self._last: dict[str, float] = {}
        self._override: dict[str, float] = {}

    def set_interval(self, host: str, seconds: float) -> None:
        self._override[host] = seconds

    def wait(self, host: str) -> None:
        interval = max(self.interval, self._override.get(host, 0.0))
        last = self._last.get(host)
        if last is not None and interval > 0:
            delay = last + interval - time.monotonic()
            if delay > 0:
                self._sleep(delay)
        self._last[host] = time.monotonic()


class Fetcher:
    def __init__(
        self,
        source: Source,
        options: CrawlOptions,
        store: RawStore,
        *,
        validators: Callable[[str], dict | None] = lambda url: None,
        client_factory: Callable[[], httpx.Client] | None = None,
    ) -> None:
        self.source = source
        self.options = options
        self.store = store
        self.validators = validators
        self.log: list[dict] = []
        self._client_factory = client_factory
        self._client: httpx.Client | None = None
        self.throttle = HostThrottle(options.min_interval_seconds)
        self.timeout = httpx.Timeout(
            connect=options.connect_timeout_seconds, read=options.read_timeout_seconds,
            write=options.read_timeout_seconds, pool=options.read_timeout_seconds,
        )
        self.robots = RobotsRules(self._fetch_robots, options.robots_user_agent) if options.obey_robots else None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            # Settings that a factory's client may lack (timeouts, redirects, headers) are
            # passed per request instead, so any httpx.Client works.
            self._client = self._client_factory() if self._client_factory else httpx.Client(
                verify=self.options.verify_tls, timeout=self.timeout, follow_redirects=False
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public ----------------------------------------------------------------------------
    def fetch(self, url: str, *, stage: str, conditional: bool = True, method: str = "GET",
              data: dict | None = None, json_body: object = None) -> FetchResult:
        """The body at `url`; raises FetchError with a specific message otherwise.

        method "POST" sends `data` as a form (or `json_body` as JSON); POSTs are never
        conditional, and a redirect after one is followed with GET (as browsers do)."""
        if urlsplit(url).scheme.lower() == "file":
            if method != "GET":
                raise FetchError(f"{method} to a file: URL")
            return self._fetch_file(url, stage)
        body = None if method == "GET" else {"data": data, "json": json_body}
        if not self.source.allows(url):
            raise FetchError(f"host {urlsplit(url).netloc} not allowed")
        chain = [strip_fragment(url)]
        current = chain[0]
        for _ in range(self.options.max_redirects + 1):
            if self.robots is not None and not self.robots.allowed(current):
                raise FetchError(f"disallowed by robots.txt ({current})")
            if self.robots is not None:
                delay = self.robots.crawl_delay(current)
                if delay:
                    self.throttle.set_interval(urlsplit(current).netloc, min(delay, 60.0))
            known = self.validators(current) if conditional and body is None else None
            if known and not self.store.has(known.get("sha256") or ""):
                known = None  # a 304 would be useless without the stored bytes
            resp = self._request(current, stage, known, body)
            if resp.status in REDIRECT_STATUSES:
                body = None
                try:
                    current = self._next_hop(current, resp, chain)
                except FetchError as exc:
                    self.log[-1]["error"] = exc.message  # the hop's row says why the chain ended
                    raise
                chain.append(current)
                continue
            return self._result(url, current, resp, known)
        raise FetchError(f"too many redirects (more than {self.options.max_redirects})")

    # -- http ------------------------------------------------------------------------------
    def _next_hop(self, current: str, resp: _Response, chain: list[str]) -> str:
        location = resp.headers.get("location")
        if not location:
            raise FetchError(f"HTTP {resp.status} redirect without Location", status=resp.status)
        target = strip_fragment(urljoin(current, location.strip()))
        parts = urlsplit(target)
        if target in chain:
            raise FetchError(f"redirect loop ({' -> '.join(chain + [target])})", status=resp.status)
        if parts.scheme not in ("http", "https") or not self.source.allows(target):
            raise FetchError(f"redirect to host {parts.netloc or target} not allowed", status=resp.status)
        return target

    def _result(self, url: str, final: str, resp: _Response, known: dict | None) -> FetchResult:
        if resp.status == 304 and known:
            content = self.store.read(known["sha256"])
            etag = resp.headers.get("etag") or known.get("etag")
            modified = resp.headers.get("last-modified") or known.get("last_modified")
            return FetchResult(url, final, 304, content, known.get("content_type"), known["sha256"],
                               etag, modified, not_modified=True)
        if resp.status == 304:
            raise FetchError("HTTP 304 to an unconditional request", status=304)
        sha = self.store.put(resp.content)
        return FetchResult(url, final, resp.status, resp.content, resp.headers.get("content-type"), sha,
                           resp.headers.get("etag"), resp.headers.get("last-modified"),
                           content_disposition=resp.headers.get("content-disposition"))

    def _request(self, url: str, stage: str, known: dict | None, body: dict | None = None) -> _Response:
        retrying = Retrying(
            stop=stop_after_attempt(self.options.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, FetchError) and e.retryable),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._request_once(url, stage, known, body)
        except FetchError as exc:
            attempts = retrying.statistics.get("attempt_number", 1)
            if attempts > 1:
                exc.message += f" (after {attempts} attempts)"
            raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, retry_state) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, FetchError) and exc.retry_after is not None:
            return min(exc.retry_after, self.options.retry_after_max_seconds)
        # Exponential backoff with jitter, so retries of many clients do not arrive in step.
        base = self.options.backoff_seconds * 2 ** (retry_state.attempt_number - 1)
        return min(base, self.options.backoff_max_seconds) + random.uniform(0, self.options.backoff_seconds)

    def _request_once(self, url: str, stage: str, known: dict | None, body: dict | None = None) -> _Response:
        headers = {"User-Agent": self.options.user_agent, "Accept": "*/*",
                   "Accept-Language": "zh-CN,zh;q=0.9"}
        if known and known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known and known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        self.throttle.wait(urlsplit(url).netloc)
        row = self._row(url, stage)
        if body is not None:
            row["method"] = "POST"
        started = time.monotonic()
        try:
            resp = self._stream(url, headers, body)
            row.update(status=resp.status, etag=resp.headers.get("etag"),
                       last_modified=resp.headers.get("last-modified"), bytes=len(resp.content))
            if resp.status == 304 and known:
                row.update(sha256=known["sha256"], etag=row["etag"] or known.get("etag"),
                           last_modified=row["last_modified"] or known.get("last_modified"),
                           content_type=known.get("content_type"))
            elif resp.status < 300:
                row["sha256"] = RawStore.sha256(resp.content)
                row["content_type"] = resp.headers.get("content-type")
            return resp
        except FetchError as exc:
            row.update(status=exc.status, error=exc.message)
            raise
        finally:
            row["elapsed_ms"] = round((time.monotonic() - started) * 1000)
            self.log.append(row)

    def _stream(self, url: str, headers: dict, body: dict | None = None) -> _Response:
        cap = self.options.max_bytes
        extra = {} if body is None else {k: v for k, v in body.items() if v is not None}
        try:
            with self.client.stream("GET" if body is None else "POST", url, headers=headers,
                                    timeout=self.timeout, follow_redirects=False, **extra) as r:
                if r.status_code in REDIRECT_STATUSES or r.status_code == 304:
                    return _Response(r.status_code, r.headers)
                if r.status_code >= 400:
                    raise FetchError(
                        f"HTTP {r.status_code}", status=r.status_code,
                        retryable=r.status_code >= 500 or r.status_code in (408, 429),
                        retry_after=parse_retry_after(r.headers.get("retry-after")),
                    )
                length = r.headers.get("content-length")
                expected = int(length) if length and length.strip().isdigit() else None
                if expected is not None and expected > cap:
                    raise FetchError(f"size cap {self.options.max_download_mb:g} MB exceeded "
                                     f"(Content-Length {expected})", status=r.status_code)
                deadline = time.monotonic() + self.options.download_timeout_seconds
                body = bytearray()
                for chunk in r.iter_bytes(65536):
                    body += chunk
                    if len(body) > cap:
                        raise FetchError(f"size cap {self.options.max_download_mb:g} MB exceeded",
                                         status=r.status_code)
                    if time.monotonic() > deadline:
                        raise FetchError(f"download took longer than "
                                         f"{self.options.download_timeout_seconds:g}s", status=r.status_code,
                                         retryable=True)
                if expected is not None and r.num_bytes_downloaded < expected:
                    raise FetchError(f"body shorter than Content-Length ({r.num_bytes_downloaded} < {expected})",
                                     status=r.status_code, retryable=True)
                return _Response(r.status_code, r.headers, bytes(body))
        except httpx.TimeoutException as exc:
            kind = _TIMEOUT_KIND.get(type(exc), "total")
            seconds = self.options.connect_timeout_seconds if kind == "connect" else self.options.read_timeout_seconds
            raise FetchError(f"timed out after {seconds:g}s ({kind})", retryable=True) from exc
        except httpx.RemoteProtocolError as exc:
            short = _SHORT_BODY.search(str(exc))
            if short:
                raise FetchError(f"body shorter than Content-Length ({short[1]} < {short[2]})",
                                 retryable=True) from exc
            raise FetchError(f"connection reset ({exc or 'server closed the connection'})", retryable=True) from exc
        except (httpx.ReadError, httpx.WriteError) as exc:
            raise FetchError(f"connection reset ({exc or type(exc).__name__})", retryable=True) from exc
        except httpx.ConnectError as exc:
            if isinstance(exc.__cause__, ssl.SSLError) or "CERTIFICATE" in str(exc).upper():
                raise FetchError(f"TLS error: {exc} (set verify_tls = false for a portal with a broken "
                                 f"certificate)") from exc
            raise FetchError(f"connection failed: {exc}", retryable=True) from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(f"invalid URL: {exc}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}", retryable=isinstance(exc, httpx.TransportError)) from exc

    def _fetch_robots(self, robots_url: str) -> bytes | None:
        try:
            return self.fetch(robots_url, stage="robots", conditional=False).content
        except FetchError:
            return None

    # -- file ------------------------------------------------------------------------------
    def _fetch_file(self, url: str, stage: str) -> FetchResult:
        row = self._row(url, stage)
        started = time.monotonic()
        try:
            if not self.source.allows(url):
                raise FetchError("file outside the source's folder not allowed")
            path = file_url_path(url)
            if path.is_dir():
                path = path / "index.html"  # a folder URL means its index page, as on a server
            try:
                size = path.stat().st_size
                if size > self.options.max_bytes:
                    raise FetchError(f"size cap {self.options.max_download_mb:g} MB exceeded ({size} bytes)")
                content = path.read_bytes()
            except FileNotFoundError as exc:
                raise FetchError(f"file not found: {path}") from exc
            except OSError as exc:
                raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from exc
            sha = self.store.put(content)
            content_type = mimetypes.guess_type(path.name)[0]
            row.update(sha256=sha, bytes=len(content), content_type=content_type)
            return FetchResult(url, url, None, content, content_type, sha)
        except FetchError as exc:
            row["error"] = exc.message
            raise
        finally:
            row["elapsed_ms"] = round((time.monotonic() - started) * 1000)
            self.log.append(row)

    def _row(self, url: str, stage: str) -> dict:
        return {"url": url, "status": None, "etag": None, "last_modified": None, "sha256": None,
                "fetched_at": utc_now(), "error": None, "bytes": 0, "elapsed_ms": 0,
                "content_type": None, "note": None, "county": self.source.county, "stage": stage}

    def annotate(self, url: str, note: str) -> None:
        """Attach a note to the latest log row of `url` (a body that is not what it claims)."""
        for row in reversed(self.log):
            if row["url"] == url:
                row["note"] = note
                return
