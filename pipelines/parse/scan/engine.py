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
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

# What a value cell may print: digits, decimal point, sign and the words of 本年增/减, units,
# and the marks of an empty cell.
NUMBER_CHARS = "0123456789.+-/—－减少增加元万"
HEIGHT = 48  # the recognition model's input height
BATCH = 8

_lock = threading.Lock()
_engine = None


@dataclass
class Reading:
    text: str
    confidence: float  # the lowest probability among the characters read (1.0 for none)


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
        threads = int(os.environ.get("GONGKAI_OCR_THREADS", "0") or 0)
        opts.intra_op_num_threads = threads if threads > 0 else min(os.cpu_count() or 1, 2)
        self.session = ort.InferenceSession(str(self.model_path), opts,
                                            providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name
        meta = self.session.get_modelmeta().custom_metadata_map
        # CTC: index 0 is the blank; the model's characters; a space last (PaddleOCR's layout).
        self.chars = ["blank"] + meta["character"].splitlines() + [" "]
        allowed = [i for i, c in enumerate(self.chars) if c in NUMBER_CHARS]
        self.number_mask = np.zeros(len(self.chars), bool)
        self.number_mask[[0] + allowed] = True

    # -------------------------------------------------------------------------- lines

    def _probs(self, images: list[np.ndarray]) -> list[np.ndarray]:
        """Per image, the model's per-step character probabilities (steps × characters)."""
        out: list[np.ndarray | None] = [None] * len(images)
        ratios = [im.shape[1] / max(im.shape[0], 1) for im in images]
        order = np.argsort(ratios)
        for start in range(0, len(images), BATCH):
            idx = order[start:start + BATCH]
            width = max(int(np.ceil(HEIGHT * max(ratios[i] for i in idx))), HEIGHT)
            batch = np.zeros((len(idx), 3, HEIGHT, width), np.float32)
            for j, i in enumerate(idx):
                im = images[i]
                w = max(min(int(np.ceil(HEIGHT * ratios[i])), width), 1)
                resized = cv2.resize(im, (w, HEIGHT), interpolation=cv2.INTER_AREA
                                     if im.shape[0] > HEIGHT else cv2.INTER_CUBIC)
                if resized.ndim == 2:
                    resized = np.repeat(resized[..., None], 3, axis=2)
                batch[j, :, :, :w] = (resized.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
                batch[j, :, :, w:] = 0.0
            preds = self.session.run(None, {self.input: batch})[0]
            for j, i in enumerate(idx):
                out[i] = preds[j]
        return out  # type: ignore[return-value]

    def _decode(self, probs: np.ndarray, mask: np.ndarray | None) -> Reading:
        p = probs if mask is None else np.where(mask[None, :], probs, 0.0)
        best = p.argmax(axis=1)
        text, confs, last = [], [], 0
        for t, k in enumerate(best):
            if k != 0 and k != last:
                text.append(self.chars[k])
                confs.append(float(p[t, k]))
            last = k
        return Reading("".join(text).strip(), min(confs) if confs else 1.0)

    def read_lines(self, images: list[np.ndarray]) -> list[tuple[Reading, Reading]]:
        """Per line image: (free reading, reading restricted to NUMBER_CHARS)."""
        if not images:
            return []
        return [(self._decode(p, None), self._decode(p, self.number_mask))
                for p in self._probs(images)]


def engine() -> Engine:
    """The process's engine, made on first use (about a second to load the model)."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = Engine()
    return _engine
