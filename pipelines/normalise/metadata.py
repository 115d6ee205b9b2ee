"""The detail page's metadata table (索引号, 发布机构, 发布日期, 主题分类, 文号): not a table of
the template but facts about the report, read into `reports` (publisher, index_no, doc_no and
published_on where the list gave no date) instead of being reported as unplaced cells."""

from __future__ import annotations

import re

from pipelines.parse.grid import Grid
from pipelines.core.text import clean_cell, norm

# Field → the label words portals use for it (normalised: no spaces, ASCII punctuation).
FIELDS = {
    "index_no": ("索引号", "索引"),
    "publisher": ("发布机构", "发文机关", "发布单位", "发布部门", "公开主体", "信息来源"),
    "published_on": ("发布日期", "发布时间", "成文日期", "生成日期", "公开日期"),
    "topic": ("主题分类", "主题词", "信息分类", "体裁分类", "组配分类"),
    "doc_no": ("文号", "发文字号", "发文文号"),
    "other": ("有效性", "名称", "标题", "公开方式", "公开范围", "时效"),
}
_KEY = re.compile(r"^([^:：]{2,6})[:：]\s*(.*)$", re.S)
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def _field(label: str) -> str | None:
    text = norm(label).rstrip(":")
    for field, words in FIELDS.items():
        if any(text == w or (text.startswith(w) and len(text) <= len(w) + 2) for w in words):
            return field
    return None


def read_metadata(grid: Grid) -> dict[str, str] | None:
    """The fields of a metadata table, or None when the grid is not one (fewer than two of
    its labels, or a cell that is neither a label nor a value beside one)."""
    pairs: dict[str, str] = {}
    for r in range(grid.n_rows):
        cells = grid.row_cells(r)
        i = 0
        while i < len(cells):
            text = clean_cell(cells[i].text)
            m = _KEY.match(text)
            if m and _field(m.group(1)) and m.group(2).strip():  # "索引号：11xxxx" in one cell
                pairs.setdefault(_field(m.group(1)), m.group(2).strip())
                i += 1
                continue
            field = _field(text)
            if field is None:
                if text:
                    return None  # a cell of something else: not a metadata table
                i += 1
                continue
            value = clean_cell(cells[i + 1].text) if i + 1 < len(cells) else ""
            if _field(value):
                value = ""  # an empty value: the next cell is the next label
                i += 1
            else:
                i += 2
            pairs.setdefault(field, value)
    labelled = [f for f in pairs if f != "other"]
    if len(labelled) < 2:
        return None
    out = {f: v for f, v in pairs.items() if f in ("index_no", "publisher", "doc_no") and v}
    date = _DATE.search(pairs.get("published_on", ""))
    if date:
        y, mth, d = (int(x) for x in date.groups())
        out["published_on"] = f"{y:04d}-{mth:02d}-{d:02d}"
    return out


def split_metadata(grids: list[Grid]) -> tuple[dict[str, str], list[Grid]]:
    """The first metadata table's fields, and the grids without the metadata tables."""
    found: dict[str, str] = {}
    rest = []
    for grid in grids:
        meta = read_metadata(grid) if grid.n_rows <= 8 else None
        if meta is None:
            rest.append(grid)
        elif not found:
            found = meta
    return found, rest
