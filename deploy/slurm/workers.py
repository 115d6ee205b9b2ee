#!/usr/bin/env python3
"""Dask workers for gongkai on a Slurm batch cluster (dask-jobqueue), then one gongkai run.

    python deploy/slurm/workers.py --jobs 20 -- gongkai run --lake s3://bucket/prefix
    python deploy/slurm/workers.py --jobs 20 --print-job-script     # look before submitting

Run it on the login node (or in a small allocation) with the gongkai environment active. It
starts a dask scheduler in this process, submits `--jobs` Slurm jobs of `--processes` dask
workers each (one thread per worker: extraction is CPU-bound Python), waits for the first
worker, runs the command with GONGKAI_DASK_SCHEDULER set to the scheduler, and cancels the
jobs when it ends. The command is the driver: it crawls, hands per-document extraction to the
workers and is the only process that writes DuckDB (on the login node's file system, or
wherever --data-dir points). The workers need the lake: an s3:// URL with the usual AWS
variables, or a folder on the cluster's shared file system (Lustre, GPFS, NFS).

Tested here: the job script is generated (tests/unit/test_deploy.py); no Slurm cluster was
available, so submitting was not run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys


def make_cluster(args):
    from dask_jobqueue import SLURMCluster

    # Lake credentials travel with the job: exported from this environment into each job.
    passed = [f"export {k}={os.environ[k]!r}" for k in
              ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
               "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "PYTHONPATH") if k in os.environ]
    return SLURMCluster(
        queue=args.partition, account=args.account, cores=args.processes,
        processes=args.processes, memory=f"{args.memory_gb_per_worker * args.processes}GB",
        walltime=args.walltime, interface=args.interface,
        job_name="gongkai-dask", log_directory=args.log_directory,
        # cores == processes: one thread per worker
        job_script_prologue=[*args.prologue, *passed, "export DASK_LOGGING__PIPELINES=info"],
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=10, help="Slurm jobs to submit")
    ap.add_argument("--processes", type=int, default=8, help="dask workers (cores) per job")
    ap.add_argument("--memory-gb-per-worker", type=int, default=2)
    ap.add_argument("--walltime", default="04:00:00")
    ap.add_argument("--partition", default=None, help="Slurm partition (queue)")
    ap.add_argument("--account", default=None)
    ap.add_argument("--interface", default=None, help="network interface workers use, e.g. ib0")
    ap.add_argument("--log-directory", default="dask-logs")
    ap.add_argument("--prologue", action="append", default=[],
                    help="shell line run before the worker starts (e.g. 'source ~/gongkai/.venv/bin/activate')")
    ap.add_argument("--print-job-script", action="store_true")
    ap.add_argument("command", nargs=argparse.REMAINDER, help="-- gongkai run ...")
    args = ap.parse_args(argv)
    cluster = make_cluster(args)
    try:
        if args.print_job_script:
            print(cluster.job_script())
            return 0
        command = [c for c in args.command if c != "--"] or ["gongkai", "run"]
        cluster.scale(jobs=args.jobs)
        from distributed import Client

        with Client(cluster) as client:
            client.wait_for_workers(1, timeout=3600)  # the queue decides when jobs start
            env = os.environ | {"GONGKAI_DASK_SCHEDULER": cluster.scheduler_address}
            print(f"dask scheduler {cluster.scheduler_address}; running {' '.join(command)}",
                  flush=True)
            return subprocess.call(command, env=env)
    finally:
        cluster.close()


if __name__ == "__main__":
    sys.exit(main())
