"""The current-report rule: stated dates before first-seen times, replaced documents give way."""

import pandas as pd

from pipelines.load.build import _choose_current

RUN1, RUN2 = pd.Timestamp("2026-01-01 02:00"), pd.Timestamp("2026-02-01 02:00")


def _current(rows):
    frame = pd.DataFrame([{"agency_id": "a1", "report_year": 2021, "status": "ok", "facts_placed": 100,
                           "document_url": None, "sha256": "s-" + r["report_id"], **r} for r in rows])
    return list(frame.loc[_choose_current(frame), "report_id"])


def test_undated_old_copy_does_not_beat_a_dated_republication():
    assert _current([
        {"report_id": "old", "published_on": None, "first_seen": RUN1},
        {"report_id": "new", "published_on": "2022-05-12", "first_seen": RUN1},
    ]) == ["new"]
    # the old copy seen in an earlier run than the republication: still the dated one
    assert _current([
        {"report_id": "old", "published_on": None, "first_seen": RUN1},
        {"report_id": "new", "published_on": "2022-05-12", "first_seen": RUN2},
    ]) == ["new"]


def test_undated_document_that_appeared_later_is_the_newer_one():
    assert _current([
        {"report_id": "dated", "published_on": "2022-01-20", "first_seen": RUN1},
        {"report_id": "later", "published_on": None, "first_seen": RUN2},
    ]) == ["later"]
    assert _current([  # two undated: the later-seen one
        {"report_id": "u1", "published_on": None, "first_seen": RUN1},
        {"report_id": "u2", "published_on": None, "first_seen": RUN2},
    ]) == ["u2"]


def test_replaced_at_the_same_url_gives_way_to_its_replacement():
    url = "http://x.gov.cn/files/r.pdf"
    assert _current([
        {"report_id": "before", "published_on": "2022-01-20", "first_seen": RUN1, "document_url": url},
        {"report_id": "after", "published_on": "2022-01-20", "first_seen": RUN2, "document_url": url,
         "status": "partial", "facts_placed": 90},
    ]) == ["after"]
    # a later failed fetch of the same URL (no document) is no replacement
    assert _current([
        {"report_id": "before", "published_on": "2022-01-20", "first_seen": RUN1, "document_url": url},
        {"report_id": "u-failed", "published_on": "2022-01-20", "first_seen": RUN2, "document_url": url,
         "status": "failed", "facts_placed": 0, "sha256": None},
    ]) == ["before"]


def test_forms_of_one_publication_the_better_read_wins():
    assert _current([
        {"report_id": "html", "published_on": "2022-01-20", "first_seen": RUN1, "status": "partial",
         "document_url": "http://x/p.html"},
        {"report_id": "pdf", "published_on": "2022-01-20", "first_seen": RUN1, "document_url": "http://x/p.pdf"},
    ]) == ["pdf"]
