"""A local test portal: http.server on 127.0.0.1:0 in a thread, with routes the test controls."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import pytest

from pipelines.core.sources import Source

FAST = {  # test politeness and retry settings: no waiting, quick give-up
    "min_interval_seconds": 0, "backoff_seconds": 0.01, "backoff_max_seconds": 0.02,
    "max_attempts": 2, "connect_timeout_seconds": 1.0, "read_timeout_seconds": 0.5,
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REPORT_TABLE = (
    "<table><tr><td>本年新收政府信息公开申请数量</td><td>3</td></tr>"
    "<tr><td>行政复议</td><td>0</td></tr></table>"
)


@dataclass
class Static:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict | None = None
    etag: bool = True  # answer If-None-Match with 304, as real portals' servers do


class Portal:
    def __init__(self) -> None:
        self.routes: dict[str, Static | Callable[[BaseHTTPRequestHandler], None]] = {}
        # POST routes: path (without query) → handler(request handler, body bytes)
        self.post_routes: dict[str, Callable[[BaseHTTPRequestHandler, bytes], None]] = {}
        self.posts: list[tuple[str, bytes]] = []
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict]] = []
        self.release = threading.Event()  # lets hanging handlers end at teardown
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                portal.hits[self.path] += 1
                portal.requests.append((self.path, dict(self.headers)))
                route = portal.routes.get(self.path) or portal.routes.get(self.path.split("?")[0])
                if route is None:
                    route = Static(b"<html><body>404 Not Found</body></html>", status=404)
                if callable(route):
                    route(self)
                else:
                    portal._serve(self, route)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                portal.hits["POST " + self.path] += 1
                portal.posts.append((self.path, body))
                route = portal.post_routes.get(self.path.split("?")[0])
                if route is None:
                    portal._serve(self, Static(b"<html><body>405</body></html>", status=405))
                else:
                    route(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.block_on_close = False  # hanging handler threads must not block teardown
        self.server.handle_error = lambda *a: None  # resets and hangs are intended here
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8", **kw) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Static(data, content_type, **kw)

    @staticmethod
    def _serve(h: BaseHTTPRequestHandler, r: Static) -> None:
        etag = '"' + hashlib.sha256(r.body).hexdigest()[:16] + '"'
        if r.etag and r.status == 200 and h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        h.send_response(r.status)
        h.send_header("Content-Type", r.content_type)
        h.send_header("Content-Length", str(len(r.body)))
        if r.etag and r.status == 200:
            h.send_header("ETag", etag)
            h.send_header("Last-Modified", "Mon, 01 Feb 2021 00:00:00 GMT")
        for k, v in (r.headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(r.body)

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal():
    p = Portal()
    yield p
    p.stop()


def make_source(start_urls, **options) -> Source:
    if isinstance(start_urls, str):
        start_urls = [start_urls]
    return Source(county="孝义市", start_urls=tuple(start_urls), options={**FAST, **options})


def list_page(entries: list[tuple[str, str, str | None]], pager: str = "", extra: str = "") -> str:
    """A column page: nav noise, entries (href, title, date) and a pager."""
    lis = "".join(
        f'<li><a href="{href}" title="{title}">{title[:18] + "…" if len(title) > 18 else title}</a>'
        + (f"<span>{date}</span>" if date else "") + "</li>"
        for href, title, date in entries
    )
    return (
        '<html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>'
        '<div class="nav"><a href="/">首页</a><a href="/xxgk/">政府信息公开</a><a href="/about.html">关于我们</a></div>'
        f'<ul class="list">{lis}</ul><div class="pager">{pager}</div>{extra}</body></html>'
    )


def detail_page(title: str, body: str, charset: str = "utf-8") -> str:
    return (f'<html><head><meta charset="{charset}"><title>{title}</title></head><body>'
            f"<h1>{title}</h1><div>发布时间：2021-01-20</div>{body}</body></html>")
