"""The reviewer's report: per county and year, one offline HTML page, its Markdown twin and a
workbook (pipelines/report/make.py).

    write_report(warehouse, county, year, out_dir, findings=None, documents=None)
    write_all(warehouse, reports_dir, findings=None, documents=None)  → every county × report year

The names are loaded on first use, so that write_all's helper process, which imports only
the evidence and workbook modules of this package, does not load pandas and DuckDB with it.
"""

from __future__ import annotations

from importlib import import_module

_FROM_MAKE = ("write_all", "write_report", "raw_reader", "STAMP", "DocumentReader")


def __getattr__(name: str):
    if name in _FROM_MAKE:
        return getattr(import_module("pipelines.report.make"), name)
    raise AttributeError(f"module 'pipelines.report' has no attribute {name!r}")
