#!/usr/bin/env python3
"""Where a no-change night's seconds go (not collected by pytest).

    python tests/benchmarks/pipeline_bench.py --sizes 300 --keep /tmp/pb   # once: a work dir
    python tests/benchmarks/nochange_timeline.py /tmp/pb/n300 [--repeat 3]

Serves the work dir's portal again on the port its sources file names, then runs `gongkai run`
over its data dir (nothing changed since the bench's runs, so a no-change night), one fresh
process per repeat, and prints one JSON line per repeat: seconds from the process's start to
the end of each phase (the CLI's imports; the definitions built, which imports Dagster, pandas
and the engine; the Dagster instance opened, which imports SQLAlchemy and Alembic; the run
created, which writes one planned event per asset and asset check; each step; the end) and
how many events the run stored in Dagster's event log. The phases are marked by wrapping
Dagster 1.13's RunDomain.create_run_for_job and execute_plan.dagster_event_sequence_for_step:
a benchmark's hook, not the product's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def child(work: Path) -> dict:
    """One no-change night in this process, its phases marked."""
    t0 = time.perf_counter()
    marks: list[tuple[str, float]] = []

    def mark(what: str) -> None:
        marks.append((what, round(time.perf_counter() - t0, 3)))

    sys.path.insert(0, str(REPO))
    import pipelines.cli as cli

    mark("cli imported")
    open_instance = cli.open_instance

    def opened(settings):
        mark("definitions built")
        instance = open_instance(settings)
        mark("instance opened")
        return instance

    cli.open_instance = opened
    from dagster._core.execution.plan import execute_plan
    from dagster._core.instance.runs import run_domain

    create = run_domain.RunDomain.create_run_for_job

    def created(self, *args, **kwargs):
        run = create(self, *args, **kwargs)
        mark("run created (planned events)")
        return run

    run_domain.RunDomain.create_run_for_job = created
    sequence = execute_plan.dagster_event_sequence_for_step

    def step(step_context, *args, **kwargs):
        yield from sequence(step_context, *args, **kwargs)
        mark(f"step {step_context.step.key}")

    execute_plan.dagster_event_sequence_for_step = step
    sources = work / "sources-bench.toml"
    rc = cli.main(["run", "--sources", str(sources), "--data-dir", str(work / "data")])
    mark("end")
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(work / "data" / "dagster")) as instance:
        run = instance.get_runs(limit=1)[0]
        events = len(instance.all_logs(run.run_id))
    return {"exit": rc, "marks": marks, "events": events}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path, help="a pipeline_bench --keep size dir (portal/, data/)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        out = child(args.work)
        print("TIMELINE " + json.dumps(out, ensure_ascii=False), flush=True)
        return 0
    sources = (args.work / "sources-bench.toml").read_text(encoding="utf-8")
    port = int(re.search(r"127\.0\.0\.1:(\d+)", sources).group(1))
    sys.path.insert(0, str(REPO))
    from tests.benchmarks.pipeline_bench import serve

    server, _ = serve(args.work / "portal", port)
    try:
        for _ in range(args.repeat):
            env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DAGSTER_"))}
            proc = subprocess.run([sys.executable, __file__, str(args.work), "--child"],
                                  capture_output=True, text=True, cwd=REPO, env=env)
            line = next((s for s in proc.stdout.splitlines() if s.startswith("TIMELINE ")), None)
            if line is None:
                raise SystemExit(f"no timeline ({proc.returncode}): {proc.stderr[-3000:]}")
            print(line.removeprefix("TIMELINE "), flush=True)
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
