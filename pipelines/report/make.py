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
import os
from collections import deque
from pathlib import Path
from typing import Callable

from pipelines.core.lake import RawStore, lake_path, write_atomic
from pipelines.core.workbook import write_file
from pipelines.report import charts, data, excel, render
from pipelines.report.evidence import Planner, Request, make_all
from pipelines.report.helper import STOPS, Helper, error_text

DocumentReader = Callable[[str], "bytes | None"]


def raw_reader(lake) -> DocumentReader:
    """Documents from the lake's raw store (None for one it does not hold)."""
    store = RawStore(lake)

    def read(sha: str) -> bytes | None:
        return store.read(sha) if sha and store.has(sha) else None

    return read


def _write(path: Path, text: str) -> None:
    write_atomic(lake_path(path), text.encode("utf-8"))  # a reader never sees half a report


def _evidence_requests(cy, documents: DocumentReader | None,
                       memo: dict | None = None) -> tuple[list[Request], dict]:
    """What each finding's evidence needs, and the bytes of the documents it needs them from
    (read here, so that the evidence can be made in another process). `memo`: the county's
    (its planner and reports serve each of its years)."""
    if documents is None or cy.findings.empty:
        return [], {}
    memo = memo if memo is not None else {}
    if "planner" not in memo:  # the memo is one county's, as for its chart over the years
        memo["planner"] = (Planner(cy.facts),
                           {r["report_id"]: r for r in cy.reports.to_dict("records")})
    planner, reports = memo["planner"]
    requests = []
    f = cy.findings
    for i, rid, cells, page in zip(f.index, f["report_id"], f["cell_list"], f["page"]):
        if isinstance(rid, str) and rid in reports:
            req = planner.plan(int(i), reports[rid], cells or [], page)
            if req is not None:
                requests.append(req)
    return requests, {sha: documents(sha) for sha in sorted({r.sha for r in requests})}


STAMP = ".inputs.json"  # beside a report: the digest of what it was made from, and its counts


def _made_from(out_dir: Path, digest: str, documents: DocumentReader | None) -> dict | None:
    """The counts of the report in out_dir when it was made from `digest`, is whole, and no
    document its evidence lacked has come into the raw store since (a lake restored, a
    document stored again): a report kept then would go on showing that finding without its
    evidence. A document gone since leaves the report as it is: its crops are of the very
    bytes the warehouse names (by sha256)."""
    try:
        stamp = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stamp.get("digest") != digest or not all(
            (out_dir / name).is_file() for name in ("index.html", "report.md", "report.xlsx")):
        return None
    if documents is not None and any(documents(sha) is not None
                                     for sha in stamp.get("documents_missing", ())):
        return None
    return stamp.get("counts")


def write_report(warehouse: Path, county: str, year: int, out_dir: Path,
                 findings=None, _county: dict | None = None,
                 documents: DocumentReader | None = None, reuse: bool = False) -> dict:
    """`_county`: write_all's per-county memo (the county's data and its chart over the years,
    the same for each of its years); `documents`: where the evidence crops are read from.
    `reuse`: keep the report in out_dir when it was made from the same inputs (data.inputs_digest);
    the result then has "reused": True."""
    made = _begin(warehouse, county, year, out_dir, findings, _county, documents, reuse,
                  Helper("inline"))
    return made if isinstance(made, dict) else made.finish()


def _begin(warehouse: Path, county: str, year: int, out_dir: Path, findings, memo: dict | None,
           documents: DocumentReader | None, reuse: bool, helper: "Helper") -> "dict | _Report":
    """A kept report's result; or a report begun: its data read, its evidence and workbook
    handed to `helper`, its pages made by `finish`."""
    memo = memo if memo is not None else {}
    out_dir = Path(out_dir)
    digest = None
    if reuse:
        digest = data.inputs_digest(Path(warehouse), county, int(year), findings, memo,
                                    documents is not None)
        counts = _made_from(out_dir, digest, documents) if digest else None
        if counts is not None:
            return _paths(out_dir) | counts | {"reused": True}
        (out_dir / STAMP).unlink(missing_ok=True)  # a report half rewritten is never trusted
    helper.start()
    cy = data.load(Path(warehouse), county, int(year), findings, memo.get("base"))
    memo["base"] = cy
    summary = data.summary(cy)
    if (out_dir / "evidence").is_dir():  # crops of an earlier version of this report
        for old in (out_dir / "evidence").glob("*.png"):
            old.unlink()
    requests, docs = _evidence_requests(cy, documents, memo)
    book = excel.sheets(cy, summary)
    if "over_years" not in memo:
        memo["over_years"] = charts.over_years(data.history(cy))
    evidence = helper.submit(make_all, requests, docs, str(out_dir))
    wrote = helper.share(write_file, book, str(out_dir / "report.xlsx"))
    missing = sorted(sha for sha, content in docs.items() if content is None)
    return _Report(out_dir, cy, summary, memo["over_years"], evidence, wrote, digest, reuse,
                   missing)


class _Report:
    """A report whose data is read and whose evidence and workbook are on their way: `finish`
    waits for them and writes the pages (write_all reads the next county-year meanwhile)."""

    def __init__(self, out_dir, cy, summary, over_years, evidence, wrote, digest, reuse,
                 missing: list[str]):
        self.out_dir, self.cy, self.summary, self.over_years = out_dir, cy, summary, over_years
        self.evidence, self.wrote, self.digest, self.reuse = evidence, wrote, digest, reuse
        self.missing = missing  # documents the evidence needed and the raw store did not hold

    def settle(self) -> None:
        """Wait for its tasks, whatever they give (a report that failed is replaced by its
        failure page only once nothing of it is still being written)."""
        for task in (self.evidence, self.wrote):
            try:
                task.result()
            except Exception:
                pass

    def finish(self) -> dict:
        out_dir, cy, summary = self.out_dir, self.cy, self.summary
        evidence, evidence_files = self.evidence.result()
        self.wrote.result()
        svgs = {"by_agency": charts.by_agency(summary, cy.year) if len(summary) else None,
                "over_years": self.over_years}
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
        if self.digest:
            _write(out_dir / STAMP, json.dumps({"digest": self.digest, "counts": counts,
                                                "documents_missing": self.missing}))
        return _paths(out_dir) | counts | ({"reused": False} if self.reuse else {})


def _paths(out_dir: Path) -> dict:
    return {"html": str(out_dir / "index.html"), "markdown": str(out_dir / "report.md"),
            "excel": str(out_dir / "report.xlsx")}


MADE_FILES = ("report.xlsx", STAMP)  # and charts/, evidence/: a failed report keeps none of them


def _failed(out_dir: Path, county: str, year: int, error: BaseException) -> dict:
    """A county-year whose report could not be made: its folder holds a page saying so and
    why, instead of an older report (or half of this one) a reviewer would take for this
    night's; without its stamp, the next run that makes reports makes it again."""
    out_dir = Path(out_dir)
    text = error_text(error)
    for name in MADE_FILES:
        (out_dir / name).unlink(missing_ok=True)
    for folder in ("charts", "evidence"):
        if (out_dir / folder).is_dir():
            for old in (out_dir / folder).iterdir():
                old.unlink()
    _write(out_dir / "index.html", render.failed_page(county, year, text))
    _write(out_dir / "report.md", render.failed_markdown(county, year, text))
    return _paths(out_dir) | {"excel": None, "failed": text, "evidence_images": 0,
                              "agencies": 0, "errors": 0, "warnings": 0, "reused": False}


def _guarded(make: Callable[[], "dict | _Report"], out_dir: Path, county: str, year: int,
             begun: "_Report | None" = None) -> "dict | _Report":
    """`make()`, or, should it raise an error of this county-year's own (its data, a bug its
    data meets), the county-year's failure: the other county-years are made all the same."""
    try:
        return make()
    except STOPS:
        raise
    except Exception as error:
        if begun is not None:
            begun.settle()
        return _failed(out_dir, county, year, error)


DEPTH = 2  # county-years read ahead of the one whose pages are made
HELPER_FROM = 4  # county-years to make from which a helper process pays for its start (~0.3 s)


def write_all(warehouse: Path, reports_dir: Path, findings=None,
              documents: DocumentReader | None = None, helper: str = "auto",
              reuse: bool = True) -> list[dict]:
    """Every county and report year the warehouse holds current reports for. `findings`: the
    run's quality_issues with their cells, when the caller has them (see data.load).
    `helper`: "process", "thread", "none" (everything in this thread: for a profiler, which
    sees one) or "auto" (a process from HELPER_FROM county-years on unless GONGKAI_WORKERS=1,
    else a thread). `reuse`: a county-year whose inputs did not change keeps its report (a
    night that changed one county of thousands remakes that county's reports only)."""
    out: list[dict] = []
    memos: dict[str, dict] = {}
    todo = [row for row in data.counties(Path(warehouse)).itertuples(index=False)
            if row.report_year is not None and row.report_year == row.report_year]
    if helper == "auto":
        one = os.environ.get("GONGKAI_WORKERS", "").strip() == "1"
        helper = "process" if len(todo) >= HELPER_FROM and not one else "thread"
    hands = Helper("inline" if helper == "none" else helper)
    # County-years begun, their pages still to make: the helper makes their evidence while the
    # next ones are read (DEPTH of them, so that it seldom waits for this process or this for it).
    # A kept report's result waits its turn, so that the results come in order.
    begun: deque[tuple[dict, dict | _Report]] = deque()

    def finish(keep: int) -> None:
        while len(begun) > keep or (begun and isinstance(begun[0][1], dict)):
            key, made = begun.popleft()
            if isinstance(made, _Report):
                made = _guarded(made.finish, made.out_dir, key["county"], key["year"], made)
            out.append(key | made)

    try:
        for row in todo:
            county, year = row.county, int(row.report_year)
            target = Path(reports_dir) / county / str(year)
            memo = memos.setdefault(county, {})
            if len(memos) > 1:  # counties come in order: keep only the current one's
                memos = {county: memo}
            begun.append(({"county": county, "year": year}, _guarded(
                lambda: _begin(warehouse, county, year, target, findings, memo, documents,
                               reuse, hands), target, county, year)))
            finish(DEPTH)
        finish(0)
    finally:
        hands.close()
    return out
