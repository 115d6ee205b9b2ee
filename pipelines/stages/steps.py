"""The pipeline's steps as plain functions: crawl → documents → results → frames → warehouse.

Each step takes the data the step before it produced and returns its own; the Dagster assets
(assets/) call these, and Dagster's IO manager stores what they return under the lake root.
The only files written here are the engine's own: the raw store and per-document results in
the lake (crawl, extract), the crawler's log and state, and the published warehouse and its
exports (publish, the one DuckDB writer). Nothing here imports dagster.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.crawl import crawl_source
from pipelines.crawl.models import CrawlResult, crawl_digest
from pipelines.document.results import ResultStore
from pipelines.document.version import EXTRACTOR_VERSION
from pipelines.load import export
from pipelines.load.build import DOC_COLUMNS
from pipelines.core.settings import Settings
from pipelines.core.sources import load_sources

from pipelines.core.registry import FACT_TABLES  # noqa: E402  (re-exported: the registry's)

# The extractor (pdfium, camelot), the loader (DuckDB) and the checks are imported where a
# step needs them: a night with nothing new never loads them.

SUPERSEDED_TABLES = tuple(f"{t}_superseded" for t in FACT_TABLES)
DIMENSION_TABLES = ("counties", "agencies", "reports", "categories")
ALL_TABLES = (DIMENSION_TABLES + FACT_TABLES + SUPERSEDED_TABLES
              + ("quality_issues", "unmapped_cells", "crawl_log", "runs"))
ENTRY_COLUMNS = ["county", "title", "agency_hint", "year_hint", "published_on", "page_url",
                 "list_url", "document_url", "sha256", "crawl_error"]


# --- crawl: list pages → report index → documents in the raw store --------------------------

@dataclass
class CountyCrawl:
    documents: pd.DataFrame  # DOC_COLUMNS: fetched documents and those that failed to fetch
    failures: list[dict]
    requests: int
    summary: dict
    result: CrawlResult

    @property
    def digest(self) -> str:
        """What the crawl found (crawl_digest): equal digests, the same input downstream."""
        return crawl_digest([self.result])

    @property
    def entries(self) -> pd.DataFrame:
        """The report index: one row per annual-report entry of the list pages."""
        return self.documents.reindex(columns=ENTRY_COLUMNS)


def crawl(settings: Settings, counties: list[str] | None = None) -> dict[str, CountyCrawl]:
    """Crawl the sources of `counties` (all when None), county by county."""
    sources = [s for s in load_sources(settings.sources_file)
               if counties is None or s.county in counties]
    out: dict[str, CountyCrawl] = {}
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
        out[source.county] = CountyCrawl(
            frame, failed, len(result.log),
            {"county": source.county, "documents": len(result.documents),
             "failures": len(result.failures), "list_pages": result.list_pages,
             "skipped_titles": len(result.skipped_items), "fetched": result.fetched,
             "seconds": round(time.perf_counter() - t0, 2)},
            result)
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
    gone = prev[prev["sha256"].notna() & ~prev["sha256"].isin(now["sha256"])
                & ~prev["document_url"].isin(now["document_url"])]
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
            previous: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict]:
    """Extract every known document of the counties in `crawled` whose result is missing.
    Returns each county's known documents (with their report_id and status) and a summary."""
    from pipelines.document.batch import Job, extract_all

    known = {c: known_documents(frame, previous, c) for c, frame in crawled.items()}
    docs = pd.concat(list(known.values()) or [pd.DataFrame(columns=DOC_COLUMNS)],
                     ignore_index=True)
    ok = docs[docs["sha256"].notna() & docs["crawl_error"].isna()]
    jobs = [Job(r.sha256, r.media_type) for r in ok.itertuples(index=False)]
    t0 = time.perf_counter()
    out = extract_all(jobs, settings.lake)
    out["seconds"] = round(time.perf_counter() - t0, 2)
    out["documents"] = len({j.sha256 for j in jobs})
    store = ResultStore(settings.lake)
    done = _published_results(previous) | {d["sha256"]: d for d in out["extracted"]}
    for county, frame in known.items():
        ids, statuses = [], []
        for sha, err in zip(frame["sha256"], frame["crawl_error"]):
            if isinstance(sha, str) and sha and not isinstance(err, str):
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
              & ~prev["report_id"].str.startswith("u")]
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
_BUILD_CODE = sorted([*_PKG.joinpath("load").glob("*.py"), *_PKG.joinpath("checks").glob("*.py"),
                      *_PKG.parent.joinpath("sql").glob("*.sql"), Path(__file__)])


def _build_code_version() -> str:
    h = hashlib.sha256()
    for path in _BUILD_CODE:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


BUILD_CODE_VERSION = _build_code_version()


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


def inputs_fingerprint(settings: Settings, docs: pd.DataFrame) -> str:
    """What the published warehouse is a function of: the documents, the extractor, the
    build code, the sources file and the warehouse's own path."""
    h = hashlib.sha256(f"{EXTRACTOR_VERSION}|{BUILD_CODE_VERSION}|{settings.warehouse}".encode())
    h.update(settings.sources_file.read_bytes())
    h.update(documents_version(docs).encode())
    return h.hexdigest()[:16]


def unchanged(settings: Settings, fingerprint: str, last_published: str | None) -> bool:
    """A no-change night: the published warehouse (and its exports) came from these inputs."""
    return (last_published == fingerprint and settings.warehouse.exists()
            and export.exports_path(settings.warehouse).exists())


def build(settings: Settings, docs: pd.DataFrame, previous: dict[str, pd.DataFrame],
          run_id: str | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the warehouse but quality_issues, as frames (runs with this run)."""
    from pipelines.load.build import build_frames

    sources = load_sources(settings.sources_file)
    log_path = settings.data_dir / "crawl" / "log.jsonl"
    crawl_log = (pd.read_json(log_path, lines=True, dtype=False) if log_path.exists()
                 and log_path.stat().st_size else pd.DataFrame())
    frames = build_frames(docs, ResultStore(settings.lake), sources, previous,
                          run_id or uuid.uuid4().hex[:12], pd.Timestamp.now(), crawl_log)
    return {name: _parquet_safe(frame) for name, frame in frames.tables.items()}


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({c: "object" for c in frame.columns if frame[c].dtype == "object"})


# --- checks: findings over the built frames -------------------------------------------------

def find_issues(settings: Settings, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """`frames`: the fact tables, their superseded twins, reports, agencies, unmapped_cells."""
    from pipelines.checks.suite import all_findings, narratives

    frames = dict(frames)
    # The opening narrative of each report, for the narrative-against-table check.
    frames["narratives"] = narratives(frames["reports"], ResultStore(settings.lake))
    return all_findings(frames)


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
    warehouse.write(tables, built)
    exports = export.build(built, exports_link)  # Parquet beside it, swapped just after it
    warehouse.publish(built, settings.warehouse)
    export.publish(exports, exports_link)
    return {"warehouse": str(settings.warehouse), "run": run,
            "tables": {n: len(f) for n, f in tables.items()}}
