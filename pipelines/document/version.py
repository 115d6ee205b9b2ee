"""The extractor's version: a digest of the code that turns a document into facts.

Any change to extraction, normalisation, the template spec or text parsing, or to the version
of a library that reads documents, gives a new version, so per-document results cached under
the old one are recomputed, and only then.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pipelines.core.code_digest import files_digest

_ROOT = Path(__file__).resolve().parent.parent
# The layers a result depends on: core (spec, text, charset, media), parse, normalise and
# the per-document function itself (not the cache or the fan-out).
_SOURCES = sorted(
    [*(_ROOT / "core" / f for f in ("spec.py", "registry.py", "text.py", "charset.py", "media.py",
                                        "models.py")),
     *(_ROOT / "parse").rglob("*.py"),
     *(_ROOT / "normalise").glob("*.py"), _ROOT / "document" / "document.py",
     _ROOT / "document" / "scanned.py"]
)


# The libraries that read a document, by their installed versions: a release may read a page,
# a table's ruling, a charset or a scanned glyph differently, so a lock update that changes one
# re-extracts every document once, as a change of this project's own reading code does (a lock
# update of anything else keeps the cached results). ~20 ms, once a process.
READERS = ("pypdfium2", "camelot-py", "playa-pdf", "lxml", "python-docx", "charset-normalizer",
           "opencc", "rapidfuzz", "rapidocr", "onnxruntime", "opencv-python-headless")


def _readers() -> str:
    out = []
    for dist in READERS:
        try:
            out.append(f"{dist}=={version(dist)}")
        except PackageNotFoundError:  # an optional reader left out of this install
            out.append(f"{dist} absent")
    return "\n".join(out)


def extractor_version() -> str:
    return f"1.{files_digest(_SOURCES, seed=_readers())[:12]}"


EXTRACTOR_VERSION = extractor_version()
