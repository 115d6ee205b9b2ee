"""A report republished later for the same agency and year becomes current; the old one stays,
not current, its facts in the *_superseded tables (build_frames, the loader's logic)."""

import pandas as pd

from pipelines.document.document import extract_document
from pipelines.document.results import ResultStore
from pipelines.load.build import DOC_COLUMNS, build_frames
from pipelines.core.lake import RawStore
from pipelines.core.sources import Source
from tests.conftest import SAMPLE

TITLE = "柳溪镇人民政府2020年政府信息公开工作年度报告"


def _doc(data_dir, path: str, title: str, published_on: str | None, fetched_at: str) -> dict:
    data = (SAMPLE / "portal" / path).read_bytes()
    sha = RawStore(data_dir).put(data)
    ResultStore(data_dir).put(extract_document(data, "html"))
    return {"sha256": sha, "raw_path": RawStore(data_dir).relpath(sha), "media_type": "html",
            "document_url": f"http://portal.example/{path}", "page_url": f"http://portal.example/{path}",
            "list_url": "http://portal.example/index.html", "title": title, "county": "青山县",
            "agency_hint": "柳溪镇" if "更正" in title else "柳溪镇人民政府", "year_hint": 2020,
            "published_on": published_on, "fetched_at": fetched_at, "inline": True, "crawl_error": None}


def _build(data_dir, docs: list[dict], previous: dict) -> dict[str, pd.DataFrame]:
    frame = pd.DataFrame(docs, columns=DOC_COLUMNS)
    frame["seen_now"] = True
    frames = build_frames(frame, ResultStore(data_dir), [Source(county="青山县", start_urls=("http://portal.example/",))],
                          previous, "run", pd.Timestamp.now(), pd.DataFrame())
    return frames.tables


def test_republished_report_becomes_current_and_the_old_one_stays(tmp_path):
    original = _doc(tmp_path, "202102/t20210208_1004.html", TITLE, "2021-02-08", "2021-02-09T00:00:00Z")
    first = _build(tmp_path, [original], {})
    (old_id,) = first["reports"]["report_id"]
    assert bool(first["reports"]["is_current"].iloc[0])
    # months later: a corrected version (other content, a later date, a shorter agency spelling)
    corrected = _doc(tmp_path, "202102/t20210203_1003.html", TITLE.replace("报告", "报告（更正）"),
                     "2021-06-30", "2021-07-01T00:00:00Z")
    previous = {"reports": first["reports"], "names": pd.DataFrame(
        {"report_id": [old_id], "agency_name": ["柳溪镇人民政府"], "county": ["青山县"]})}
    second = _build(tmp_path, [original, corrected], previous)
    reports = second["reports"].set_index("report_id")
    assert len(reports) == 2
    new_id = next(i for i in reports.index if i != old_id)
    assert reports.loc[new_id, "is_current"] and not reports.loc[old_id, "is_current"]
    assert reports["agency_id"].nunique() == 1 and set(reports["report_year"]) == {2020}
    assert reports.loc[old_id, "first_seen"] == first["reports"]["first_seen"].iloc[0]
    for table in ("fact_applications", "fact_proactive", "fact_review_litigation"):
        assert set(second[table]["report_id"]) <= {new_id}
        assert set(second[f"{table}_superseded"]["report_id"]) <= {old_id}
    assert len(second["fact_proactive"]) and len(second["fact_proactive_superseded"])
    (agency,) = second["agencies"].to_dict("records")
    assert agency["agency_name"] == "柳溪镇人民政府" and agency["level"] == "town"


def test_forms_of_one_publication_prefer_the_one_that_reads_better(tmp_path):
    good = _doc(tmp_path, "202102/t20210208_1004.html", TITLE, "2021-02-08", "2021-02-09T00:00:00Z")
    broken = dict(good, sha256="0" * 64, raw_path="raw/00/" + "0" * 64, media_type="pdf",
                  document_url="http://portal.example/202102/P0.pdf")  # no extraction result: failed
    reports = _build(tmp_path, [broken, good], {})["reports"].set_index("document_url")
    assert reports.loc[good["document_url"], "is_current"]
    assert not reports.loc[broken["document_url"], "is_current"]
    assert reports.loc[broken["document_url"], "status"] == "failed"
