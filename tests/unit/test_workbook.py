"""The workbook writer (pipelines/core/workbook.py): what a reviewer sees in Excel or WPS,
read back with openpyxl, and sheet XML that Excel accepts (rows in order, each row once)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from pipelines.core.workbook import Sheet, to_bytes

SHEETS = [
    Sheet("汇总", ["机构", "新收申请", "说明"],
          [["青山县人民政府", 33, "长文本" * 10], ["青山县教育局", 1234567, None],
           ["青山县财政局", None, "x"]],
          formats={1: "#,##0"}, wrap={2}, error_rows={1}),
    Sheet("二", ["机构", "数值"], [["甲", 1.5], ["乙", float("nan")]], formats={1: "#,##0.##"}),
    Sheet("更正记录", ["行号", "理由"], []),
]


@pytest.fixture(scope="module")
def written() -> bytes:
    return to_bytes(SHEETS)


def test_values_formats_and_layout_read_back(written):
    wb = load_workbook(io.BytesIO(written))
    assert wb.sheetnames == ["汇总", "二", "更正记录"]
    ws = wb["汇总"]
    assert list(ws.iter_rows(values_only=True)) == [
        ("机构", "新收申请", "说明"), ("青山县人民政府", 33, "长文本" * 10),
        ("青山县教育局", 1234567, None), ("青山县财政局", None, "x")]
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:C4"
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("DDE3EA")
    assert ws["B2"].number_format == "#,##0" and ws["C2"].alignment.wrap_text
    assert ws.column_dimensions["A"].width > ws.column_dimensions["B"].width >= 6
    assert ws.column_dimensions["C"].width <= 61  # wrapped text: capped, not 60 characters wide
    # The error row (the second data row) is filled; the row before it is not.
    assert ws["A3"].fill.fgColor.rgb.endswith("FDECEA") and ws["A2"].fill.fill_type is None
    assert list(wb["二"].iter_rows(values_only=True)) == [("机构", "数值"), ("甲", 1.5), ("乙", None)]


def test_an_empty_sheet_keeps_its_header(written):
    ws = load_workbook(io.BytesIO(written))["更正记录"]
    assert list(ws.iter_rows(values_only=True)) == [("行号", "理由")]


def test_every_sheet_has_each_row_once_and_in_order(written):
    """Excel repairs (or refuses) a sheet with a row element twice; rustpy-xlsxwriter 0.8.0
    writes a formatted row twice in its constant-memory mode, which to_bytes must not use."""
    with zipfile.ZipFile(io.BytesIO(written)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 3 and "xl/sharedStrings.xml" in z.namelist()
        for name in sheets:
            rows = [int(r) for r in re.findall(r'<row r="(\d+)"', z.read(name).decode())]
            assert rows == sorted(set(rows)), name


def test_duplicate_names_are_refused():
    with pytest.raises(ValueError, match="distinct"):
        to_bytes([Sheet("a", ["x"], []), Sheet("a", ["y"], [])])
    with pytest.raises(ValueError, match="distinct"):
        to_bytes([Sheet("a", ["x", "x"], [[1, 2]])])
