"""camelot, imported without the parts of it this project never calls.

camelot is imported in every process that reads a PDF with tables (each extraction worker), and
at import it loads modules only its other paths use. We call one path: the lattice flavor with
engine="vector" (ruling read from the PDF's own lines, no page image) on the PDF
`pdf_tables._ruling_only` writes. What that leaves out, per process:

- matplotlib (~30 MiB), for camelot's plots: an empty `camelot.plotting` stands in.
- OpenCV (cv2, ~15 MiB), for the raster line detection and the plots: a stand-in module loads
  it on first use, as the scanned-PDF path (`pipelines.parse.scan`) does.
- `cryptography` (~6 MiB), which playa (camelot's PDF reader) imports to decrypt AES-encrypted
  PDFs: the PDF camelot reads here is written by pdfium unencrypted. It is hidden only while
  camelot is imported: playa then keeps its documented no-`cryptography` state, and any other
  code still imports the package.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import types
from contextlib import contextmanager
from typing import Iterator


def import_camelot() -> tuple[types.ModuleType, types.ModuleType]:
    """camelot and its lattice parser module."""
    _without_plotting()
    _opencv_on_demand()
    with _hidden("cryptography"):
        import camelot
        import camelot.parsers.lattice as lattice
    return camelot, lattice


def _without_plotting() -> None:
    if "camelot" not in sys.modules and "camelot.plotting" not in sys.modules:
        stub = types.ModuleType("camelot.plotting")
        stub.PlotMethods = lambda: None  # camelot/__init__.py: plot = PlotMethods()
        sys.modules["camelot.plotting"] = stub


def _opencv_on_demand() -> None:
    """A stand-in module for cv2 whose first attribute lookup imports OpenCV and takes on its
    namespace (PEP 562 module `__getattr__`). Not `importlib.util.LazyLoader`: with Python 3.11
    every later `import cv2` statement (camelot has three) reads the lazy module's `__spec__`,
    which loads it."""
    spec = None if "cv2" in sys.modules else importlib.util.find_spec("cv2")
    if spec is None:
        return
    stand_in = types.ModuleType("cv2", "OpenCV, imported on first use (camelot_import.py)")
    stand_in.__file__ = spec.origin  # what introspection (inspect.getmodule) reads, not a load

    lock = threading.Lock()  # the scanned-PDF path may first use it from two threads

    def load(name: str):
        with lock:
            if sys.modules.get("cv2") is stand_in:
                del sys.modules["cv2"]  # the real import puts OpenCV's own module there
            opencv = importlib.import_module("cv2")
            stand_in.__dict__.update(opencv.__dict__)  # later lookups find it directly
        return getattr(opencv, name)

    stand_in.__getattr__ = load  # type: ignore[attr-defined]
    sys.modules["cv2"] = stand_in


@contextmanager
def _hidden(name: str) -> Iterator[None]:
    """`import name` raises ImportError inside the block (unless it is imported already)."""
    if name in sys.modules:
        yield
        return
    sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if sys.modules.get(name, ...) is None:
            del sys.modules[name]
