"""The template's identities (domain.md I1–I4) and the carry-over between years.

Each check takes the fact frames and returns findings, one per failing comparison, with the
cells involved in `detail`. A blank cell is not a zero: a blank total is its own finding
(`blank_total`) and is not compared; blank parts count as nothing printed (0).
"""

from __future__ import annotations

import pandas as pd

from pipelines.spec import APPLICATION_ROWS, ORG_APPLICANTS

FINDING_COLUMNS = ["report_id", "agency_id", "report_year", "check_name", "severity", "section",
                   "detail", "expected", "actual"]
RESULT_ROWS = tuple(c.code for c in APPLICATION_ROWS
                    if c.group and c.code != "results_total")
LABEL = {c.code: c.label_zh for c in APPLICATION_ROWS}


def _finding(meta: dict, check: str, section: str, detail: str, expected, actual,
             severity: str = "error") -> dict:
    return {"report_id": meta["report_id"], "agency_id": meta["agency_id"],
            "report_year": meta["report_year"], "check_name": check, "severity": severity,
            "section": section, "detail": detail,
            "expected": None if expected is None else float(expected),
            "actual": None if actual is None else float(actual)}


def _fmt(v) -> str:
    return "blank" if v is None or pd.isna(v) else f"{v:g}"


def _cells(frame: pd.DataFrame, d1: str, d2: str) -> dict[str, dict[tuple[str, str], float | None]]:
    """report_id → {(dim1, dim2): value or None (blank)}."""
    out: dict[str, dict] = {}
    for rid, a, b, v in frame[["report_id", d1, d2, "value"]].itertuples(index=False):
        out.setdefault(rid, {})[(a, b)] = None if pd.isna(v) else float(v)
    return out


def _meta(frame: pd.DataFrame) -> dict[str, dict]:
    return (frame.drop_duplicates("report_id")
            .set_index("report_id", drop=False)[["report_id", "agency_id", "report_year"]]
            .to_dict("index"))


def _sum(cells: dict, keys) -> float:
    return sum(cells.get(k) or 0.0 for k in keys)


def check_applications(apps: pd.DataFrame) -> list[dict]:
    """I1 (per applicant column), I2 (per row), I3 (per applicant column), blank totals."""
    findings = []
    meta = _meta(apps)
    applicants = ("natural_person",) + ORG_APPLICANTS + ("total",)
    for rid, cells in _cells(apps, "row_code", "applicant").items():
        m = meta[rid]
        rows = {r for r, _ in cells}
        for row in sorted(rows):
            total = cells.get((row, "total"), "absent")
            if total is None:
                parts = _sum(cells, [(row, a) for a in applicants[:-1]])
                if parts:
                    findings.append(_finding(m, "blank_total", "applications",
                                             f"{row} ({LABEL[row]}): 总计 left blank while its "
                                             f"applicant columns sum to {parts:g}",
                                             parts, None, "warning"))
                continue
            if total == "absent":
                continue
            parts = _sum(cells, [(row, a) for a in applicants[:-1]])
            if abs(parts - total) > 1e-9:
                findings.append(_finding(m, "applications_row_total", "applications",
                                         f"{row} ({LABEL[row]}): 总计 {total:g} ≠ 自然人 + 法人或其他组织 "
                                         f"= {parts:g}", parts, total))
        for col in applicants:
            printed = cells.get(("results_total", col), "absent")
            if printed == "absent" or printed is None:
                continue  # a blank total is reported once, by blank_total
            result_rows = [r for r in RESULT_ROWS if (r, col) in cells]
            if result_rows:
                parts = _sum(cells, [(r, col) for r in result_rows])
                if abs(parts - printed) > 1e-9:
                    listed = ", ".join(f"{r} {_fmt(cells[(r, col)])}" for r in result_rows
                                       if cells[(r, col)])
                    findings.append(_finding(m, "applications_results_total", "applications",
                                             f"{col}: （七）总计 {printed:g} ≠ sum of results "
                                             f"{parts:g} ({listed or 'all blank'})", parts, printed))
            if ("new_received", col) in cells and ("carried_over", col) in cells:
                left = _sum(cells, [("new_received", col), ("carried_over", col)])
                right = printed + (cells.get(("carried_forward", col)) or 0.0)
                if abs(left - right) > 1e-9:
                    findings.append(_finding(
                        m, "applications_balance", "applications",
                        f"{col}: 一 {_fmt(cells[('new_received', col)])} + 二 "
                        f"{_fmt(cells[('carried_over', col)])} = {left:g}, but （七）总计 {printed:g}"
                        f" + 四 {_fmt(cells.get(('carried_forward', col)))} = {right:g}",
                        left, right))
    return findings


def check_review_litigation(review: pd.DataFrame) -> list[dict]:
    """I4: in each block 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    findings = []
    meta = _meta(review)
    parts_of = ("upheld", "corrected", "other", "pending")
    for rid, cells in _cells(review, "proceeding", "outcome").items():
        for proceeding in ("review", "lawsuit_direct", "lawsuit_after_review"):
            if (proceeding, "total") not in cells:
                continue
            total = cells[(proceeding, "total")]
            parts = _sum(cells, [(proceeding, p) for p in parts_of])
            listed = " + ".join(f"{p} {_fmt(cells.get((proceeding, p)))}" for p in parts_of)
            if total is None:
                if parts:
                    findings.append(_finding(meta[rid], "blank_total", "review_litigation",
                                             f"{proceeding}: 总计 left blank ({listed})",
                                             parts, None, "warning"))
                continue
            if abs(parts - total) > 1e-9:
                findings.append(_finding(meta[rid], "review_litigation_total", "review_litigation",
                                         f"{proceeding}: 总计 {total:g} ≠ {listed} = {parts:g}",
                                         parts, total))
    return findings


def check_carry_over(apps: pd.DataFrame) -> list[dict]:
    """Year N's 二 (carried over) against year N−1's 四 (carried forward), same agency."""
    findings = []
    a = apps[apps["agency_id"].notna() & apps["report_year"].notna()]
    over = a[a["row_code"] == "carried_over"]
    fwd = a[a["row_code"] == "carried_forward"][["agency_id", "report_year", "applicant", "value",
                                                  "report_id"]]
    fwd = fwd.assign(report_year=fwd["report_year"] + 1)
    joined = over.merge(fwd, on=["agency_id", "report_year", "applicant"],
                        suffixes=("", "_prev"))
    for row in joined.itertuples(index=False):
        now = 0.0 if pd.isna(row.value) else float(row.value)
        before = 0.0 if pd.isna(row.value_prev) else float(row.value_prev)
        if abs(now - before) > 1e-9:
            findings.append(_finding(
                {"report_id": row.report_id, "agency_id": row.agency_id,
                 "report_year": row.report_year}, "carry_over", "applications",
                f"{row.applicant}: 二、上年结转 {_fmt(row.value)} in {int(row.report_year)}, but "
                f"{int(row.report_year) - 1}'s 四、结转下年度继续办理 was {_fmt(row.value_prev)}",
                before, now))
    return findings


def check_not_numbers(frames: dict[str, pd.DataFrame]) -> list[dict]:
    """Text in a number cell ("见附件"): the fact keeps its raw_text, the value stays NULL."""
    findings = []
    for table, section, d1, d2 in (("fact_applications", "applications", "row_code", "applicant"),
                                   ("fact_proactive", "proactive", "item", "measure"),
                                   ("fact_review_litigation", "review_litigation", "proceeding",
                                    "outcome")):
        f = frames[table]
        for row in f[f["kind"] == "text"].itertuples(index=False):
            findings.append(_finding(row._asdict(), "cell_not_number", section,
                                     f"{getattr(row, d1)}/{getattr(row, d2)}: {row.raw_text!r} "
                                     "is not a number", None, None, "warning"))
    return findings


def all_findings(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every finding over the facts of every report (current and superseded)."""
    apps = pd.concat([frames["fact_applications"], frames["fact_applications_superseded"]])
    review = pd.concat([frames["fact_review_litigation"],
                        frames["fact_review_litigation_superseded"]])
    findings = (check_applications(apps) + check_review_litigation(review)
                + check_carry_over(frames["fact_applications"])
                + check_not_numbers({t: pd.concat([frames[t], frames[f"{t}_superseded"]])
                                     for t in ("fact_applications", "fact_proactive",
                                               "fact_review_litigation")}))
    return pd.DataFrame(findings, columns=FINDING_COLUMNS)
