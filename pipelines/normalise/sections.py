"""From a document's grids to placed facts: which table is which section, and their parts.

Tables split across pages arrive as several grids; a grid without its section's header
words that follows a section's grid on the next page, with the same columns, continues it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pipelines.parse.grid import Grid, columns_align
from pipelines.normalise.applications import read_applications
from pipelines.normalise.model import EXTRA_ROW, Fact, Unmapped
from pipelines.normalise.proactive import read_proactive
from pipelines.normalise.review import read_review
from pipelines.core.registry import dimensions
from pipelines.core.spec import FORMAT_WORDS, SECTION_WORDS, expected_cells
from pipelines.core.text import norm

_TEMPLATE_WORDS = tuple({w for _, d in dimensions() for c in d.codes for w in c.words if len(w) >= 3})

READERS = {
    "proactive": read_proactive,
    "applications": read_applications,
    "review_litigation": read_review,
}


@dataclass
class Normalised:
    facts: list[Fact] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    format: str = "unknown"
    sections: list[str] = field(default_factory=list)


def classify(grid: Grid) -> str | None:
    text = norm(grid.text())
    scores = {s: sum(w in text for w in words) for s, words in SECTION_WORDS.items()}
    if scores["review_litigation"] and "诉讼" not in text:
        scores["review_litigation"] = 0
    best = max(scores, key=scores.get)
    return best if scores[best] else None


def detect_format(texts: list[str]) -> str:
    text = norm(" ".join(texts))
    hits = {fmt: sum(w in text for w in words) for fmt, words in FORMAT_WORDS.items()}
    ranked = sorted(hits.items(), key=lambda kv: -kv[1])
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return "unknown"
    return ranked[0][0]


def group_sections(grids: list[Grid]) -> tuple[dict[str, list[Grid]], list[Grid]]:
    """Section → its grids in reading order; and the grids that belong to no section."""
    parts: dict[str, list[Grid]] = {}
    other: list[Grid] = []
    last: tuple[str, Grid] | None = None
    for grid in grids:
        section = classify(grid)
        if section is None and last is not None:
            prev_section, prev = last
            # Same table on the next page: its value columns keep their ruling.
            continues = (prev.page is not None and grid.page is not None
                         and grid.page == prev.page + 1
                         and columns_align(prev, grid))
            if continues:
                section = prev_section
        if section is None:
            other.append(grid)
            last = None
            continue
        parts.setdefault(section, []).append(grid)
        last = (section, grid)
    return parts, other


def missing_cells(section: str, fmt: str, facts) -> list[tuple[str, str]]:
    """The template cells of `fmt` in `section` that no fact holds (all of them when the format
    is unknown: nothing can be said complete then)."""
    printed = {(f.dim1, f.dim2) for f in facts if f.section == section}
    if fmt not in ("2019", "2021"):
        return [("?", "?")]
    return [c for c in expected_cells(section, fmt, printed) if c not in printed]


def _extra_rows(section: str, fmt: str, facts: list[Fact], unmapped: list[Unmapped]) -> list[Unmapped]:
    """When every cell of the section's template was placed, a row whose label matched nothing
    (其他主动公开文件) or printed twice is a row the template does not have: it stays in
    unmapped_cells, with that reason, and does not make the report partial."""
    if missing_cells(section, fmt, facts):
        return unmapped
    out = []
    for u in unmapped:
        if norm(u.raw_text) and not u.reason.startswith(EXTRA_ROW):
            u = replace(u, reason=f"{EXTRA_ROW} (every cell of the {fmt} template was placed): "
                                  f"{u.reason}")
        out.append(u)
    return out


def normalise(grids: list[Grid]) -> Normalised:
    parts, other = group_sections(grids)
    out = Normalised(sections=[s for s in READERS if s in parts])
    out.format = detect_format([g.text() for g in parts.get("proactive", [])]
                               or [g.text() for gs in parts.values() for g in gs])
    for section, reader in READERS.items():
        if section in parts:
            facts, unmapped = reader(parts[section])
            out.facts += facts
            out.unmapped += _extra_rows(section, out.format, facts, unmapped)
    for grid in other:
        # A table holding the template's words is a part we failed to join: the report is
        # partial. Any other table (a narrative's own) is kept as unplaced, as "other".
        text = norm(grid.text())
        section = "unplaced_part" if any(w in text for w in _TEMPLATE_WORDS) else "other"
        for r in range(grid.n_rows):
            out.unmapped += [Unmapped(section, "", c.text, grid.page,
                                      "table not recognised as a section of the template"
                                      + (" (it holds template labels)" if section != "other" else ""))
                             for c in grid.row_cells(r) if norm(c.text) and c.row == r]
    return out
