#!/usr/bin/env python3
"""Extraction throughput on the embedded default and on a dask cluster (not collected by pytest).

    python tests/benchmarks/cluster_bench.py [--reports 2000] [--repeat 3] [--keep DIR]
                                             [--memory-sizes 500 2000]

1. Generates report documents with tests/benchmarks/make_portal.py, portals of 300 reports
   (50 agencies × 6 years; make_portal knows at most 69 agencies), so `--reports 2000` makes
   seven portals with different seeds; every document is distinct (its own sha256). Puts them
   all in a local lake's raw store, as the crawler would.
2. Extracts all of them (results removed between runs), `--repeat` times each, with
   - `embedded`: the default local process pool (`extract_all(jobs, lake)`, no scheduler),
   - `dask-1`: a `dask scheduler` and one `dask worker --nthreads 1` on 127.0.0.1,
   - `dask-2`: the same scheduler with two such workers,
   each run in a fresh driver process (`--drive`), so that its peak RSS (ru_maxrss of the
   driver only; workers are other processes) is that run's.
3. Driver memory against the number of documents: the dask-2 driver and the embedded one on
   the first N documents for each of `--memory-sizes`.

Prints a table (medians) and the two/one ratio; writes results JSON beside the lake.
The workers and the driver share this machine's cores: on 2 cores, `embedded` and `dask-2`
both use both.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PER_PORTAL = 300


def build_lake(root: Path, n_reports: int, seed: int) -> list[dict]:
    """Portals of ≤ PER_PORTAL reports until n_reports, every document into root/lake."""
    from pipelines.core.lake import RawStore
    from tests.benchmarks.make_portal import make_portal

    jobs_file = root / "jobs.json"
    if jobs_file.exists():
        return json.loads(jobs_file.read_text())
    store = RawStore(root / "lake")
    jobs, left, k = [], n_reports, 0
    while left > 0:
        n = min(PER_PORTAL, left)
        portal = root / f"portal{k}"
        t0 = time.perf_counter()
        make_portal(portal, n_reports=n, seed=seed + k)
        with (portal / "manifest.csv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                sha = store.put((portal / "portal" / row["document"]).read_bytes())
                jobs.append({"sha256": sha, "media_type": row["media_type"]})
        print(f"portal {k}: {n} reports in {time.perf_counter() - t0:.1f} s", flush=True)
        shutil.rmtree(portal / "portal")
        left -= n
        k += 1
    jobs = list({j["sha256"]: j for j in jobs}.values())
    jobs_file.write_text(json.dumps(jobs))
    return jobs


def _cpu_seconds() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def drive(lake: str, jobs_file: str, n: int, scheduler: str | None) -> dict:
    """One extraction run in this (fresh) process; prints its figures as JSON."""
    from pipelines.document.batch import Job, extract_all

    jobs = [Job(j["sha256"], j["media_type"]) for j in json.loads(Path(jobs_file).read_text())[:n]]
    client = None
    if scheduler:
        from distributed import Client

        client = Client(scheduler, timeout=30)
        cpu_before = sum(client.run(_cpu_seconds).values())
    t0 = time.perf_counter()
    out = extract_all(jobs, lake, dask_scheduler=scheduler, progress=lambda line: None)
    seconds = time.perf_counter() - t0
    if client is not None:  # the workers' CPU seconds over the run
        cpu = sum(client.run(_cpu_seconds).values()) - cpu_before
        client.close()
    else:  # the process pool's workers, joined by now
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = ru.ru_utime + ru.ru_stime
    return {"documents": len(jobs), "extracted": out["extracted"], "seconds": round(seconds, 2),
            "docs_per_s": round(out["extracted"] / seconds, 2), "statuses": out["statuses"],
            "executor": out["executor"]["describe"], "worker_cpu_s": round(cpu, 1),
            "cpu_ms_per_doc": round(1000 * cpu / max(out["extracted"], 1), 1),
            "driver_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def run_driver(root: Path, n: int, scheduler: str | None) -> dict:
    shutil.rmtree(root / "lake" / "extracted", ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    argv = [sys.executable, __file__, "--drive", "--root", str(root), "--n", str(n)]
    if scheduler:
        argv += ["--scheduler", scheduler]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=7200, cwd=REPO)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


class Cluster:
    """`dask scheduler` and `dask worker` processes on 127.0.0.1."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.dask = str(Path(sys.executable).with_name("dask"))
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")}
        self.env["PYTHONPATH"] = os.pathsep.join([str(REPO), self.env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        file = work / "scheduler.json"
        file.unlink(missing_ok=True)
        self.procs = [self._spawn([self.dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                   "--no-dashboard", "--scheduler-file", str(file)], "scheduler")]
        while not file.exists():
            time.sleep(0.2)
        self.address = json.loads(file.read_text())["address"]
        self.workers: list[subprocess.Popen] = []

    def _spawn(self, argv: list[str], name: str) -> subprocess.Popen:
        return subprocess.Popen(argv, env=self.env, stdout=open(self.work / f"{name}.log", "a"),
                                stderr=subprocess.STDOUT, start_new_session=True)

    def scale(self, n: int) -> None:
        from distributed import Client

        while len(self.workers) < n:
            i = len(self.workers) + 1
            self.workers.append(self._spawn(
                [self.dask, "worker", self.address, "--name", f"w{i}", "--nthreads", "1",
                 "--no-nanny", "--no-dashboard", "--host", "127.0.0.1", "--memory-limit", "0"],
                f"w{i}"))
        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(n, timeout=120)

    def close(self) -> None:
        for p in self.workers + self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.workers + self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--memory-sizes", type=int, nargs="*", default=[500])
    ap.add_argument("--keep", type=Path, help="work here and keep it (default: a temp dir)")
    ap.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--scheduler", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.drive:
        print(json.dumps(drive(str(args.root / "lake"), str(args.root / "jobs.json"), args.n,
                               args.scheduler)))
        return 0

    root = args.keep or Path(tempfile.mkdtemp(prefix="cluster_bench_"))
    root.mkdir(parents=True, exist_ok=True)
    jobs = build_lake(root, args.reports, args.seed)
    n = len(jobs)
    kinds = {}
    for j in jobs:
        kinds[j["media_type"]] = kinds.get(j["media_type"], 0) + 1
    print(f"{args.reports} reports, {n} documents {kinds} in {root / 'lake'}", flush=True)
    runs: dict[str, list[dict]] = {"embedded": [], "dask-1": [], "dask-2": []}
    memory: list[dict] = []
    cluster = Cluster(root)
    try:
        for rep in range(args.repeat):
            runs["embedded"].append(run_driver(root, n, None))
            print(f"  embedded #{rep + 1}: {runs['embedded'][-1]}", flush=True)
        cluster.scale(1)
        for rep in range(args.repeat):
            runs["dask-1"].append(run_driver(root, n, cluster.address))
            print(f"  dask-1 #{rep + 1}: {runs['dask-1'][-1]}", flush=True)
        cluster.scale(2)
        for rep in range(args.repeat):
            runs["dask-2"].append(run_driver(root, n, cluster.address))
            print(f"  dask-2 #{rep + 1}: {runs['dask-2'][-1]}", flush=True)
        for size in args.memory_sizes:
            if size < n:
                for name, sched in (("dask-2", cluster.address), ("embedded", None)):
                    r = run_driver(root, size, sched) | {"config": name}
                    memory.append(r)
                    print(f"  memory {name} {size}: {r}", flush=True)
    finally:
        cluster.close()
    med = {k: statistics.median(r["docs_per_s"] for r in v) for k, v in runs.items() if v}
    print(f"\n{n} documents ({args.reports} reports), medians of {args.repeat}:")
    print("| executor | documents/s | seconds | worker CPU ms/document | driver peak RSS |\n"
          "|---|---|---|---|---|")
    for k, v in runs.items():
        cpu = (f"{statistics.median(r['cpu_ms_per_doc'] for r in v):.0f}" if k != "embedded"
               else "n/a (not measured for the local pool)")
        print(f"| {k} | {med[k]:.1f} | {statistics.median(r['seconds'] for r in v):.1f} | {cpu} | "
              f"{statistics.median(r['driver_peak_rss_mib'] for r in v):.0f} MiB |")
    ratio = med["dask-2"] / med["dask-1"]
    print(f"two workers / one: {ratio:.2f}× (target ≥ 1.7× on 2 cores)")
    for m in memory:
        print(f"driver peak RSS, {m['config']}, {m['documents']} documents: {m['driver_peak_rss_mib']:.0f} MiB")
    (root / "cluster_bench.json").write_text(json.dumps(
        {"documents": n, "reports": args.reports, "runs": runs, "medians": med, "ratio": ratio,
         "memory": memory}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
