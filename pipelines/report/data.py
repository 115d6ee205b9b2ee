"""What a reviewer's report shows, read from the published warehouse (read-only)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.checks.findings import parse_cells
from pipelines.core.code_digest import files_digest, import_closure
from pipelines.core.registry import BY_TABLE, DIMS

LEVEL_ZH = {"county_government": "县级政府", "department": "部门", "town": "镇", "township": "乡",
            "subdistrict": "街道", "other": "其他"}
LEVEL_ORDER = {k: i for i, k in enumerate(LEVEL_ZH)}
WITHHELD = "withheld_%"
# The outcome groups of section 三 (（一）…（六）), for the charts.
OUTCOME_GROUPS = (("granted", "予以公开"), ("partially_granted", "部分公开"), ("withheld", "不予公开"),
                  ("unavailable", "无法提供"), ("not_processed", "不予处理"), ("other", "其他处理"))


class UnknownCounty(LookupError):
    pass


@dataclass
class CountyYear:
    county: dict
    year: int
    agencies: pd.DataFrame  # agency_id, agency_name, level
    reports: pd.DataFrame  # current reports of the county's agencies, every year
    findings: pd.DataFrame  # quality_issues of year N: current reports and agency-level ones
    facts: dict[str, pd.DataFrame]  # current facts of the county, every year
    run: dict = field(default_factory=dict)
    corrections: pd.DataFrame = field(default_factory=pd.DataFrame)  # rows of year N's reports, and unattributable ones
    yoy: pd.DataFrame = field(default_factory=pd.DataFrame)  # v_agency_yoy of year N
    yoy_all: pd.DataFrame = field(default_factory=pd.DataFrame)  # v_agency_yoy of the county's agencies, every year
    corrections_all: pd.DataFrame = field(default_factory=pd.DataFrame)  # the county's rows of every year, and unattributable ones

    @property
    def year_reports(self) -> pd.DataFrame:
        return self.reports[self.reports["report_year"] == self.year]


def _df(con, sql: str, params=()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def counties(warehouse: Path) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return _df(con, "SELECT c.county, r.report_year, count(*) AS reports FROM reports r "
                        "JOIN agencies a USING (agency_id) JOIN counties c ON c.county_id = a.county_id "
                        "WHERE r.is_current GROUP BY 1, 2 ORDER BY 1, 2")
    finally:
        con.close()


# The county's rows `load` reads, year by year the same (inputs_digest hashes the same queries).
_OF_IDS = "(SELECT unnest(?::VARCHAR[]))"  # the county's agency ids
_COUNTY_SQL = "SELECT * FROM counties WHERE county = ?"
_AGENCIES_SQL = "SELECT agency_id, agency_name, level FROM agencies WHERE county_id = ?"
_REPORTS_SQL = f"SELECT * FROM reports WHERE is_current AND agency_id IN {_OF_IDS}"


def _facts_sql(table: str) -> str:
    return f"SELECT * FROM {table} WHERE agency_id IN {_OF_IDS}"


def _given_findings(given: pd.DataFrame, year: int, ids: list, county_id) -> pd.DataFrame:
    """The run's findings a county-year's report shows: its agencies' of the year, and the
    county's crawl findings (crawl_empty: no agency, no report)."""
    mine = given[(given["report_year"] == year) & given["agency_id"].isin(ids)]
    if "county_id" in given:
        crawl = given[given["agency_id"].isna() & given["report_id"].isna()
                      & (given["county_id"] == county_id)]
        if len(crawl):
            mine = pd.concat([mine, crawl])
    return mine.reset_index(drop=True)


# What a report is made by: this package's code, every module it imports (directly or not),
# and the warehouse's views. A deploy that changes one of them makes every report again, once;
# one that changes only, say, the crawler keeps them (what the crawler changes reaches a report
# through the warehouse's rows, which the digest covers). The runs row (the page's run id) is
# left out on purpose: a report whose inputs did not change keeps the run that made it.
_SQL = Path(__file__).resolve().parents[2] / "sql"
_CODE_DIGEST: list[str] = []


def code_files() -> list[Path]:
    return [*import_closure("pipelines.report"), *sorted(_SQL.glob("*.sql"))]


def _code_digest() -> str:
    """Worked out once, when a report is first asked for (not at import: ~40 files read)."""
    if not _CODE_DIGEST:  # DuckDB's version too: the row hashes below are DuckDB's
        _CODE_DIGEST.append(files_digest(code_files(), seed=duckdb.__version__))
    return _CODE_DIGEST[0]


def inputs_digest(warehouse: Path, county: str, year: int, findings: pd.DataFrame | None = None,
                  memo: dict | None = None, with_documents: bool = True) -> str | None:
    """A digest of everything `load` reads for a county-year (the same rows, each table's
    hashed by DuckDB), the findings it is given, and the code: equal digests, the same
    report. None for a county the warehouse does not hold. `memo`: per county, the warehouse's
    part, read once for all of its years."""
    memo = memo if memo is not None else {}
    if memo.get("digest_county") != county:
        found = _county_digests(warehouse, county, findings is None)
        if found is None:
            return None
        memo.update(digest_county=county, digest=found)
    got = memo["digest"]
    parts = [*got["county"], got["corrections"].get(year, ""), got["corrections"].get(None, "")]
    if findings is None:
        parts += [got["findings"].get(year, ""), got["findings"].get(None, "")]
    else:
        mine = _given_findings(findings, year, got["ids"], got["county_id"])
        parts.append(hashlib.sha256(mine.to_json(orient="records", date_format="iso",
                                                 default_handler=str).encode()).hexdigest())
    h = hashlib.sha256(_code_digest().encode())
    for part in (county, str(year), str(with_documents), *parts):
        h.update(part.encode() + b"\x00")
    return h.hexdigest()


def _county_digests(warehouse: Path, county: str, with_findings: bool) -> dict | None:
    """A county's rows as `load` reads them, as fingerprints: the year-independent ones, and
    per report year (None: rows of no report) its corrections and, when asked, findings."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found = con.execute("SELECT county_id FROM counties WHERE county = ?", [county]).fetchone()
        if found is None:
            return None
        ids = [r[0] for r in con.execute("SELECT agency_id FROM agencies WHERE county_id = ?",
                                         [found[0]]).fetchall()]
        parts = [_rows(con, _COUNTY_SQL, [county]), _rows(con, _AGENCIES_SQL, [found[0]]),
                 _rows(con, _REPORTS_SQL, [ids])]
        parts += [_rows(con, _facts_sql(table), [ids]) for table in DIMS]
        corrections = _per_year(con, "SELECT k.*, r.report_year AS _year FROM corrections k "
                                     "LEFT JOIN reports r USING (report_id) WHERE k.report_id IS NULL "
                                     f"OR r.agency_id IN {_OF_IDS}", [ids])
        findings = _per_year(con, *_stored_findings_sql(con, ids, found[0])) if with_findings else {}
    finally:
        con.close()
    return {"county_id": found[0], "ids": ids, "county": parts, "corrections": corrections,
            "findings": findings}


def _stored_findings_sql(con, ids: list, county_id) -> tuple[str, list]:
    """The rows of quality_issues `load` may show for the county, as (query, params) for
    _per_year: its agencies' under their report year, and the county's crawl findings (no
    agency, no report) under none, as every year shows them; not another county's."""
    if not _has_county_id(con):  # an older warehouse: no crawl findings by county
        return f"SELECT *, report_year AS _year FROM quality_issues WHERE agency_id IN {_OF_IDS}", [ids]
    return ("SELECT *, CASE WHEN agency_id IS NULL THEN NULL ELSE report_year END AS _year "
            f"FROM quality_issues WHERE agency_id IN {_OF_IDS} OR (agency_id IS NULL AND "
            "report_id IS NULL AND county_id = ?)", [ids, county_id])


def _has_county_id(con) -> bool:
    """Whether quality_issues has county_id (an older warehouse's has not)."""
    return bool(con.execute("SELECT 1 FROM information_schema.columns WHERE table_name = "
                            "'quality_issues' AND column_name = 'county_id'").fetchall())


def _per_year(con, sql: str, params=()) -> dict:
    """_rows per value of the query's `_year` column; {} when the table is not there."""
    try:
        got = con.execute(f"SELECT _year, count(*), sum(hash(q)) FROM ({sql}) q GROUP BY _year",
                          list(params)).fetchall()
    except duckdb.CatalogException:
        return {}
    return {None if y is None else int(y): f"{n}:{total}" for y, n, total in got}


def _rows(con, sql: str, params=()) -> str:
    """A query's rows as one order-independent fingerprint (count, and the sum of DuckDB's
    hash of each row)."""
    n, total = con.execute(f"SELECT count(*), sum(hash(q)) FROM ({sql}) q", list(params)).fetchone()
    return f"{n}:{total}"


def load(warehouse: Path, county: str, year: int,
         findings: pd.DataFrame | None = None, base: "CountyYear | None" = None) -> CountyYear:
    """`findings`: quality_issues as the checks computed them (with `cells` and `page`), when
    the caller has them; otherwise they are read from the warehouse, whose quality_issues has
    no cells, and the checks are run again over the county's tables to recover them.
    `base`: the same county loaded for another year (its agencies, reports, facts,
    corrections and year-on-year rows are every year's), so a county's years read the
    warehouse once: a year loaded from a base with the findings given opens no connection."""
    if base is None or base.county.get("county") != county:
        base = _county(warehouse, county)
    c, agencies, reports, facts = base.county, base.agencies, base.reports, base.facts
    ids = list(agencies["agency_id"])
    findings = (_given_findings(findings, year, ids, c["county_id"]) if findings is not None
                else _stored_findings(warehouse, year, ids, c["county_id"]))
    corrections = _of_year(base.corrections_all, "report_year", year, keep_missing=True)
    yoy = _of_year(base.yoy_all, "year", year)
    current = set(reports["report_id"])
    findings = findings[findings["report_id"].isna() | findings["report_id"].isin(current)]
    if "cells" not in findings:
        findings = _recover_cells(warehouse, findings)
    findings = _with_cells(findings, facts)
    return CountyYear(c, int(year), agencies, reports, findings.reset_index(drop=True), facts,
                      base.run, corrections, yoy, base.yoy_all, base.corrections_all)


def _of_year(frame: pd.DataFrame, column: str, year: int, keep_missing: bool = False) -> pd.DataFrame:
    """The rows of `year` (and, with keep_missing, those of no year), in their order."""
    if frame.empty:
        return frame
    mine = frame[column] == year
    if keep_missing:
        mine |= frame[column].isna()
    return frame[mine].reset_index(drop=True)


def _stored_findings(warehouse: Path, year: int, ids: list, county_id) -> pd.DataFrame:
    """quality_issues of the year as the warehouse holds them (without cells), and the
    county's crawl findings (crawl_empty: no agency, no year)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        findings = _df(con, "SELECT * FROM quality_issues WHERE report_year = ? AND agency_id IN "
                            f"{_OF_IDS}", [year, ids])
        if _has_county_id(con):
            crawl = _df(con, "SELECT * FROM quality_issues WHERE agency_id IS NULL AND "
                             "report_id IS NULL AND county_id = ?", [county_id])
            if len(crawl):
                findings = pd.concat([findings, crawl], ignore_index=True)
    finally:
        con.close()
    return findings


def _optional(con, sql: str, params=()) -> pd.DataFrame:
    """A query over a table or view an older warehouse may not have: empty then."""
    try:
        return _df(con, sql, params)
    except duckdb.CatalogException:
        return pd.DataFrame()


def _county(warehouse: Path, county: str) -> CountyYear:
    """A county's rows of every year, read in one connection (opening one costs ~30 ms): its
    agencies, current reports and facts, the corrections of its reports and the unattributable
    ones, its agencies' year-on-year rows (the view compares every year with the one before),
    and the latest run. A CountyYear of no year, the base `load` takes each year from."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found = _df(con, _COUNTY_SQL, [county])
        if found.empty:
            known = ", ".join(_df(con, "SELECT county FROM counties ORDER BY 1")["county"])
            raise UnknownCounty(f"no county {county!r} in {warehouse} (known: {known or 'none'})")
        c = found.iloc[0].to_dict()
        agencies = _df(con, _AGENCIES_SQL, [c["county_id"]])
        ids = list(agencies["agency_id"])
        reports = _df(con, _REPORTS_SQL, [ids])
        facts = {table: _df(con, _facts_sql(table), [ids]) for table in DIMS}
        corrections = _optional(con, "SELECT k.*, a.agency_name, r.report_year FROM corrections k "
                                     "LEFT JOIN reports r USING (report_id) "
                                     "LEFT JOIN agencies a ON a.agency_id = r.agency_id "
                                     f"WHERE r.agency_id IN {_OF_IDS} OR k.report_id IS NULL "
                                     "ORDER BY k.line", [ids])
        yoy_all = _optional(con, f"SELECT * FROM v_agency_yoy WHERE agency_id IN {_OF_IDS}", [ids])
        try:
            run = _df(con, "SELECT * FROM runs ORDER BY started_at DESC LIMIT 1")
            run = run.iloc[0].to_dict() if len(run) else {}
        except duckdb.Error:
            run = {}
    finally:
        con.close()
    return CountyYear(c, 0, agencies, reports, pd.DataFrame(), facts, run,
                      yoy_all=yoy_all, corrections_all=corrections)


def _recover_cells(warehouse: Path, findings: pd.DataFrame) -> pd.DataFrame:
    """For a warehouse whose quality_issues has no `cells`/`page` columns: run the checks again
    over its own tables and take the cells of the findings that match (same report, check and
    detail). Findings that do not match keep no cells (their section's page is shown)."""
    from pipelines.checks.suite import FACTS, all_findings
    from pipelines.core.spec import BLANK_MARKS

    if findings.empty:
        return findings.assign(cells=None, page=None)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        frames = {}
        ids = list(findings["agency_id"].dropna().unique())
        for t in FACTS:
            for name in (t, f"{t}_superseded"):
                f = con.execute(f"SELECT * FROM {name} WHERE agency_id IN "
                                "(SELECT unnest(?::VARCHAR[]))", [ids]).df()
                raw = f["raw_text"].fillna("").str.strip()
                f["kind"] = ["number" if pd.notna(v) else "blank" if r in ("",) + BLANK_MARKS
                             else "text" for v, r in zip(f["value"], raw)]
                frames[name] = f
        frames["reports"] = con.execute("SELECT * FROM reports WHERE agency_id IN "
                                        "(SELECT unnest(?::VARCHAR[]))", [ids]).df()
        frames["agencies"] = con.execute("SELECT * FROM agencies").df()
    finally:
        con.close()
    again = all_findings(frames)[["report_id", "check_name", "detail", "cells", "page"]]
    again = again.drop_duplicates(["report_id", "check_name", "detail"])
    return findings.merge(again, on=["report_id", "check_name", "detail"], how="left")


def _with_cells(findings: pd.DataFrame, facts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The printed cells each finding involves (label, raw text) and the source page.

    Uses the finding's `cells`/`page` columns where the warehouse has them; otherwise the page
    is the first page of the finding's section in that document."""
    findings = findings.copy()
    if "cells" not in findings:
        findings["cells"] = None
    if "page" not in findings:
        findings["page"] = None
    printed: dict[tuple, tuple[str, object]] = {}
    section_page: dict[tuple[str, str], int] = {}
    involved = set(findings["report_id"].dropna())  # the county's other facts are not needed
    for table, (d1, d2) in DIMS.items():
        f = facts[table]
        f = f[f["report_id"].isin(involved)]
        section = BY_TABLE[table].key
        corr = f["correction_id"] if "correction_id" in f else pd.Series([None] * len(f), index=f.index)
        for rid, a, b, raw, page, value, cid in zip(f["report_id"], f[d1], f[d2], f["raw_text"],
                                                    f["page"], f["value"], corr):
            if isinstance(cid, str):  # a reviewer's correction: the print and the value used
                raw = f"{raw or '空白'} → 更正为 {value:g}（{cid}）"
            printed[(table, rid, a, b)] = (raw, page)
            if pd.notna(page):
                key = (rid, section)
                section_page[key] = min(section_page.get(key, 10 ** 6), int(page))
    cells_out, pages = [], []
    for rid, ref, page, section in findings[["report_id", "cells", "page", "section"]].itertuples(index=False):
        table, keys = parse_cells(ref)
        shown = [(table, a, b, printed.get((table, rid, a, b), (None, None))[0]) for a, b in keys]
        cells_out.append(shown)
        if pd.isna(page) if page is not None else True:
            page = section_page.get((rid, section))
        pages.append(None if page is None or pd.isna(page) else int(page))
    findings["cell_list"] = cells_out
    findings["page"] = pages
    return findings


def _per_row(facts: pd.DataFrame) -> pd.Series:
    """(report_id, row_code) → the row's 总计, or the sum of its applicant columns where 总计
    is blank."""
    total = facts["applicant"] == "total"
    tot = facts[total].groupby(["report_id", "row_code"])["value"].first()
    parts = facts[~total].groupby(["report_id", "row_code"])["value"].sum(min_count=1)
    both = pd.concat([tot.rename("t"), parts.rename("p")], axis=1)
    return both["t"].fillna(both["p"])


def cell_value(facts: pd.DataFrame, row: str, per_row: pd.Series | None = None) -> pd.Series:
    """Per report: row `row`'s value (see _per_row; `row` ending in % sums the rows it
    begins); `per_row`: _per_row(facts), when the caller asks for several rows."""
    if per_row is None:
        per_row = _per_row(facts)
    codes = per_row.index.get_level_values("row_code") if len(per_row) else pd.Index([])
    hit = codes.str.startswith(row[:-1]) if row.endswith("%") else codes == row
    if not hit.any():
        return pd.Series(dtype="float64")
    return per_row[hit].groupby(level=0).sum(min_count=1)


_MEMO: list[tuple] = []  # (function, frame, result): the last few, frames held so ids stay valid


def _memo(fn):
    def wrapped(frame):
        for f, held, result in _MEMO:
            if f is fn and held is frame:
                return result
        result = fn(frame)
        _MEMO.append((fn, frame, result))
        del _MEMO[:-8]
        return result
    wrapped.__doc__, wrapped.__name__ = fn.__doc__, fn.__name__
    return wrapped


@_memo
def applications_by_report(facts: pd.DataFrame) -> pd.DataFrame:
    """report_id → received, granted, partially_granted, withheld, unavailable, not_processed,
    other, results_total, carried_over, carried_forward."""
    rows = {"received": "new_received", "carried_over": "carried_over", "granted": "granted",
            "partially_granted": "partially_granted", "withheld": "withheld_%",
            "unavailable": "unavailable_%", "not_processed": "not_processed_%", "other": "other_%",
            "results_total": "results_total", "carried_forward": "carried_forward"}
    per_row = _per_row(facts)  # one grouping of the county's facts, not one per column
    return pd.DataFrame({k: cell_value(facts, row, per_row) for k, row in rows.items()})


@_memo
def review_by_report(facts: pd.DataFrame) -> pd.DataFrame:
    f = facts.copy()
    if f.empty:
        return pd.DataFrame(columns=["review", "litigation"])
    parts = f[f["outcome"] != "total"].groupby(["report_id", "proceeding"])["value"].sum(min_count=1)
    tot = f[f["outcome"] == "total"].groupby(["report_id", "proceeding"])["value"].first()
    v = pd.concat([tot.rename("t"), parts.rename("p")], axis=1)
    v = v["t"].fillna(v["p"]).unstack("proceeding")
    for p in ("review", "lawsuit_direct", "lawsuit_after_review"):
        if p not in v:
            v[p] = float("nan")
    lit = v[["lawsuit_direct", "lawsuit_after_review"]].sum(axis=1, min_count=1)
    return pd.DataFrame({"review": v["review"], "litigation": lit})


def summary(cy: CountyYear) -> pd.DataFrame:
    """One row per agency of the county that has a report in year N or a finding for it."""
    reps = cy.year_reports
    apps = applications_by_report(cy.facts["fact_applications"])
    rev = review_by_report(cy.facts["fact_review_litigation"])
    f = cy.findings
    counts = (f.groupby(["agency_id", "severity"]).size().unstack(fill_value=0)
              if len(f) else pd.DataFrame())
    ids = list(dict.fromkeys(list(reps["agency_id"]) + list(f["agency_id"].dropna())))
    # Plain dicts looked up per agency (a frame filtered per agency costs ~5 ms each).
    first_report: dict = {}
    for r in reps.to_dict("records"):
        first_report.setdefault(r["agency_id"], r)
    apps, rev = apps.to_dict("index"), rev.to_dict("index")
    counts = counts.to_dict("index") if len(counts) else {}
    ag = cy.agencies.set_index("agency_id").to_dict("index")
    rows = []
    for aid in ids:
        r = first_report.get(aid, {})
        rid = r.get("report_id")
        a, v, n = apps.get(rid, {}), rev.get(rid, {}), counts.get(aid, {})
        rows.append({
            "agency_id": aid, "agency_name": ag[aid]["agency_name"] if aid in ag else aid,
            "level": ag[aid]["level"] if aid in ag else "other",
            "report_id": rid, "status": r.get("status"), "format": r.get("format"),
            "document_url": r.get("document_url"), "page_url": r.get("page_url"),
            "media_type": r.get("media_type"), "title": r.get("title"),
            "published_on": r.get("published_on"), "pages": r.get("pages"),
            **{k: a.get(k) for k in ("received", "granted", "partially_granted", "withheld",
                                     "unavailable", "not_processed", "other", "results_total")},
            "review": v.get("review"), "litigation": v.get("litigation"),
            "errors": int(n.get("error", 0)), "warnings": int(n.get("warning", 0)),
        })
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["_lvl"] = out["level"].map(LEVEL_ORDER)
    return out.sort_values(["errors", "_lvl", "agency_name"], ascending=[False, True, True]) \
              .drop(columns="_lvl").reset_index(drop=True)


def history(cy: CountyYear) -> pd.DataFrame:
    """County totals per report year (current reports): applications by outcome, review,
    litigation, number of reports."""
    apps = applications_by_report(cy.facts["fact_applications"])
    rev = review_by_report(cy.facts["fact_review_litigation"])
    year = cy.reports.set_index("report_id")["report_year"]
    both = apps.join(rev, how="outer")
    both["report_year"] = both.index.map(year)
    g = both.groupby("report_year").sum(min_count=1)
    g["reports"] = cy.reports.groupby("report_year").size()
    return g.sort_index()
