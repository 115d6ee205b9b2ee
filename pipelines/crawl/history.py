"""What earlier runs left: the request log, and per source which report pages were fetched
completely, which documents they gave, and the validators (ETag, Last-Modified) of the URLs it
asked for, for its conditional requests.

crawl/log.jsonl is shared by all sources and only ever appended to (one write per row, so
concurrent sources do not interleave rows); the warehouse's crawl_log table is made from it.
It grows with every night of every source, so a crawl never reads it back: each source keeps
its own validators in its state file, crawl/state/<key>.json (sources crawled in parallel never
write the same file). Only a state an earlier version wrote, without validators, has them read
back from the log, once.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipelines.crawl.models import DocumentRef
from pipelines.core.lake import RawStore, lake_path, write_atomic
from pipelines.core.sources import Source


class CrawlLog:
    """Appends a source's requests to crawl/log.jsonl and keeps the latest validators of the
    URLs it asked for in `known` (the source's own, given by its state; None: read back from
    the whole log, for a state an earlier version wrote)."""

    def __init__(self, data_dir: Path, known: dict[str, dict] | None = None) -> None:
        self.path = data_dir / "crawl" / "log.jsonl"
        # url → the latest validators seen (what the source's state keeps)
        self.known: dict[str, dict] = {} if known is None else known
        if known is None and self.path.exists():
            with self.path.open(encoding="utf-8") as fh:
                for line in fh:
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError:
                        continue  # a line cut by a crash: the rest of the log still counts
                    self._remember(row)

    def _remember(self, row: dict) -> None:
        if (row.get("sha256") and row.get("status") in (200, 203, 304) and not row.get("error")
                and row.get("method", "GET") == "GET"):
            self.known[row["url"]] = {
                "etag": row.get("etag"), "last_modified": row.get("last_modified"),
                "sha256": row["sha256"], "content_type": row.get("content_type"),
            }

    def validators(self, url: str) -> dict | None:
        """The latest successful response's ETag/Last-Modified and body sha256, if any."""
        found = self.known.get(url)
        return found if found and (found["etag"] or found["last_modified"]) else None

    def append(self, rows: list[dict]) -> None:
        if not rows:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            if _torn(self.path):  # a crash cut the last line: it stays alone on its line
                fh.write("\n")
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                fh.flush()
        for row in rows:
            self._remember(row)


def _torn(path: Path) -> bool:
    """Whether the file's last line has no newline (a write cut by a crash): a row appended
    after it would join it into one line that is neither."""
    with path.open("rb") as fh:
        if fh.seek(0, 2) == 0:
            return False
        fh.seek(-1, 2)
        return fh.read(1) != b"\n"


class SourceState:
    """page_url → {title, list_date, complete, documents} for one source."""

    def __init__(self, data_dir: Path, source: Source) -> None:
        key = hashlib.sha256("\n".join((source.county, *source.start_urls)).encode()).hexdigest()[:16]
        self.path = data_dir / "crawl" / "state" / f"{key}.json"
        self.county = source.county
        self.pages: dict[str, dict] = {}
        self.digest: str | None = None  # what the previous crawl found (see CrawlResult.digest)
        # url → latest validators of the URLs this source asked for; None: a state an earlier
        # version wrote (they are in the shared log then, see CrawlLog)
        self.validators: dict[str, dict] | None = {}
        if self.path.exists():
            try:
                saved = json.loads(self.path.read_text(encoding="utf-8"))
                self.pages = saved.get("pages", {})
                self.digest = saved.get("digest")
                kept = saved.get("validators")
                self.validators = kept if isinstance(kept, dict) else None
            except (json.JSONDecodeError, OSError):
                self.pages = {}  # a broken state only costs a full re-fetch

    def unchanged(self, page_url: str, title: str, list_date: str | None, store: RawStore) -> list[DocumentRef] | None:
        """The documents of an earlier complete fetch whose list entry is the same, else None."""
        entry = self.pages.get(page_url)
        if not entry or not entry.get("complete"):
            return None
        if entry.get("title") != title or entry.get("list_date") != list_date:
            return None
        docs = [DocumentRef.from_dict(d) for d in entry.get("documents", [])]
        if not docs or not all(store.has(d.sha256) for d in docs):
            return None
        return docs

    def checked_at(self, page_url: str) -> str | None:
        """When the page's documents were last fetched or revalidated (UTC, ISO-8601)."""
        entry = self.pages.get(page_url) or {}
        if entry.get("checked_at"):
            return entry["checked_at"]
        times = [d.get("fetched_at") for d in entry.get("documents", []) if d.get("fetched_at")]
        return min(times) if times else None

    def record(self, page_url: str, title: str, list_date: str | None, docs: list[DocumentRef],
               complete: bool, checked_at: str | None = None) -> None:
        self.pages[page_url] = {
            "title": title, "list_date": list_date, "complete": complete, "checked_at": checked_at,
            "documents": [{**d.to_dict(), "reused": False} for d in docs],
        }

    def urls(self) -> set[str]:
        """The URLs this state knows: its report pages and their documents' URLs."""
        out = set(self.pages)
        for entry in self.pages.values():
            for d in entry.get("documents", []):
                out.update(u for u in (d.get("document_url"), d.get("page_url"), d.get("list_url")) if u)
        return out

    def keep_validators_of(self, urls: set[str]) -> None:
        """Validators read back from the whole log (every source's): this source's only."""
        self.validators = {u: v for u, v in (self.validators or {}).items() if u in urls}

    def save(self) -> None:
        data = json.dumps({"county": self.county, "digest": self.digest, "pages": self.pages,
                           "validators": self.validators or {}},
                          ensure_ascii=False, indent=1)
        write_atomic(lake_path(self.path), data.encode("utf-8"))
