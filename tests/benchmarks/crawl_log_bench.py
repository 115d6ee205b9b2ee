#!/usr/bin/env python3
"""What a source's crawl pays for its validators (not collected by pytest).

    python tests/benchmarks/crawl_log_bench.py [--lines 200000]

Writes a request log of LINES generated rows (20,000 URLs, each asked for again and again, as
nights of many sources leave it) into a scratch data dir, then times a CrawlLog read back from
the whole log (what each source's crawl did before it kept its validators in its own state)
and one given the source's own validators (what it does now). One JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=200_000)
    args = ap.parse_args(argv)

    from pipelines.crawl.history import CrawlLog

    row = {"status": 304, "sha256": "a" * 64, "etag": '"abc"', "method": "GET", "stage": "list",
           "last_modified": "Mon, 01 Feb 2021 00:00:00 GMT", "content_type": "text/html",
           "fetched_at": "2026-11-29T00:00:00Z", "bytes": 0, "error": None}
    with tempfile.TemporaryDirectory(prefix="crawl_log_bench_") as tmp:
        data = Path(tmp)
        (data / "crawl").mkdir()
        with (data / "crawl" / "log.jsonl").open("w", encoding="utf-8") as fh:
            for i in range(args.lines):
                fh.write(json.dumps({"url": f"http://x.gov.cn/col/{i % 20000}/", **row}) + "\n")
        t = time.perf_counter()
        CrawlLog(data)
        read_back = time.perf_counter() - t
        t = time.perf_counter()
        CrawlLog(data, {})
        kept = time.perf_counter() - t
    print(json.dumps({"lines": args.lines, "read_back_seconds": round(read_back, 2),
                      "own_validators_seconds": round(kept, 4)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
