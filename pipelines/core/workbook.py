"""Sheets of plain values → an .xlsx file (openpyxl, write-only), opening in Excel and WPS.

Kept apart from the report that fills it, importing openpyxl alone, so a writer process can
make workbooks beside the process that renders the rest of a report (see report.write_all):
a county-year's workbook holds about 90,000 cells and openpyxl needs ~10 µs a cell.

Every sheet: a bold frozen header row with a filter, column widths from the content (a CJK
character counts two); cells get a style only where a format, wrapping or an error row asks.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
ERROR_FILL = PatternFill("solid", fgColor="FDECEA")
BOLD = Font(bold=True)
MIDDLE = Alignment(vertical="center")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list]  # plain values: str, int, float, None, dates
    formats: dict[int, str] = field(default_factory=dict)  # column → number format
    wrap: set[int] = field(default_factory=set)  # columns whose text wraps
    error_rows: set[int] = field(default_factory=set)  # rows (0 = first after the header) filled red


def _width(v) -> float:
    text = "" if v is None else str(v)
    return sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in text)


def _write_sheet(wb: Workbook, sheet: Sheet) -> None:
    ws = wb.create_sheet(sheet.title)
    header, rows = sheet.header, sheet.rows
    ws.freeze_panes = "B2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    for j, name in enumerate(header):
        widest = max([_width(name)] + [_width(r[j]) for r in rows[:500]])
        limit = 60 if j in sheet.wrap else 40
        ws.column_dimensions[get_column_letter(j + 1)].width = max(6.0, min(limit, widest + 2))
    head = []
    for name in header:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, MIDDLE
        head.append(cell)
    ws.append(head)
    styled = sorted(set(sheet.formats) | sheet.wrap)
    for i, row in enumerate(rows):
        error = i in sheet.error_rows
        out = list(row)
        for j in (range(len(out)) if error else styled):
            cell = WriteOnlyCell(ws, value=out[j])
            if j in sheet.formats:
                cell.number_format = sheet.formats[j]
            if j in sheet.wrap:
                cell.alignment = WRAP
            if error:
                cell.fill = ERROR_FILL
            out[j] = cell
        ws.append(out)


def to_bytes(sheets: list[Sheet], title: str = "", creator: str = "gongkai") -> bytes:
    """The workbook as .xlsx bytes (the caller writes them where they belong, atomically)."""
    wb = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(wb, sheet)
    wb.properties.title = title or None
    wb.properties.creator = creator
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
