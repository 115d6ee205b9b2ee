"""From crawled documents and their extraction results to the warehouse's tables (frames).

Cumulative: documents the previous warehouse knew and this crawl did not see stay, with
their first_seen and last_seen; their facts are re-read from their cached results.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from pipelines.core.models import (DOC_COLUMNS, STATUS_RANK, UNREADABLE, ExtractionResult, Fact,
                                   KnownDocument, warehouse_media_type)
from pipelines.core.registry import SECTION, SECTIONS, Section, categories_rows
from pipelines.core.text import norm
from pipelines.crawl.titles import parse_title
from pipelines.document.results import DamagedResult, ResultStore
from pipelines.document.version import EXTRACTOR_VERSION
from pipelines.load import corrections as corr
from pipelines.load.agencies import agency_id, agency_level, fullest_name

__all__ = ["DOC_COLUMNS", "Frames", "build_frames", "county_id", "fact_columns", "fact_record",
           "fact_rows"]

COUNTY_COLUMNS = ["county_id", "county", "prefecture", "province", "division_code"]
AGENCY_COLUMNS = ["agency_id", "agency_name", "county_id", "level", "name_variants", "on_roster"]
UNMAPPED_COLUMNS = ["report_id", "section", "label", "raw_text", "page", "reason"]


def county_id(county: str) -> str:
    return "cn_" + hashlib.sha1(norm(county).encode("utf-8")).hexdigest()[:10]


@dataclass
class Frames:
    tables: dict[str, pd.DataFrame]
    run: dict


# --- fact rows: shaped here and only here (the loader and `gongkai extract` both use it) -------

def fact_columns(section: Section, context: bool = True) -> list[str]:
    """A fact table's columns as the loader stages them (`context`: with agency, year and the
    fact's kind) or as `gongkai extract` prints them (the contract's cell columns)."""
    cols = ["report_id"] + (["agency_id", "report_year"] if context else [])
    cols += [section.d1, section.d2, "value"] + (["unit"] if section.has_unit else [])
    return cols + ["raw_text", "page", "bbox"] + (["kind", "confidence"] if context else [])


def fact_record(section: Section, fact: Fact, report_id: str | None,
                context: dict | None = None) -> dict:
    """One fact as a row of its table (`context`: agency_id and report_year to add)."""
    row = {"report_id": report_id}
    if context is not None:
        row["agency_id"], row["report_year"] = context["agency_id"], context["report_year"]
    row[section.d1], row[section.d2], row["value"] = fact.dim1, fact.dim2, fact.value
    row["raw_text"], row["page"], row["bbox"] = fact.raw_text, fact.page, fact.bbox
    if context is not None:
        row["kind"] = fact.kind
        row["confidence"] = fact.confidence
    if section.has_unit:
        row["unit"] = fact.unit
    return row


def fact_rows(result: ExtractionResult, report_id: str | None,
              context: dict | None = None) -> dict[str, list[dict]]:
    """fact table → the rows of one result's facts."""
    rows: dict[str, list[dict]] = {s.table: [] for s in SECTIONS}
    for f in result.facts:
        section = SECTION[f.section]
        rows[section.table].append(fact_record(section, f, report_id, context))
    return rows


# --- reports ------------------------------------------------------------------------------

def _missing_result(sha: str | None, error: str) -> ExtractionResult:
    # Imported here: the extractor's module loads the readers (python-docx, pdfium), which a
    # no-change night, importing this module for its columns, never uses.
    from pipelines.document.document import failed_result

    result = failed_result(sha, None, error)
    result.report_id = None
    return result


def _result_for(doc: KnownDocument, store: ResultStore) -> ExtractionResult:
    if doc.crawl_error:
        return _missing_result(None, doc.crawl_error)
    if doc.sha256:
        try:
            cached = store.read(doc.sha256)
        except DamagedResult as damaged:
            # Extraction counted it as cached (its first bytes are right): removed, the next
            # run extracts the document again; until then the report says why it has no facts.
            store.discard(doc.sha256)
            return _missing_result(doc.sha256, f"its extraction result was damaged and is "
                                               f"removed, to be read again by the next run: "
                                               f"{damaged}")
        if cached is not None:
            return cached
    return _missing_result(doc.sha256, "no extraction result for this document")


# The report_id of a report built without an extraction result (a failed fetch, a result
# missing or damaged): a result always names its report (its sha256, or "h…" for HTML).
NO_RESULT = "u"


def without_result(reports: pd.DataFrame) -> pd.Series:
    """Which of the warehouse's reports rows were built without an extraction result."""
    return reports["report_id"].str.startswith(NO_RESULT, na=False)


def _report_row(doc: KnownDocument, result: ExtractionResult) -> dict:
    rid = result.report_id or NO_RESULT + hashlib.sha256(
        (doc.document_url or "").encode()).hexdigest()[:63]
    doc_agency, doc_year = parse_title(result.title or "")
    year = doc.year_hint or doc_year
    return {
        "report_id": rid, "county": doc.county, "agency_name": doc.agency_hint or doc_agency,
        "report_year": int(year) if year else None,
        "format": str(result.format), "title": doc.title or result.title,
        "page_url": doc.page_url, "document_url": doc.document_url,
        "media_type": str(warehouse_media_type(doc.media_type)), "sha256": doc.sha256 or None,
        # the list's date first; else the date of the detail page's metadata table
        "pages": result.pages, "published_on": doc.published_on or result.published_on or None,
        # the detail page's metadata table, where the document has one
        "publisher": result.publisher, "index_no": result.index_no, "doc_no": result.doc_no,
        "fetched_at": doc.fetched_at, "status": str(result.status), "error": result.error,
        "read_by": str(result.read_by) if result.read_by else None,
        "extractor_version": result.extractor_version, "facts_placed": result.facts_placed,
        "cells_unmapped": len(result.unmapped), "seen_now": doc.seen_now,
    }


def _seen_dates(rows: dict[str, dict], previous: dict[str, pd.DataFrame],
                now: pd.Timestamp) -> None:
    """first_seen and last_seen: from the previous warehouse, else now."""
    prev = previous.get("reports")
    prev_seen = ({} if prev is None or prev.empty else
                 prev.set_index("report_id")[["first_seen", "last_seen"]].to_dict("index"))
    for rid, row in rows.items():
        before = prev_seen.get(rid)
        row["first_seen"] = before["first_seen"] if before else now
        row["last_seen"] = now if row.pop("seen_now") else (before["last_seen"] if before else now)


def _report_rows(docs: pd.DataFrame, store: ResultStore, now: pd.Timestamp,
                 previous: dict[str, pd.DataFrame]
                 ) -> tuple[list[dict], dict[str, ExtractionResult]]:
    """One row per report_id, plus each report's extraction result."""
    rows: dict[str, dict] = {}
    results: dict[str, ExtractionResult] = {}
    for record in docs.to_dict("records"):
        doc = KnownDocument.from_record(record)
        result = _result_for(doc, store)
        row = _report_row(doc, result)
        rid = row["report_id"]
        earlier = rows.get(rid)
        if earlier is not None:  # one document linked twice, or fetched on two visits
            earlier["fetched_at"] = max(filter(None, [earlier["fetched_at"], row["fetched_at"]]),
                                        default=None)
            continue
        rows[rid] = row
        results[rid] = result
    _seen_dates(rows, previous, now)
    return list(rows.values()), results


def _choose_current(reports: pd.DataFrame) -> pd.Series:
    """Per agency and year: the latest publication, then the form that reads better.

    A publication's date is the one the list, the page or the document states
    (`published_on`). A report with no stated date falls back to when it was first seen only
    if that was after every dated report of its agency and year was first seen (it appeared
    later, so it is the newer one); an undated copy seen with or before a dated publication
    never beats it (a run's timestamp is not a publication date). Among reports of one date, a
    document replaced at the same URL by one seen later (found by revalidation) gives way to
    its replacement; then ok over partial over failed, then more placed cells."""
    stated = pd.to_datetime(reports["published_on"], errors="coerce")
    first = pd.to_datetime(reports["first_seen"])
    group = [reports["agency_id"].fillna(""), reports["report_year"].fillna(-1)]
    dated_first = first.where(stated.notna()).groupby(group).transform("max")
    undated = first.where(stated.isna() & (dated_first.isna() | (first > dated_first)))
    url = reports["document_url"].fillna("")
    fetched_first = first.where(reports["sha256"].notna()) if "sha256" in reports else first
    replaced = (url != "") & (first < fetched_first.groupby([*group, url]).transform("max"))
    r = reports.assign(
        _date=stated.fillna(undated), _replaced=replaced,
        _rank=reports["status"].map(STATUS_RANK),
    ).sort_values(["_date", "_replaced", "_rank", "facts_placed", "report_id"],
                  ascending=[False, True, True, False, True], na_position="last")
    current = pd.Series(False, index=reports.index)
    keyed = r[r["agency_id"].notna() & r["report_year"].notna()]
    current[keyed.drop_duplicates(["agency_id", "report_year"]).index] = True
    current[r[r["agency_id"].isna() | r["report_year"].isna()].index] = False
    return current


def _counties(sources: list, previous: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Counties from the sources file, and those earlier runs knew."""
    rows = {county_id(s.county): {"county_id": county_id(s.county), "county": s.county,
                                  "prefecture": s.prefecture, "province": s.province,
                                  "division_code": s.division_code} for s in sources}
    prev = previous.get("counties")
    if prev is not None:
        for c in prev.to_dict("records"):
            rows.setdefault(c["county_id"], c)
    return pd.DataFrame(list(rows.values()), columns=COUNTY_COLUMNS)


def _agencies(reports: pd.DataFrame, sources: list = ()) -> pd.DataFrame:
    """One agency per agency_id the reports name, with its fullest official name, and one per
    agency on a source's roster (`agencies = [...]`: expected to publish, published or not).
    Sets `county_id` and `agency_id` on `reports`."""
    reports["county_id"] = reports["county"].map(county_id)
    named = reports[reports["agency_name"].notna()]
    reports["agency_id"] = [agency_id(n, c) if isinstance(n, str) and n else None
                            for n, c in zip(reports["agency_name"], reports["county"])]
    roster = {agency_id(n, s.county): (n, s.county) for s in sources
              for n in getattr(s, "agencies", ()) or ()}
    agencies = []
    for aid, group in named.assign(agency_id=reports["agency_id"]).groupby("agency_id"):
        county = group["county"].iloc[0]
        names = list(group["agency_name"]) + ([roster[aid][0]] if aid in roster else [])
        name = fullest_name(names, county)
        agencies.append({"agency_id": aid, "agency_name": name, "county_id": county_id(county),
                         "level": agency_level(name, county),
                         "name_variants": sorted({norm(n) for n in names}),
                         "on_roster": aid in roster})
    known = {a["agency_id"] for a in agencies}
    for aid, (name, county) in roster.items():
        if aid not in known:
            agencies.append({"agency_id": aid, "agency_name": name, "county_id": county_id(county),
                             "level": agency_level(name, county), "name_variants": [norm(name)],
                             "on_roster": True})
    return pd.DataFrame(agencies, columns=AGENCY_COLUMNS)


def _facts(results: dict[str, ExtractionResult], reports: pd.DataFrame
           ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """One row per cell as printed: current reports' in fact_*, the others' in *_superseded;
    and every unplaced cell."""
    rows: dict[str, list[dict]] = {s.table: [] for s in SECTIONS}
    unmapped = []
    meta = reports.set_index("report_id")[["agency_id", "report_year"]].to_dict("index")
    for rid, result in results.items():
        for table, frows in fact_rows(result, rid, meta[rid]).items():
            rows[table] += frows
        unmapped += [{"report_id": rid, "section": u.section, "label": u.label,
                      "raw_text": u.raw_text, "page": u.page, "reason": u.reason}
                     for u in result.unmapped]
    current_ids = set(reports.loc[reports["is_current"], "report_id"])
    tables: dict[str, pd.DataFrame] = {}
    for section in SECTIONS:
        frame = pd.DataFrame(rows[section.table], columns=fact_columns(section))
        is_cur = frame["report_id"].isin(current_ids)
        tables[section.table] = frame[is_cur].reset_index(drop=True)
        tables[section.superseded] = frame[~is_cur].reset_index(drop=True)
    return tables, pd.DataFrame(unmapped, columns=UNMAPPED_COLUMNS)


def _run_row(reports: pd.DataFrame, previous: dict[str, pd.DataFrame], now: pd.Timestamp,
             run_id: str, started_at: pd.Timestamp) -> dict:
    """This run's row of `runs`: what its crawl saw, new, changed and unreadable."""
    prev_reports = previous.get("reports")
    prev_ids = set() if prev_reports is None else set(prev_reports["report_id"])
    seen = reports[reports["last_seen"] == now]
    changed = 0
    if prev_reports is not None and not prev_reports.empty:
        before = prev_reports.set_index("document_url")["report_id"].to_dict()
        changed = int(sum(u in before and before[u] != rid
                          for u, rid in zip(seen["document_url"], seen["report_id"])))
    return {"run_id": run_id, "started_at": started_at, "finished_at": None,
            "extractor_version": EXTRACTOR_VERSION, "reports_seen": len(seen),
            "reports_new": int((~seen["report_id"].isin(prev_ids)).sum()),
            "reports_changed": changed,
            "reports_failed": int(seen["status"].isin([str(s) for s in UNREADABLE]).sum())}


def build_frames(docs: pd.DataFrame, store: ResultStore, sources: list,
                 previous: dict[str, pd.DataFrame], run_id: str, started_at: pd.Timestamp,
                 crawl_log, corrections: pd.DataFrame | None = None) -> Frames:
    """The warehouse's tables; `crawl_log` is passed through as given (a frame, or the
    Parquet file pipelines.load.crawl_log made); `corrections` (the rows of the corrections file, see
    pipelines/load/corrections.py) are applied to the facts and listed in `corrections`."""
    now = pd.Timestamp.now(tz="UTC").tz_localize(None)
    rows, results = _report_rows(docs, store, now, previous)
    reports = pd.DataFrame(rows)
    counties = _counties(sources, previous)
    agencies = _agencies(reports, sources)
    reports["is_current"] = _choose_current(reports)
    tables, unmapped = _facts(results, reports)
    run = _run_row(reports, previous, now, run_id, started_at)
    runs = pd.concat([previous.get("runs", pd.DataFrame()), pd.DataFrame([run])],
                     ignore_index=True)
    tables.update({
        "counties": counties,
        "agencies": agencies,
        "reports": reports.drop(columns=["county", "agency_name"]),
        "categories": pd.DataFrame(categories_rows()),
        "unmapped_cells": unmapped,
        "crawl_log": crawl_log,
        "runs": runs,
    })
    corr.apply(tables, corrections if corrections is not None else corr.read_file(None))
    return Frames(tables, run)
