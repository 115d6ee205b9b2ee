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

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.benchmarks.make_portal import make_portal, sources_toml  # noqa: E402


class CountingServer:
    def __init__(self, root: Path) -> None:
        self.statuses: Counter[int] = Counter()
        self.bytes = 0
        self.lock = threading.Lock()
        server = self

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
    ap.add_argument("--change", action="store_true", help="also time a run after one new report")
    args = ap.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="crawl_bench."))
    work.mkdir(parents=True, exist_ok=True)
    data_dir = work / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    try:
        counts = make_portal(work, args.reports, args.seed)
        print(f"portal: {counts}")
        server = CountingServer(work / "portal")
        sources = work / "sources-bench.toml"
        sources.write_text(sources_toml(f"http://127.0.0.1:{server.port}/index.html",
                                        min_interval_seconds=0), encoding="utf-8")
        results = []
        results.append(run_once("first", server, sources, data_dir, 0))
        results.append(run_once("no-change", server, sources, data_dir, results[-1]["log_total"]))
        if args.change:
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
