#!/usr/bin/env python3
"""Two commands timed as whole processes, in turn, A B A B … (not collected by pytest).

    python tests/benchmarks/interleave.py [-n 7] [--warmup 1] -- 'COMMAND A' 'COMMAND B'

Each command is one string split as a shell splits words (no shell runs it). Prints one JSON
line per pair (wall and CPU seconds of each, the A/B ratio), then one with the medians and the
median ratio. Pairs keep a comparison fair while this machine's speed drifts; quote the median
ratio, and absolute seconds only from a machine doing nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import time


def timed(argv: list[str]) -> tuple[float, float, int]:
    """(wall, CPU of the process and its children, exit code): CPU from the kernel's rusage."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, proc.returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=7, help="counted pairs")
    ap.add_argument("--warmup", type=int, default=1, help="pairs run first and not counted")
    ap.add_argument("a")
    ap.add_argument("b")
    args = ap.parse_args(argv)
    a, b = shlex.split(args.a), shlex.split(args.b)
    for _ in range(args.warmup):
        timed(a), timed(b)
    pairs = []
    for i in range(args.n):
        (wa, ca, ra), (wb, cb, rb) = timed(a), timed(b)
        pairs.append((wa, wb, ca, cb))
        print(json.dumps({"pair": i + 1, "a_wall": round(wa, 2), "b_wall": round(wb, 2),
                          "a_cpu": round(ca, 2), "b_cpu": round(cb, 2),
                          "ratio": round(wa / wb, 3), "exit": [ra, rb]}), flush=True)
    med = statistics.median
    print(json.dumps({"pairs": len(pairs),
                      "a_wall_median": round(med(p[0] for p in pairs), 2),
                      "b_wall_median": round(med(p[1] for p in pairs), 2),
                      "a_wall_range": [round(min(p[0] for p in pairs), 2),
                                       round(max(p[0] for p in pairs), 2)],
                      "ratio_median": round(med(p[0] / p[1] for p in pairs), 3),
                      "cpu_ratio_median": round(med(p[2] / p[3] for p in pairs), 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
