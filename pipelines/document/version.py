"""The extractor's version: a digest of the code that turns a document into facts.

Any change to extraction, normalisation, the template spec or text parsing gives a new
version, so per-document results cached under the old one are recomputed, and only then.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

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


def _digest() -> str:
    h = hashlib.sha256()
    for path in _SOURCES:
        if path.exists():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


EXTRACTOR_VERSION = f"1.{_digest()}"
