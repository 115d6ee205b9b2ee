"""Cell text from glyphs (pipelines.parse.pdf_tables), on a hand-built ruled grid.

The geometry is the one a WPS export gave: a tall merged cell of vertical (Identity-V) text
whose glyph boxes pdfium reports over the ruling, centres in the next column, beside a label
wrapped onto two lines. The corpus documents W19–W23 carry the same class end to end."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.parse import pdf_tables as P


@dataclass
class _C:  # a camelot cell: which of its sides are ruled
    left: bool = True
    right: bool = True
    top: bool = True
    bottom: bool = True


class _Table:
    """Two columns (x 0–24 and 24–224), four rows of 30 pt from y 400 down; column 0 merged
    over rows 1–3 (no ruling between them)."""

    page = 1
    cols = [(0.0, 24.0), (24.0, 224.0)]
    rows = [(400.0, 370.0), (370.0, 340.0), (340.0, 310.0), (310.0, 280.0)]

    def __init__(self):
        self.cells = [[_C(), _C()] for _ in range(4)]
        for r in (1, 2):
            self.cells[r][0].bottom = False
            self.cells[r + 1][0].top = False


def _line(text: str, x: float, baseline: float, size: float = 9.0) -> list[P.Glyph]:
    out = []
    for i, ch in enumerate(text):
        left = x + i * size
        out.append(P.Glyph(ch, left, baseline - 0.12 * size, left + size, baseline + 0.88 * size))
    return out


def _vertical(text: str, cx: float, top: float, size: float) -> list[P.Glyph]:
    return [P.Glyph(ch, cx - size / 2, top - (i + 1) * size, cx + size / 2, top - i * size)
            for i, ch in enumerate(text)]


LABEL_1, LABEL_2 = "（二）部分公开（区分处理的，只", "计这一情形，不计其他情形）"


def _grid(glyphs):
    return P.camelot_grid(_Table(), glyphs)


def test_wrapped_label_beside_straddling_vertical_text():
    # row 2 (y 340–310) holds the label on two lines; the vertical run, 9.5 pt glyphs one em
    # apart, straddles x = 24 with its centres at 25 (in column 1) from y 368 down to 282.5.
    label = _line(LABEL_1, 30, 328) + _line(LABEL_2, 30, 316.75)
    run = _vertical("三、本年度办理结果", 25.0, 368, 9.5)
    grid = _grid(run + label)
    assert grid.cells[2][1].text == f"{LABEL_1}\n{LABEL_2}"
    assert grid.cells[1][0].text == "三、本年度办理结果"
    assert grid.cells[1][1].text == "" and grid.cells[3][1].text == ""


def test_lines_by_baseline_never_chain():
    # a taller glyph whose box reaches from one line into the next (its centre inside the
    # first line's band, its bottom below the second line's centre) does not merge them
    label = _line("第一行文字", 30, 330) + _line("第二行文字", 30, 318.75)
    tall = [P.Glyph("注", 200, 319.0, 214, 339.0)]
    assert _grid(label + tall).cells[2][1].text.split("\n") == ["第一行文字", "第二行文字注"]


def test_fake_bold_copies_removed_by_position_not_by_repetition():
    bold = _line("自然人", 30, 328)
    again = [P.Glyph(g.char, g.left + 0.45, g.bottom, g.right + 0.45, g.top) for g in bold]
    numbers = _line("1100", 30, 358)
    kept = P.dedupe_glyphs(bold + again + numbers)
    assert "".join(g.char for g in kept) == "自然人1100"


def test_fake_bold_look_up_only_over_glyphs_that_can_be_copies():
    # dedupe_glyphs looks copies up only among glyphs with the same character within 3 pt
    # (found for the whole page at once): it keeps what the look-up over every glyph keeps
    glyphs = [g for i in range(20) for g in _line("合计1100自然人", 30, 400 - 12 * i)]
    shifts = [(0.45, 0.0), (2.9, 0.2), (3.1, -2.9), (-0.3, 2.99), (0.0, 0.0)]
    copies = [P.Glyph(g.char, g.left + dx, g.bottom + dy, g.right + dx, g.top + dy)
              for g, (dx, dy) in zip(glyphs[::3], shifts * 20)]
    mixed = glyphs[:40] + copies + glyphs[40:] + [P.Glyph(" ", 30, 400, 39, 409)] * 2
    kept = P.dedupe_glyphs(mixed)
    assert kept == [mixed[i] for i in P._dedupe(mixed)]
    assert len(glyphs) < len(kept) < len(mixed)
