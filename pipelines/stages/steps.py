"""The pipeline's steps as plain functions: crawl → documents → tables → facts → warehouse.

Each step reads the files the step before it wrote under the data dir's `stage/` and writes
its own; Dagster assets (assets/) are thin wrappers that call these and attach metadata.
Nothing here imports dagster.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import pandas as pd

from pipelines.checks.suite import all_findings, extraction_findings, narratives
from pipelines.crawl import crawl_source
from pipelines.document.batch import Job, extract_all
from pipelines.document.results import ResultStore
from pipelines.document.version import EXTRACTOR_VERSION
from pipelines.load import corrections as corr
from pipelines.load import export, warehouse
from pipelines.load.build import DOC_COLUMNS, build_frames, county_id
from pipelines.core.lake import check_lake
from pipelines.core.settings import Settings
from pipelines.core.sources import load_sources

from pipelines.core.registry import FACT_TABLES  # noqa: E402  (re-exported: the registry's)
DIMENSION_TABLES = ("counties", "agencies", "reports", "categories")


def _stage(settings: Settings, name: str) -> Path:
    settings.stage_dir.mkdir(parents=True, exist_ok=True)
    return settings.stage_dir / f"{name}.parquet"


def read_stage(settings: Settings, name: str) -> pd.DataFrame:
    return pd.read_parquet(_stage(settings, name))


def write_stage(settings: Settings, name: str, frame: pd.DataFrame) -> Path:
    path = _stage(settings, name)
    _write(path, frame)
    return path


# --- crawl: list pages → report index → documents in the raw store --------------------------

def county_dir(settings: Settings, county: str) -> Path:
    """One county's stage files: a backfill of that county rewrites only these."""
    return settings.stage_dir / "by_county" / county.replace("/", "_")


def _write(path: Path, frame: pd.DataFrame) -> None:
    """A stage file, replaced whole: a reader sees the old one or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)


SOURCE_COLUMNS = ["county", "start_url", "pattern", "entries", "documents", "failures", "list_pages",
                  "skipped_titles", "revalidated", "replaced", "empty_reason", "seconds"]


def crawl_sources(settings: Settings) -> pd.DataFrame:
    """Per source of the sources file, what its last crawl found (pattern, entries, why a list
    yielded nothing), from the counties' stage files."""
    frames = []
    for county in dict.fromkeys(s.county for s in load_sources(settings.sources_file)):
        path = county_dir(settings, county) / "crawl_sources.parquet"
        if path.exists():
            frames.append(pd.read_parquet(path))
    frames = [f for f in frames if len(f)]
    return (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=SOURCE_COLUMNS))


def crawl(settings: Settings, counties: list[str] | None = None) -> dict:
    """Crawl the sources of `counties` (all when None); stage each county's documents found
    (and the reports that failed to fetch)."""
    sources = [s for s in load_sources(settings.sources_file)
               if counties is None or s.county in counties]
    check_lake(settings.lake)  # the store down: stop now, not one failed report per document
    docs, failures, per_source = [], [], []
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
        folder = county_dir(settings, source.county)
        _write(folder / "documents.parquet", frame)
        _write(folder / "crawl_failures.parquet", pd.DataFrame(failed))
        _write(folder / "crawl_requests.parquet", pd.DataFrame(result.log))
        docs += found
        failures += failed
        per_source.append({"county": source.county, "start_url": source.start_urls[0],
                           "pattern": result.pattern, "entries": result.entries,
                           "documents": len(result.documents),
                           "failures": len(result.failures), "list_pages": result.list_pages,
                           "skipped_titles": len(result.skipped_items),
                           "revalidated": result.revalidated, "replaced": len(result.replaced),
                           "empty_reason": result.empty_reason,
                           "seconds": round(time.perf_counter() - t0, 2)})
    for county in {s["county"] for s in per_source}:
        _write(county_dir(settings, county) / "crawl_sources.parquet",
               pd.DataFrame([s for s in per_source if s["county"] == county], columns=SOURCE_COLUMNS))
    if not docs and sources and all(any(f["county"] == s.county and f["stage"] == "list"
                                         for f in failures) for s in sources):
        reasons = "; ".join(f"{f['url']}: {f['error']}" for f in failures if f["stage"] == "list")
        raise RuntimeError(f"every source failed, nothing to publish ({reasons})")
    return {"sources": per_source, "documents": len(docs), "failures": failures,
            "list_failures": [f for f in failures if f["stage"] == "list"]}


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


def known_documents(settings: Settings, previous: dict[str, pd.DataFrame],
                    county: str) -> pd.DataFrame:
    """The county's documents of its last crawl plus those earlier runs fetched that the
    crawl did not see (the warehouse is cumulative)."""
    path = county_dir(settings, county) / "documents.parquet"
    now = (pd.read_parquet(path) if path.exists()
           else pd.DataFrame(columns=DOC_COLUMNS)).assign(seen_now=True)
    return pd.concat([now, _previous_documents(previous, county, now)], ignore_index=True)


def all_documents(settings: Settings) -> pd.DataFrame:
    """Every county's known documents as the extract step staged them; a county no run has
    crawled in this data dir keeps what the published warehouse holds for it."""
    previous = warehouse.read_previous(settings.warehouse)
    staged = [s.county for s in load_sources(settings.sources_file)]
    if previous.get("names") is not None:  # counties since taken out of the sources file
        staged += [c for c in previous["names"]["county"].dropna().unique() if c not in staged]
    frames = []
    empty = pd.DataFrame(columns=DOC_COLUMNS)
    for county in staged:
        path = county_dir(settings, county) / "documents_all.parquet"
        frames.append(pd.read_parquet(path) if path.exists()
                      else _previous_documents(previous, county, empty))
    frames = [f for f in frames if len(f)]
    return (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=DOC_COLUMNS + ["seen_now"]))


# --- extract: every document → its per-document result file ---------------------------------

def extract(settings: Settings, counties: list[str] | None = None,
            progress: Callable[[str], None] | None = None) -> dict:
    """Extract every known document of `counties` (all when None) whose result is missing,
    on the local process pool or, with `settings.dask_scheduler`, on a dask cluster.
    `progress` receives a line every N documents (rate, ETA)."""
    previous = warehouse.read_previous(settings.warehouse)
    names = [s.county for s in load_sources(settings.sources_file)
             if counties is None or s.county in counties]
    docs = pd.concat([known_documents(settings, previous, c) for c in names] or
                     [pd.DataFrame(columns=DOC_COLUMNS)], ignore_index=True)
    for county in names:
        _write(county_dir(settings, county) / "documents_all.parquet",
               docs[docs["county"] == county])
    ok = docs[docs["sha256"].notna() & docs["crawl_error"].isna()]
    jobs = [Job(r.sha256, r.media_type) for r in ok.itertuples(index=False)]
    t0 = time.perf_counter()
    check_lake(settings.lake)  # an unreachable store fails here, with its reason
    out = extract_all(jobs, settings.lake, dask_scheduler=settings.dask_scheduler or None,
                      progress=progress)
    out["seconds"] = round(time.perf_counter() - t0, 2)
    out["documents"] = len({j.sha256 for j in jobs})
    # For the run summary: what extracted and on how many workers.
    settings.stage_dir.mkdir(parents=True, exist_ok=True)
    (settings.stage_dir / "extract.json").write_text(json.dumps(
        {k: out[k] for k in ("executor", "extracted", "cached", "documents", "seconds")}))
    return out


# --- facts and dimensions: per-document results → warehouse frames --------------------------

_PKG = Path(__file__).resolve().parents[1]
_BUILD_CODE = sorted([*_PKG.joinpath("load").glob("*.py"), *_PKG.joinpath("checks").glob("*.py"),
                      *_PKG.parent.joinpath("sql").glob("*.sql")])


def inputs_fingerprint(settings: Settings, docs: pd.DataFrame, store: ResultStore) -> str:
    """What the published warehouse is a function of: the documents (by their reports'
    content, so a page's visit counter changes nothing), the extractor, the build code and
    the sources file."""
    h = hashlib.sha256(EXTRACTOR_VERSION.encode())
    for path in _BUILD_CODE:
        h.update(path.read_bytes())
    h.update(settings.sources_file.read_bytes())
    if settings.corrections_file.is_file():  # a changed corrections file is a new warehouse
        h.update(b"corrections:" + settings.corrections_file.read_bytes())
    rows = []
    for d in docs.to_dict("records"):
        result = store.get(d["sha256"]) if isinstance(d.get("sha256"), str) else None
        rid = result.report_id if result is not None else None
        rows.append("|".join(str(d.get(k)) for k in ("county", "document_url", "page_url", "title",
                                                      "published_on", "crawl_error", "agency_hint",
                                                      "year_hint", "media_type")) + f"|{rid}")
    for row in sorted(rows):
        h.update(row.encode())
    # which lists yielded nothing (crawl_empty) and by which pattern each source was read
    for src in crawl_sources(settings).to_dict("records"):
        h.update(f"{src['county']}|{src['start_url']}|{src['pattern']}|{src['entries'] == 0}".encode())
    return h.hexdigest()


def _published_state(settings: Settings) -> dict:
    path = settings.data_dir / "published.json"
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return state if state.get("warehouse") == str(settings.warehouse) else {}


def unchanged(settings: Settings) -> bool:
    """True when this run decided there is nothing new to publish (see `build`)."""
    plan = settings.stage_dir / "plan.json"
    return plan.exists() and json.loads(plan.read_text()).get("unchanged", False)


def build(settings: Settings, run_id: str | None = None) -> dict:
    previous = warehouse.read_previous(settings.warehouse)
    docs = all_documents(settings)
    fingerprint = inputs_fingerprint(settings, docs, ResultStore(settings.lake))
    stage_complete = all(_stage(settings, n).exists() for n in ALL_TABLES)
    same = (_published_state(settings).get("fingerprint") == fingerprint
            and settings.warehouse.exists() and stage_complete)
    (settings.stage_dir / "plan.json").write_text(json.dumps(
        {"unchanged": same, "fingerprint": fingerprint}))
    if same:  # a no-change night: the published warehouse stays exactly as it is
        return {"unchanged": True}
    sources = load_sources(settings.sources_file)
    log_path = settings.data_dir / "crawl" / "log.jsonl"
    crawl_log = (pd.read_json(log_path, lines=True, dtype=False) if log_path.exists()
                 and log_path.stat().st_size else pd.DataFrame())
    frames = build_frames(docs, ResultStore(settings.lake), sources, previous,
                          run_id or uuid.uuid4().hex[:12], pd.Timestamp.now(), crawl_log,
                          corr.read_file(settings.corrections_file))
    for name, frame in frames.tables.items():
        write_stage(settings, name, _parquet_safe(frame))
    (settings.stage_dir / "run.json").write_text(json.dumps(frames.run, default=str))
    return {name: len(frame) for name, frame in frames.tables.items()}


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({c: "object" for c in frame.columns if frame[c].dtype == "object"})


def stage_frames(settings: Settings, names) -> dict[str, pd.DataFrame]:
    return {n: read_stage(settings, n) for n in names}


# --- checks: findings over the staged facts -------------------------------------------------

def find_issues(settings: Settings) -> pd.DataFrame:
    if unchanged(settings):
        return read_stage(settings, "quality_issues")
    names = [t for t in FACT_TABLES] + [f"{t}_superseded" for t in FACT_TABLES]
    frames = stage_frames(settings, names + ["reports", "agencies", "unmapped_cells"])
    # The opening narrative of each report, for the narrative-against-table check.
    frames["narratives"] = narratives(frames["reports"], ResultStore(settings.lake))
    frames["extraction_findings"] = extraction_findings(frames["reports"],
                                                        ResultStore(settings.lake))
    sources = crawl_sources(settings)
    frames["crawl_sources"] = sources.assign(county_id=[county_id(c) for c in sources["county"]])
    findings = with_county(all_findings(frames), frames["agencies"])
    write_stage(settings, "quality_issues", findings)
    return findings


def with_county(findings: pd.DataFrame, agencies: pd.DataFrame | None) -> pd.DataFrame:
    """county_id on every finding: its agency's county (crawl findings bring their own)."""
    by_agency = (dict(zip(agencies["agency_id"], agencies["county_id"]))
                 if agencies is not None and "county_id" in agencies else {})
    return findings.assign(county_id=findings["county_id"].where(
        findings["county_id"].notna(), findings["agency_id"].map(by_agency)))


# --- publish: the one DuckDB writer ---------------------------------------------------------

ALL_TABLES = (DIMENSION_TABLES + FACT_TABLES + tuple(f"{t}_superseded" for t in FACT_TABLES)
              + ("quality_issues", "unmapped_cells", "crawl_log", "runs", "corrections"))


def publish(settings: Settings) -> dict:
    exports_link = export.exports_path(settings.warehouse)
    if unchanged(settings):
        if not exports_link.exists():  # exports lost or never made: from the published file
            export.publish(export.build(settings.warehouse, exports_link), exports_link)
        return {"warehouse": str(settings.warehouse), "unchanged": True, "run": {}, "tables": {}}
    tables = stage_frames(settings, ALL_TABLES)
    run = json.loads((settings.stage_dir / "run.json").read_text())
    runs = tables["runs"]
    runs.loc[runs["run_id"] == run["run_id"], "finished_at"] = pd.Timestamp.now()
    built = warehouse.build_path(settings.warehouse)
    warehouse.write(tables, built)
    exports = export.build(built, exports_link)  # Parquet beside it, swapped just after it
    warehouse.publish(built, settings.warehouse)
    export.publish(exports, exports_link)
    plan = json.loads((settings.stage_dir / "plan.json").read_text())
    (settings.data_dir / "published.json").write_text(json.dumps(
        {"warehouse": str(settings.warehouse), "fingerprint": plan["fingerprint"],
         "run_id": run["run_id"]}))
    return {"warehouse": str(settings.warehouse), "run": run,
            "tables": {n: len(f) for n, f in tables.items()}}
