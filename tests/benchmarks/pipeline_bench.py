#!/usr/bin/env python3
"""End-to-end pipeline benchmark (not collected by pytest).

    python tests/benchmarks/pipeline_bench.py [--sizes 150 300] [--seed 1] [--keep DIR]

For each size: generate a portal of that many reports (tests/benchmarks/make_portal.py), serve it
on 127.0.0.1, run `gongkai run` on it as a user does (a subprocess, fresh data dir, politeness
off: min_interval_seconds = 0), then run it again with nothing changed. Reports:

- reports/s end to end (reports in the portal / wall time of the full run, process start to exit)
- time per stage, from the Dagster step events of the run (DAGSTER_HOME under the data dir)
- peak memory: the largest sum of RSS over the run's process tree (sampled every 0.1 s; which
  processes held it at that moment: `full_peak_processes`), the largest sum of PSS (shared
  pages counted once: the memory the tree really takes) and ru_maxrss of the largest single
  process (getrusage RUSAGE_CHILDREN, cumulative over sizes)
- the no-change nightly run's wall time

Targets (issue 6): ≥ 5 reports/s, no-change run < 15 s, peak < 1 GB and flat in the size.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.benchmarks.make_portal import make_portal, sources_toml  # noqa: E402


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path, port: int = 0) -> tuple[http.server.ThreadingHTTPServer, str]:
    """`folder` served on 127.0.0.1 (on `port`; 0: any free one) from a thread."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _name(pid: int) -> str:
    """A process's short name for the peak's breakdown: its command line, shortened."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [a.decode(errors="replace") for a in argv if a]
    return " ".join(w.rsplit("/", 1)[-1] for w in words[:4])[:60]


def _pss(pid: int) -> int:
    """Proportional set size (bytes): each shared page split among the processes sharing it,
    so the tree's PSS sum counts a shared library once (its RSS sum counts it per process)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _tree_rss(pid: int) -> tuple[int, list[tuple[int, int]]]:
    """Sum of RSS (bytes) of pid and its descendants, and each one's (pid, RSS)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            stat = (p / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            pages = int((p / "statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(p.name))
        rss[int(p.name)] = pages * os.sysconf("SC_PAGE_SIZE")
    todo, each = [pid], []
    while todo:
        q = todo.pop()
        each.append((q, rss.get(q, 0)))
        todo += children.get(q, [])
    return sum(r for _, r in each), each


def timed_run(sources: Path, data: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DAGSTER_"))}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--sources",
                             str(sources), "--data-dir", str(data)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, at_peak, peak_pss = 0, [], 0
    out: list[tuple[str, str]] = []  # (stdout, stderr)
    reader = threading.Thread(target=lambda: out.append(proc.communicate()), daemon=True)
    reader.start()
    while proc.poll() is None:
        total, each = _tree_rss(proc.pid)
        if total > peak:
            peak, at_peak = total, [(_name(q), round(r / 2**20)) for q, r in each]
        peak_pss = max(peak_pss, sum(_pss(q) for q, _ in each))
        time.sleep(0.1)
    reader.join()
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({proc.returncode}): {out[0][1][-5000:] if out else ''}")
    return {"seconds": round(seconds, 2), "peak_tree_mib": round(peak / 2**20),
            "peak_processes": at_peak, "peak_tree_pss_mib": round(peak_pss / 2**20),
            "stages": stage_times(data / "dagster"), "stdout": out[0][0] if out else ""}


def stage_times(dagster_home: Path) -> dict[str, float]:
    """Seconds per Dagster step of the latest run that ran (crawl, extract, facts, checks,
    publish)."""
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    from dagster import DagsterInstance

    with DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        stats = instance.get_run_step_stats(run.run_id)
    # A step that did not run (skipped: on a no-change night everything after the build) has
    # no start time; it is left out.
    return {s.step_key: round(s.end_time - s.start_time, 2) for s in stats
            if s.start_time and s.end_time}


def bench(size: int, seed: int, root: Path) -> dict:
    work = root / f"n{size}"
    counts = make_portal(work, n_reports=size, seed=seed)
    server, base = serve(work / "portal")
    try:
        sources = work / "sources-bench.toml"
        sources.write_text(sources_toml(base + "index.html", min_interval_seconds=0),
                           encoding="utf-8")
        data = work / "data"
        full = timed_run(sources, data)
        again = timed_run(sources, data)
    finally:
        server.shutdown()
        server.server_close()
    return {"reports": counts["reports"], "documents": counts["documents"],
            "full_seconds": full["seconds"],
            "reports_per_second": round(counts["reports"] / full["seconds"], 1),
            "full_stages": full["stages"], "full_peak_tree_mib": full["peak_tree_mib"],
            "full_peak_processes": full["peak_processes"],
            "full_peak_tree_pss_mib": full["peak_tree_pss_mib"],
            "nochange_seconds": again["seconds"], "nochange_stages": again["stages"],
            "nochange_peak_tree_mib": again["peak_tree_mib"],
            "ru_maxrss_children_mib": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[150, 300])  # make_portal: ≤ 69 agencies
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="work here and keep it (default: a temp dir)")
    args = ap.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for size in args.sizes:
            r = bench(size, args.seed, root)
            results.append(r)
            print(json.dumps(r, ensure_ascii=False), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print("\n| reports | documents | full run | reports/s | peak RSS (tree) | no-change run |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['reports']} | {r['documents']} | {r['full_seconds']} s | "
              f"{r['reports_per_second']} | {r['full_peak_tree_mib']} MiB | "
              f"{r['nochange_seconds']} s |")
    print("\nstages (s): " + "; ".join(f"n={r['reports']}: " + ", ".join(
        f"{k} {v}" for k, v in r["full_stages"].items()) for r in results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
