"""write_all's helper process: lean (no pandas, no DuckDB), and never needed: should it die,
what it had not made is made in the calling process, and the reports are the same."""

from __future__ import annotations

import os

import pandas as pd
from upath import UPath

from pipelines.report import make, raw_reader, write_all


LOADED = ("sorted(set(__import__('sys').modules) & {'pandas', 'numpy', 'duckdb', 'pyarrow', "
          "'dagster', 'pypdfium2', 'PIL', 'rustpy_xlsxwriter'})")


def test_the_helper_process_holds_neither_pandas_nor_duckdb(sample_warehouse, tmp_path):
    """Not at its start, nor after making a county-year's evidence and writing a workbook
    (~60 MiB: what it is given is plain values)."""
    from pipelines.core.workbook import Sheet, write_file
    from pipelines.report import data
    from pipelines.report.evidence import make_all

    data_dir = sample_warehouse["data_dir"]
    findings = pd.read_parquet(data_dir / "lake" / "assets" / "quality_issues.parquet")
    documents = raw_reader(UPath(data_dir / "lake"))
    requests, docs = [], {}
    for row in data.counties(sample_warehouse["warehouse"]).itertuples():
        cy = data.load(sample_warehouse["warehouse"], row.county, int(row.report_year), findings)
        more, more_docs = make._evidence_requests(cy, documents)
        requests, docs = requests + more, docs | more_docs
    assert any(r.media == "pdf" and r.boxes for r in requests)
    helper = make.Helper("process")
    try:
        task = helper.submit(eval, LOADED)
        assert task.result() == ["PIL", "pypdfium2", "rustpy_xlsxwriter"]
        assert task.future.result() is not None  # made there, not here
        found, files = helper.submit(make_all, requests, docs, str(tmp_path)).result()
        assert sum(len(v) for v in files.values()) > 0
        helper.submit(write_file, [Sheet("s", ["a", "b"], [[1, "x"], [None, 2.5]]),
                                   Sheet("empty", ["c"], [])], str(tmp_path / "w.xlsx")).result()
        assert (tmp_path / "w.xlsx").stat().st_size > 0
        assert helper.submit(eval, LOADED).result() == ["PIL", "pypdfium2", "rustpy_xlsxwriter"]
    finally:
        helper.close()


def test_a_task_of_a_helper_that_died_is_made_here():
    helper = make.Helper("process")
    try:
        helper.submit(os._exit, 3)  # the process is gone (as if killed)
        assert helper.submit(eval, "6 * 7").result() == 42
    finally:
        helper.close()


def test_reports_are_whole_when_the_helper_dies_mid_run(sample_warehouse, tmp_path, monkeypatch):
    data = sample_warehouse["data_dir"]
    findings = pd.read_parquet(data / "lake" / "assets" / "quality_issues.parquet")
    documents = raw_reader(UPath(data / "lake"))
    start = make.Helper.start

    def dies(self):
        fresh = self._pool is None
        start(self)
        if fresh:
            self._pool.submit(os._exit, 3)

    monkeypatch.setattr(make.Helper, "start", dies)
    a = write_all(sample_warehouse["warehouse"], tmp_path / "a", findings, documents,
                  helper="process")
    monkeypatch.undo()
    b = write_all(sample_warehouse["warehouse"], tmp_path / "b", findings, documents,
                  helper="none")
    assert a == [d | {"html": d["html"].replace("/b/", "/a/"),
                      "markdown": d["markdown"].replace("/b/", "/a/"),
                      "excel": d["excel"].replace("/b/", "/a/")} for d in b]
    assert sum(d["evidence_images"] for d in a) > 0
    for d in a:
        folder = os.path.dirname(d["html"])
        assert os.path.getsize(os.path.join(folder, "report.xlsx")) > 0
        shots = os.listdir(os.path.join(folder, "evidence")) if d["evidence_images"] else []
        assert len(shots) == d["evidence_images"]


def test_a_night_whose_reports_are_all_kept_starts_no_helper(sample_warehouse, tmp_path,
                                                              monkeypatch):
    data = sample_warehouse["data_dir"]
    findings = pd.read_parquet(data / "lake" / "assets" / "quality_issues.parquet")
    documents = raw_reader(UPath(data / "lake"))
    started = []
    start = make.Helper.start
    monkeypatch.setattr(make.Helper, "start", lambda self: started.append(1) or start(self))
    first = write_all(sample_warehouse["warehouse"], tmp_path, findings, documents,
                      helper="process")
    assert started and not any(d["reused"] for d in first)
    started.clear()
    again = write_all(sample_warehouse["warehouse"], tmp_path, findings, documents,
                      helper="process")
    assert all(d["reused"] for d in again) and not started


def test_the_run_plans_evidence_without_the_document_readers():
    """The run's process plans the evidence; only the helper reads documents: loading the
    report must not load the HTML parser and the normaliser (~50 ms of the step)."""
    import subprocess
    import sys

    code = ("import sys, pipelines.report.make; "
            "print(sorted(m for m in sys.modules if m.startswith(('pipelines.normalise', "
            "'pipelines.parse'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
