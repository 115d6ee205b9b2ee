"""The report's charts: SVG written directly, with live text (the reader's browser sets the
Chinese; no font file is embedded or needed).

Two bar charts of a few dozen bars each. Written as markup beside the page's own HTML rather
than through a plotting library: matplotlib took about half a second a chart (and 30 MiB to
import) for what is a few hundred rectangles and labels. Layout counts characters (a CJK
character is one em wide), so it does not depend on the machine's fonts.
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from pipelines.report.data import OUTCOME_GROUPS

FONT = ("'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', "
        "'WenQuanYi Zen Hei', sans-serif")
COLORS = {"granted": "#2e7d32", "partially_granted": "#81c784", "withheld": "#e53935",
          "unavailable": "#fb8c00", "not_processed": "#8d6e63", "other": "#9e9e9e",
          "received": "#1565c0", "review": "#6a1b9a", "litigation": "#00838f"}
AXIS, GRID, INK, ERROR = "#999999", "#e0e0e0", "#333333", "#c62828"
EM = 13.0  # px per em at the charts' 10 pt text


def _width(text: str, size: float = EM) -> float:
    """Text width in px: CJK characters one em, others about 0.6."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in str(text)) * size


def _num(v: float) -> str:
    return f"{v:g}"


def _ticks(top: float, n: int = 5) -> list[float]:
    """0 … ≥ top in 1/2/5 × 10^k steps."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    step = max(step, 1.0)  # counts of cases: whole numbers
    return [i * step for i in range(int(math.ceil(top / step)) + 1)]


class _Svg:
    def __init__(self, width: float, height: float, title: str):
        self.parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
                      f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
                      f'role="img" font-family="{FONT}" font-size="{EM:g}">',
                      f"<title>{escape(title)}</title>",
                      f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>']

    def rect(self, x, y, w, h, color, tip: str = "") -> None:
        box = (f'x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
               f'fill="{color}"')
        self.parts.append(f"<rect {box}><title>{escape(tip)}</title></rect>" if tip
                          else f"<rect {box}/>")

    def line(self, x1, y1, x2, y2, color, width: float = 1.0) -> None:
        self.parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                          f'stroke="{color}" stroke-width="{width:g}"/>')

    def text(self, x, y, s, *, anchor="start", size: float | None = None, color=INK,
             bold=False, baseline="middle") -> None:
        attrs = [f'x="{x:.1f}"', f'y="{y:.1f}"', f'fill="{color}"',
                 f'dominant-baseline="{baseline}"']
        if anchor != "start":
            attrs.append(f'text-anchor="{anchor}"')
        if size:
            attrs.append(f'font-size="{size:g}"')
        if bold:
            attrs.append('font-weight="bold"')
        self.parts.append(f"<text {' '.join(attrs)}>{escape(str(s))}</text>")

    def legend(self, x, y, items: list[tuple[str, str]], size: float = 11.5,
               width: float = 10 ** 6) -> None:
        """Swatches and labels from (x, y), onto a new line past `width`."""
        start = x
        for color, label in items:
            step = 18 + _width(label, size) + 14
            if x > start and x + step - 14 > start + width:
                x, y = start, y + size + 8
            self.rect(x, y - 5, 14, 10, color)
            self.text(x + 18, y, label, size=size)
            x += step

    def done(self) -> str:
        return "".join(self.parts) + "</svg>"


def by_agency(summary: pd.DataFrame, year: int) -> str | None:
    """Stacked horizontal bars: each agency's applications by outcome, its received count at
    the bar's end; agencies with an error are labelled in red."""
    rows = summary[summary["results_total"].notna() | summary["received"].notna()].copy()
    if rows.empty:
        return None
    rows["_n"] = rows["received"].fillna(0)
    rows = rows.sort_values(["_n", "agency_name"], ascending=[False, True])  # largest on top
    groups = [(code, label) for code, label in OUTCOME_GROUPS if rows[code].fillna(0).any()]
    ends = rows[[c for c, _ in groups]].fillna(0).sum(axis=1) if groups else rows["_n"] * 0
    top_value = max(float(ends.max()), 1.0)
    ticks = _ticks(top_value * 1.12)
    n = len(rows)
    left = max(_width(s) for s in rows["agency_name"]) + 18
    plot_w, band = 560.0, 24.0
    top, bottom = 64.0, 46.0
    width, height = left + plot_w + 70, top + band * n + bottom
    scale = plot_w / ticks[-1]
    title = f"{year} 年度各机构依申请公开办理结果"
    svg = _Svg(width, height, title)
    svg.text(10, 16, title, size=15.5, bold=True)
    svg.legend(10, 42, [(COLORS[c], label) for c, label in groups], width=width - 20)
    for t in ticks:
        x = left + t * scale
        svg.line(x, top, x, top + band * n, GRID, 0.8)
        svg.text(x, top + band * n + 12, _num(t), anchor="middle", size=11.5)
    for i, r in enumerate(rows.itertuples(index=False)):
        y = top + band * i
        name = r.agency_name
        err = bool(r.errors)
        svg.text(left - 8, y + band / 2, name, anchor="end", color=ERROR if err else INK, bold=err)
        x = left
        for code, label in groups:
            v = getattr(r, code)
            if pd.notna(v) and v > 0:
                svg.rect(x, y + band * 0.19, v * scale, band * 0.62, COLORS[code],
                         f"{name} {label} {_num(v)}")
                x += v * scale
        recv = r.received
        svg.text(x + 5, y + band / 2, "—" if pd.isna(recv) else f"新收 {_num(recv)}", size=11.5)
    svg.line(left, top, left, top + band * n, AXIS)
    svg.line(left, top + band * n, left + plot_w, top + band * n, AXIS)
    svg.text(left + plot_w / 2, height - 10, "件（办理结果，条形末端标注本年新收申请数）",
             anchor="middle")
    return svg.done()


def _panel(svg: _Svg, x: float, width: float, top: float, base: float, ticks: list[float],
           title: str) -> float:
    """A vertical-bar panel's title, axes, gridlines and tick labels; px per unit."""
    scale = (base - top) / ticks[-1]
    svg.text(x, 18, title, size=14, bold=True)
    for t in ticks:
        y = base - t * scale
        svg.line(x, y, x + width, y, GRID, 0.8)
        svg.text(x - 6, y, _num(t), anchor="end", size=11.5)
    svg.line(x, top, x, base, AXIS)
    svg.line(x, base, x + width, base, AXIS)
    return scale


def over_years(history: pd.DataFrame) -> str | None:
    """Left: the county's applications by outcome per year, and received; right: review and
    litigation per year."""
    if history.empty:
        return None
    years = [int(y) for y in history.index]
    n = len(years)
    width, height = 860.0, 370.0
    top, base = 44.0, 270.0  # the plots' top and baseline
    svg = _Svg(width, height, "全县依申请公开与行政复议、诉讼：历年")

    # Left panel: stacked outcomes, received as a line.
    x0, w1 = 50.0, 460.0
    groups = [(code, label) for code, label in OUTCOME_GROUPS
              if code in history and history[code].fillna(0).any()]
    stacks = history[[c for c, _ in groups]].fillna(0).sum(axis=1) if groups else \
        pd.Series(0.0, index=history.index)
    recv = history["received"] if "received" in history else pd.Series(float("nan"), history.index)
    highest = float(stacks.max())
    if recv.notna().any():
        highest = max(highest, float(recv.max()))
    scale = _panel(svg, x0, w1, top, base, _ticks(max(highest, 1.0) * 1.15),
                   "全县依申请公开：历年新收与办理结果")
    slot = w1 / n
    points = []
    for i, year in enumerate(years):
        cx = x0 + slot * (i + 0.5)
        y = base
        for code, label in groups:
            v = history[code].iloc[i]
            if pd.notna(v) and v > 0:
                svg.rect(cx - slot * 0.3, y - v * scale, slot * 0.6, v * scale, COLORS[code],
                         f"{year}年 {label} {_num(v)}")
                y -= v * scale
        svg.text(cx, base + 14, f"{year}年", anchor="middle", size=11.5)
        v = recv.iloc[i]
        if pd.notna(v):
            points.append((cx, base - v * scale))
            svg.text(cx, base - v * scale - 12, _num(v), anchor="middle", size=11.5,
                     color=COLORS["received"])
    if len(points) > 1:
        svg.parts.append('<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
            COLORS["received"], " ".join(f"{x:.1f},{y:.1f}" for x, y in points)))
    for x, y in points:
        svg.parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLORS["received"]}"/>')
    svg.legend(x0, base + 40, [(COLORS[c], label) for c, label in groups]
               + [(COLORS["received"], "本年新收")], width=w1)

    # Right panel: review and litigation side by side.
    x2, w2 = 580.0, 260.0
    cols = (("review", "行政复议"), ("litigation", "行政诉讼"))
    tops = [float(history[c].max()) for c, _ in cols if c in history and history[c].notna().any()]
    scale2 = _panel(svg, x2, w2, top, base, _ticks(max(tops + [1.0]) * 1.2),
                    "行政复议与行政诉讼（件）")
    slot2 = w2 / n
    for i, year in enumerate(years):
        cx = x2 + slot2 * (i + 0.5)
        for k, (code, label) in enumerate(cols):
            v = history[code].iloc[i] if code in history else float("nan")
            v = 0.0 if pd.isna(v) else float(v)
            bw = slot2 * 0.36
            bx = cx - bw + k * bw
            svg.rect(bx, base - v * scale2, bw, v * scale2, COLORS[code], f"{year}年 {label} {_num(v)}")
            svg.text(bx + bw / 2, base - v * scale2 - 8, _num(v), anchor="middle", size=11)
        svg.text(cx, base + 14, f"{year}年", anchor="middle", size=11.5)
    svg.legend(x2, base + 40, [(COLORS[c], label) for c, label in cols])
    return svg.done()
