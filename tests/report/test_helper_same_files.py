"""write_all hands each county-year's evidence (and, when it keeps up, its workbook) to a
helper, a process or a thread, while it reads the next ones; the reports are the same as when
everything runs in one thread."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from openpyxl import load_workbook
from upath import UPath

from pipelines.report import raw_reader, write_all


def _files(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("helper", ["process", "thread"])
def test_a_helper_writes_what_one_thread_writes(sample_warehouse, tmp_path, helper):
    data = sample_warehouse["data_dir"]
    findings = pd.read_parquet(data / "lake" / "assets" / "quality_issues.parquet")
    documents = raw_reader(UPath(data / "lake"))
    a = write_all(sample_warehouse["warehouse"], tmp_path / "a", findings, documents,
                  helper=helper)
    b = write_all(sample_warehouse["warehouse"], tmp_path / "b", findings, documents,
                  helper="none")
    assert [(d["county"], d["year"]) for d in a] == [(d["county"], d["year"]) for d in b]
    assert [d["evidence_images"] for d in a] == [d["evidence_images"] for d in b]
    assert sum(d["evidence_images"] for d in a) > 0
    files = _files(tmp_path / "a")
    assert files == _files(tmp_path / "b") and any(f.suffix == ".png" for f in files)
    stamp = re.compile(r"生成于 [0-9: -]+")
    for f in files:
        one, other = tmp_path / "a" / f, tmp_path / "b" / f
        if f.suffix == ".xlsx":
            x, y = load_workbook(one), load_workbook(other)
            assert [list(s.iter_rows(values_only=True)) for s in x] == \
                [list(s.iter_rows(values_only=True)) for s in y], f
        elif f.suffix in (".html", ".md"):
            assert stamp.sub("", one.read_text(encoding="utf-8")) == \
                stamp.sub("", other.read_text(encoding="utf-8")), f
        else:
            assert one.read_bytes() == other.read_bytes(), f
