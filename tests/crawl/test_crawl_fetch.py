"""The fetcher against a local server: retries, timeouts, resets, caps, redirects, robots."""

import socket
import struct
import time

import pytest

from pipelines.crawl.fetch import Fetcher, FetchError, parse_retry_after
from pipelines.crawl.history import CrawlLog
from pipelines.crawl.options import CrawlOptions
from pipelines.core.lake import RawStore
from tests.conftest import free_port
from tests.crawl.conftest import PDF, make_source


def requests(fetcher) -> list[dict]:
    """Log rows other than robots.txt look-ups."""
    return [r for r in fetcher.log if r["stage"] != "robots"]


def fetcher_for(portal, tmp_path, **options) -> Fetcher:
    source = make_source(portal.url("/"), **options)
    return Fetcher(source, CrawlOptions.from_source_options(source.options), RawStore(tmp_path))


def fetch_error(fetcher, url) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url, stage="attachment")
    return info.value


def reset_connection(h):
    # SO_LINGER 0 makes close() send a TCP RST: a "connection reset by peer" for the client.
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()


def test_success_logs_one_row_and_stores_the_body(portal, tmp_path):
    portal.add("/a.pdf", PDF, "application/pdf")
    f = fetcher_for(portal, tmp_path)
    res = f.fetch(portal.url("/a.pdf"), stage="attachment")
    assert res.content == PDF and res.status == 200 and RawStore(tmp_path).read(res.sha256) == PDF
    (row,) = requests(f)
    assert row["status"] == 200 and row["sha256"] == res.sha256 and row["bytes"] == len(PDF)
    assert row["etag"] and row["last_modified"] and row["error"] is None
    assert portal.requests[-1][1]["User-Agent"].startswith("gongkai/0.1 (government report statistics")


def test_404_is_not_retried(portal, tmp_path):
    f = fetcher_for(portal, tmp_path, max_attempts=3)
    assert fetch_error(f, portal.url("/nope.pdf")).message == "HTTP 404"
    assert portal.hits["/nope.pdf"] == 1 and [r["status"] for r in requests(f)] == [404]


def test_500_then_200_is_retried(portal, tmp_path):
    def flaky(h):
        if portal.hits["/flaky"] == 1:
            h.send_response(500)
            h.end_headers()
        else:
            portal._serve(h, type(portal.routes["/ok"])(PDF, "application/pdf"))
    portal.routes["/flaky"] = flaky
    portal.add("/ok", PDF)
    f = fetcher_for(portal, tmp_path)
    assert f.fetch(portal.url("/flaky"), stage="detail").content == PDF
    assert [r["status"] for r in requests(f)] == [500, 200]
    assert requests(f)[0]["error"] == "HTTP 500"


def test_retry_after_is_honoured(portal, tmp_path):
    def busy(h):
        h.send_response(503 if portal.hits["/busy"] == 1 else 200)
        h.send_header("Retry-After", "1")
        h.end_headers()
        if portal.hits["/busy"] > 1:
            h.wfile.write(b"ok")
    portal.routes["/busy"] = busy
    f = fetcher_for(portal, tmp_path)
    started = time.monotonic()
    assert f.fetch(portal.url("/busy"), stage="list").content == b"ok"
    assert time.monotonic() - started >= 0.9  # the backoff alone would be 0.01 s
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_hanging_request_times_out(portal, tmp_path):
    portal.routes["/hang"] = lambda h: portal.release.wait(5)
    f = fetcher_for(portal, tmp_path, read_timeout_seconds=0.3)
    err = fetch_error(f, portal.url("/hang"))
    assert err.message == "timed out after 0.3s (read) (after 2 attempts)"
    assert [r["error"] for r in requests(f)] == ["timed out after 0.3s (read)"] * 2


def test_connection_reset(portal, tmp_path):
    portal.routes["/reset"] = reset_connection
    err = fetch_error(fetcher_for(portal, tmp_path), portal.url("/reset"))
    assert err.message.startswith("connection reset") and err.message.endswith("(after 2 attempts)")


def test_body_shorter_than_content_length(portal, tmp_path):
    def short(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.send_header("Content-Length", "5000")
        h.end_headers()
        h.wfile.write(b"%PDF-1.4" + b"x" * 992)
    portal.routes["/short.pdf"] = short
    err = fetch_error(fetcher_for(portal, tmp_path), portal.url("/short.pdf"))
    assert err.message == "body shorter than Content-Length (1000 < 5000) (after 2 attempts)"


def test_size_cap_by_content_length_and_while_streaming(portal, tmp_path):
    portal.add("/big.pdf", b"%PDF-" + b"0" * 20000, "application/pdf")

    def no_length(h):
        h.send_response(200)
        h.end_headers()
        for _ in range(20):
            h.wfile.write(b"0" * 1000)
    portal.routes["/stream.pdf"] = no_length
    f = fetcher_for(portal, tmp_path, max_download_mb=0.01)
    assert fetch_error(f, portal.url("/big.pdf")).message == "size cap 0.01 MB exceeded (Content-Length 20005)"
    assert fetch_error(f, portal.url("/stream.pdf")).message == "size cap 0.01 MB exceeded"
    assert portal.hits["/big.pdf"] == 1  # a cap is not retried


def test_redirects_loop_offsite_and_allowed(portal, tmp_path):
    portal.add("/a", b"", status=302, headers={"Location": "/b"}, etag=False)
    portal.add("/b", b"", status=301, headers={"Location": portal.url("/a")}, etag=False)
    portal.add("/away", b"", status=302, headers={"Location": f"http://localhost:{portal.port}/x.pdf"}, etag=False)
    portal.add("/moved", b"", status=307, headers={"Location": "/x.pdf#frag"}, etag=False)
    portal.add("/x.pdf", PDF, "application/pdf")
    f = fetcher_for(portal, tmp_path)
    assert fetch_error(f, portal.url("/a")).message.startswith("redirect loop (")
    assert fetch_error(f, portal.url("/away")).message == f"redirect to host localhost:{portal.port} not allowed"
    res = f.fetch(portal.url("/moved"), stage="attachment")
    assert res.content == PDF and res.final_url == portal.url("/x.pdf") and res.url == portal.url("/moved")
    assert portal.hits["/x.pdf"] == 1  # the offsite target was never requested (different host)


def test_robots_txt_is_honoured_unless_disabled(portal, tmp_path):
    portal.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    portal.add("/private/r.pdf", PDF, "application/pdf")
    f = fetcher_for(portal, tmp_path, obey_robots=True)
    assert fetch_error(f, portal.url("/private/r.pdf")).message.startswith("disallowed by robots.txt")
    assert portal.hits["/private/r.pdf"] == 0 and portal.hits["/robots.txt"] == 1
    off = fetcher_for(portal, tmp_path, obey_robots=False)
    assert off.fetch(portal.url("/private/r.pdf"), stage="attachment").content == PDF


def test_conditional_request_reuses_stored_bytes(portal, tmp_path):
    portal.add("/list.html", "<html><body><a href=x>x</a></body></html>")
    first = fetcher_for(portal, tmp_path)
    body = first.fetch(portal.url("/list.html"), stage="list").content
    log = CrawlLog(tmp_path)
    log.append(first.log)
    second = Fetcher(first.source, first.options, RawStore(tmp_path), validators=log.validators)
    res = second.fetch(portal.url("/list.html"), stage="list")
    assert res.not_modified and res.status == 304 and res.content == body
    assert "If-None-Match" in portal.requests[-1][1] and "If-Modified-Since" in portal.requests[-1][1]
    assert requests(second)[0]["status"] == 304 and requests(second)[0]["sha256"] == res.sha256


def test_min_interval_per_host(portal, tmp_path):
    portal.add("/x", b"x")
    f = fetcher_for(portal, tmp_path, min_interval_seconds=0.2)
    started = time.monotonic()
    for _ in range(3):
        f.fetch(portal.url("/x"), stage="list", conditional=False)
    assert time.monotonic() - started >= 0.4


def test_closed_port(tmp_path):
    port = free_port()  # nothing listens there
    source = make_source(f"http://127.0.0.1:{port}/")
    f = Fetcher(source, CrawlOptions.from_source_options(source.options), RawStore(tmp_path))
    err = fetch_error(f, f"http://127.0.0.1:{port}/index.html")
    assert err.message.startswith("connection failed:") and "refused" in err.message.lower()


def test_file_urls_read_only_inside_the_portal_folder(tmp_path):
    portal_dir = tmp_path / "portal"
    (portal_dir / "f").mkdir(parents=True)
    (portal_dir / "index.html").write_text("<a href=f/a.pdf>a</a>")
    (portal_dir / "f" / "a.pdf").write_bytes(PDF)
    (tmp_path / "secret.pdf").write_bytes(PDF)
    source = make_source((portal_dir / "index.html").as_uri())
    f = Fetcher(source, CrawlOptions.from_source_options(source.options), RawStore(tmp_path / "data"))
    assert f.fetch((portal_dir / "f" / "a.pdf").as_uri(), stage="attachment").content == PDF
    assert fetch_error(f, (tmp_path / "secret.pdf").as_uri()).message.endswith("not allowed")
    assert fetch_error(f, (portal_dir / "nope.pdf").as_uri()).message.startswith("file not found")
