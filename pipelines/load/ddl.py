"""The warehouse's DDL with its code lists derived from the registry, never typed by hand.

`sql/schema.sql` is the DDL an analyst reads. Its `CHECK (column IN (...))` lists of codes
(the fact tables' dimensions, `categories.section` and `categories.formats`) and of the
contract's enums (`reports.status`, `reports.media_type`, `reports.format`, `reports.read_by`,
`quality_issues.severity`) are generated from pipelines.core.registry, pipelines.core.spec and
pipelines.core.models. The loader executes the generated text (`schema_sql()`), so a code added
to the spec is allowed in the warehouse at once; the committed file is kept equal to it:

    python -m pipelines.load.ddl          # rewrite sql/schema.sql's code lists
    python -m pipelines.load.ddl --check  # exit 1 when sql/schema.sql is not current

(tests/unit/test_registry.py fails when it is not.)
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

from pipelines.core.models import WAREHOUSE_MEDIA_TYPES, Format, ReadBy, Severity, Status
from pipelines.core.registry import SECTIONS, Section
from pipelines.core.spec import FORMATS

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
SCHEMA = SQL_DIR / "schema.sql"
ONE_LINE = 110  # a list that fits on its column's line (with the comma) stays there
WIDTH = 98  # else it continues on lines of at most this width


def _formats_values() -> tuple[str, ...]:
    """categories.formats: every format together, then each alone ('2019,2021', '2019', ...)."""
    return (",".join(FORMATS),) + tuple(FORMATS)


def check_lists(sections: tuple[Section, ...] = SECTIONS) -> dict[tuple[str, str], tuple[str, ...]]:
    """(table, column) → the values its CHECK (column IN (...)) allows."""
    lists: dict[tuple[str, str], tuple[str, ...]] = {}
    for s in sections:
        for d in s.dims:
            lists[(s.table, d.column)] = d.code_list
    lists[("categories", "section")] = tuple(s.key for s in sections)
    lists[("categories", "formats")] = _formats_values()
    lists[("reports", "format")] = tuple(f.value for f in Format)
    lists[("reports", "media_type")] = tuple(m.value for m in WAREHOUSE_MEDIA_TYPES)
    lists[("reports", "status")] = tuple(s.value for s in Status)
    lists[("reports", "read_by")] = tuple(r.value for r in ReadBy)
    lists[("quality_issues", "severity")] = tuple(s.value for s in Severity)
    return lists


_TABLE = r"(CREATE TABLE {table} \(\n.*?\n\);)"
_CHECK = (r"(?P<head>(?P<indent>[ \t]*){column}\b[^\n]*?CHECK \({column} IN \()"
          r"(?P<list>(?:\s*'[^']*'\s*,?)+)(?P<tail>\)\))")


def _format_list(head: str, indent: str, values: tuple[str, ...], tail: str) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    one_line = f"{head}{quoted}{tail}"
    if len(one_line) + 1 <= ONE_LINE:
        return one_line
    body = textwrap.fill(quoted, width=WIDTH - len(indent) - 4, break_long_words=False,
                         break_on_hyphens=False)
    return head + "\n" + textwrap.indent(body, indent + " " * 4) + tail


def render(sql: str, lists: dict[tuple[str, str], tuple[str, ...]] | None = None) -> str:
    """`sql` with every known CHECK list replaced by the generated one. A column the DDL does
    not have (or has without a CHECK list) is left alone."""
    lists = check_lists() if lists is None else lists
    for (table, column), values in lists.items():
        block = re.search(_TABLE.format(table=re.escape(table)), sql, flags=re.S)
        if block is None:
            continue
        pattern = re.compile(_CHECK.format(column=re.escape(column)))
        new_block = pattern.sub(lambda m: _format_list(m["head"], m["indent"], values, m["tail"]),
                                block.group(1), count=1)
        sql = sql[:block.start(1)] + new_block + sql[block.end(1):]
    return sql


def schema_sql() -> str:
    """The DDL the loader executes: sql/schema.sql with its code lists from the registry."""
    return render(SCHEMA.read_text(encoding="utf-8"))


def table_sql(table: str) -> str:
    """One table's CREATE TABLE statement, as schema_sql() gives it."""
    block = re.search(_TABLE.format(table=re.escape(table)), schema_sql(), flags=re.S)
    if block is None:
        raise KeyError(f"no table {table} in {SCHEMA}")
    return block.group(1)


def main(argv: list[str]) -> int:
    current = SCHEMA.read_text(encoding="utf-8")
    text = render(current)
    if "--check" in argv:
        if text != current:
            print(f"{SCHEMA} is out of date: run python -m pipelines.load.ddl", file=sys.stderr)
            return 1
        return 0
    if text != current:
        SCHEMA.write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
