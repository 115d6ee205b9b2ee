"""`gongkai run --lake s3://… --dask-scheduler tcp://…` on loopback: a moto S3 server, a
`dask scheduler` and two `dask worker` processes on 127.0.0.1.

- The bundled sample gives a warehouse identical (facts, reports, findings, …) to the embedded
  run, and the documents were extracted on the workers: each worker logs `start`/`done <sha>
  on <host> pid <pid>` (DASK_LOGGING__PIPELINES=info), and the union of the workers' `done`
  lines is exactly the set of results in the bucket and of documents in the warehouse.
- A worker SIGKILLed while it holds a document: that document is redone on the other worker,
  the run completes, and the warehouse is again identical (nothing lost or duplicated).
- The S3 server stopped while the workers extract: the run fails, says the lake is
  unreachable, and the published warehouse and exports are byte for byte as they were.

The workers load tests/cluster/slow_worker.py, which delays each extraction by 0.3 s, so that
the faults land while the run is extracting. Tests run in file order (the last stops S3).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, clean_env, sha256_of

BIN = Path(sys.executable).parent
DASK = str(BIN / "dask") if (BIN / "dask").exists() else "dask"
SLOW = Path(__file__).with_name("slow_worker.py")
BUCKET = "lake"
LINE = re.compile(r"pipelines\.document\.batch - INFO - (start|done) ([0-9a-f]{64}) on (\S+) pid (\d+)")

TABLES = ["counties", "agencies", "reports", "fact_applications", "fact_proactive",
          "fact_review_litigation", "fact_applications_superseded", "fact_proactive_superseded",
          "fact_review_litigation_superseded", "quality_issues", "unmapped_cells", "categories"]
VOLATILE = {"fetched_at", "first_seen", "last_seen"}  # when, not what


def snapshot(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for t in TABLES:
            cols = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [t]).fetchall() if c not in VOLATILE]
            df = con.execute(f"SELECT {', '.join(cols)} FROM {t}").df().astype(str)
            out[t] = df.sort_values(list(df.columns)).reset_index(drop=True)
        return out
    finally:
        con.close()


def assert_same_warehouse(a: Path, b: Path) -> None:
    sa, sb = snapshot(a), snapshot(b)
    for t in TABLES:
        assert len(sa[t]) == len(sb[t]), f"{t}: {len(sa[t])} rows against {len(sb[t])}"
        assert sa[t].equals(sb[t]), f"{t} differs"
    assert len(sa["fact_applications"]) > 1000 and len(sa["reports"]) == 14


def worker_lines(log: Path, offset: int = 0) -> list[tuple[str, str, str, int]]:
    text = log.read_text(errors="replace")[offset:] if log.exists() else ""
    return [(m[1], m[2], m[3], int(m[4])) for m in LINE.finditer(text)]


def size(path: Path) -> int:
    return len(path.read_text(errors="replace")) if path.exists() else 0


@pytest.fixture(scope="module")
def s3():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": f"http://{host}:{port}"}
    import boto3

    client = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=BUCKET)
    state = {"server": server, "env": env, "client": client, "stopped": False}
    yield state
    if not state["stopped"]:
        server.stop()


def keys(s3, prefix: str) -> list[str]:
    out = []
    for page in s3["client"].get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        out += [o["Key"] for o in page.get("Contents", [])]
    return out


@pytest.fixture(scope="module")
def cluster(s3, tmp_path_factory):
    """A dask scheduler and two workers (no nanny: a killed worker stays dead) on 127.0.0.1."""
    work = tmp_path_factory.mktemp("dask")
    sched_file = work / "scheduler.json"
    env = clean_env() | s3["env"] | {
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        "DASK_LOGGING__PIPELINES": "info", "GONGKAI_TEST_EXTRACT_DELAY": "0.3",
        "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = {}
    logs = {}
    sched_log = open(work / "scheduler.log", "w")
    procs["scheduler"] = subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(sched_file)], env=env, stdout=sched_log,
        stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while not sched_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    import json

    address = json.loads(sched_file.read_text())["address"]
    for name in ("w1", "w2"):
        logs[name] = work / f"{name}.log"
        procs[name] = subprocess.Popen(
            [DASK, "worker", address, "--name", name, "--nthreads", "1", "--no-nanny",
             "--no-dashboard", "--host", "127.0.0.1", "--memory-limit", "0",
             "--preload", str(SLOW)], env=env, stdout=open(logs[name], "w"),
            stderr=subprocess.STDOUT, start_new_session=True)
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(2, timeout=90)
    yield {"address": address, "procs": procs, "logs": logs, "work": work}
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def run_args(data: Path, lake: str, address: str) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", "run", "--data-dir", str(data),
            "--lake", lake, "--dask-scheduler", address]


def driver_env(s3) -> dict:
    return clean_env() | s3["env"]


@pytest.fixture(scope="module")
def cluster_run(s3, cluster, tmp_path_factory):
    data = tmp_path_factory.mktemp("cluster_run") / "data"
    offsets = {n: size(p) for n, p in cluster["logs"].items()}
    proc = subprocess.run(run_args(data, f"s3://{BUCKET}/t1", cluster["address"]),
                          env=driver_env(s3), capture_output=True, text=True, timeout=600, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = {n: worker_lines(p, offsets[n]) for n, p in cluster["logs"].items()}
    return {"data": data, "proc": proc, "lines": lines}


def test_cluster_run_equals_the_embedded_run_and_the_workers_did_the_extracting(
        s3, cluster, cluster_run, sample_warehouse):
    from pipelines.document.version import EXTRACTOR_VERSION

    data, proc = cluster_run["data"], cluster_run["proc"]
    assert_same_warehouse(data / "warehouse.duckdb", sample_warehouse["warehouse"])
    # The summary names the executor and the number of workers.
    assert re.search(r"executor dask tcp://127\.0\.0\.1:\d+ \(2 workers, 2 threads\), workers 2",
                     proc.stdout), proc.stdout[-2000:]
    assert "14 documents extracted, 0 cached" in proc.stdout
    # From the workers' side: each worker's own log names the documents it extracted.
    done = {n: {sha for kind, sha, _h, _p in ls if kind == "done"}
            for n, ls in cluster_run["lines"].items()}
    pids = {n: {pid for *_x, pid in ls} for n, ls in cluster_run["lines"].items()}
    assert done["w1"] and done["w2"], "both workers extracted"
    assert not done["w1"] & done["w2"], "no document extracted twice"
    assert pids["w1"] == {cluster["procs"]["w1"].pid} and pids["w2"] == {cluster["procs"]["w2"].pid}
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    shas = {s for (s,) in con.execute("SELECT sha256 FROM reports").fetchall()}
    con.close()
    results = {Path(k).name[:-5] for k in keys(s3, f"t1/extracted/{EXTRACTOR_VERSION}/")}
    assert done["w1"] | done["w2"] == results == shas
    # Documents and results live in the bucket; the data dir has no lake of its own.
    raw = {Path(k).name for k in keys(s3, "t1/raw/")}
    assert shas <= raw
    assert not (data / "lake").exists()


def test_a_worker_killed_mid_run_has_its_documents_redone_on_the_other(
        s3, cluster, sample_warehouse, tmp_path):
    data = tmp_path / "data"
    logs, procs = cluster["logs"], cluster["procs"]
    offsets = {n: size(p) for n, p in logs.items()}
    run = subprocess.Popen(run_args(data, f"s3://{BUCKET}/t2", cluster["address"]),
                           env=driver_env(s3), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, cwd=REPO)
    held: set[str] = set()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None:
        lines = worker_lines(logs["w1"], offsets["w1"])
        started = {sha for kind, sha, *_ in lines if kind == "start"}
        finished = {sha for kind, sha, *_ in lines if kind == "done"}
        if finished and started - finished:  # w1 has done one and holds another
            os.killpg(procs["w1"].pid, signal.SIGKILL)
            procs["w1"].wait(timeout=10)
            held = started - finished
            break
        time.sleep(0.03)
    out, err = run.communicate(timeout=600)
    assert held, "the worker was not killed while extracting (run ended first?)"
    assert run.returncode == 0, err[-3000:]
    lines = worker_lines(logs["w1"], offsets["w1"])
    held -= {sha for kind, sha, *_ in lines if kind == "done"}  # finished as it died
    redone = {sha for kind, sha, *_ in worker_lines(logs["w2"], offsets["w2"]) if kind == "done"}
    assert held and held <= redone, "the killed worker's document was redone on the other"
    assert_same_warehouse(data / "warehouse.duckdb", sample_warehouse["warehouse"])
    from pipelines.document.version import EXTRACTOR_VERSION

    results = keys(s3, f"t2/extracted/{EXTRACTOR_VERSION}/")
    assert len(results) == len(set(results)) == 14




def test_the_object_store_lost_mid_run_fails_the_run_and_leaves_the_published_warehouse(
        s3, cluster, cluster_run, tmp_path):
    # The first cluster run's data dir, published; its documents copied to a fresh prefix, so
    # this run extracts all of them again (on the surviving worker) when S3 goes away.
    data = tmp_path / "data"
    shutil.copytree(cluster_run["data"], data, symlinks=True)
    for key in keys(s3, "t1/raw/"):
        s3["client"].copy_object(Bucket=BUCKET, Key="t3/" + key[3:],
                                 CopySource={"Bucket": BUCKET, "Key": key})
    warehouse, exports = data / "warehouse.duckdb", data / "exports"
    before = (sha256_of(warehouse), os.readlink(exports))
    log = cluster["logs"]["w2"]
    offset = size(log)
    run = subprocess.Popen(run_args(data, f"s3://{BUCKET}/t3", cluster["address"]),
                           env=driver_env(s3), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, cwd=REPO)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None:
        if any(kind == "done" for kind, *_ in worker_lines(log, offset)):
            s3["server"].stop()
            s3["stopped"] = True
            break
        time.sleep(0.03)
    out, err = run.communicate(timeout=600)
    assert s3["stopped"], "the run ended before S3 was stopped"
    assert run.returncode != 0
    assert "the lake is unreachable or failing" in err, err[-3000:]
    assert "the published warehouse was not replaced" in err
    assert (sha256_of(warehouse), os.readlink(exports)) == before
    assert not list(data.glob("warehouse.duckdb.build-*"))
