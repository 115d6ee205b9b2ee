"""Scanned (图片版) reports read by OCR (issue 12), against the per-cell truth of
tests/fixtures/scans/ (made by tests/fixtures/generate_scans.py).

The OCR runs once per test session for the fixtures (module fixture `results`: 12 table
pages); the rest are fast unit tests of the parts: the engine's loading, the pitfall rules,
the arithmetic gate.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pypdfium2 as pdfium
import pytest

from pipelines.core.text import parse_value
from pipelines.document.document import extract_document
from pipelines.normalise.model import Fact, make_fact
from pipelines.normalise.ocr_gate import gate
from pipelines.parse.scan import cells as scan_cells
from tests.benchmarks.ocr_bench import score
from tests.fixtures.generate_scans import images_to_pdf

ROOT = Path(__file__).resolve().parents[2]
SCANS = ROOT / "tests" / "fixtures" / "scans"
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
TRUTH = pd.read_csv(SCANS / "truth.csv", dtype=str, keep_default_na=False)
MANIFEST = pd.read_csv(SCANS / "manifest.csv", dtype=str, keep_default_na=False)
SECTION = {"fact_applications": "applications", "fact_proactive": "proactive",
           "fact_review_litigation": "review_litigation"}


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    return {name: extract_document((SCANS / "docs" / name).read_bytes(), "pdf")
            for name in MANIFEST["document"]}


def _truth(name: str) -> list[dict]:
    return TRUTH[TRUTH["document"] == name].to_dict("records")


# ------------------------------------------------------------------ the scanned fixtures


def test_no_wrong_number_is_stored_and_nearly_every_cell_is_placed(results):
    cells = placed = 0
    for name, result in results.items():
        s = score(result, _truth(name))
        assert s["wrong"] == 0, (name, s["wrong_cells"])
        assert s["stored_unverifiable"] == 0, name
        cells += s["cells"]
        placed += s["placed"]
    assert placed / cells >= 0.98, f"{placed} of {cells} printed cells placed"


def test_read_by_ocr_with_confidence_title_and_status(results):
    for row in MANIFEST.to_dict("records"):
        result = results[row["document"]]
        assert result.read_by == "ocr"
        assert result.status in ("ok", "partial"), result.error
        if row["expected_status"] == "partial":
            assert result.status == "partial"
        assert result.title and "政府信息公开工作年度报告" in result.title, result.title
        numbers = [f for f in result.facts if f.kind == "number"]
        assert numbers and all(0 < f.confidence <= 1 for f in numbers)
        assert all(f.bbox and len(f.bbox) == 4 for f in result.facts)
        assert all(type(f.raw_text) is str for f in result.facts)
        assert result.format in ("2019", "2021")


def test_printed_arithmetic_error_is_held_back_with_a_finding(results):
    row = MANIFEST[MANIFEST["printed_error"] == "True"].iloc[0]
    result = results[row["document"]]
    held = [t for t in _truth(row["document"]) if t["expect"] == "unmapped"]
    assert held
    facts = {(f.section, f.dim1, f.dim2) for f in result.facts}
    for t in held:
        assert (SECTION[t["table"]], t["dim1"], t["dim2"]) not in facts, t
    unverified = [u for u in result.unmapped if "OCR reading not verified" in u.reason]
    assert len(unverified) >= len(held)
    assert sum(u.raw_text.strip() != "" for u in unverified) >= len(held) // 2  # text kept
    findings = [f for f in result.findings if f["check_name"] == "ocr_unverified"]
    assert findings and all(f["severity"] == "warning" and f["page"] for f in findings)
    assert any("（一）予以公开" in f["detail"] and "请核对原页" in f["detail"] for f in findings)
    assert result.status == "partial"


def test_no_ruled_table_stays_needs_ocr_with_the_reason(tmp_path):
    # A report without any table (corpus L14), scanned: nothing to read, so needs_ocr.
    src = pdfium.PdfDocument(next((CORPUS / "docs").glob("L14_*.pdf")).read_bytes())
    images = [src[i].render(scale=120 / 72, grayscale=True).to_numpy()
              for i in range(min(len(src), 2))]
    images_to_pdf(images, 120, 50, tmp_path / "scan.pdf")
    result = extract_document((tmp_path / "scan.pdf").read_bytes(), "pdf")
    assert result.status == "needs_ocr"
    assert "no ruled table" in result.error
    assert result.facts == [] and result.read_by is None


# ------------------------------------------------------------------------------ engine


def test_engine_loads_from_the_wheel_without_network(monkeypatch):
    from pipelines.parse.scan.engine import Engine

    def refuse(*a, **k):
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    engine = Engine()
    line = np.full((40, 60), 255, np.uint8)
    cv2.putText(line, "37", (8, 32), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 0, 3)
    free, number = engine.read_lines([line])[0]
    assert number.text == "37", (free, number)


def test_text_pdfs_never_load_the_ocr_engine():
    code = ("import sys; from pipelines.document.document import extract_document; "
            f"r = extract_document(open({str(next((CORPUS / 'docs').glob('L01_*.pdf')))!r}, 'rb')"
            ".read(), 'pdf'); print(r.read_by, 'onnxruntime' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=300)
    assert out.stdout.split() == ["text", "False"], out.stderr[-2000:]


# ------------------------------------------------------------------------ pitfall rules


def _stroke(draw) -> np.ndarray:
    img = np.zeros((40, 30), np.uint8)
    draw(img)
    ys, xs = np.nonzero(img)
    return img[ys.min():ys.max() + 1, xs.min():xs.max() + 1] > 0


def test_slash_is_told_from_one_and_seven_by_its_slant():
    slash = _stroke(lambda im: cv2.line(im, (22, 4), (8, 36), 255, 3))
    one = _stroke(lambda im: (cv2.line(im, (15, 4), (15, 36), 255, 3),
                              cv2.line(im, (15, 4), (10, 9), 255, 2)))
    seven = _stroke(lambda im: (cv2.line(im, (12, 4), (27, 4), 255, 3),
                                cv2.line(im, (27, 4), (6, 36), 255, 3)))  # leans like "/"
    backslash = _stroke(lambda im: cv2.line(im, (8, 4), (22, 36), 255, 3))
    serif_one = _stroke(lambda im: (cv2.line(im, (16, 4), (15, 36), 255, 3),
                                    cv2.line(im, (9, 36), (22, 36), 255, 2)))  # SimSun's 1
    assert scan_cells._slash(slash)
    assert not scan_cells._slash(one)  # upright
    assert not scan_cells._slash(seven)  # its bar across the top
    assert not scan_cells._slash(backslash)  # leans the other way
    assert not scan_cells._slash(serif_one)  # narrow top like "/", but upright


def test_a_lone_flat_stroke_is_a_dash():
    scale = 200 / 72
    em = np.ones((4, int(10 * scale)), bool)
    hyphen = np.ones((2, int(3.5 * scale)), bool)
    assert scan_cells._dash(em, scale) == "—"
    assert scan_cells._dash(hyphen, scale) == "-"
    assert scan_cells._dash(np.ones((20, 12), bool), scale) is None


# ------------------------------------------------------------------- the arithmetic gate


def _facts(name: str) -> list[Fact]:
    """A fixture's printed cells as facts (what a perfect reading would give)."""
    out = []
    for t in _truth(name):
        out.append(make_fact(SECTION[t["table"]], t["dim1"], t["dim2"], t["raw_text"], 2,
                             "万元" if t["unit"] == "万元" else None))
    return out


def _same_reading(text):
    """A second reading that sees the same ink: confirms, never corrects."""
    return [(str(text), 0.99, False), (str(text), 0.98, False)]


def test_gate_keeps_a_clean_table():
    facts = _facts("S16_sq-jyj_2021.pdf")
    kept, unmapped, findings = gate(facts, [], _same_reading)
    assert len(kept) == len(facts) and unmapped == [] and findings == []


def test_gate_holds_back_a_misread_digit_and_names_rows_and_page():
    facts = _facts("S16_sq-jyj_2021.pdf")
    target = next(f for f in facts if (f.dim1, f.dim2) == ("granted", "natural_person"))
    printed = target.raw_text
    misread = "8" if printed != "8" else "3"  # 28 read as 8: confidence 1.0, still wrong
    target.raw_text, target.value = misread, float(misread)
    kept, unmapped, findings = gate(facts, [], _same_reading)
    assert not any((f.dim1, f.dim2) == ("granted", "natural_person") for f in kept)
    held = [u for u in unmapped if u.label.startswith("（一）予以公开")]
    assert any(u.raw_text == misread and "I2" in u.reason for u in held)
    assert any(f["check_name"] == "ocr_unverified" and f["page"] == 2
               and "（一）予以公开" in f["detail"] for f in findings)
    # Every value still stored satisfies the truth.
    truth = {(SECTION[t["table"]], t["dim1"], t["dim2"]): t["value"]
             for t in _truth("S16_sq-jyj_2021.pdf")}
    for f in kept:
        want = truth[(f.section, f.dim1, f.dim2)]
        assert (f.value is None) == (want == "") and (f.value is None or f.value == float(want))


def test_gate_takes_a_second_reading_that_makes_the_comparisons_hold():
    facts = _facts("S16_sq-jyj_2021.pdf")
    target = next(f for f in facts if (f.dim1, f.dim2) == ("granted", "natural_person"))
    printed = target.raw_text
    target.raw_text, target.value = printed + "1", float(printed + "1")

    def reread(text):
        return [(printed, 0.97, False)] if str(text) == printed + "1" else _same_reading(text)

    kept, unmapped, findings = gate(facts, [], reread)
    fixed = next(f for f in kept if (f.dim1, f.dim2) == ("granted", "natural_person"))
    assert fixed.raw_text == printed and fixed.value == parse_value(printed).value
    assert not [u for u in unmapped if "not verified" in u.reason] and findings == []


def test_gate_holds_back_section_two_values_a_second_reading_does_not_confirm():
    facts = _facts("S16_sq-jyj_2021.pdf")
    target = next(f for f in facts if f.section == "proactive" and f.kind == "number")

    def reread(text):
        if text is target.raw_text:
            return [(str(text) + "0", 0.9, False)]
        return _same_reading(text)

    kept, unmapped, findings = gate(facts, [], reread)
    assert target not in kept
    assert any(u.section == "proactive" and "no identity" in u.reason for u in unmapped)
    assert any(f["check_name"] == "ocr_unverified" for f in findings)


# ------------------------------------------------------------------------ speed (issue 12)


def _line(text: str, height: int = 40) -> np.ndarray:
    img = np.full((height, 24 * len(text) + 20), 255, np.uint8)
    cv2.putText(img, text, (8, height - 8), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 0, 3)
    return img


def _digits(text: str) -> np.ndarray:
    """A number as printed: OpenCV's digits are nearly square; a print font's (SimSun,
    Helvetica, Times) are about 0.55–0.7 as wide as they are tall."""
    line = _line(text)
    return cv2.resize(line, (int(line.shape[1] * 0.65), line.shape[0]), interpolation=cv2.INTER_AREA)


def _squares(n: int, side: int = 30) -> np.ndarray:
    """A line of n square characters (what a run of Chinese characters looks like to ink)."""
    img = np.full((side + 10, n * (side + 8) + 10), 255, np.uint8)
    for i in range(n):
        x = 5 + i * (side + 8)
        cv2.rectangle(img, (x, 5), (x + side - 1, 5 + side - 1), 0, 3)
        cv2.line(img, (x, 5 + side // 2), (x + side - 1, 5 + side // 2), 0, 2)
    return img


def test_lines_are_batched_once_each_and_read_back_in_order():
    from pipelines.parse.scan.engine import MAX_BATCH, Engine, engine

    widths = [40, 300, 36, 36, 700, 41, 120, 36] * 9
    runs = Engine._batches(widths)
    assert sorted(i for run in runs for i in run) == list(range(len(widths)))
    assert all(0 < len(run) <= MAX_BATCH for run in runs)
    texts = ["37", "5", "1204", "88", "906", "1"]
    readings = engine().read_lines([_line(t) for t in texts])
    assert [number.text for _, number in readings] == texts


def test_square_character_lines_are_squeezed_numbers_never():
    from pipelines.parse.scan.engine import COLUMNS_PER_GLYPH, HEIGHT, _width

    def natural(im):
        return int(np.ceil(im.shape[1] * HEIGHT / im.shape[0]))

    text = _squares(12)
    assert _width(text) < 0.75 * natural(text)
    assert _width(text) >= 12 * COLUMNS_PER_GLYPH
    for digits in ("1234567", "00", "3.75", "88888888", "20.36"):
        line = _digits(digits)
        assert _width(line) == natural(line), digits
    for digits in ("0000", "12345678", "20.36"):
        touching = cv2.erode(_digits(digits), np.ones((1, 7), np.uint8))  # digits run together
        assert _width(touching) == natural(touching), digits


def test_gate_reads_cells_no_comparison_covers_at_once_without_altered_readings():
    facts = _facts("S16_sq-jyj_2021.pdf")
    calls = []

    def many(texts, altered):
        calls.append(list(altered))
        return [_same_reading(t) for t in texts]

    kept, unmapped, findings = gate(_facts("S16_sq-jyj_2021.pdf"), [], _same_reading, many)
    expected = gate(facts, [], _same_reading)
    assert [(f.section, f.dim1, f.dim2, f.value) for f in kept] == \
        [(f.section, f.dim1, f.dim2, f.value) for f in expected[0]]
    assert (unmapped, findings) == (expected[1], expected[2])
    proactive = [f for f in facts if f.section == "proactive" and f.kind != "blank"]
    assert len(calls) == 1 and len(calls[0]) >= len(proactive) and not any(calls[0])


def test_pages_finer_than_200_dpi_are_rendered_at_200(tmp_path):
    from pipelines.parse.scan.image import MAX_DPI, render

    img = np.full((int(11.69 * 300), int(8.27 * 300)), 255, np.uint8)
    images_to_pdf([img], 300, 95, tmp_path / "a4-300dpi.pdf")  # an A4 page scanned at 300 dpi
    page = pdfium.PdfDocument(tmp_path / "a4-300dpi.pdf")[0]
    page_image = render(page, 1)
    assert MAX_DPI == 200 and page_image.image_dpi == 200
    assert abs(page_image.grey.shape[0] - 11.69 * 200) < 2


def _read_numbers(texts: list[str]) -> list[str]:
    from pipelines.parse.scan.engine import engine

    return [number.text for _, number in engine().read_lines([_line(t) for t in texts])]


def test_a_process_forked_after_the_engine_was_made_reads_with_its_own_threads():
    # The engine's worker threads are not in a forked child: it must not wait for them.
    import multiprocessing

    texts = ["37", "5", "1204", "88", "906", "1"] * 6
    assert _read_numbers(texts) == texts
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply_async(_read_numbers, (texts,)).get(timeout=120) == texts
