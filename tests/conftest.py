"""Shared fixtures: a real HTTP server on 127.0.0.1 serving a folder."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@pytest.fixture(scope="session")
def sample_portal_url():
    """The bundled sample portal served over HTTP, as a real county portal would be."""
    handler = functools.partial(_QuietHandler, directory=str(SAMPLE / "portal"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def clean_env() -> dict:
    """The environment without the contract's or Dagster's variables (a test sets its own)."""
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DAGSTER_"))}


def gongkai(*args, env: dict | None = None, cwd: Path | None = REPO,
            timeout: float | None = 600) -> subprocess.CompletedProcess:
    """`python -m pipelines.cli ARGS` in a subprocess as a user runs it (the environment
    without the contract's variables unless `env` is given), its output captured."""
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *map(str, args)],
                          env=clean_env() if env is None else env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory):
    """One `gongkai run --data-dir <tmp>` on the bundled sample (offline, its own sources file),
    shared by every test that only reads its result. Yields the data dir, the published
    warehouse and the run's output; copy the data dir before running anything in it."""
    work = tmp_path_factory.mktemp("sample_warehouse")
    data = work / "data"
    proc = gongkai("run", "--data-dir", data)
    assert proc.returncode == 0, proc.stderr[-3000:]
    yield {"data_dir": data, "warehouse": data / "warehouse.duckdb", "stdout": proc.stdout,
           "stderr": proc.stderr}


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_webserver(dagster_home: Path, data_dir: Path) -> Iterator[str]:
    """The real Dagster webserver on the project's definitions (DAGSTER_HOME and the data dir
    given), up and answering; yields its base URL and stops it after."""
    port = free_port()
    exe = Path(sys.executable).with_name("dagster-webserver")
    env = clean_env() | {"DAGSTER_HOME": str(dagster_home), "GONGKAI_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([str(exe), "-m", "pipelines.orchestration.definitions",
                             "-h", "127.0.0.1", "-p", str(port)], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(base + "server_info", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, proc.stderr.read()[-3000:]
            assert time.time() < deadline, "webserver did not come up in 120 s"
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
