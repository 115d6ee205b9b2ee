"""The pipeline's steps as plain functions: crawl → documents → tables → facts → warehouse.

Each step reads the files the step before it wrote under the data dir's `stage/` and writes
its own; Dagster assets (assets/) are thin wrappers that call these and attach metadata.
Nothing here imports dagster.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from pipelines.checks.identities import all_findings
from pipelines.crawl import crawl_source
from pipelines.extract.batch import Job, extract_all
from pipelines.extract.results import ResultStore
from pipelines.load import warehouse
from pipelines.load.build import DOC_COLUMNS, build_frames
from pipelines.settings import Settings
from pipelines.sources import load_sources

FACT_TABLES = ("fact_applications", "fact_proactive", "fact_review_litigation")
DIMENSION_TABLES = ("counties", "agencies", "reports", "categories")


def _stage(settings: Settings, name: str) -> Path:
    settings.stage_dir.mkdir(parents=True, exist_ok=True)
    return settings.stage_dir / f"{name}.parquet"


def read_stage(settings: Settings, name: str) -> pd.DataFrame:
    return pd.read_parquet(_stage(settings, name))


def write_stage(settings: Settings, name: str, frame: pd.DataFrame) -> Path:
    path = _stage(settings, name)
    tmp = path.with_suffix(".tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)
    return path


# --- crawl: list pages → report index → documents in the raw store --------------------------

def crawl(settings: Settings) -> dict:
    """Crawl every source; stage the documents found (and the reports that failed to fetch)."""
    sources = load_sources(settings.sources_file)
    docs, failures, log, per_source = [], [], [], []
    for source in sources:
        t0 = time.perf_counter()
        result = crawl_source(source, settings.data_dir)
        docs += [asdict(d) | {"county": source.county} for d in result.documents]
        failures += [asdict(f) | {"county": source.county} for f in result.failures]
        log += result.log
        per_source.append({"county": source.county, "documents": len(result.documents),
                           "failures": len(result.failures), "list_pages": result.list_pages,
                           "skipped_titles": len(result.skipped_items),
                           "seconds": round(time.perf_counter() - t0, 2)})
    failed_docs = [{"county": f["county"], "document_url": f["url"], "page_url": f["page_url"],
                    "title": f["title"], "agency_hint": f["agency_hint"],
                    "year_hint": f["year_hint"], "published_on": f["published_on"],
                    "crawl_error": f"{f['stage']}: {f['error']}", "media_type": "other"}
                   for f in failures if f["stage"] != "list"]
    if not docs and sources and all(any(f["county"] == s.county and f["stage"] == "list"
                                         for f in failures) for s in sources):
        reasons = "; ".join(f"{f['url']}: {f['error']}" for f in failures if f["stage"] == "list")
        raise RuntimeError(f"every source failed, nothing to publish ({reasons})")
    frame = pd.DataFrame(docs + failed_docs, columns=DOC_COLUMNS)
    frame["crawl_error"] = frame["crawl_error"].astype("object")
    write_stage(settings, "documents", frame)
    write_stage(settings, "crawl_failures", pd.DataFrame(failures))
    write_stage(settings, "crawl_requests", pd.DataFrame(log))
    return {"sources": per_source, "documents": len(docs), "failures": failures,
            "list_failures": [f for f in failures if f["stage"] == "list"]}


def known_documents(settings: Settings, previous: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """This crawl's documents plus those earlier runs fetched that this crawl did not see."""
    now = read_stage(settings, "documents").assign(seen_now=True)
    prev = previous.get("reports")
    if prev is None or prev.empty:
        return now
    names = previous["names"].set_index("report_id")
    gone = prev[prev["sha256"].notna() & ~prev["sha256"].isin(now["sha256"])
                & ~prev["document_url"].isin(now["document_url"])]
    old = pd.DataFrame({
        "sha256": gone["sha256"], "raw_path": "raw/" + gone["sha256"].str[:2] + "/" + gone["sha256"],
        "media_type": gone["media_type"], "document_url": gone["document_url"],
        "page_url": gone["page_url"], "list_url": None, "title": gone["title"],
        "county": gone["report_id"].map(names["county"]),
        "agency_hint": gone["report_id"].map(names["agency_name"]),
        "year_hint": gone["report_year"], "published_on": gone["published_on"].astype(str),
        "fetched_at": gone["fetched_at"].astype(str), "inline": gone["media_type"] == "html",
        "crawl_error": None, "seen_now": False,
    })
    return pd.concat([now, old], ignore_index=True)


# --- extract: every document → its per-document result file ---------------------------------

def extract(settings: Settings) -> dict:
    previous = warehouse.read_previous(settings.warehouse)
    docs = known_documents(settings, previous)
    write_stage(settings, "documents_all", docs)
    ok = docs[docs["sha256"].notna() & docs["crawl_error"].isna()]
    jobs = [Job(r.sha256, str(settings.data_dir / r.raw_path), r.media_type)
            for r in ok.itertuples(index=False)]
    t0 = time.perf_counter()
    out = extract_all(jobs, settings.data_dir)
    out["seconds"] = round(time.perf_counter() - t0, 2)
    out["documents"] = len({j.sha256 for j in jobs})
    return out


# --- facts and dimensions: per-document results → warehouse frames --------------------------

def build(settings: Settings, run_id: str | None = None) -> dict:
    previous = warehouse.read_previous(settings.warehouse)
    docs = read_stage(settings, "documents_all")
    sources = load_sources(settings.sources_file)
    log_path = settings.data_dir / "crawl" / "log.jsonl"
    crawl_log = (pd.read_json(log_path, lines=True, dtype=False) if log_path.exists()
                 and log_path.stat().st_size else pd.DataFrame())
    frames = build_frames(docs, ResultStore(settings.data_dir), sources, previous,
                          run_id or uuid.uuid4().hex[:12], pd.Timestamp.now(), crawl_log)
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
    names = [t for t in FACT_TABLES] + [f"{t}_superseded" for t in FACT_TABLES]
    findings = all_findings(stage_frames(settings, names))
    write_stage(settings, "quality_issues", findings)
    return findings


# --- publish: the one DuckDB writer ---------------------------------------------------------

ALL_TABLES = (DIMENSION_TABLES + FACT_TABLES + tuple(f"{t}_superseded" for t in FACT_TABLES)
              + ("quality_issues", "unmapped_cells", "crawl_log", "runs"))


def publish(settings: Settings) -> dict:
    tables = stage_frames(settings, ALL_TABLES)
    run = json.loads((settings.stage_dir / "run.json").read_text())
    runs = tables["runs"]
    runs.loc[runs["run_id"] == run["run_id"], "finished_at"] = pd.Timestamp.now()
    built = warehouse.build_path(settings.warehouse)
    warehouse.write(tables, built)
    warehouse.publish(built, settings.warehouse)
    return {"warehouse": str(settings.warehouse), "run": run,
            "tables": {n: len(f) for n, f in tables.items()}}
