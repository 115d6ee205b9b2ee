"""The report's charts as SVG with live text (svg.fonttype 'none'): no font file is embedded
and none is needed to draw them; the reader's browser sets the Chinese text.

Layout does not rely on the machine's fonts either: margins are computed from the number of
characters (a CJK character is one em wide), not from matplotlib's text metrics, which on a
machine without CJK fonts would measure the fallback glyph."""

from __future__ import annotations

import io
import logging
import warnings

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from pipelines.report.data import OUTCOME_GROUPS  # noqa: E402

FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
         "WenQuanYi Zen Hei", "DejaVu Sans"]
COLORS = {"granted": "#2e7d32", "partially_granted": "#81c784", "withheld": "#e53935",
          "unavailable": "#fb8c00", "not_processed": "#8d6e63", "other": "#9e9e9e",
          "received": "#1565c0", "review": "#6a1b9a", "litigation": "#00838f"}
STYLE = {"svg.fonttype": "none", "font.family": "sans-serif", "font.sans-serif": FONTS,
         "font.size": 10, "axes.spines.top": False, "axes.spines.right": False,
         "axes.edgecolor": "#999999", "axes.titlesize": 12, "axes.titleweight": "bold",
         "svg.hashsalt": "gongkai", "axes.unicode_minus": False}


def _width(text: str) -> float:
    """Text width in em: CJK characters 1, others about 0.6."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in str(text))


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]  # inline: no XML prolog or DOCTYPE


def _quiet():
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Glyph .* missing from font")
    warnings.filterwarnings("ignore", message=".*findfont.*")


def by_agency(summary: pd.DataFrame, year: int) -> str | None:
    """Stacked horizontal bars: each agency's applications by outcome; agencies with an error
    are labelled in red."""
    rows = summary[summary["results_total"].notna() | summary["received"].notna()].copy()
    if rows.empty:
        return None
    _quiet()
    rows["_n"] = rows["received"].fillna(0)
    rows = rows.sort_values(["_n", "agency_name"], ascending=[True, False])
    labels = list(rows["agency_name"])
    n = len(labels)
    fs = 10 / 72  # inch per em at 10 pt
    left = max(_width(s) for s in labels) * fs + 0.25
    top_band, bottom_band = 0.85, 0.65  # inches: title + legend above, axis label below
    width, height = 8.6, top_band + 0.34 * n + 0.3 + bottom_band
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(width, height))
        ax = fig.add_axes([left / width, bottom_band / height, 1 - (left + 0.5) / width,
                           1 - (top_band + bottom_band) / height])
        y = range(n)
        start = [0.0] * n
        for code, label in OUTCOME_GROUPS:
            vals = rows[code].fillna(0).tolist()
            if not any(vals):
                continue
            ax.barh(y, vals, left=start, color=COLORS[code], label=label, height=0.62)
            start = [s + v for s, v in zip(start, vals)]
        for i, (recv, end) in enumerate(zip(rows["received"], start)):
            txt = "—" if pd.isna(recv) else f"新收 {recv:g}"
            ax.text(end + max(start + [1]) * 0.01, i, txt, va="center", fontsize=9, color="#333333")
        ax.set_yticks(list(y), labels)
        for tick, errs in zip(ax.get_yticklabels(), rows["errors"]):
            if errs:
                tick.set_color("#c62828")
                tick.set_fontweight("bold")
        ax.set_xlim(0, max(start + [1]) * 1.18)
        ax.set_xlabel("件（办理结果，条形末端标注本年新收申请数）")
        fig.text(0.12 / width, 1 - 0.12 / height, f"{year} 年度各机构依申请公开办理结果",
                 fontsize=12, fontweight="bold", va="top")
        fig.legend(ncol=6, loc="upper left", bbox_to_anchor=(0.08 / width, 1 - 0.42 / height),
                   frameon=False, fontsize=9, handlelength=1.2, columnspacing=1.0)
        ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
        ax.set_axisbelow(True)
        return _svg(fig)


def over_years(history: pd.DataFrame) -> str | None:
    """Left: the county's applications by outcome per year; right: review and litigation."""
    if history.empty:
        return None
    _quiet()
    years = [int(y) for y in history.index]
    x = list(range(len(years)))
    with plt.rc_context(STYLE):
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(8.6, 3.7),
                                     gridspec_kw={"width_ratios": [3, 2], "wspace": 0.22})
        fig.subplots_adjust(left=0.06, right=0.98, top=0.88, bottom=0.25)
        bottom = [0.0] * len(years)
        for code, label in OUTCOME_GROUPS:
            vals = history[code].fillna(0).tolist() if code in history else [0] * len(years)
            if not any(vals):
                continue
            a1.bar(x, vals, bottom=bottom, color=COLORS[code], label=label, width=0.6)
            bottom = [b + v for b, v in zip(bottom, vals)]
        recv = history["received"].tolist()
        a1.plot(x, [0 if pd.isna(v) else v for v in recv], color=COLORS["received"], marker="o",
                linewidth=2, label="本年新收")
        for i, v in enumerate(recv):
            if pd.notna(v):
                a1.annotate(f"{v:g}", (i, v), textcoords="offset points", xytext=(0, 6),
                            ha="center", fontsize=9, color=COLORS["received"])
        a1.set_xticks(x, [f"{y}年" for y in years])
        a1.set_title("全县依申请公开：历年新收与办理结果", loc="left")
        a1.legend(ncol=4, loc="upper left", bbox_to_anchor=(0, -0.1), frameon=False, fontsize=8.5,
                  handlelength=1.2, columnspacing=0.8)
        a1.set_ylim(0, max(bottom + [v for v in recv if pd.notna(v)] + [1]) * 1.18)
        w = 0.36
        for off, code, label in ((-w / 2, "review", "行政复议"), (w / 2, "litigation", "行政诉讼")):
            vals = history[code].fillna(0).tolist() if code in history else [0] * len(years)
            bars = a2.bar([i + off for i in x], vals, width=w, color=COLORS[code], label=label)
            for b, v in zip(bars, vals):
                a2.annotate(f"{v:g}", (b.get_x() + b.get_width() / 2, v), textcoords="offset points",
                            xytext=(0, 3), ha="center", fontsize=9)
        a2.set_xticks(x, [f"{y}年" for y in years])
        a2.set_title("行政复议与行政诉讼（件）", loc="left")
        a2.legend(ncol=2, loc="upper left", bbox_to_anchor=(0, -0.1), frameon=False, fontsize=8.5)
        top = max([history[c].max() for c in ("review", "litigation") if c in history] + [1])
        a2.set_ylim(0, (0 if pd.isna(top) else top) * 1.25 + 1)
        for ax in (a1, a2):
            ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
            ax.set_axisbelow(True)
        return _svg(fig)
