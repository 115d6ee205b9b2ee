"""From crawled documents and their extraction results to the warehouse's tables (frames).

Cumulative: documents the previous warehouse knew and this crawl did not see stay, with
their first_seen and last_seen; their facts are re-read from their cached results.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from pipelines.crawl.titles import parse_title
from pipelines.document.results import ResultStore
from pipelines.document.version import EXTRACTOR_VERSION
from pipelines.load.agencies import agency_id, agency_level, fullest_name
from pipelines.normalise.model import TABLE_OF_SECTION
from pipelines.core.spec import categories_rows
from pipelines.core.text import norm

DOC_COLUMNS = ["sha256", "raw_path", "media_type", "document_url", "page_url", "list_url",
               "title", "county", "agency_hint", "year_hint", "published_on", "fetched_at",
               "inline", "crawl_error"]
FACT_KEYS = {
    "fact_applications": ("row_code", "applicant"),
    "fact_proactive": ("item", "measure"),
    "fact_review_litigation": ("proceeding", "outcome"),
}
STATUS_RANK = {"ok": 0, "partial": 1, "unsupported": 2, "needs_ocr": 3, "failed": 4}
MEDIA_TYPES = {"pdf", "html", "docx", "doc"}


def county_id(county: str) -> str:
    return "cn_" + hashlib.sha1(norm(county).encode("utf-8")).hexdigest()[:10]


@dataclass
class Frames:
    tables: dict[str, pd.DataFrame]
    run: dict


def _missing_result(sha: str | None, error: str) -> dict:
    return {"sha256": sha, "report_id": None, "status": "failed", "error": error,
            "format": "unknown", "pages": None, "title": None, "facts": [], "unmapped": [],
            "extractor_version": EXTRACTOR_VERSION}


def _result_for(doc: dict, store: ResultStore) -> dict:
    if doc.get("crawl_error"):
        return _missing_result(None, doc["crawl_error"])
    if doc.get("sha256") and store.has(doc["sha256"]):
        return store.get(doc["sha256"])
    return _missing_result(doc.get("sha256"), "no extraction result for this document")


def _report_rows(docs: pd.DataFrame, store: ResultStore, now: pd.Timestamp,
                 previous: dict[str, pd.DataFrame]) -> tuple[list[dict], dict[str, dict]]:
    """One row per report_id, plus each report's extraction result."""
    rows: dict[str, dict] = {}
    results: dict[str, dict] = {}
    for doc in docs.to_dict("records"):
        result = _result_for(doc, store)
        rid = result.get("report_id") or "u" + hashlib.sha256(
            (doc.get("document_url") or "").encode()).hexdigest()[:63]
        doc_agency, doc_year = parse_title(result.get("title") or "")
        agency_name = doc.get("agency_hint") or doc_agency
        year = doc.get("year_hint") or doc_year
        media = doc.get("media_type") if doc.get("media_type") in MEDIA_TYPES else "other"
        row = {
            "report_id": rid, "county": doc["county"], "agency_name": agency_name,
            "report_year": int(year) if year and not pd.isna(year) else None,
            "format": result.get("format") or "unknown", "title": doc.get("title") or result.get("title"),
            "page_url": doc.get("page_url"), "document_url": doc.get("document_url"),
            "media_type": media, "sha256": doc.get("sha256") or None, "pages": result.get("pages"),
            # the list's date first; else the date of the detail page's metadata table
            "published_on": (doc.get("published_on") or (result.get("metadata") or {}).get(
                "published_on") or None), "fetched_at": doc.get("fetched_at"),
            **{k: (result.get("metadata") or {}).get(k) for k in ("publisher", "index_no",
                                                                   "doc_no")},
            "status": result["status"], "error": result.get("error"),
            "extractor_version": result.get("extractor_version"),
            "facts_placed": sum(f["kind"] == "number" for f in result["facts"]),
            "cells_unmapped": len(result["unmapped"]),
            "seen_now": bool(doc.get("seen_now", True)),
        }
        earlier = rows.get(rid)
        if earlier is not None:  # one document linked twice, or fetched on two visits
            earlier["fetched_at"] = max(filter(None, [earlier["fetched_at"], row["fetched_at"]]),
                                        default=None)
            continue
        rows[rid] = row
        results[rid] = result
    prev = previous.get("reports")
    prev_seen = ({} if prev is None or prev.empty else
                 prev.set_index("report_id")[["first_seen", "last_seen"]].to_dict("index"))
    for rid, row in rows.items():
        before = prev_seen.get(rid)
        row["first_seen"] = before["first_seen"] if before else now
        row["last_seen"] = now if row.pop("seen_now") else (before["last_seen"] if before else now)
    return list(rows.values()), results


def _choose_current(reports: pd.DataFrame) -> pd.Series:
    """Per agency and year: the latest publication, then the form that reads better."""
    r = reports.assign(
        _date=pd.to_datetime(reports["published_on"]).fillna(pd.to_datetime(reports["first_seen"])),
        _rank=reports["status"].map(STATUS_RANK),
    ).sort_values(["_date", "_rank", "facts_placed", "report_id"],
                  ascending=[False, True, False, True])
    current = pd.Series(False, index=reports.index)
    keyed = r[r["agency_id"].notna() & r["report_year"].notna()]
    current[keyed.drop_duplicates(["agency_id", "report_year"]).index] = True
    current[r[r["agency_id"].isna() | r["report_year"].isna()].index] = False
    return current


def build_frames(docs: pd.DataFrame, store: ResultStore, sources: list,
                 previous: dict[str, pd.DataFrame], run_id: str, started_at: pd.Timestamp,
                 crawl_log: pd.DataFrame) -> Frames:
    now = pd.Timestamp.now(tz="UTC").tz_localize(None)
    rows, results = _report_rows(docs, store, now, previous)
    reports = pd.DataFrame(rows)

    # Dimensions: counties from the sources file (and earlier runs), agencies from names seen.
    county_rows = {county_id(s.county): {"county_id": county_id(s.county), "county": s.county,
                                         "prefecture": s.prefecture, "province": s.province,
                                         "division_code": s.division_code} for s in sources}
    prev_counties = previous.get("counties")
    if prev_counties is not None:
        for c in prev_counties.to_dict("records"):
            county_rows.setdefault(c["county_id"], c)
    reports["county_id"] = reports["county"].map(county_id)
    named = reports[reports["agency_name"].notna()]
    reports["agency_id"] = [agency_id(n, c) if isinstance(n, str) and n else None
                            for n, c in zip(reports["agency_name"], reports["county"])]
    agencies = []
    for aid, group in named.assign(agency_id=reports["agency_id"]).groupby("agency_id"):
        county = group["county"].iloc[0]
        name = fullest_name(list(group["agency_name"]), county)
        agencies.append({"agency_id": aid, "agency_name": name, "county_id": county_id(county),
                         "level": agency_level(name, county),
                         "name_variants": sorted({norm(n) for n in group["agency_name"]})})
    reports["is_current"] = _choose_current(reports)

    # Facts: one row per cell as printed, current reports in fact_*, others in *_superseded.
    fact_rows: dict[str, list[dict]] = {t: [] for t in FACT_KEYS}
    unmapped_rows = []
    meta = reports.set_index("report_id")[["agency_id", "report_year"]].to_dict("index")
    for rid, result in results.items():
        m = meta[rid]
        for f in result["facts"]:
            table = TABLE_OF_SECTION[f["section"]]
            d1, d2 = FACT_KEYS[table]
            row = {"report_id": rid, "agency_id": m["agency_id"], "report_year": m["report_year"],
                   d1: f["dim1"], d2: f["dim2"], "value": f["value"], "raw_text": f["raw_text"],
                   "page": f["page"], "kind": f["kind"]}
            if table == "fact_proactive":
                row["unit"] = f["unit"]
            fact_rows[table].append(row)
        unmapped_rows += [{"report_id": rid, "section": u["section"], "label": u["label"],
                           "raw_text": u["raw_text"], "page": u["page"], "reason": u["reason"]}
                          for u in result["unmapped"]]
    current_ids = set(reports.loc[reports["is_current"], "report_id"])
    tables: dict[str, pd.DataFrame] = {}
    for table, frows in fact_rows.items():
        d1, d2 = FACT_KEYS[table]
        cols = ["report_id", "agency_id", "report_year", d1, d2, "value"]
        cols += (["unit"] if table == "fact_proactive" else []) + ["raw_text", "page", "kind"]
        frame = pd.DataFrame(frows, columns=cols)
        is_cur = frame["report_id"].isin(current_ids)
        tables[table] = frame[is_cur].reset_index(drop=True)
        tables[f"{table}_superseded"] = frame[~is_cur].reset_index(drop=True)

    prev_reports = previous.get("reports")
    prev_ids = set() if prev_reports is None else set(prev_reports["report_id"])
    seen = reports[reports["last_seen"] == now]
    changed = 0
    if prev_reports is not None and not prev_reports.empty:
        before = prev_reports.set_index("document_url")["report_id"].to_dict()
        changed = int(sum(u in before and before[u] != rid
                          for u, rid in zip(seen["document_url"], seen["report_id"])))
    run = {"run_id": run_id, "started_at": started_at, "finished_at": None,
           "extractor_version": EXTRACTOR_VERSION, "reports_seen": len(seen),
           "reports_new": int((~seen["report_id"].isin(prev_ids)).sum()),
           "reports_changed": changed,
           "reports_failed": int(seen["status"].isin(["failed", "needs_ocr", "unsupported"]).sum())}
    runs = pd.concat([previous.get("runs", pd.DataFrame()), pd.DataFrame([run])],
                     ignore_index=True)

    tables.update({
        "counties": pd.DataFrame(list(county_rows.values()),
                                 columns=["county_id", "county", "prefecture", "province",
                                          "division_code"]),
        "agencies": pd.DataFrame(agencies, columns=["agency_id", "agency_name", "county_id",
                                                    "level", "name_variants"]),
        "reports": reports.drop(columns=["county", "agency_name"]),
        "categories": pd.DataFrame(categories_rows()),
        "unmapped_cells": pd.DataFrame(unmapped_rows, columns=["report_id", "section", "label",
                                                               "raw_text", "page", "reason"]),
        "crawl_log": crawl_log,
        "runs": runs,
    })
    return Frames(tables, run)
