"""Section 三: applications received and handled, placed by row and column labels."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.parse.grid import Cell, Grid, aligned_columns, dominant
from pipelines.normalise.labels import NoMatch, leading_chinese_number, leading_number, match_code
from pipelines.normalise.model import EXTRA_ROW, Fact, Unmapped, make_fact
from pipelines.core.spec import APPLICANTS, APPLICATION_ROWS, RESULT_GROUPS, SUB_ITEM_GROUPS
from pipelines.core.text import norm, parse_value

SECTION = "applications"
HOLES = "row has fewer cells than the table is wide (empty cells dropped?): its values cannot be placed"
SHIFTED = ("a number in a label column: the row's cells are shifted, its values cannot be placed "
           "by their columns")
_TOP_LEVEL = tuple(c for c in APPLICATION_ROWS if c.group is None)
_GROUP_CODES = {group: words for group, words in RESULT_GROUPS.values()}
_GROUP_BY_NUMBER = {num: group for num, (group, _) in RESULT_GROUPS.items()}


def _group_of(segment: str) -> str | None:
    """The result category a label cell names ("（三）不予公开" → withheld), if any."""
    text = norm(segment)
    hits = [g for g, words in _GROUP_CODES.items() if any(w in text for w in words)]
    number = leading_chinese_number(segment)
    if number and number in _GROUP_BY_NUMBER and not hits:
        return _GROUP_BY_NUMBER[number]
    if len(hits) == 1:
        group = hits[0]
        if number and _GROUP_BY_NUMBER.get(number) not in (None, group):
            raise NoMatch(f"category {segment!r}: number ({number}) and words disagree")
        return group
    if len(hits) > 1:
        # "部分公开（…不计其他情形）" holds words of two categories; its own number decides.
        if number and _GROUP_BY_NUMBER.get(number) in hits:
            return _GROUP_BY_NUMBER[number]
        raise NoMatch(f"category {segment!r} is ambiguous")
    return None


_RESULTS_HEADER = "三、本年度办理结果"


def _is_results_header(segment: str) -> bool:
    """"三、本年度办理结果", whole or a piece of it (a page break or a narrow cell cuts it)."""
    text = norm(segment).replace(".", "、")
    return ("办理结果" in text or (len(text) >= 2 and text in _RESULTS_HEADER)
            or (len(text) == 1 and text in "三果"))  # its first or last character alone


def row_group(segments: list[str]) -> str | None:
    """The result category a row's own label cells name, if any (kept as context for the
    rows below even when this row's sub-item cannot be placed)."""
    for seg in segments:
        if norm(seg) and not _is_results_header(seg) and leading_number(seg) is None:
            g = _group_of_safe(seg)
            if g:
                return g
    return None


def match_row(segments: list[str], inherited_group: str | None) -> tuple[str, str | None]:
    """(row_code, group) for a row's label cells; NoMatch when it cannot be placed surely."""
    segments = [s for s in segments if norm(s) and not _is_results_header(s)]
    if not segments:
        raise NoMatch("row has no label")
    joined = "".join(segments)
    top = [c for c in _TOP_LEVEL if any(w in norm(joined) for w in c.words)]
    if len(top) == 1 and not any(_group_of_safe(s) for s in segments):
        return top[0].code, None
    group, rest = None, []
    for seg in segments:
        g = _group_of_safe(seg) if leading_number(seg) is None else None
        if g and group is None:
            group = g
        else:
            rest.append(seg)
    own_group = group
    if group is None:
        group = inherited_group
        if group is None and not rest:
            raise NoMatch(f"row {joined!r} not recognised and no result category above it")
    try:
        return _sub_item(group, rest, joined)
    except NoMatch:
        if own_group is not None or not rest:
            raise
        # No category of its own on this row (a merged category cell whose text sits in other
        # rows, or on another page): a sub-item label whose words belong to exactly one row
        # of the template, with a matching number, is still that row.
        leaf = rest[-1]
        text = norm(leaf)
        hits = [c for c in APPLICATION_ROWS if c.number and any(w in text for w in c.words)
                and leading_number(leaf) in (None, c.number)]
        if len(hits) == 1 and leading_number(leaf) is not None:
            return hits[0].code, hits[0].group
        raise


def _sub_item(group: str | None, rest: list[str], joined: str) -> tuple[str, str | None]:
    if group is None:
        raise NoMatch(f"row {joined!r} not recognised and no result category above it")
    if group not in SUB_ITEM_GROUPS:
        if rest:
            raise NoMatch(f"row {joined!r}: category {group} has no sub-items")
        return group, group
    if not rest:
        if group == "other":
            return "other_total", group  # （六）其他处理 printed as one row
        raise NoMatch(f"category row {joined!r} without a sub-item is not in the template")
    leaf = rest[-1]
    candidates = tuple(c for c in APPLICATION_ROWS if c.group == group and c.number)
    code = match_code(leaf, candidates, what="row label")
    number = leading_number(leaf)
    if number is not None and number != code.number:
        raise NoMatch(f"row {leaf!r}: its words say {code.code} but its number says {number}")
    return code.code, group


def _category_only(own: list[Cell]) -> bool:
    """The row's own label cells (not merged ones beside it) name a result category that has
    sub-items, and nothing else: the category printed as a row above its sub-items. No template
    row is printed this way (（六）其他处理, a template row of its own, is dealt with once the
    table is read); a row whose own sub-item label is empty is not this (a missing label)."""
    return bool(own) and all(norm(c.text) and (_is_results_header(c.text)
                                               or _group_of_safe(c.text) in _SUB_GROUPS)
                             for c in own) and any(not _is_results_header(c.text) for c in own)


_SUB_GROUPS = tuple(g for g in SUB_ITEM_GROUPS if g != "other")


def _group_of_safe(segment: str) -> str | None:
    try:
        return _group_of(segment)
    except NoMatch:
        return None


# Words only the header holds ("申请人" alone is not one: row labels say 申请人 too).
_HEADER_WORDS = ("申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益",
                 "法律服务", "勾稽")


def _header_rows(grid: Grid) -> int:
    """How many leading rows are header: applicant labels and the 勾稽关系 note.

    A continuation on the next page without repeated headers has none.
    """
    for r in range(grid.n_rows):
        cells = grid.row_cells(r)
        texts = [norm(c.text) for c in cells]
        if (not any(w in t for t in texts for w in _HEADER_WORDS)
                or any(parse_value(c.text).kind == "number" for c in cells)):
            return r
    return grid.n_rows


def _is_tail(labels: list[str], values: list[Cell]) -> bool:
    """The rest of a row the page break cut: label pieces only (the end of its sub-item label,
    maybe its category cell running on), no numbering of its own, no values; or nothing at all
    but the merged cells running on (a one-line label the break left empty below)."""
    if any(norm(c.text) for c in values):
        return False
    text = [t for t in labels if norm(t) and not _is_results_header(t) and _group_of_safe(t) is None]
    return not text or all(
        leading_number(t) is None and leading_chinese_number(t) is None
        and not any(w in norm(t) for c in _TOP_LEVEL for w in c.words) for t in text)


def _is_group_header(text: str) -> bool:
    """"申请人情况" and "法人或其他组织" stand over several columns; never an applicant."""
    t = norm(text)
    return "申请人" in t or "法人" in t


def _header_text(grid: Grid, n_header: int, c: int) -> tuple[str, int] | None:
    """The most specific header text over column c, and the header cell's identity."""
    for r in reversed(range(n_header)):
        cell = grid.cells[r][c] if c < len(grid.cells[r]) else None
        if cell is None or not norm(cell.text) or _is_group_header(cell.text):
            continue
        return cell.text, id(cell)
    return None


def _unique(colmap: dict[int, tuple[str, int]]) -> dict[int, str]:
    """Keep a code only where one header cell (over one column or several) gives it."""
    owners: dict[str, set[int]] = {}
    for code, owner in colmap.values():
        owners.setdefault(code, set()).add(owner)
    return {c: code for c, (code, _) in colmap.items() if len(owners[code]) == 1}


def map_columns(grid: Grid, n_header: int) -> dict[int, str]:
    """Value column index → applicant code, from the most specific header cell above it."""
    colmap: dict[int, tuple[str, int]] = {}
    for c in range(grid.n_cols):
        found = _header_text(grid, n_header, c)
        if found:
            try:
                colmap[c] = (match_code(found[0], APPLICANTS, what="column header").code, found[1])
            except NoMatch:
                pass
    return _unique(colmap)


def map_columns_joined(top: Grid, grid: Grid, n_header: int) -> dict[int, str]:
    """Columns of a header the page break cut: the top part's last header row ("商业") and
    this part's first rows ("企业") read together, column by column through the ruling."""
    aligned = aligned_columns(top, grid)
    colmap: dict[int, tuple[str, int]] = {}
    for c in range(grid.n_cols):
        above = [i for i, j in aligned.items() if j == c]
        parts, owner = [], c
        if len(above) == 1:
            found = _header_text(top, top.n_rows, above[0])
            if found:
                parts.append(found[0])
                owner = found[1]
        below = _header_text(grid, n_header, c)
        if below:
            parts.append(below[0])
        if parts:
            try:
                colmap[c] = (match_code("".join(parts), APPLICANTS, what="column header").code,
                             owner)
            except NoMatch:
                pass
    return _unique(colmap)


def _header_tail(grid: Grid) -> int:
    """Leading rows with neither a number nor a row label: the rest of a cut header row."""
    for r in range(grid.n_rows):
        cells = grid.row_cells(r)
        if any(parse_value(c.text).kind == "number" for c in cells) or any(
                _row_words(c.text) for c in cells):
            return r
    return grid.n_rows


def _row_words(text: str) -> bool:
    t = norm(text)
    return bool(t) and (leading_number(text) is not None or leading_chinese_number(text) is not None
                        or _is_results_header(text) or _group_of_safe(text) is not None
                        or any(w in t for c in _TOP_LEVEL for w in c.words))


def _value_start(grid: Grid, n_header: int, colmap: dict[int, str]) -> int:
    """First value column: where "申请人情况" starts, else the first applicant column.

    Taken from the header's structure, not only from recognised applicants, so an unreadable
    applicant header cannot turn a value column into a label column.
    """
    for r in range(n_header):
        for cell in grid.row_cells(r):
            if "申请人" in norm(cell.text):
                return cell.col
    return min(colmap)


def read_applications(grids: list[Grid]) -> tuple[list[Fact], list[Unmapped]]:
    """The facts of section 三's table parts (in reading order) and every cell not placed."""
    reader = _ApplicationsReader()
    for grid in grids:
        reader.read(grid)
    return reader.finish()


@dataclass
class _OpenRow:
    """A part's last row, kept until the next part's first row: the page break may have cut
    it (its values stayed above, the end of its label ran on below)."""

    failed: bool  # its label could not be placed on its own
    labels: list[str] = field(default_factory=list)
    values: list[Cell] = field(default_factory=list)
    page: int | None = None
    group: str | None = None  # the result category above it
    unmapped: list[Unmapped] = field(default_factory=list)  # its cells, if it stays unplaced
    grid: Grid | None = None  # the part it is in (for `dominant` when its values are placed)


@dataclass
class _ApplicationsReader:
    """Reads section 三 part by part; what one part leaves to the next is its state."""

    facts: list[Fact] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    colmap: dict[int, str] | None = None  # grid column → applicant code
    prev: Grid | None = None  # the part before, for columns carried over by their ruling
    pending: Grid | None = None  # a part that is all header: the page broke inside the header
    group: str | None = None  # the result category of the rows being read
    placed: set[tuple[str, str]] = field(default_factory=set)
    seen: set[int] = field(default_factory=set)  # cells already placed or reported (by id)
    open_row: _OpenRow | None = None

    def read(self, grid: Grid) -> None:
        n_header, new_map = self._header(grid)
        if n_header and n_header == grid.n_rows:
            self.pending = self.prev = grid
            self.colmap = new_map or self.colmap
            return
        self._columns(grid, new_map)
        self.prev = grid
        if not self.colmap:
            self._unplaceable(grid, n_header)
            return
        value_start = _value_start(grid, n_header, self.colmap)
        for r in range(n_header, grid.n_rows):
            self._read_row(grid, r, n_header, value_start)

    def finish(self) -> tuple[list[Fact], list[Unmapped]]:
        self._close_open_row()
        return _other_above_subitems(self.facts, self.unmapped)

    def _header(self, grid: Grid) -> tuple[int, dict[int, str]]:
        """The part's header rows and the applicant columns they name (read together with a
        pending header part above)."""
        n_header = _header_rows(grid)
        if self.pending is not None:
            n_header = max(n_header, _header_tail(grid))
            new_map = map_columns_joined(self.pending, grid, n_header) if n_header else {}
            self.pending = None
        else:
            new_map = map_columns(grid, n_header) if n_header else {}
        return n_header, new_map

    def _columns(self, grid: Grid, new_map: dict[int, str]) -> None:
        """This part's own header, else the columns of the part before where their ruling
        lines up (all of them, or none)."""
        if new_map:
            self.colmap = new_map
        elif self.colmap is not None and self.prev is not None:
            aligned = aligned_columns(self.prev, grid)
            carried = {aligned[c]: code for c, code in self.colmap.items() if c in aligned}
            self.colmap = carried if len(carried) == len(self.colmap) else None

    def _unplaceable(self, grid: Grid, n_header: int) -> None:
        for r in range(n_header, grid.n_rows):
            for cell in _new_cells(grid, r, self.seen):
                self.unmapped.append(Unmapped(SECTION, "", cell.text, grid.page,
                                              "no applicant column header for this table part"))
        self.colmap = None

    def _split_row(self, grid: Grid, r: int, value_start: int
                   ) -> tuple[list[str], list[Cell], bool]:
        """A row's label texts and its value cells not yet seen, and whether a label cell of the
        row's own holds a number (the row's cells are shifted); a number in a label column is
        reported, not read as a label."""
        cells = grid.row_cells(r)
        labels = [c.text for c in cells if c.last_col < value_start]
        shifted = any(parse_value(c.text).kind == "number" for c in cells
                      if c.last_col < value_start and c.row == r)
        stray = [c for c in cells if c.last_col < value_start and id(c) not in self.seen
                 and parse_value(c.text).kind == "number"]
        self.seen.update(id(c) for c in stray)
        self.unmapped.extend(Unmapped(SECTION, "", c.text, grid.page, "number in a label column")
                             for c in stray)
        labels = [t for t in labels if parse_value(t).kind != "number"]
        values = [c for c in cells if c.col >= value_start and id(c) not in self.seen]
        self.seen.update(id(c) for c in values)
        return labels, values, shifted

    def _read_row(self, grid: Grid, r: int, n_header: int, value_start: int) -> None:
        labels, values, shifted = self._split_row(grid, r, value_start)
        if not any(norm(t) for t in labels) and not any(norm(c.text) for c in values):
            return
        label = " ".join(t for t in labels if norm(t))
        if grid.has_holes(r):
            self.unmapped.extend(Unmapped(SECTION, label, c.text, grid.page, HOLES)
                                 for c in values)
            return
        if r == n_header and self.open_row is not None and _is_tail(labels, values):
            self._join_cut_row(labels)
            return
        self._close_open_row()
        if _category_only([c for c in grid.row_cells(r) if c.last_col < value_start
                           and c.row == r and c.rowspan == 1]):
            # Nothing of the template here: an empty row is an unused area; figures of the
            # category's own (a subtotal) are a row the template does not have.
            self.group = row_group(labels) or self.group
            self.unmapped.extend(Unmapped(SECTION, label, c.text, grid.page,
                                          f"{EXTRA_ROW}: a result category's own row above its "
                                          "sub-items") for c in values if norm(c.text))
            return
        if shifted:
            self.unmapped.extend(Unmapped(SECTION, label, c.text, grid.page, SHIFTED)
                                 for c in values)
            return
        self.group = row_group(labels) or self.group
        group_before = self.group
        try:
            code, self.group = match_row(labels, self.group)
        except NoMatch as e:
            lost = [Unmapped(SECTION, label, c.text, grid.page, str(e)) for c in values]
            if r == grid.n_rows - 1:  # may be completed by the next page's first row
                self.open_row = _OpenRow(True, labels, values, grid.page, group_before, lost,
                                         grid)
            else:
                self.unmapped.extend(lost)
            return
        self._place(code, label, values, grid.page, grid)
        if r == grid.n_rows - 1:
            self.open_row = _OpenRow(False)

    def _join_cut_row(self, labels: list[str]) -> None:
        """The page break cut a row: its values stayed above, its label ran on here."""
        row, self.open_row = self.open_row, None
        if not row.failed:
            return
        pieces = [t for t in labels if norm(t) and _group_of_safe(t) is None]
        if not any(not _is_results_header(t) for t in pieces):
            self.unmapped.extend(row.unmapped)  # an empty remnant: nothing to join the label with
            return
        tail = pieces[-1]
        joined = row.labels[:-1] + [row.labels[-1] + tail]
        try:
            code, self.group = match_row(joined, row.group)
        except NoMatch:
            self.unmapped.extend(row.unmapped)
        else:
            self._place(code, " ".join(joined), row.values, row.page, row.grid)

    def _close_open_row(self) -> None:
        if self.open_row is not None and self.open_row.failed:
            self.unmapped.extend(self.open_row.unmapped)
        self.open_row = None

    def _place(self, code: str, label: str, values: list[Cell], page: int | None,
               grid: Grid | None = None) -> None:
        for cell in values:
            # A value cell spanning several grid columns is placed only when one header
            # stands over all of them (a thin extra column from a converted .doc), or over
            # all but a sliver of it (a value row ruled a little apart from the header).
            codes = {self.colmap.get(c) for c in range(cell.col, cell.last_col + 1)}
            applicant = codes.pop() if len(codes) == 1 else None
            if applicant is None and len(codes) > 1 and grid is not None:
                applicant = dominant(grid, cell, self.colmap.get)
            if applicant is None:
                why = ("value cell spans columns of different applicants" if cell.colspan > 1
                       else "column has no recognised applicant header")
                self.unmapped.append(Unmapped(SECTION, label, cell.text, page, why))
            elif (code, applicant) in self.placed:
                self.unmapped.append(Unmapped(SECTION, label, cell.text, page,
                                              f"row {code} printed more than once"))
            else:
                self.placed.add((code, applicant))
                self.facts.append(make_fact(SECTION, code, applicant, cell.text, page,
                                            bbox=cell.bbox))


def _other_above_subitems(facts: list[Fact], unmapped: list[Unmapped]):
    """（六）其他处理 printed as a row above its own sub-items (1. 2. 3.) is their category, not
    the single （六） row: its empty cells are an unused area, its figures a row the template
    does not have."""
    rows = {f.dim1 for f in facts}
    if "other_total" not in rows or not rows & {"other_no_correction", "other_unpaid_fee",
                                                  "other_other"}:
        return facts, unmapped
    kept = []
    for f in facts:
        if f.dim1 != "other_total":
            kept.append(f)
        elif norm(f.raw_text):
            unmapped.append(Unmapped(SECTION, "（六）其他处理", f.raw_text, f.page,
                                     f"{EXTRA_ROW}: a result category's own row above its "
                                     "sub-items"))
    return kept, unmapped


def _new_cells(grid: Grid, r: int, seen: set[int]) -> list[Cell]:
    out = [c for c in grid.row_cells(r) if id(c) not in seen and norm(c.text)]
    seen.update(id(c) for c in out)
    return out
