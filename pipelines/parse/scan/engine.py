"""The recognition engine: rapidocr's PP-OCR models on onnxruntime, loaded once per process
and only when a page without a text layer needs it.

The models ship inside the rapidocr wheel (its `models/` folder; the character list is in
the recognition model's metadata). Only the recognition model is used, opened straight from
that folder, so nothing is downloaded at run time (`tests/parse/test_scan.py` loads it with
the network switched off). Text lines are found by the cells' ruling and the ink's profile,
so the detection model is not needed.

Recognition runs the model on batches of line images, so each line can be decoded twice
from one inference: freely, and restricted to the characters a number cell can hold.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

# What a value cell may print: digits, decimal point, sign and the words of 本年增/减, units,
# and the marks of an empty cell.
NUMBER_CHARS = "0123456789.+-/—－减少增加元万"
HEIGHT = 48  # the recognition model's input height
MAX_BATCH = 32  # line images per model run, at most
# A model run is at least this wide: four of the model's steps, room for one character and
# the blanks around it (most value cells hold one digit, about 36 columns wide; padding them
# to the model's height, 48, cost a quarter more and read them no better).
MIN_WIDTH = 32
# A model run costs about as much as this many columns of input on top of its columns: the
# batches are cut where the padding to the widest line would cost more than another run.
RUN_COST_COLUMNS = 24
# The model reads a line in steps of 8 columns. A square (Chinese) character at the model's
# height is about 40 columns wide, five steps; two and a half are enough for it and a blank
# (measured on the scanned fixtures: squeezed to 16 columns the first characters drop out,
# at 20 the readings are the unsqueezed ones but for a space or a bracket's width).
COLUMNS_PER_GLYPH = 20
# A run of ink this wide for the line's height is one square character. A printed digit is
# 0.55–0.7 as wide as it is tall, so digits are never taken for one.
SQUARE = (0.8, 1.2)
TEXT_LINE = (3, 0.6)  # a line of text: this many square characters at least, this share of the ink

_lock = threading.Lock()
_engine = None


@dataclass
class Reading:
    text: str
    confidence: float  # the lowest probability among the characters read (1.0 for none)


def _width(im: np.ndarray) -> int:
    """The line's width in model columns: its natural width at the model's height, less what
    square characters take beyond COLUMNS_PER_GLYPH each, in a line of text.

    A square character (a Chinese one) is a run of inked columns about as wide as the line's
    ink is tall; a wider run is characters touching, about as many as it is heights wide. A
    line is text when it has TEXT_LINE[0] square characters standing alone and such runs make
    most of its ink. A number is never squeezed: its digits are narrower than square, and
    digits run together make no square character standing alone. A label line costs about
    half its natural width."""
    h, w = im.shape[:2]
    scale = HEIGHT / max(h, 1)
    natural = max(int(np.ceil(w * scale)), 1)
    if natural <= HEIGHT:
        return natural
    grey = im if im.ndim == 2 else im.min(axis=2)
    _, binary = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows = np.nonzero(binary.any(axis=1))[0]
    if rows.size == 0:
        return natural
    tall = rows[-1] - rows[0] + 1
    cols = np.concatenate([[0], binary.any(axis=0).astype(np.int8), [0]])
    edges = np.diff(cols)
    runs = np.nonzero(edges == -1)[0] - np.nonzero(edges == 1)[0]
    alone = (runs >= SQUARE[0] * tall) & (runs <= SQUARE[1] * tall)
    square = runs >= SQUARE[0] * tall
    if alone.sum() < TEXT_LINE[0] or runs[square].sum() < TEXT_LINE[1] * runs.sum():
        return natural
    chars = np.maximum(np.rint(runs[square] / tall), 1)
    excess = np.maximum(runs[square] * scale - chars * COLUMNS_PER_GLYPH, 0).sum()
    return min(natural, max(int(np.ceil(natural - excess)), HEIGHT))


class Engine:
    """PP-OCR's recognition model from the rapidocr wheel, in an onnxruntime session of our
    own: no spinning threads (a shared machine loses a quarter of its CPU to them), and the
    model file taken from the wheel as it is, so nothing can trigger a download."""

    def __init__(self):
        import importlib.util

        import onnxruntime as ort

        spec = importlib.util.find_spec("rapidocr")  # its folder only: importing it is not needed
        if spec is None or spec.origin is None:
            raise RuntimeError("rapidocr is not installed")
        models = Path(spec.origin).resolve().parent / "models"
        found = sorted(models.glob("*_rec_*.onnx"))
        if not found:
            raise RuntimeError(f"rapidocr's recognition model is not in its wheel ({models})")
        self.model_path = found[-1]
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # Both cores are used by running two batches at once, each on one thread: a model run
        # split over two threads gains far less (its small operators wait for each other).
        threads = int(os.environ.get("GONGKAI_OCR_THREADS", "0") or 0)
        self.workers = threads if threads > 0 else min(os.cpu_count() or 1, 2)
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0
        self.session = ort.InferenceSession(str(self.model_path), opts,
                                            providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name
        meta = self.session.get_modelmeta().custom_metadata_map
        # CTC: index 0 is the blank; the model's characters; a space last (PaddleOCR's layout).
        self.chars = ["blank"] + meta["character"].splitlines() + [" "]
        allowed = [i for i, c in enumerate(self.chars) if c in NUMBER_CHARS]
        self.number_index = np.array([0] + allowed)  # the blank and the number alphabet

    def _threads(self) -> ThreadPoolExecutor:
        """The worker threads, made in this process (a process forked after the engine was
        made has none of its parent's threads: it makes its own)."""
        with _lock:
            if self._pool is None or self._pool_pid != os.getpid():
                self._pool, self._pool_pid = ThreadPoolExecutor(self.workers), os.getpid()
            return self._pool

    # -------------------------------------------------------------------------- lines

    @staticmethod
    def _batches(widths: list[int]) -> list[list[int]]:
        """Line indices grouped into model runs: sorted by width, cut where padding every
        line to the widest of its run costs more than a run of its own (dynamic programming
        on the sorted widths)."""
        order = sorted(range(len(widths)), key=lambda i: widths[i])
        w = [widths[i] for i in order]
        n = len(w)
        best = [0.0] + [float("inf")] * n  # best[j]: cost of the first j lines
        cut = [0] * (n + 1)
        for j in range(1, n + 1):
            for i in range(max(0, j - MAX_BATCH), j):
                cost = best[i] + RUN_COST_COLUMNS + (j - i) * w[j - 1]
                if cost < best[j]:
                    best[j], cut[j] = cost, i
        runs, j = [], n
        while j > 0:
            runs.append(order[cut[j]:j])
            j = cut[j]
        return runs[::-1]

    def _input(self, images: list[np.ndarray], widths: list[int]) -> np.ndarray:
        width = max(max(widths), MIN_WIDTH)
        batch = np.zeros((len(images), 3, HEIGHT, width), np.float32)
        for j, (im, w) in enumerate(zip(images, widths)):
            resized = cv2.resize(im, (w, HEIGHT), interpolation=cv2.INTER_AREA
                                 if im.shape[0] > HEIGHT else cv2.INTER_CUBIC)
            if resized.ndim == 2:
                resized = resized[None, :, :]
            else:
                resized = resized.transpose(2, 0, 1)
            batch[j, :, :, :w] = resized / 127.5 - 1.0  # (x / 255 - 0.5) / 0.5
        return batch

    def read_lines(self, images: list[np.ndarray]) -> list[tuple[Reading, Reading]]:
        """Per line image: (free reading, reading restricted to NUMBER_CHARS)."""
        if not images:
            return []
        widths = [_width(im) for im in images]
        runs = self._batches(widths)

        def run(idx: list[int]) -> list[tuple[Reading, Reading]]:
            batch = self._input([images[i] for i in idx], [widths[i] for i in idx])
            probs = self.session.run(None, {self.input: batch})[0]  # lines × steps × chars
            free = probs.argmax(axis=2)
            number = self.number_index[probs[:, :, self.number_index].argmax(axis=2)]
            return [(self._decode(p, f), self._decode(p, n))
                    for p, f, n in zip(probs, free, number)]

        if self.workers > 1 and len(runs) > 1:
            # The widest runs first, so the two workers finish together.
            runs.sort(key=lambda idx: -len(idx) * max(widths[i] for i in idx))
            readings = list(self._threads().map(run, runs))
        else:
            readings = [run(idx) for idx in runs]
        out: list[tuple[Reading, Reading] | None] = [None] * len(images)
        for idx, got in zip(runs, readings):
            for i, r in zip(idx, got):
                out[i] = r
        return out  # type: ignore[return-value]

    def _decode(self, probs: np.ndarray, best: np.ndarray) -> Reading:
        """CTC: repeats merged, blanks dropped; the confidence is the lowest probability."""
        text, confs, last = [], [], 0
        for t, k in enumerate(best.tolist()):
            if k != 0 and k != last:
                text.append(self.chars[k])
                confs.append(float(probs[t, k]))
            last = k
        return Reading("".join(text).strip(), min(confs) if confs else 1.0)


def engine() -> Engine:
    """The process's engine, made on first use (about a second to load the model)."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = Engine()
    return _engine
