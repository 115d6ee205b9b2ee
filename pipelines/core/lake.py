"""The lake: where raw documents and per-document results live, local or in object storage.

The root is any fsspec URL (a local folder by default, `<data-dir>/lake`; `s3://bucket/prefix`
for a cluster), handled through universal-pathlib, so the crawler, the extraction workers and
the loader address the same files whatever the store. Layout:

    raw/<sha256[:2]>/<sha256>                  documents, content-addressed
    extracted/<extractor version>/<sha256>.json  per-document results (immutable)

Content addressing makes a document linked twice one file, and lets a 304 or an unchanged
list entry reuse what an earlier run fetched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from upath import UPath


class LakeError(RuntimeError):
    """The lake (a folder or an object store) could not be read or written.

    Not a property of one document: the run stops with this reason instead of recording
    every document as failed, and the published warehouse stays as it was. Plain message
    only, so it crosses process and cluster boundaries (pickle) unchanged.
    """


@contextmanager
def lake_io(what: str, where) -> Iterator[None]:
    """Turn a storage failure while doing `what` at `where` into a LakeError with both named.

    FileNotFoundError stays itself (a missing object is an answer, not an outage)."""
    try:
        yield
    except (FileNotFoundError, LakeError):
        raise
    except Exception as e:  # OSError, botocore/aiohttp errors of an unreachable store, ...
        raise LakeError(f"the lake is unreachable or failing: cannot {what} {where}: "
                        f"{type(e).__name__}: {e}") from e


def storage_options(url: str) -> dict:
    """fsspec options for a lake URL. S3: standard AWS credentials (environment, profile,
    instance role) through botocore; an S3-compatible store (MinIO, Ceph, moto) by
    AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_S3), passed on explicitly so that an s3fs or
    botocore too old to read the variable itself still honours it."""
    if url.startswith(("s3://", "s3a://")):
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        if endpoint:
            return {"client_kwargs": {"endpoint_url": endpoint}}
    return {}


def lake_path(root: str | os.PathLike) -> UPath:
    """A lake root as a path object: URLs as they are, local paths made absolute."""
    text = os.fspath(root)
    if "://" in text and not text.startswith("file://"):
        return UPath(text, **storage_options(text))
    if text.startswith("file://"):
        text = text[len("file://"):]
    return UPath(Path(text).expanduser().resolve())


def is_local(path: UPath) -> bool:
    return path.protocol in ("", "file", "local")


@contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    """A temp file beside `target` for the caller to fill; renamed over `target` when the block
    ends, removed if it raises (a reader sees the old file or the new one, never half)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:8]}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: UPath, data: bytes) -> None:
    """Write a whole file so that a reader sees the old one or the new one, never half.

    Local: a temp file in the same folder, then rename. Object stores: a PUT is already atomic.
    """
    if not is_local(path):
        path.write_bytes(data)
        return
    with _replacing(Path(path.path)) as tmp:
        tmp.write_bytes(data)


@dataclass(frozen=True)
class ParquetFile:
    """A table already written to a local Parquet file (by DuckDB, streaming), handed to the
    lake as that file: for a table too large to hold as a frame (the cumulative crawl_log)."""

    path: Path
    rows: int
    left_out: str | None = None  # what of its source the file does not hold, and why (said in the run's log)


def put_atomic(local: Path, path: UPath) -> None:
    """Move the local file `local` to `path` whole, as write_atomic writes bytes."""
    local = Path(local)
    if not is_local(path):
        path.fs.put_file(str(local), path.path)  # one upload, visible when complete
        local.unlink()
        return
    target = Path(path.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(local, target)  # same filesystem: a rename
        return
    except OSError:  # another filesystem: copied beside the target, then renamed
        pass
    with _replacing(target) as tmp:
        shutil.copyfile(local, tmp)
    local.unlink()


def check_lake(root: str | os.PathLike) -> UPath:
    """Fail early, with the reason, when the lake cannot be written and read back.

    Writes and reads one small probe object (`_probe/<random>`) and removes it."""
    lake = lake_path(root)
    probe = lake / "_probe" / uuid.uuid4().hex
    with lake_io("write and read back a probe at", lake):
        write_atomic(probe, b"gongkai")
        if probe.read_bytes() != b"gongkai":
            raise OSError("probe read back differs")
        probe.unlink()
    return lake


class RawStore:
    """Documents by content: raw/<sha[:2]>/<sha> under the lake root."""

    def __init__(self, lake: str | os.PathLike) -> None:
        self.lake = lake_path(lake)
        self.root = self.lake / "raw"

    @staticmethod
    def sha256(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    @staticmethod
    def relpath(sha: str) -> str:
        """The path relative to the lake root, with forward slashes (stored in metadata)."""
        return f"raw/{sha[:2]}/{sha}"

    def path(self, sha: str) -> UPath:
        return self.root / sha[:2] / sha

    def has(self, sha: str) -> bool:
        with lake_io("look up", self.path(sha)):
            return self.path(sha).is_file()

    def read(self, sha: str) -> bytes:
        with lake_io("read", self.path(sha)):
            return self.path(sha).read_bytes()

    def put(self, content: bytes) -> str:
        sha = self.sha256(content)
        target = self.path(sha)
        with lake_io("write", target):
            if not target.is_file():  # two writers of one content end with the same file
                write_atomic(target, content)
        return sha
