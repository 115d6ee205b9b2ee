"""The cluster's small pieces without a cluster: progress lines, settings, executor choice,
an unreachable scheduler or lake failing fast with the reason."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipelines.core.lake import LakeError, check_lake, lake_io, storage_options
from pipelines.core.settings import Settings
from pipelines.document.batch import Job, extract_all
from pipelines.document.executors import (SchedulerUnavailable, dask_executor, local_executor,
                                          open_executor)
from pipelines.document.progress import Progress


def test_progress_says_rate_and_eta_every_n_documents():
    now = [0.0]
    lines: list[str] = []
    p = Progress(100, every=25, emit=lines.append, bar=False, clock=lambda: now[0])
    for _ in range(60):
        now[0] += 0.5
        p.update()
    assert lines == ["extracted 25/100 documents (25%), 2.0 documents/s, elapsed 12s, ETA 38s",
                     "extracted 50/100 documents (50%), 2.0 documents/s, elapsed 25s, ETA 25s"]
    p.close()
    assert lines[-1].startswith("extracted 60/100 documents (60%)")


def test_progress_bar_only_on_a_terminal(capsys):
    p = Progress(10, emit=lambda s: None)  # pytest's stderr is not a TTY
    assert p._bar is None


def test_dask_scheduler_setting_from_option_or_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GONGKAI_DASK_SCHEDULER", "tcp://10.0.0.1:8786")
    assert Settings.resolve(data_dir=str(tmp_path)).dask_scheduler == "tcp://10.0.0.1:8786"
    assert Settings.resolve(data_dir=str(tmp_path), dask_scheduler="tcp://h:1").dask_scheduler == "tcp://h:1"
    monkeypatch.delenv("GONGKAI_DASK_SCHEDULER")
    s = Settings.resolve(data_dir=str(tmp_path))
    assert s.dask_scheduler == "" and s.as_env()["GONGKAI_DASK_SCHEDULER"] == ""


def test_dagster_resource_carries_the_scheduler(monkeypatch, tmp_path):
    from dagster import EnvVar

    from pipelines.orchestration.resources import GongkaiSettings

    monkeypatch.setenv("GONGKAI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GONGKAI_DASK_SCHEDULER", "tcp://127.0.0.1:8786")
    resource = GongkaiSettings.from_env()  # an EnvVar, resolved by Dagster when a run starts
    assert resource.dask_scheduler == EnvVar("GONGKAI_DASK_SCHEDULER")
    resolved = resource.process_config_and_initialize()
    assert resolved.settings().dask_scheduler == "tcp://127.0.0.1:8786"
    # `gongkai run` hands its resolved options over as explicit values
    s = Settings.resolve(data_dir=str(tmp_path), dask_scheduler="tcp://h:1")
    assert GongkaiSettings.of(s).settings().dask_scheduler == "tcp://h:1"


def test_local_default_executor_names_itself():
    with open_executor(2) as (_ex, info):
        assert info.kind == "inline" and info.describe() == "inline (1 worker)"


CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "docs"


def _worker_facts(pdf: str) -> dict:
    import os
    import sys

    import pandas as pd

    from pipelines.document.document import extract_document

    result = extract_document(Path(pdf).read_bytes())
    maps = Path("/proc/self/maps").read_text()
    return {"parent": os.getppid(), "pyarrow": sys.modules.get("pyarrow") is not None,
            "frame": pd.DataFrame({"a": ["x", None]})["a"].isna().tolist(),
            "tables": bool(result.sections),
            # what the lattice never calls stays out of the worker's memory
            "opencv": "/cv2/" in maps, "cryptography": "/cryptography/" in maps,
            "python-docx": "docx" in sys.modules}


def test_local_workers_are_spawned_children_without_pyarrow():
    """Each local extraction worker is this process's child (no forkserver between them) and
    keeps pyarrow out (about 35 MiB a worker); pandas works without it. Reading a text PDF's
    tables loads neither OpenCV nor cryptography (camelot_import), nor python-docx."""
    import os

    with local_executor(8, workers=2) as (ex, info):
        assert (info.kind, info.workers) == ("process pool", 2)
        facts = ex.submit(_worker_facts, str(CORPUS / "C01_bh-scj_2020.pdf")).result(timeout=120)
    assert facts == {"parent": os.getpid(), "pyarrow": False, "frame": [False, True],
                     "tables": True, "opencv": False, "cryptography": False,
                     "python-docx": False}


def test_an_unreachable_scheduler_fails_fast_with_its_address():
    t0 = time.monotonic()
    with pytest.raises(SchedulerUnavailable, match=r"tcp://127\.0\.0\.1:9"):
        with dask_executor("tcp://127.0.0.1:9", timeout=2):
            pass
    assert time.monotonic() - t0 < 30


def test_endpoint_url_for_s3_compatible_stores(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")
    assert storage_options("s3://b/p") == {"client_kwargs": {"endpoint_url": "http://127.0.0.1:9000"}}
    assert storage_options("/local/lake") == {}


def test_lake_errors_name_the_operation_and_keep_missing_files_missing(tmp_path):
    with pytest.raises(LakeError, match="cannot write /x: PermissionError"):
        with lake_io("write", "/x"):
            raise PermissionError("denied")
    with pytest.raises(FileNotFoundError):
        with lake_io("read", "/x"):
            raise FileNotFoundError("gone")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(LakeError, match="probe"):
        check_lake(blocker / "lake")


def test_extract_all_records_a_missing_document_and_stops_on_a_failing_lake(tmp_path):
    # A document missing from the raw store is that document's failure (FileNotFoundError)...
    out = extract_all([Job("0" * 64, "pdf")], str(tmp_path))
    assert out["extracted"] == 1 and out["statuses"] == {"failed": 1}
    assert "FileNotFoundError" in out["not_ok"][0]["error"]
    # ...a store that cannot be read stops the run with the reason, recording nothing.
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(LakeError, match="the lake is unreachable or failing: cannot read"):
        extract_all([Job("1" * 64, "pdf")], str(blocker / "lake"))


def test_a_worker_with_another_extractor_version_refuses():
    from pipelines.document.batch import WorkerMismatch, run_job

    with pytest.raises(WorkerMismatch, match="deploy the same gongkai version"):
        run_job(Job("0" * 64, "pdf"), "/nonexistent", "0.other")


def test_a_failed_step_is_reported_by_its_own_exception_not_dagsters_wrapper():
    from dagster._utils.error import SerializableErrorInfo as Info

    from pipelines.cli import _reason

    boto = Info("botocore.exceptions.EndpointConnectionError: Could not connect", [], "EndpointConnectionError")
    lake = Info("pipelines.core.lake.LakeError: the lake is unreachable or failing: cannot read s3://b/x",
                [], "LakeError", cause=boto)
    wrapper = Info("dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while "
                   "executing op", [], "DagsterExecutionStepExecutionError", cause=lake)
    assert _reason(wrapper) == lake.message


NOTHING_TO_EXTRACT = """
import sys
from pipelines.document.batch import Job, extract_all
out = extract_all([Job(sys.argv[2], "html")], sys.argv[1])
print(out["cached"], out["extracted"], "pipelines.document.document" in sys.modules)
"""


def test_a_night_with_nothing_to_extract_does_not_load_the_readers(tmp_path):
    """Every document's result cached: the driver never imports the readers (pdfium, the
    table readers; ~0.1 s of a no-change night). In a fresh interpreter, as `gongkai run`."""
    import subprocess
    import sys

    from pipelines.document.document import failed_result
    from pipelines.document.results import ResultStore

    sha = "a" * 64
    ResultStore(tmp_path).put(failed_result(sha, "html", "cached here"))
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", NOTHING_TO_EXTRACT, str(tmp_path), sha],
                         cwd=repo, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["1", "0", "False"]


def test_the_jobs_call_what_batch_extract_document_names(tmp_path, monkeypatch):
    """How tests/cluster/slow_worker.py slows a worker down: whatever is assigned to
    `batch.extract_document` is what a job calls (the readers are imported on first use)."""
    from pipelines.core.lake import RawStore
    from pipelines.document import batch
    from pipelines.document.executors import InlineExecutor

    original = batch.extract_document
    seen = []

    def slow(data, media_type):
        seen.append(media_type)
        return original(data, media_type)

    monkeypatch.setattr(batch, "extract_document", slow)
    sha = RawStore(tmp_path).put(b"<html><body><p>not a report</p></body></html>")
    out = extract_all([Job(sha, "html")], str(tmp_path), InlineExecutor())
    assert seen == ["html"] and out["extracted"] == 1
