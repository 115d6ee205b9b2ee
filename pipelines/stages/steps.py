"""The pipeline's steps as plain functions: crawl → documents → results → frames → warehouse.

Each step takes the data the step before it produced and returns its own; the Dagster assets
(assets/) call these, and Dagster's IO manager stores what they return under the lake root.
The only files written here are the engine's own: the raw store and per-document results in
the lake (crawl, extract), the crawler's log and state, and the published warehouse and its
exports (publish, the one DuckDB writer). Nothing here imports dagster.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from pipelines.crawl import crawl_source
from pipelines.crawl.models import CrawlResult, crawl_digest
from pipelines.document.results import ResultStore
from pipelines.document.version import EXTRACTOR_VERSION
from pipelines.load import corrections as corr
from pipelines.load import export
from pipelines.load.build import DOC_COLUMNS, county_id, without_result
from pipelines.core.code_digest import files_digest
from pipelines.core.lake import check_lake, lake_path
from pipelines.core.settings import Settings
from pipelines.core.sources import load_sources

from pipelines.core.registry import FACT_TABLES  # noqa: E402  (re-exported: the registry's)

# The extractor (pdfium, camelot), the loader (DuckDB) and the checks are imported where a
# step needs them: a night with nothing new never loads them.

SUPERSEDED_TABLES = tuple(f"{t}_superseded" for t in FACT_TABLES)
DIMENSION_TABLES = ("counties", "agencies", "reports", "categories")
ALL_TABLES = (DIMENSION_TABLES + FACT_TABLES + SUPERSEDED_TABLES
              + ("quality_issues", "unmapped_cells", "crawl_log", "runs", "corrections"))
ENTRY_COLUMNS = ["county", "title", "agency_hint", "year_hint", "published_on", "page_url",
                 "list_url", "document_url", "sha256", "crawl_error"]


# --- crawl: list pages → report index → documents in the raw store --------------------------

@dataclass
class CountyCrawl:
    documents: pd.DataFrame  # DOC_COLUMNS: fetched documents and those that failed to fetch
    failures: list[dict]
    requests: int
    summary: dict
    results: list[CrawlResult]  # one per source of the county
    # SOURCE_COLUMNS: per source of the county, its list pattern, entries, revalidation and
    # why its list yielded nothing (crawl_empty)
    sources: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SOURCE_COLUMNS))

    @property
    def digest(self) -> str:
        """What the crawl found (crawl_digest): equal digests, the same input downstream."""
        return crawl_digest(self.results)

    def add(self, other: "CountyCrawl") -> None:
        """Another source of the same county: its documents and failures beside these (a
        document both list is kept once: fetched rather than failed, else as listed first)."""
        both = pd.concat([self.documents, other.documents], ignore_index=True)
        fetched_first = both["crawl_error"].notna().argsort(kind="stable")
        both = both.iloc[fetched_first]
        self.documents = both[~both["document_url"].duplicated()].sort_index().reset_index(drop=True)
        self.failures += other.failures
        self.requests += other.requests
        for key in ("failures", "list_pages", "skipped_titles", "fetched", "seconds"):
            self.summary[key] += other.summary[key]
        self.summary["documents"] = int(self.documents["crawl_error"].isna().sum())
        self.summary["seconds"] = round(self.summary["seconds"], 2)
        self.results += other.results

    @property
    def entries(self) -> pd.DataFrame:
        """The report index: one row per annual-report entry of the list pages."""
        return self.documents.reindex(columns=ENTRY_COLUMNS)


SOURCE_COLUMNS = ["county", "start_url", "pattern", "entries", "documents", "failures", "list_pages",
                  "skipped_titles", "revalidated", "replaced", "empty_reason", "seconds"]


def sources_frame(stored: dict[str, pd.DataFrame] | pd.DataFrame | None,
                  counties: list[str] | None = None) -> pd.DataFrame:
    """The crawl_sources output ({county: frame}, as the IO manager hands a partitioned asset
    over) as one frame, in the order of `counties` (those of the sources file) when given."""
    if stored is None:
        stored = {}
    if isinstance(stored, pd.DataFrame):
        stored = {c: f for c, f in stored.groupby("county", sort=False)} if len(stored) else {}
    names = list(counties) if counties is not None else list(stored)
    frames = [stored[c] for c in names if c in stored and stored[c] is not None and len(stored[c])]
    return (pd.concat(frames, ignore_index=True).reindex(columns=SOURCE_COLUMNS) if frames
            else pd.DataFrame(columns=SOURCE_COLUMNS))


def crawl_sources(settings: Settings) -> pd.DataFrame:
    """Per source of the sources file, what its last crawl found (pattern, entries, why a list
    yielded nothing): the crawl_sources asset as the IO manager stored it in the lake
    (<lake>/assets/crawl_sources/<county>.parquet)."""
    root = lake_path(settings.lake) / "assets" / "crawl_sources"
    stored = {}
    for county in dict.fromkeys(s.county for s in load_sources(settings.sources_file)):
        path = root / f"{county}.parquet"
        try:
            with path.open("rb") as f:
                stored[county] = pd.read_parquet(f)
        except (FileNotFoundError, OSError):
            continue
    return sources_frame(stored, list(stored))


def crawl(settings: Settings, counties: list[str] | None = None) -> dict[str, CountyCrawl]:
    """Crawl the sources of `counties` (all when None), county by county."""
    sources = [s for s in load_sources(settings.sources_file)
               if counties is None or s.county in counties]
    check_lake(settings.lake)  # the store down: stop now, not one failed report per document
    out: dict[str, CountyCrawl] = {}
    per_source: dict[str, list[dict]] = {}
    for source in sources:
        t0 = time.perf_counter()
        result = crawl_source(source, settings.data_dir, lake=settings.lake)
        found = [asdict(d) | {"county": source.county} for d in result.documents]
        failed = [asdict(f) | {"county": source.county} for f in result.failures]
        failed_docs = [{"county": f["county"], "document_url": f["url"], "page_url": f["page_url"],
                        "title": f["title"], "agency_hint": f["agency_hint"],
                        "year_hint": f["year_hint"], "published_on": f["published_on"],
                        "crawl_error": f"{f['stage']}: {f['error']}", "media_type": "other"}
                       for f in failed if f["stage"] != "list"]
        frame = pd.DataFrame(found + failed_docs, columns=DOC_COLUMNS)
        frame["crawl_error"] = frame["crawl_error"].astype("object")
        per_source.setdefault(source.county, []).append({
            "county": source.county, "start_url": source.start_urls[0],
            "pattern": result.pattern, "entries": result.entries,
            "documents": len(result.documents), "failures": len(result.failures),
            "list_pages": result.list_pages, "skipped_titles": len(result.skipped_items),
            "revalidated": result.revalidated, "replaced": len(result.replaced),
            "empty_reason": result.empty_reason, "seconds": round(time.perf_counter() - t0, 2)})
        this = CountyCrawl(
            frame, failed, len(result.log),
            {"county": source.county, "documents": len(result.documents),
             "failures": len(result.failures), "list_pages": result.list_pages,
             "skipped_titles": len(result.skipped_items), "fetched": result.fetched,
             "seconds": round(time.perf_counter() - t0, 2)},
            [result])
        if source.county in out:  # a county's second source adds to its first, never replaces it
            out[source.county].add(this)
        else:
            out[source.county] = this
    for county, rows in per_source.items():
        out[county].sources = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    failures = [f for c in out.values() for f in c.failures]
    if out and not any(len(c.documents) for c in out.values()) and all(
            any(f["stage"] == "list" for f in c.failures) for c in out.values()):
        reasons = "; ".join(f"{f['url']}: {f['error']}" for f in failures if f["stage"] == "list")
        raise RuntimeError(f"every source failed, nothing to publish ({reasons})")
    return out


# --- extract: every known document → its per-document result in the lake ---------------------

def _previous_documents(previous: dict[str, pd.DataFrame], county: str,
                        now: pd.DataFrame) -> pd.DataFrame:
    """Documents earlier runs fetched for `county` that `now` does not hold."""
    prev = previous.get("reports")
    if prev is None or prev.empty:
        return now.iloc[0:0].assign(seen_now=False)
    names = previous["names"].set_index("report_id")
    prev = prev[prev["report_id"].map(names["county"]) == county]
    # (a document replaced at the same URL stays too: it is an earlier version)
    gone = prev[prev["sha256"].notna() & ~prev["sha256"].isin(now["sha256"])]
    return pd.DataFrame({
        "sha256": gone["sha256"], "raw_path": "raw/" + gone["sha256"].str[:2] + "/" + gone["sha256"],
        "media_type": gone["media_type"], "document_url": gone["document_url"],
        "page_url": gone["page_url"], "list_url": None, "title": gone["title"],
        "county": county, "agency_hint": gone["report_id"].map(names["agency_name"]),
        "year_hint": gone["report_year"], "published_on": gone["published_on"].astype(str),
        "fetched_at": gone["fetched_at"].astype(str), "inline": gone["media_type"] == "html",
        "crawl_error": None, "seen_now": False,
    })


def known_documents(now: pd.DataFrame | None, previous: dict[str, pd.DataFrame],
                    county: str) -> pd.DataFrame:
    """The county's documents of its last crawl plus those earlier runs fetched that the
    crawl did not see (the warehouse is cumulative)."""
    now = (now if now is not None else pd.DataFrame(columns=DOC_COLUMNS)).assign(seen_now=True)
    return pd.concat([now, _previous_documents(previous, county, now)], ignore_index=True)


def extract(settings: Settings, crawled: dict[str, pd.DataFrame],
            previous: dict[str, pd.DataFrame],
            progress: Callable[[str], None] | None = None) -> tuple[dict[str, pd.DataFrame], dict]:
    """Extract every known document of the counties in `crawled` whose result is missing, on
    the local process pool or, with `settings.dask_scheduler`, on a dask cluster. `progress`
    receives a line every N documents (rate, ETA). Returns each county's known documents (with
    their report_id and status) and extract_all's counts (executor and workers)."""
    from pipelines.document.batch import Job, extract_all

    known = {c: known_documents(frame, previous, c) for c, frame in crawled.items()}
    docs = pd.concat(list(known.values()) or [pd.DataFrame(columns=DOC_COLUMNS)],
                     ignore_index=True)
    ok = docs[docs["sha256"].notna() & docs["crawl_error"].isna()]
    jobs = [Job(r.sha256, r.media_type) for r in ok.itertuples(index=False)]
    t0 = time.perf_counter()
    check_lake(settings.lake)  # an unreachable store fails here, with its reason
    out = extract_all(jobs, settings.lake, dask_scheduler=settings.dask_scheduler or None,
                      progress=progress)
    out["seconds"] = round(time.perf_counter() - t0, 2)
    out["documents"] = len({j.sha256 for j in jobs})
    store = ResultStore(settings.lake)
    done = _published_results(previous)
    for county, frame in known.items():
        ids, statuses = [], []
        for sha, err in zip(frame["sha256"], frame["crawl_error"]):
            if isinstance(sha, str) and sha and not isinstance(err, str):
                # one result at a time from the lake: the driver holds no list of them
                r = done.get(sha) or _id_and_status(store.get(sha))
            else:
                r = None
            ids.append(r.get("report_id") if r else None)
            statuses.append(str(r["status"]) if r and r.get("status") is not None else None)
        known[county] = frame.assign(report_id=pd.Series(ids, index=frame.index, dtype="object"),
                                     status=pd.Series(statuses, index=frame.index, dtype="object"))
    return known, out


def _id_and_status(result) -> dict | None:
    """report_id and status of a cached result (None when there is none)."""
    if result is None:
        return None
    status = result.status
    return {"report_id": result.report_id, "status": getattr(status, "value", status)}


def _published_results(previous: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """sha256 → report_id and status, as the published warehouse holds them for documents read
    by this extractor version (so a night with nothing new reads no result file)."""
    prev = previous.get("reports")
    if prev is None or prev.empty or "extractor_version" not in prev:
        return {}
    ok = prev[(prev["extractor_version"] == EXTRACTOR_VERSION) & prev["sha256"].notna()
              & ~without_result(prev)]
    return {sha: {"report_id": rid, "status": st}
            for sha, rid, st in ok[["sha256", "report_id", "status"]].itertuples(index=False)}


_FINGERPRINT_COLUMNS = ("county", "document_url", "page_url", "title", "published_on",
                        "crawl_error", "agency_hint", "year_hint", "media_type", "report_id")


def _plain(value) -> str:
    """A value as text whatever the column's dtype (2021, 2021.0 and Int64 2021 are one year;
    None, NaN and NA are one blank): frames concatenated from several sources vary in dtype."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def documents_version(docs: pd.DataFrame) -> str:
    """A digest of what a set of known documents gives the build: the documents by their
    reports' content (so a page's visit counter changes nothing), order-independent."""
    rows = sorted("|".join(_plain(d.get(k)) for k in _FINGERPRINT_COLUMNS)
                  for d in docs.to_dict("records"))
    h = hashlib.sha256(EXTRACTOR_VERSION.encode())
    for row in rows:
        h.update(row.encode())
    return h.hexdigest()[:16]


# --- facts and dimensions: per-document results → warehouse frames --------------------------

_PKG = Path(__file__).resolve().parents[1]
# What the build's output is made by besides the extractor (whose version the fingerprint holds
# too): the loader, the checks, the DDL and views, and the modules they read documents,
# titles and sources with. tests/unit/test_code_versions.py fails on a module the build
# imports that is in neither list nor named there as unable to change the warehouse.
_BUILD_CODE = sorted([*_PKG.joinpath("load").glob("*.py"), *_PKG.joinpath("checks").glob("*.py"),
                      *_PKG.parent.joinpath("sql").glob("*.sql"), Path(__file__),
                      _PKG / "crawl" / "titles.py", _PKG / "core" / "sources.py",
                      _PKG / "core" / "sources_schema.py", _PKG / "document" / "results.py"])


BUILD_CODE_VERSION = files_digest(_BUILD_CODE)[:12]


def all_documents(extracted: dict[str, pd.DataFrame], previous: dict[str, pd.DataFrame],
                  counties: list[str]) -> pd.DataFrame:
    """Every county's known documents as extraction handed them on; a county with no
    extraction here (never crawled in this lake, or since taken out of the sources file)
    keeps what the published warehouse holds for it."""
    names = list(counties)
    if previous.get("names") is not None:
        names += [c for c in previous["names"]["county"].dropna().unique() if c not in names]
    names += [c for c in extracted if c not in names]
    empty = pd.DataFrame(columns=DOC_COLUMNS)
    frames = [extracted[c] if c in extracted else _previous_documents(previous, c, empty)
              for c in names]
    frames = [f for f in frames if len(f)]
    return (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=DOC_COLUMNS + ["seen_now"]))


def inputs_fingerprint(settings: Settings, docs: pd.DataFrame,
                       sources: dict[str, pd.DataFrame] | pd.DataFrame | None = None) -> str:
    """What the published warehouse is a function of: the documents, the extractor, the
    build code, the sources file, the warehouse's own path, and which lists yielded nothing
    by which pattern (`sources`: the crawl_sources output)."""
    h = hashlib.sha256(f"{EXTRACTOR_VERSION}|{BUILD_CODE_VERSION}|{settings.warehouse}".encode())
    h.update(settings.sources_file.read_bytes())
    if settings.corrections_file.is_file():  # a changed corrections file is a new warehouse
        h.update(b"corrections:" + settings.corrections_file.read_bytes())
    h.update(documents_version(docs).encode())
    # which lists yielded nothing (crawl_empty) and by which pattern each source was read
    for src in sources_frame(sources).to_dict("records"):
        h.update(f"{src['county']}|{src['start_url']}|{src['pattern']}|{src['entries'] == 0}".encode())
    return h.hexdigest()[:16]


def unchanged(settings: Settings, fingerprint: str, last_published: str | None,
              previous: dict[str, pd.DataFrame] | None = None) -> bool:
    """A no-change night: the published warehouse (and its exports) came from these inputs,
    and no document it holds without an extraction result has one now (`previous`: the
    published warehouse's state; see results_arrived)."""
    return (last_published == fingerprint and settings.warehouse.exists()
            and export.exports_path(settings.warehouse).exists()
            and not results_arrived(settings, previous or {}))


def results_arrived(settings: Settings, previous: dict[str, pd.DataFrame]) -> list[str]:
    """Documents the published warehouse holds without an extraction result (report_id
    "u…": its result was damaged and removed by the build, or missing) whose result the lake
    holds now. The inputs' fingerprint cannot see them: a document's result is named by its
    sha256 and the extractor's version, the same before and after it is made again."""
    prev = previous.get("reports")
    if prev is None or prev.empty:
        return []
    waiting = prev[without_result(prev) & prev["sha256"].notna()]
    if waiting.empty:
        return []
    return sorted(set(waiting["sha256"]) & ResultStore(settings.lake).listed())


def build(settings: Settings, docs: pd.DataFrame, previous: dict[str, pd.DataFrame],
          run_id: str | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the warehouse but quality_issues, as frames (runs with this run)."""
    from pipelines.load.build import build_frames
    from pipelines.load.crawl_log import to_parquet as crawl_log_parquet

    sources = load_sources(settings.sources_file)
    # crawl_log: the whole request history, as Parquet by DuckDB (the lake's IO manager moves
    # the file into place): it grows every night and never passes through pandas.
    crawl = settings.data_dir / "crawl"
    for stale in crawl.glob(".crawl_log-*.parquet"):  # of a run that failed before its move
        stale.unlink(missing_ok=True)  # (safe: the run lock is held, no other run is building)
    crawl_log = crawl_log_parquet(crawl / "log.jsonl", crawl / f".crawl_log-{os.getpid()}.parquet")
    try:
        frames = build_frames(docs, ResultStore(settings.lake), sources, previous,
                              run_id or uuid.uuid4().hex[:12], pd.Timestamp.now(), crawl_log,
                              corr.read_file(settings.corrections_file))
    except BaseException:
        crawl_log.path.unlink(missing_ok=True)
        raise
    return dict(frames.tables)


# --- checks: findings over the built frames -------------------------------------------------

def find_issues(settings: Settings, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """`frames`: the fact tables, their superseded twins, reports, agencies, unmapped_cells."""
    from pipelines.checks.suite import all_findings, narratives

    frames = dict(frames)
    # The opening narrative of each report, for the narrative-against-table check.
    frames["narratives"] = narratives(frames["reports"], ResultStore(settings.lake))
    from pipelines.checks.suite import extraction_findings

    frames["extraction_findings"] = extraction_findings(frames["reports"],
                                                        ResultStore(settings.lake))
    sources = sources_frame(frames.get("crawl_sources"))
    frames["crawl_sources"] = sources.assign(county_id=[county_id(c) for c in sources["county"]])
    return with_county(all_findings(frames), frames.get("agencies"))


def with_county(findings: pd.DataFrame, agencies: pd.DataFrame | None) -> pd.DataFrame:
    """county_id on every finding: its agency's county (crawl findings bring their own)."""
    by_agency = (dict(zip(agencies["agency_id"], agencies["county_id"]))
                 if agencies is not None and "county_id" in agencies else {})
    return findings.assign(county_id=findings["county_id"].where(
        findings["county_id"].notna(), findings["agency_id"].map(by_agency)))


# --- publish: the one DuckDB writer ---------------------------------------------------------

def publish(settings: Settings, tables: dict[str, pd.DataFrame]) -> dict:
    """Write every table into a new DuckDB file, build its Parquet exports, rename both over
    the published ones (the warehouse first)."""
    from pipelines.load import warehouse

    missing = [n for n in ALL_TABLES if n not in tables]
    if missing:
        raise ValueError(f"publish: tables missing: {missing}")
    tables = dict(tables)
    runs = tables["runs"].copy()
    run = runs.iloc[-1].to_dict()  # this run's row (build_frames appends it)
    runs.loc[runs.index[-1], "finished_at"] = pd.Timestamp.now()
    tables["runs"] = runs
    exports_link = export.exports_path(settings.warehouse)
    built = warehouse.build_path(settings.warehouse)
    rows = warehouse.write(tables, built)
    exports = export.build(built, exports_link)  # Parquet beside it, swapped just after it
    warehouse.publish(built, settings.warehouse)
    export.publish(exports, exports_link)
    return {"warehouse": str(settings.warehouse), "run": run, "tables": rows}
