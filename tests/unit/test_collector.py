"""Collection paused while a PDF's text layer is read (pipelines.core.collector): off
inside, the caller's state after, also when reading raises or blocks overlap in threads."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from pipelines.document import document
from pipelines.core.collector import collection_paused
from pipelines.parse import pdf_tables

PDF = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "docs" / "L01_bh-gov_2019.pdf"


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    gc.enable() if was else gc.disable()


def test_off_while_the_tables_are_read_and_on_after(collector_on, monkeypatch):
    seen = []
    read_tables = pdf_tables.read_tables
    monkeypatch.setattr(pdf_tables, "read_tables",
                        lambda *a: (seen.append(gc.isenabled()), read_tables(*a)))
    result = document.extract_document(PDF.read_bytes(), "pdf")
    assert result.status == "ok" and seen == [False]
    assert gc.isenabled()


def test_on_after_reading_raised(collector_on, monkeypatch):
    def fail(*_):
        raise RuntimeError("camelot broke")

    monkeypatch.setattr(pdf_tables, "read_tables", fail)
    result = document.extract_document(PDF.read_bytes(), "pdf")
    assert result.status == "failed" and "camelot broke" in result.error
    assert gc.isenabled()
    # a document that is no PDF at all leaves the block by UnreadablePdf
    assert document.extract_document(b"%PDF-1.4 not really", "pdf").status == "failed"
    assert gc.isenabled()


def test_a_caller_that_turned_it_off_keeps_it_off(collector_on):
    gc.disable()
    document.extract_document(PDF.read_bytes(), "pdf")
    assert not gc.isenabled()


def test_overlapping_blocks_resume_when_the_last_ends(collector_on):
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with collection_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with collection_paused():
            second_in.set()
            first_out.wait(5)
            seen["after the first ended"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after the first ended": False}
    assert gc.isenabled()
