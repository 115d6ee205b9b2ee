"""camelot imported without OpenCV and cryptography (pipelines/parse/camelot_import.py): both
stay out until used, and work when they are used. In a fresh interpreter, since this one may
have imported them already."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PDF = REPO / "tests" / "fixtures" / "corpus" / "docs" / "C01_bh-scj_2020.pdf"

SCRIPT = f"""
import sys
from pathlib import Path

from pipelines.parse.camelot_import import import_camelot

def mapped(lib):
    return f"/{{lib}}/" in Path("/proc/self/maps").read_text()

camelot, _ = import_camelot()
print("after import", mapped("cv2"), mapped("cryptography"))
import playa.security
import cryptography.hazmat.primitives.ciphers  # still importable by anyone else
print("playa decrypts AES", playa.security.default_backend is not None)
tables = camelot.read_pdf({str(PDF)!r}, pages="1", flavor="lattice", engine="raster")
print("raster lattice", len(tables) > 0, mapped("cv2"))
import cv2
print("cv2", cv2.__version__ == camelot.image_processing.cv2.__version__,
      cv2.resize(__import__("numpy").zeros((4, 4), "uint8"), (2, 2)).shape)
"""


def test_opencv_and_cryptography_load_only_when_used():
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True,
                         text=True, timeout=120, check=True).stdout.splitlines()
    assert out == ["after import False False", "playa decrypts AES False",
                   "raster lattice True True", "cv2 True (2, 2)"]
