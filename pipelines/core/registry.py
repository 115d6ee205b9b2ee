"""The one registry of the report's statistical sections: key, printed number, fact table, its
two dimension columns with their code lists (from pipelines.core.spec), Chinese labels.

Everything that maps a section to its table or its columns reads it from here: the
normaliser's facts, the loader's frames, the DDL's CHECK lists (pipelines.load.ddl), the
blocking schema checks, the `categories` table, the data dictionary, the checks and the
reviewer's report. A new section or dimension is a change here (and its codes in spec.py).

`SECTIONS` is in the warehouse's order (fact_applications, fact_proactive,
fact_review_litigation: the order of the contract, of `gongkai extract --json` and of the
checks); `IN_TEMPLATE_ORDER` is the order the report prints them (二, 三, 四).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.core import spec
from pipelines.core.spec import Code


@dataclass(frozen=True)
class Dimension:
    column: str  # the fact table's column: row_code, applicant, item, ...
    codes: tuple[Code, ...]

    @property
    def code_list(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.codes)

    @property
    def labels(self) -> dict[str, str]:
        return {c.code: c.label_zh for c in self.codes}


@dataclass(frozen=True)
class Section:
    key: str  # applications | proactive | review_litigation
    number: str  # the printed section number: 二 / 三 / 四
    table: str  # the fact table
    dims: tuple[Dimension, Dimension]  # (row dimension, column dimension)
    title_zh: str  # the template's heading
    value_type: str  # the fact table's `value` type: BIGINT for counts, DOUBLE for amounts
    has_unit: bool  # the fact table has a `unit` column

    @property
    def d1(self) -> str:
        return self.dims[0].column

    @property
    def d2(self) -> str:
        return self.dims[1].column

    @property
    def columns(self) -> tuple[str, str]:
        return self.d1, self.d2

    @property
    def integer(self) -> bool:
        """Counts: a value printed with decimals is not a count we can trust."""
        return self.value_type == "BIGINT"

    @property
    def superseded(self) -> str:
        return f"{self.table}_superseded"


SECTIONS: tuple[Section, ...] = (
    Section("applications", "三", "fact_applications",
            (Dimension("row_code", spec.APPLICATION_ROWS), Dimension("applicant", spec.APPLICANTS)),
            "三、收到和处理政府信息公开申请情况", "BIGINT", False),
    Section("proactive", "二", "fact_proactive",
            (Dimension("item", spec.PROACTIVE_ITEMS), Dimension("measure", spec.PROACTIVE_MEASURES)),
            "二、主动公开政府信息情况", "DOUBLE", True),
    Section("review_litigation", "四", "fact_review_litigation",
            (Dimension("proceeding", spec.PROCEEDINGS), Dimension("outcome", spec.OUTCOMES)),
            "四、政府信息公开行政复议、行政诉讼情况", "BIGINT", False),
)
_NUMBER_ORDER = "一二三四五六"
IN_TEMPLATE_ORDER: tuple[Section, ...] = tuple(sorted(SECTIONS,
                                                      key=lambda s: _NUMBER_ORDER.index(s.number)))

SECTION = {s.key: s for s in SECTIONS}
BY_TABLE = {s.table: s for s in SECTIONS} | {s.superseded: s for s in SECTIONS}
KEYS = tuple(s.key for s in SECTIONS)
FACT_TABLES = tuple(s.table for s in SECTIONS)
SUPERSEDED_TABLES = tuple(s.superseded for s in SECTIONS)
TABLE_OF_SECTION = {s.key: s.table for s in SECTIONS}
DIMS = {s.table: s.columns for s in SECTIONS}  # fact table → its two code columns

# Headings of the report's other parts, for findings that are not about one table.
OTHER_PARTS_ZH = {"narrative": "一、总体情况", "report": "报告整体"}
SECTION_ZH = {s.key: s.title_zh for s in SECTIONS} | OTHER_PARTS_ZH


def dimensions(sections: tuple[Section, ...] = SECTIONS) -> list[tuple[Section, Dimension]]:
    """Every (section, dimension), in template order: the `categories` table's order."""
    ordered = sorted(sections, key=lambda s: _NUMBER_ORDER.index(s.number))
    return [(s, d) for s in ordered for d in s.dims]


# Code column → {code: its place in the template} (the order a reader of the report expects).
PLACE = {d.column: {c.code: i for i, c in enumerate(d.codes)} for _, d in dimensions()}


def categories_rows(sections: tuple[Section, ...] = SECTIONS) -> list[dict]:
    """The `categories` table: every code list with its Chinese label, in template order."""
    return [
        {"section": s.key, "dimension": d.column, "code": c.code, "label_zh": c.label_zh,
         "formats": ",".join(c.formats), "sort_order": i}
        for s, d in dimensions(sections)
        for i, c in enumerate(d.codes, start=1)
    ]


# Short Chinese labels of every code per dimension column (the report's cell lists).
LABELS: dict[str, dict[str, str]] = {d.column: d.labels for s in SECTIONS for d in s.dims}
LABELS["row_code"]["partially_granted"] = "（二）部分公开"
LABELS["measure"]["fee_amount"] = "本年收费金额（万元）"


def cell_label(table: str, a: str, b: str) -> str:
    """"（一）予以公开 × 自然人": a cell of a fact table in words."""
    d1, d2 = BY_TABLE[table].columns
    return f"{LABELS[d1].get(a, a)} × {LABELS[d2].get(b, b)}"
