"""What the normaliser hands on: facts placed by label, and every cell it could not place."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.core.text import parse_value

TABLE_OF_SECTION = {
    "applications": "fact_applications",
    "proactive": "fact_proactive",
    "review_litigation": "fact_review_litigation",
}
INTEGER_SECTIONS = ("applications", "review_litigation")


@dataclass
class Fact:
    section: str  # applications | proactive | review_litigation
    dim1: str  # row_code | item | proceeding
    dim2: str  # applicant | measure | outcome
    raw_text: str
    value: float | None
    unit: str | None
    page: int | None
    kind: str  # number | blank | text (text: a finding, the value stays NULL)


# The reason of a cell in a row the template does not have (其他主动公开文件, a category's own
# subtotal row): reported in unmapped_cells, but no template cell is missing for it, so it does
# not make the report partial.
EXTRA_ROW = "row the template does not have"


@dataclass
class Unmapped:
    section: str
    label: str
    raw_text: str
    page: int | None
    reason: str


def make_fact(section: str, dim1: str, dim2: str, raw: str, page: int | None,
              header_unit: str | None = None) -> Fact:
    parsed = parse_value(raw)
    value, kind = parsed.value, parsed.kind
    if value is not None and section in INTEGER_SECTIONS and value != int(value):
        value, kind = None, "text"  # a count printed with decimals is not a count we can trust
    unit = parsed.unit or header_unit  # a column header states the unit of every cell under it
    return Fact(section, dim1, dim2, raw, value, unit, page, kind)


def as_records(items) -> list[dict]:
    # Flat dataclasses of plain values: a shallow copy is the record (asdict deep-copies).
    return [dict(vars(i)) for i in items]
