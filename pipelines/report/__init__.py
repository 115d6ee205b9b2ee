"""The reviewer's report: per county and year, one offline HTML page and its Markdown twin.

    write_report(warehouse, county, year, out_dir, findings=None, documents=None)
        → {"html": …, "markdown": …, "excel": …, "agencies": …, "errors": …, "warnings": …}
    write_all(warehouse, reports_dir, findings=None, documents=None)  → every county × report year

Reads the published warehouse read-only; never imports dagster. `documents` reads a
document's bytes by sha256 (the raw store) for the evidence beside each finding: page crops of
PDFs, table rows of HTML reports; without it (or without the document) a finding shows its
cells as text only.
"""

from __future__ import annotations

import json
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from pipelines.core.lake import RawStore, lake_path, write_atomic
from pipelines.report import charts, data, excel, render
from pipelines.report.evidence import Evidence

DocumentReader = Callable[[str], "bytes | None"]


def raw_reader(lake) -> DocumentReader:
    """Documents from the lake's raw store (None for one it does not hold)."""
    store = RawStore(lake)

    def read(sha: str) -> bytes | None:
        return store.read(sha) if sha and store.has(sha) else None

    return read


def _write(path: Path, text: str) -> None:
    write_atomic(lake_path(path), text.encode("utf-8"))  # a reader never sees half a report


def _evidence(cy, documents: DocumentReader | None, out_dir: Path) -> tuple[dict, dict]:
    """finding index → evidence; and finding index → PNG files written beside the report."""
    if documents is None or cy.findings.empty:
        return {}, {}
    ev = Evidence(documents, cy.facts)
    reports = cy.reports.set_index("report_id", drop=False)
    found, files = {}, {}
    folder = out_dir / "evidence"
    for i, fr in cy.findings.iterrows():
        rid = fr["report_id"]
        if not isinstance(rid, str) or rid not in reports.index:
            continue
        got = ev.for_finding(reports.loc[rid].to_dict(), fr["cell_list"] or [], fr["page"])
        found[i] = got
        for page, png in got["images"]:
            folder.mkdir(parents=True, exist_ok=True)
            name = f"finding-{i}-p{page}.png"
            (folder / name).write_bytes(png)
            files.setdefault(i, []).append((page, f"evidence/{name}"))
    ev.close()
    return found, files


STAMP = ".inputs.json"  # beside a report: the digest of what it was made from, and its counts


def _made_from(out_dir: Path, digest: str) -> dict | None:
    """The counts of the report in out_dir when it was made from `digest` and is whole."""
    try:
        stamp = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stamp.get("digest") != digest or not all(
            (out_dir / name).is_file() for name in ("index.html", "report.md", "report.xlsx")):
        return None
    return stamp.get("counts")


def write_report(warehouse: Path, county: str, year: int, out_dir: Path,
                 findings=None, _county: dict | None = None,
                 documents: DocumentReader | None = None,
                 _evidence_thread: Executor | None = None, reuse: bool = False) -> dict:
    """`_county`: write_all's per-county memo (the county's data and its chart over the years,
    the same for each of its years); `documents`: where the evidence crops are read from;
    `_evidence_thread`: write_all's one thread for the evidence (pdfium renders, PIL encodes
    and the workbook is saved without the GIL, so the crops are made while the rest is).
    `reuse`: keep the report in out_dir when it was made from the same inputs (data.inputs_digest);
    the result then has "reused": True."""
    memo = _county if _county is not None else {}
    out_dir = Path(out_dir)
    digest = None
    if reuse:
        digest = data.inputs_digest(Path(warehouse), county, int(year), findings, memo,
                                    documents is not None)
        counts = _made_from(out_dir, digest) if digest else None
        if counts is not None:
            return _paths(out_dir) | counts | {"reused": True}
        (out_dir / STAMP).unlink(missing_ok=True)  # a report half rewritten is never trusted
    cy = data.load(Path(warehouse), county, int(year), findings, memo.get("base"))
    memo["base"] = cy
    summary = data.summary(cy)
    if (out_dir / "evidence").is_dir():  # crops of an earlier version of this report
        for old in (out_dir / "evidence").glob("*.png"):
            old.unlink()
    # One thread at most: pdfium must never be called from two threads at once.
    crops: Future | None = (_evidence_thread.submit(_evidence, cy, documents, out_dir)
                            if _evidence_thread is not None else None)
    try:
        excel.write(cy, summary, out_dir / "report.xlsx")
        if "over_years" not in memo:
            memo["over_years"] = charts.over_years(data.history(cy))
    finally:
        evidence, evidence_files = crops.result() if crops else _evidence(cy, documents, out_dir)
    svgs = {"by_agency": charts.by_agency(summary, cy.year) if len(summary) else None,
            "over_years": memo["over_years"]}
    chart_files = {}
    alt = {"by_agency": "各机构办理结果", "over_years": "历年趋势"}
    for key, svg in svgs.items():
        if svg:
            _write(out_dir / "charts" / f"{key}.svg", svg)
            chart_files[alt[key]] = f"charts/{key}.svg"
    _write(out_dir / "index.html", render.html_page(cy, summary, svgs, evidence))
    _write(out_dir / "report.md", render.markdown(cy, summary, chart_files, evidence_files))
    f = cy.findings
    counts = {"evidence_images": sum(len(e["images"]) for e in evidence.values()),
              "agencies": len(summary), "errors": int((f["severity"] == "error").sum()),
              "warnings": int((f["severity"] == "warning").sum())}
    if digest:
        _write(out_dir / STAMP, json.dumps({"digest": digest, "counts": counts}))
    return _paths(out_dir) | counts | ({"reused": False} if reuse else {})


def _paths(out_dir: Path) -> dict:
    return {"html": str(out_dir / "index.html"), "markdown": str(out_dir / "report.md"),
            "excel": str(out_dir / "report.xlsx")}


def write_all(warehouse: Path, reports_dir: Path, findings=None,
              documents: DocumentReader | None = None, evidence_thread: bool = True,
              reuse: bool = True) -> list[dict]:
    """Every county and report year the warehouse holds current reports for. `findings`: the
    run's quality_issues with their cells, when the caller has them (see data.load).
    `evidence_thread=False`: the evidence made in this thread too (for a profiler, which
    sees one thread). `reuse`: a county-year whose inputs did not change keeps its report (a
    night that changed one county of thousands remakes that county's reports only)."""
    out = []
    memos: dict[str, dict] = {}
    todo = [row for row in data.counties(Path(warehouse)).itertuples(index=False)
            if row.report_year is not None and row.report_year == row.report_year]
    with ThreadPoolExecutor(1, thread_name_prefix="evidence") as thread:
        for row in todo:
            target = Path(reports_dir) / row.county / str(int(row.report_year))
            memo = memos.setdefault(row.county, {})
            if len(memos) > 1:  # counties come in order: keep only the current one's
                memos = {row.county: memo}
            out.append({"county": row.county, "year": int(row.report_year)}
                       | write_report(warehouse, row.county, int(row.report_year), target,
                                      findings, memo, documents,
                                      thread if evidence_thread else None, reuse))
    return out
