"""The extractor's version: a digest of the code that turns a document into facts.

Any change to extraction, normalisation, the template spec or text parsing gives a new
version, so per-document results cached under the old one are recomputed, and only then.
"""

from __future__ import annotations

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


EXTRACTOR_VERSION = f"1.{files_digest(_SOURCES)[:12]}"
