"""Small crafted reports as staged frames, and the bundled sample's truth file as frames."""

from __future__ import annotations

import pandas as pd

from pipelines.checks.template import template_cells
from pipelines.core.spec import BLANK_MARKS
from tests.conftest import SAMPLE

FACT_COLUMNS = {
    "fact_applications": ["report_id", "agency_id", "report_year", "row_code", "applicant",
                          "value", "raw_text", "page", "kind"],
    "fact_proactive": ["report_id", "agency_id", "report_year", "item", "measure", "value",
                       "unit", "raw_text", "page", "kind"],
    "fact_review_litigation": ["report_id", "agency_id", "report_year", "proceeding", "outcome",
                               "value", "raw_text", "page", "kind"],
}
# A consistent section 三 (自然人 column; every other applicant column 0): I1–I3 hold.
CLEAN_APPS = {"new_received": 5, "carried_over": 1, "granted": 3, "partially_granted": 1,
              "withheld_state_secret": 1, "results_total": 5, "carried_forward": 1}
CLEAN_REVIEW = {("review", "upheld"): 1, ("review", "total"): 1}


def _kind(value, raw) -> str:
    if pd.notna(value):
        return "number"
    return "blank" if raw.strip() in ("",) + BLANK_MARKS else "text"


class Corpus:
    """Reports built cell by cell; `frames()` gives what steps.find_issues hands the checks."""

    def __init__(self):
        self.facts = {t: [] for t in FACT_COLUMNS}
        self.reports, self.agencies, self.narratives = [], {}, []

    def agency(self, aid: str, level: str = "department", county: str = "c1") -> "Corpus":
        self.agencies[aid] = {"agency_id": aid, "agency_name": aid, "county_id": county,
                              "level": level}
        return self

    def report(self, rid: str, aid: str, year: int, fmt: str = "2021", status: str = "ok",
               current: bool = True, apps: dict | None = None, narrative: str | None = None,
               sections=("proactive", "applications", "review_litigation"), page: int | None = 2):
        if aid not in self.agencies:
            self.agency(aid)
        self.reports.append({"report_id": rid, "agency_id": aid, "report_year": year,
                             "format": fmt, "status": status, "is_current": current,
                             "error": None if status == "ok" else "truncated PDF",
                             "sha256": rid, "document_url": f"http://x/{rid}.pdf",
                             "title": f"{aid}{year}年政府信息公开工作年度报告"})
        if narrative is not None:
            self.narratives.append({"report_id": rid, "narrative": narrative})
        if status not in ("ok", "partial"):
            return self
        values = dict(CLEAN_APPS if apps is None else apps)
        for section, table in (("proactive", "fact_proactive"), ("applications", "fact_applications"),
                               ("review_litigation", "fact_review_litigation")):
            if section not in sections:
                continue
            for a, b in template_cells(section, fmt):
                if section == "applications":
                    if fmt == "2021" and a == "other_total":
                        continue
                    v = values.get(a, 0) if b in ("natural_person", "total") else 0
                elif section == "review_litigation":
                    v = CLEAN_REVIEW.get((a, b), 0)
                else:
                    v = 0
                self.set(table, rid, a, b, v, page=page, _new=True)
        return self

    def _meta(self, rid):
        r = next(r for r in self.reports if r["report_id"] == rid)
        return r["agency_id"], r["report_year"]

    def set(self, table: str, rid: str, a: str, b: str, value, raw: str | None = None,
            page: int | None = 2, _new: bool = False):
        """Set (or add) one printed cell; value None with raw '' is a blank cell."""
        raw = (f"{value:g}" if value is not None else "") if raw is None else raw
        aid, year = self._meta(rid)
        d1, d2 = FACT_COLUMNS[table][3:5]
        rows = self.facts[table]
        if not _new:
            rows[:] = [r for r in rows if not (r["report_id"] == rid and r[d1] == a and r[d2] == b)]
        row = {"report_id": rid, "agency_id": aid, "report_year": year, d1: a, d2: b,
               "value": value, "raw_text": raw, "page": page,
               "kind": _kind(value, raw)}
        if table == "fact_proactive":
            row["unit"] = None
        rows.append(row)
        return self

    def drop(self, table: str, rid: str, a: str | None = None):
        d1 = FACT_COLUMNS[table][3]
        self.facts[table] = [r for r in self.facts[table]
                             if not (r["report_id"] == rid and (a is None or r[d1] == a))]
        return self

    def frames(self) -> dict[str, pd.DataFrame]:
        reports = pd.DataFrame(self.reports)
        current = set(reports.loc[reports["is_current"], "report_id"])
        out = {}
        for table, cols in FACT_COLUMNS.items():
            f = pd.DataFrame(self.facts[table], columns=cols)
            out[table] = f[f["report_id"].isin(current)].reset_index(drop=True)
            out[f"{table}_superseded"] = f[~f["report_id"].isin(current)].reset_index(drop=True)
        out["reports"] = reports
        out["agencies"] = pd.DataFrame(list(self.agencies.values()))
        out["unmapped_cells"] = pd.DataFrame(columns=["report_id", "section", "label", "raw_text",
                                                      "page", "reason"])
        out["narratives"] = pd.DataFrame(self.narratives, columns=["report_id", "narrative"])
        return out


def sample_frames() -> dict[str, pd.DataFrame]:
    """The bundled sample as staged frames, from its truth file (every printed cell) and its
    reports list: report_id = the document's path, agency_id = the agency's name."""
    truth = pd.read_csv(SAMPLE / "truth.csv", dtype={"raw_text": str, "unit": str},
                        keep_default_na=False)
    docs = pd.read_csv(SAMPLE / "reports.csv", keep_default_na=False)
    truth["value"] = pd.to_numeric(truth["value"].replace("", None), errors="coerce")
    docs["agency_id"] = docs["agency_name"]
    # The 2021 county-government report exists as HTML and as PDF: the HTML one stands.
    docs["is_current"] = ~docs["document"].eq("202203/P020220328_1011.pdf")
    reports = pd.DataFrame({
        "report_id": docs["document"], "agency_id": docs["agency_id"],
        "report_year": docs["report_year"], "format": docs["format"].astype(str).where(
            docs["expected_status"] == "ok", "unknown"),
        "status": docs["expected_status"], "is_current": docs["is_current"],
        "error": docs["expected_status"].map({"failed": "truncated PDF"}),
        "title": docs["title"], "page_url": "http://portal/" + docs["document"],
        "document_url": "http://portal/" + docs["document"], "media_type": docs["media_type"],
        "sha256": docs["document"], "pages": None,
        "published_on": pd.to_datetime(docs["published_on"]),
        "fetched_at": pd.Timestamp("2024-01-01"), "first_seen": pd.Timestamp("2024-01-01"),
        "last_seen": pd.Timestamp("2024-01-01"), "county_id": "cn_qingshan"})
    current = set(reports.loc[reports["is_current"], "report_id"])
    out = {}
    for table, cols in FACT_COLUMNS.items():
        t = truth[truth["table"] == table].copy()
        d1, d2 = cols[3:5]
        t = t.rename(columns={"document": "report_id", "dim1": d1, "dim2": d2})
        t["agency_id"] = t["agency_name"]
        t["page"] = None
        t["kind"] = [_kind(v, r) for v, r in zip(t["value"], t["raw_text"])]
        t["unit"] = t["unit"].replace("", None)
        f = t[[c for c in cols if c in t.columns]]
        out[table] = f[f["report_id"].isin(current)].reset_index(drop=True)
        out[f"{table}_superseded"] = f[~f["report_id"].isin(current)].reset_index(drop=True)
    out["reports"] = reports
    ag = docs.drop_duplicates("agency_id")
    out["agencies"] = pd.DataFrame({"agency_id": ag["agency_id"], "agency_name": ag["agency_name"],
                                    "county_id": "cn_qingshan", "level": ag["level"]})
    out["unmapped_cells"] = pd.DataFrame(columns=["report_id", "section", "label", "raw_text",
                                                  "page", "reason"])
    return out
