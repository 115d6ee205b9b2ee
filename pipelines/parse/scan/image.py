"""A scanned page as an upright grey image: rendered at its own resolution, seal ink dropped,
deskewed."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2 as pdfium

# Render no coarser than MIN_DPI (line finding) and no finer than MAX_DPI: the recognition model
# reads lines 48 pixels high, and a 10-point character at 200 dpi is 28 pixels, its line with
# its margin about 35, enlarged for the model anyway (a page at 100 dpi is read as well). A 300- or 400-dpi scan rendered at its own resolution costs two to
# four times the image work and read no better (measured on the fixtures' sources scanned at
# 300 and 400 dpi: every cell placed, 0 wrong, at 200).
MIN_DPI, MAX_DPI = 100, 200
MAX_SKEW = 5.0  # degrees: beyond this the page is not a skewed scan but something else


@dataclass
class PageImage:
    page: int  # 1-based
    grey: np.ndarray  # upright (deskewed), uint8, white paper
    scale: float  # pixels per PDF point
    skew: float  # degrees the scan was turned by (undone)
    height_pt: float
    image_dpi: float  # the resolution of the embedded image


def embedded_dpi(page) -> float | None:
    """The resolution of the page's largest image, in pixels per inch of the page."""
    best = None
    for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            w_px, h_px = obj.get_px_size()
            left, bottom, right, top = obj.get_bounds()
        except Exception:  # an image pdfium cannot measure: ignore it
            continue
        width_pt = max(right - left, 1e-6)
        area = (right - left) * (top - bottom)
        if best is None or area > best[0]:
            best = (area, w_px / width_pt * 72)
    return best[1] if best else None


def render(page, page_no: int) -> PageImage | None:
    """The page at its image's resolution (clamped), as grey; None without any image."""
    dpi = embedded_dpi(page)
    if dpi is None:
        return None
    dpi = min(max(dpi, MIN_DPI), MAX_DPI)
    scale = dpi / 72
    bitmap = page.render(scale=scale, may_draw_forms=False)
    arr = bitmap.to_numpy()
    if arr.ndim == 3 and arr.shape[2] >= 3:
        # pdfium's bytes are B, G, R: the red channel is index 2. Red seal ink is light in the
        # red channel while black ink stays dark, so the seal drops out of the page.
        grey = np.ascontiguousarray(arr[..., 2])
    else:
        grey = arr if arr.ndim == 2 else arr[..., 0]
    grey, skew = deskew(grey, scale)
    return PageImage(page_no, grey, scale, skew, page.get_size()[1], dpi)


def ink(grey: np.ndarray, scale: float) -> np.ndarray:
    """Ink as 255 on 0: a local threshold, so uneven light (a photographed page) does not
    turn paper into ink."""
    block = int(10 * scale) | 1  # about 10 points: larger than a stroke, smaller than a shadow
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 max(block, 15), 18)


def _line_angle(binary: np.ndarray, scale: float) -> float | None:
    """The dominant angle of long near-horizontal strokes (ruling lines, underlines), each
    fitted on its own pixels and weighted by its length; None when the page has none."""
    run = cv2.morphologyEx(binary, cv2.MORPH_OPEN,
                           cv2.getStructuringElement(cv2.MORPH_RECT, (max(int(8 * scale), 9), 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(run, connectivity=8)
    angles, weights = [], []
    for k in range(1, n):
        x, y, w, h, area = stats[k]
        if w < 60 * scale or h > w * math.tan(math.radians(MAX_SKEW)) + 6 * scale:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == k)
        slope = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0]
        angles.append(math.degrees(math.atan(slope)))
        weights.append(w)
    if not angles:
        return None
    order = np.argsort(angles)
    cum = np.cumsum(np.array(weights, dtype=float)[order])
    return float(np.array(angles)[order][np.searchsorted(cum, cum[-1] / 2)])  # weighted median


def _profile_angle(binary: np.ndarray) -> float | None:
    """A page of text without ruling: the angle whose rows of ink are sharpest (the text lines
    line up with the rows), searched on a small copy, then refined."""
    small = cv2.resize(binary, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    if not small.any():
        return None
    h, w = small.shape

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rows = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1, dtype=np.float64)
        return float(np.var(rows))

    best = max(np.arange(-MAX_SKEW / 2, MAX_SKEW / 2 + 1e-9, 0.25), key=sharpness)
    best = max(np.arange(best - 0.2, best + 0.2 + 1e-9, 0.05), key=sharpness)
    return float(best)


def deskew(grey: np.ndarray, scale: float) -> tuple[np.ndarray, float]:
    binary = ink(grey, scale)
    angle = _line_angle(binary, scale)
    if angle is None:
        angle = _profile_angle(binary)
    if angle is None or abs(angle) < 0.05:
        return grey, 0.0
    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return out, angle
