"""The typed models and the one serialiser of the result cache: a round trip gives the same
result; a file of another schema version (or the untyped files of before) is a miss, and the
document is extracted again rather than mis-read; a damaged file of this version is said,
removed by the build and extracted again by the next run."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from pipelines.core.lake import RawStore
from pipelines.core.models import (RESULT_SCHEMA_VERSION, DocumentRef, ExtractionResult, Fact,
                                   Finding, Format, KnownDocument, MediaType, Severity, Status,
                                   UnplacedCell, dump_result, load_result, schema_version_of,
                                   warehouse_media_type)
from pipelines.document.batch import Job, extract_all
from pipelines.document.document import extract_document
from pipelines.document.results import DamagedResult, ResultStore
from tests.conftest import SAMPLE


def _result() -> ExtractionResult:
    return ExtractionResult(
        sha256="ab" * 32, extractor_version="1.test", media_type=MediaType.PDF,
        status=Status.PARTIAL, error="section 四 table not found", format=Format.F2021, pages=3,
        report_id="ab" * 32, title="柳溪镇人民政府2021年政府信息公开工作年度报告",
        sections=["proactive", "applications"], table_pages=[2, 3],
        facts=[Fact("applications", "granted", "total", "3", 3.0, None, 2, "number"),
               Fact("proactive", "administrative_fees", "fee_amount", "1.5", 1.5, "万元", 3,
                    "number", bbox=[10.0, 20.0, 30.0, 40.0], confidence=0.97),
               Fact("applications", "carried_over", "total", "/", None, None, 2, "blank")],
        unmapped=[UnplacedCell("applications", "其他", "7", 3, "unknown row label")],
        timings={"total_ms": 12.5}, narrative="一、总体情况 全年共收到申请3件。",
        publisher="柳溪镇人民政府", index_no="000-2022-001", published_on="2022-01-20")


def test_round_trip_gives_the_same_result():
    r = _result()
    data = dump_result(r)
    assert data.startswith(b'{"schema_version":%d,' % RESULT_SCHEMA_VERSION)
    back = load_result(data)
    assert back == r
    assert isinstance(back.status, Status) and back.status == "partial"
    assert isinstance(back.facts[1], Fact) and back.facts[1].bbox == [10.0, 20.0, 30.0, 40.0]
    assert json.loads(data)["format"] == "2021"  # the contract's strings in the file


def test_a_real_document_round_trips(tmp_path):
    html = next((SAMPLE / "portal").rglob("*.html"))
    r = extract_document(html.read_bytes(), "html")
    store = ResultStore(tmp_path)
    store.put(r)
    assert store.has(r.sha256)
    assert store.get(r.sha256) == r


def test_an_older_schema_is_a_miss_never_a_misread(tmp_path):
    r = _result()
    store = ResultStore(tmp_path, version="1.test")
    path = store.path(r.sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The untyped file of before: the same members, no schema_version.
    legacy = json.loads(dump_result(r))
    legacy.pop("schema_version")
    path.write_text(json.dumps(legacy, ensure_ascii=False), encoding="utf-8")
    assert not store.has(r.sha256) and store.get(r.sha256) is None
    # A newer or older version number: a miss too.
    for version in (RESULT_SCHEMA_VERSION - 1, RESULT_SCHEMA_VERSION + 1):
        path.write_bytes(dump_result(r).replace(
            b'"schema_version":%d' % RESULT_SCHEMA_VERSION, b'"schema_version":%d' % version, 1))
        assert schema_version_of(path.read_bytes()[:64]) == version
        assert not store.has(r.sha256) and store.get(r.sha256) is None
    # The current version whose members do not validate: a miss, not a half-read result.
    path.write_bytes(dump_result(r).replace(b'"status":"partial"', b'"status":"fine"'))
    assert store.has(r.sha256) and store.get(r.sha256) is None
    path.write_bytes(dump_result(r))
    assert store.get(r.sha256) == r


def test_a_cached_file_of_an_older_schema_is_extracted_again(tmp_path):
    html = next((SAMPLE / "portal").rglob("*.html"))
    sha = RawStore(tmp_path).put(html.read_bytes())
    jobs = [Job(sha, "html")]
    assert extract_all(jobs, str(tmp_path))["extracted"] == 1
    cached = extract_all(jobs, str(tmp_path))
    assert (cached["extracted"], cached["cached"]) == (0, 1)
    store = ResultStore(tmp_path)
    old = json.loads(store.path(sha).read_bytes())
    old.pop("schema_version")
    store.path(sha).write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    again = extract_all(jobs, str(tmp_path))
    assert (again["extracted"], again["cached"]) == (1, 0)
    assert store.has(sha) and store.get(sha).sha256 == sha


def test_results_validate_on_assignment():
    r = _result()
    r.status = "failed"
    assert r.status is Status.FAILED
    with pytest.raises(ValidationError):
        r.status = "fine"
    with pytest.raises(ValidationError):
        r.format = "2020"


def test_enums_are_the_contracts_strings():
    assert [s.value for s in Status] == ["ok", "partial", "failed", "needs_ocr", "unsupported"]
    assert {m.value for m in MediaType} == {"pdf", "html", "docx", "doc", "wps", "other"}
    assert [f.value for f in Format] == ["2019", "2021", "unknown"]
    assert Severity.ERROR == "error" and f"{Status.NEEDS_OCR}" == "needs_ocr"
    assert warehouse_media_type("wps") == "other" and warehouse_media_type(None) == "other"
    assert warehouse_media_type("docx") == "docx"


def test_the_extractor_never_raises_and_says_why():
    r = extract_document(b"%PDF-1.4 not really", "pdf")
    assert r.status in (Status.FAILED, Status.NEEDS_OCR) and r.error
    assert r.media_type is MediaType.PDF and r.facts == [] and "total_ms" in r.timings
    r = extract_document(b"\x00\x01binary", None)
    assert r.status is Status.UNSUPPORTED and r.media_type is MediaType.OTHER


def test_known_document_reads_a_frame_row():
    nan = float("nan")
    d = KnownDocument.from_record({"sha256": "ab", "county": "青山县", "year_hint": 2021.0,
                                   "agency_hint": nan, "crawl_error": None, "seen_now": nan,
                                   "unknown_column": 1})
    assert (d.sha256, d.year_hint, d.agency_hint, d.seen_now) == ("ab", 2021, None, True)
    ref = DocumentRef.from_dict({"sha256": "ab", "raw_path": "raw/ab/ab", "media_type": "pdf",
                                 "document_url": "u", "page_url": "p", "list_url": "l",
                                 "title": "t", "county": "c", "agency_hint": None,
                                 "year_hint": None, "published_on": None, "fetched_at": "now",
                                 "inline": False, "extra": 1})
    assert ref.to_dict()["publisher"] is None


def test_a_finding_is_a_quality_issues_row():
    f = Finding("r", "a", 2021, "applications_balance", Severity.ERROR, "applications", "d",
                1.0, 2.0, "fact_applications:new_received/total")
    row = f.row()
    assert row["severity"] == "error" and type(row["severity"]) is str
    assert list(row)[:9] == ["report_id", "agency_id", "report_year", "check_name", "severity",
                             "section", "detail", "expected", "actual"]


def test_a_damaged_result_is_said_removed_by_the_build_and_extracted_again(tmp_path):
    """A result cut short after it was written passes `has` (its first bytes are right), so
    extraction counts it as cached; the build finds it, says so on the report and removes it;
    the next run extracts the document again and, though the inputs' fingerprint is the same,
    does not take the night for a no-change one."""
    import pandas as pd

    from pipelines.core.settings import Settings
    from pipelines.load.build import _result_for
    from pipelines.stages.steps import results_arrived

    html = next((SAMPLE / "portal").rglob("*.html"))
    sha = RawStore(tmp_path).put(html.read_bytes())
    jobs = [Job(sha, "html")]
    extract_all(jobs, str(tmp_path))
    store = ResultStore(tmp_path)
    whole = store.get(sha)
    store.path(sha).write_bytes(store.path(sha).read_bytes()[:300])
    assert store.has(sha) and store.get(sha) is None
    with pytest.raises(DamagedResult, match=r"\(300 bytes\) does not load: cut short or altered"):
        store.read(sha)
    assert extract_all(jobs, str(tmp_path))["cached"] == 1  # as extraction sees it

    failed = _result_for(KnownDocument(sha256=sha, media_type="html"), store)
    assert failed.status == Status.FAILED and failed.report_id is None
    assert failed.error.startswith("its extraction result was damaged and is removed, to be "
                                   "read again by the next run: ")
    assert str(store.path(sha)) in failed.error
    assert not store.path(sha).exists()

    # The warehouse published with that report ("u…": no result); the next night's check.
    previous = {"reports": pd.DataFrame({"report_id": ["u" + "0" * 63, sha], "sha256": [sha, None]})}
    settings = Settings.resolve(data_dir=str(tmp_path / "data"), lake=str(tmp_path))
    assert results_arrived(settings, previous) == []  # not extracted again yet
    assert extract_all(jobs, str(tmp_path))["extracted"] == 1
    assert store.get(sha).facts == whole.facts
    assert results_arrived(settings, previous) == [sha]
