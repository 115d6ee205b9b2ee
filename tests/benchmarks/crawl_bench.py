#!/usr/bin/env python3
"""First run and no-change run over a generated portal served on 127.0.0.1 (not collected by pytest).

    python tests/benchmarks/crawl_bench.py [--reports 300] [--seed 1] [--work DIR] [--change]

1. generates a portal of N reports (tests/benchmarks/make_portal.py) under the work dir;
2. serves it with http.server's ThreadingHTTPServer (Last-Modified / If-Modified-Since, as
   static portals' servers do) on 127.0.0.1, counting requests, statuses and bytes sent;
3. times `gongkai run --sources S --data-dir D` as a subprocess: a first run on an empty data
   dir, then a second run over the unchanged portal (and with --change, a third after one new
   report appeared on the first list page);
4. prints per run: wall time, HTTP requests by status, bytes the server sent, documents
   fetched vs reused (from crawl/log.jsonl), documents extracted vs cached.

The sources file sets min_interval_seconds = 0 (a local server; the default 1 request/s per
host is for real portals) and obey_robots stays on (robots.txt is a 404 here).
"""

from __future__ import annotations

import argparse
import email.utils
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.benchmarks.make_portal import (PATTERNS, list_api_for, make_portal, sources_toml,  # noqa: E402
                                          start_path)


class CountingServer:
    """A static server for a generated portal, counting requests, statuses and bytes sent, that
    also plays the dynamic parts of the Hanweb and JSON patterns (make_portal --pattern):
    POST /module/web/jpage/dataproxy.jsp (records sliced from records.json by startrecord and
    endrecord, only for the column's form fields), GET /module/download/downfile.jsp?filename=
    (octet-stream, the name in Content-Disposition) and GET /api/list?page=&size= (from
    items.json). Static files and the API answer If-Modified-Since with 304."""

    def __init__(self, root: Path) -> None:
        self.statuses: Counter[int] = Counter()
        self.bytes = 0
        self.lock = threading.Lock()
        server = self
        root = Path(root)

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def send_response(self, code, message=None) -> None:
                with server.lock:
                    server.statuses[code] += 1
                super().send_response(code, message)

            def copyfile(self, source, outputfile) -> None:
                data = source.read()
                with server.lock:
                    server.bytes += len(data)
                outputfile.write(data)

            def _send(self, body: bytes, content_type: str, headers: dict | None = None,
                      modified: float | None = None) -> None:
                stamp = email.utils.formatdate(modified, usegmt=True) if modified else None
                if stamp and self.headers.get("If-Modified-Since") == stamp:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if stamp:
                    self.send_header("Last-Modified", stamp)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                with server.lock:
                    server.bytes += len(body)
                self.wfile.write(body)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query))
                if parts.path == "/module/download/downfile.jsp":
                    path = root / "module" / "download" / "files" / Path(query.get("filename", "x")).name
                    if path.is_file():
                        return self._send(path.read_bytes(), "application/octet-stream", {
                            "Content-Disposition": f'attachment; filename="{path.name}"'},
                            path.stat().st_mtime)
                elif parts.path == "/api/list":
                    items_file = root / "api" / "items.json"
                    if items_file.is_file():
                        items = json.loads(items_file.read_text(encoding="utf-8"))
                        page, size = int(query.get("page", 1)), int(query.get("size", 20))
                        body = {"code": 0, "data": {"total": len(items),
                                                    "list": items[(page - 1) * size: page * size]}}
                        return self._send(json.dumps(body, ensure_ascii=False).encode(), "application/json",
                                          modified=items_file.stat().st_mtime)
                super().do_GET()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode("utf-8"))) if length else {}
                parts = urlsplit(self.path)
                store = root / "module" / "web" / "jpage" / "records.json"
                if parts.path != "/module/web/jpage/dataproxy.jsp" or not store.is_file():
                    self.send_error(405)
                    return
                data = json.loads(store.read_text(encoding="utf-8"))
                query = dict(parse_qsl(parts.query))
                ok = all(form.get(k) == v for k, v in data["form"].items() if k in ("columnid", "unitid", "webid"))
                start, end = int(query.get("startrecord", 0)), int(query.get("endrecord", 0))
                records = data["records"][start - 1:end] if ok and start >= 1 else []
                total = len(data["records"])
                xml = ('<?xml version="1.0" encoding="UTF-8"?><datastore><recordset>'
                       + "".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records)
                       + f"</recordset><totalrecord>{total}</totalrecord>"
                       f"<totalpage>{-(-total // data['per_page'])}</totalpage></datastore>")
                self._send(xml.encode("utf-8"), "text/xml;charset=UTF-8")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def take(self) -> tuple[dict, int]:
        with self.lock:
            out = dict(sorted(self.statuses.items())), self.bytes
            self.statuses.clear()
            self.bytes = 0
        return out

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _log_rows(data_dir: Path, skip: int) -> list[dict]:
    path = data_dir / "crawl" / "log.jsonl"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for i, line in enumerate(fh) if i >= skip]


def run_once(label: str, server: CountingServer, sources: Path, data_dir: Path, log_skip: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DAGSTER_"))}
    gongkai = Path(sys.executable).with_name("gongkai")
    cmd = [str(gongkai)] if gongkai.exists() else [sys.executable, "-m", "pipelines.cli"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd + ["run", "--sources", str(sources), "--data-dir", str(data_dir)],
                          env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"{label}: gongkai run failed ({proc.returncode})")
    statuses, sent = server.take()
    rows = _log_rows(data_dir, log_skip)
    by_stage = Counter(r["stage"] for r in rows)
    text = proc.stdout + proc.stderr
    crawl_s = re.search(r"failures in ([\d.]+) s", text)
    extracted = re.search(r"(\d+) documents extracted, (\d+) cached", text)
    summary = re.search(r"done in [\d.]+ s: ([^\n]+)", text)
    if "nothing changed since the last published run" in text:
        summary = re.search(r"(nothing changed since the last published run)", text)
    return {
        "run": label, "wall_s": round(wall, 1), "crawl_s": float(crawl_s.group(1)) if crawl_s else None,
        "requests": sum(statuses.values()), "statuses": statuses, "bytes_sent": sent,
        "log_rows": len(rows), "by_stage": dict(by_stage),
        "extract": f"{extracted.group(1)} extracted, {extracted.group(2)} cached" if extracted else None,
        "summary": summary.group(1) if summary else None,
        "log_total": log_skip + len(rows),
    }


def add_one_report(portal: Path) -> None:
    """A new entry at the top of the first list page, with its detail page (a copy of one)."""
    index = portal / "index.html"
    text = index.read_text(encoding="utf-8")
    # the newest inline report: its detail page holds a statistics table
    src = next(portal / m for m in re.findall(r'<li><a href="\./(\d{6}/t\d+_\d+\.html)" title="[^"]*年度报告"', text)
               if b"<table" in (portal / m).read_bytes())
    new = src.with_name("t20990101_99999.html")
    body = src.read_bytes()
    new.write_bytes(body.replace(b"<table", b"<p>(rev. 2098)</p><table", 1))  # its own report_id
    title = "松岭县人民政府2098年政府信息公开工作年度报告"
    entry = (f'<li><a href="./{new.parent.name}/{new.name}" title="{title}" target="_blank">{title}</a>'
             f"<span>2099-01-01</span></li>\n")
    index.write_text(text.replace("<ul>\n", "<ul>\n" + entry, 1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, help="work dir (default: a temporary one, removed)")
    ap.add_argument("--change", action="store_true", help="also time a run after one new report "
                                                          "(plain pattern only)")
    ap.add_argument("--pattern", choices=PATTERNS, default="plain",
                    help="the portal's content system (make_portal --pattern)")
    args = ap.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="crawl_bench."))
    work.mkdir(parents=True, exist_ok=True)
    data_dir = work / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    try:
        counts = make_portal(work, args.reports, args.seed, pattern=args.pattern)
        print(f"portal: {counts}")
        server = CountingServer(work / "portal")
        sources = work / "sources-bench.toml"
        base = f"http://127.0.0.1:{server.port}/"
        extra = {"list_api": list_api_for(base)} if args.pattern == "json" else {}
        sources.write_text(sources_toml(base + start_path(args.pattern), min_interval_seconds=0, **extra),
                           encoding="utf-8")
        results = []
        results.append(run_once("first", server, sources, data_dir, 0))
        results.append(run_once("no-change", server, sources, data_dir, results[-1]["log_total"]))
        if args.change and args.pattern == "plain":
            add_one_report(work / "portal")
            results.append(run_once("one new report", server, sources, data_dir, results[-1]["log_total"]))
        server.stop()
        for r in results:
            r.pop("log_total")
            print(json.dumps(r, ensure_ascii=False))
        print("\n| run | wall | crawl step | HTTP requests (by status) | bytes sent | "
              "extraction | run summary |\n|---|---|---|---|---|---|---|")
        for r in results:
            st = ", ".join(f"{n}×{s}" for s, n in r["statuses"].items())
            print(f"| {r['run']} | {r['wall_s']} s | {r['crawl_s']} s | {r['requests']} ({st}) | "
                  f"{r['bytes_sent'] / 1e6:.2f} MB | {r['extract']} | {r['summary']} |")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
