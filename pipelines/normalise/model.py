"""What the normaliser hands on: facts placed by label, and every cell it could not place."""

from __future__ import annotations

from pipelines.core.models import Fact, UnplacedCell
from pipelines.core.registry import SECTION, TABLE_OF_SECTION
from pipelines.core.text import parse_value

__all__ = ["EXTRA_ROW", "Fact", "Unmapped", "TABLE_OF_SECTION", "INTEGER_SECTIONS", "make_fact"]


# The reason of a cell in a row the template does not have (其他主动公开文件, a category's own
# subtotal row): reported in unmapped_cells, but no template cell is missing for it, so it does
# not make the report partial.
EXTRA_ROW = "row the template does not have"

Unmapped = UnplacedCell  # the normaliser's name for a cell it could not place
INTEGER_SECTIONS = tuple(key for key, s in SECTION.items() if s.integer)


def make_fact(section: str, dim1: str, dim2: str, raw: str, page: int | None,
              header_unit: str | None = None, bbox=None) -> Fact:
    parsed = parse_value(raw)
    value, kind = parsed.value, parsed.kind
    if value is not None and section in INTEGER_SECTIONS and value != int(value):
        value, kind = None, "text"  # a count printed with decimals is not a count we can trust
    unit = parsed.unit or header_unit  # a column header states the unit of every cell under it
    return Fact(section, dim1, dim2, raw, value, unit, page, kind,
                None if bbox is None else [float(v) for v in bbox])
