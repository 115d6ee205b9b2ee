"""The reviewer's corrections file, applied when the warehouse is built.

A CSV (so that it can be kept in Excel or WPS; UTF-8, UTF-8 with BOM or GBK/GB18030 as Excel
saves it in China) with the columns

    sha256, table, row_code, applicant, item, measure, proceeding, outcome, value, reason, author, date

of which each row uses its table's two code columns (`row_code`/`applicant` for
fact_applications, `item`/`measure` for fact_proactive, `proceeding`/`outcome` for
fact_review_litigation); the others stay empty and may be left out of the header.

A row that can be applied replaces the fact's `value` and sets its `correction_id` (the printed
`raw_text` stays); a cell the extraction could not place becomes a fact (raw text from the
report's unplaced cell of that value, when there is one, whose `resolved_by` is then set). A
row that cannot be applied is kept with `status = 'rejected'` and the reason. Nothing in the
file ever stops a run: an unreadable file rejects every row, a missing file is no corrections.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pandas as pd

from pipelines.core.spec import (APPLICANTS, APPLICATION_ROWS, OUTCOMES, PROACTIVE_ITEMS,
                                 PROACTIVE_MEASURES, PROACTIVE_PAIRS, PROCEEDINGS)
from pipelines.core.text import norm, parse_value

KEYS = {
    "fact_applications": ("row_code", "applicant"),
    "fact_proactive": ("item", "measure"),
    "fact_review_litigation": ("proceeding", "outcome"),
}
CODES = {"row_code": APPLICATION_ROWS, "applicant": APPLICANTS, "item": PROACTIVE_ITEMS,
         "measure": PROACTIVE_MEASURES, "proceeding": PROCEEDINGS, "outcome": OUTCOMES}
SECTION = {"fact_applications": "applications", "fact_proactive": "proactive",
           "fact_review_litigation": "review_litigation"}
# The table column may name the table as the warehouse does, or by its section.
TABLE_ALIASES = {"fact_applications": "fact_applications", "applications": "fact_applications",
                 "三": "fact_applications", "fact_proactive": "fact_proactive",
                 "proactive": "fact_proactive", "二": "fact_proactive",
                 "fact_review_litigation": "fact_review_litigation",
                 "review_litigation": "fact_review_litigation", "四": "fact_review_litigation"}
INTEGER_TABLES = ("fact_applications", "fact_review_litigation")
FILE_COLUMNS = ["sha256", "table", "row_code", "applicant", "item", "measure", "proceeding",
                "outcome", "value", "reason", "author", "date"]
COLUMNS = ["correction_id", "line", "sha256", "report_id", "table_name", "row_code", "applicant",
           "item", "measure", "proceeding", "outcome", "value", "reason", "author", "date",
           "status", "rejected_because", "previous_value", "raw_text", "created_fact"]


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def read_file(path: str | Path | None) -> pd.DataFrame:
    """The file's rows as strings (`line` is the file's line number, 1 the header); an empty
    frame when there is no file."""
    if path is None or not Path(path).is_file():
        return pd.DataFrame(columns=["line"] + FILE_COLUMNS)
    text = _decode(Path(path).read_bytes())
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        return pd.DataFrame(columns=["line"] + FILE_COLUMNS)
    header = [h.strip().lower() for h in rows[0]]
    out = []
    for i, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue  # blank lines Excel leaves at the end
        rec = {"line": i}
        for name, v in zip(header, values):
            if name:
                rec[name] = v.strip()
        extra = values[len(header):]
        if any(v.strip() for v in extra):
            rec["_extra"] = "more values than the header has columns"
        out.append(rec)
    frame = pd.DataFrame(out)
    for col in FILE_COLUMNS:
        if col not in frame:
            frame[col] = None
    return frame


def correction_id(rec: dict) -> str:
    """Stable across runs while the row is unchanged (wherever it moves in the file)."""
    key = "|".join(str(rec.get(c) or "") for c in FILE_COLUMNS)
    return "c" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def _valid_code(table: str, dim: str, code: str, fmt: str) -> str | None:
    """None when `code` is a code of `dim` printed in format `fmt`; else why not."""
    known = {c.code: c for c in CODES[dim]}
    if code not in known:
        return f"{dim} {code!r} is not a code of {table}"
    if fmt in ("2019", "2021") and fmt not in known[code].formats:
        return f"a code its format does not print: {dim} {code!r} is not in the {fmt} format's table"
    return None


def apply(tables: dict[str, pd.DataFrame], rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Apply the file's rows to the fact tables (current and superseded) and unmapped_cells
    of `tables` (frames as build_frames makes them); add table `corrections`. Returns tables."""
    reports = tables["reports"]
    by_doc: dict[str, dict] = {}
    for r in reports.to_dict("records"):
        for key in (r.get("sha256"), r.get("report_id")):
            if isinstance(key, str) and key:
                by_doc.setdefault(key.lower(), r)
    for t in KEYS:
        for name in (t, f"{t}_superseded"):
            frame = tables[name]
            if "correction_id" not in frame:
                frame["correction_id"] = pd.Series([None] * len(frame), dtype="object")
    unmapped = tables["unmapped_cells"]
    if "resolved_by" not in unmapped:
        unmapped["resolved_by"] = pd.Series([None] * len(unmapped), dtype="object")

    printed_rows: dict[str, set[str]] = {}  # report → section 三 rows it printed
    for name in ("fact_applications", "fact_applications_superseded"):
        for rid, code in tables[name][["report_id", "row_code"]].itertuples(index=False):
            printed_rows.setdefault(rid, set()).add(code)
    out: list[dict] = []
    seen_ids: dict[str, int] = {}
    for rec in rows.to_dict("records"):
        rec = {k: (None if v is None or (isinstance(v, float) and pd.isna(v)) or v == "" else v)
               for k, v in rec.items()}
        cid = correction_id(rec)
        seen_ids[cid] = seen_ids.get(cid, 0) + 1
        if seen_ids[cid] > 1:
            cid = f"{cid}-{seen_ids[cid]}"
        row = {c: rec.get(c) for c in COLUMNS if c in FILE_COLUMNS}
        row.update(correction_id=cid, line=int(rec["line"]), report_id=None,
                   table_name=rec.get("table"), status="rejected", rejected_because=None,
                   previous_value=None, raw_text=None, created_fact=False)
        row["_why"] = _validate(rec, row, by_doc, printed_rows)
        out.append(row)

    # Two corrections of one cell: neither is applied (which one is right is the reviewer's call).
    cells: dict[tuple, list[dict]] = {}
    for row in out:
        if row["_why"] is None:
            d1, d2 = KEYS[row["table_name"]]
            cells.setdefault((row["report_id"], row["table_name"], row[d1], row[d2]), []).append(row)
    for group in cells.values():
        if len(group) > 1:
            lines = ", ".join(str(r["line"]) for r in group)
            for r in group:
                r["_why"] = f"two corrections of one cell (lines {lines})"

    for row in out:
        if row["_why"] is None:
            _apply_one(tables, row, by_doc[row["report_id"].lower()])
            row["status"] = "applied"
        else:
            row["rejected_because"] = row["_why"]
    frame = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in out], columns=COLUMNS)
    frame["line"] = frame["line"].astype("int64")
    frame["previous_value"] = frame["previous_value"].astype("float64")
    frame["created_fact"] = frame["created_fact"].astype(bool)
    tables["corrections"] = frame
    return tables


def _find_document(ref: str, by_doc: dict[str, dict]) -> dict | None:
    """A report by its sha256 or report_id, or by a prefix of 8 or more characters that names
    exactly one."""
    ref = ref.strip().lower()
    if ref in by_doc:
        return by_doc[ref]
    if len(ref) >= 8:
        hits = {id(r): r for k, r in by_doc.items() if k.startswith(ref)}
        if len(hits) == 1:
            return next(iter(hits.values()))
    return None


OTHER_SUB_ROWS = ("other_no_correction", "other_unpaid_fee", "other_other")


def _validate(rec: dict, row: dict, by_doc: dict[str, dict],
              printed_rows: dict[str, set[str]]) -> str | None:
    if rec.get("_extra"):
        return rec["_extra"]
    for col in ("sha256", "table", "value"):
        if not rec.get(col):
            return f"a required column is empty: {col}"
    report = _find_document(str(rec["sha256"]), by_doc)
    if report is None:
        return f"unknown document: no report with sha256 or report_id {rec['sha256']!r}"
    row["report_id"] = report["report_id"]
    table = TABLE_ALIASES.get(norm(str(rec["table"])).lower()) or TABLE_ALIASES.get(str(rec["table"]))
    if table is None:
        return (f"unknown table {rec['table']!r} (fact_applications, fact_proactive or "
                "fact_review_litigation)")
    row["table_name"] = table
    d1, d2 = KEYS[table]
    fmt = str(report.get("format") or "unknown")
    for dim in (d1, d2):
        if not rec.get(dim):
            return f"a required column is empty: {dim}"
        why = _valid_code(table, dim, str(rec[dim]), fmt)
        if why:
            return why
    if table == "fact_applications":
        # 2021 tables print （六） as one row or as three: a report's own choice decides.
        rows = printed_rows.get(report["report_id"], set())
        if rec[d1] == "other_total" and rows & set(OTHER_SUB_ROWS):
            return ("a code its format does not print: this report prints （六）其他处理 as three "
                    "rows (other_no_correction, other_unpaid_fee, other_other)")
        if rec[d1] in OTHER_SUB_ROWS and "other_total" in rows:
            return ("a code its format does not print: this report prints （六）其他处理 as one "
                    "row (other_total)")
    if table == "fact_proactive" and fmt in PROACTIVE_PAIRS:
        if (rec[d1], rec[d2]) not in PROACTIVE_PAIRS[fmt]:
            return (f"a code its format does not print: the {fmt} format's table has no cell "
                    f"{rec[d1]} × {rec[d2]}")
    parsed = parse_value(str(rec["value"]))
    if parsed.value is None:
        return f"not a number: {rec['value']!r}"
    if table in INTEGER_TABLES and parsed.value != int(parsed.value):
        return f"not a number: {rec['value']!r} (this table counts cases: a whole number)"
    row["_number"] = float(parsed.value)
    row["_unit"] = parsed.unit
    return None


def _apply_one(tables: dict[str, pd.DataFrame], row: dict, report: dict) -> None:
    table = row["table_name"]
    d1, d2 = KEYS[table]
    rid = row["report_id"]
    for name in (table, f"{table}_superseded"):
        frame = tables[name]
        hit = frame.index[(frame["report_id"] == rid) & (frame[d1] == row[d1]) & (frame[d2] == row[d2])]
        if len(hit):
            i = hit[0]
            before = frame.at[i, "value"]
            row["previous_value"] = None if before is None or pd.isna(before) else float(before)
            row["raw_text"] = frame.at[i, "raw_text"]
            frame.at[i, "value"] = row["_number"]
            frame.at[i, "correction_id"] = row["correction_id"]
            if "kind" in frame:
                frame.at[i, "kind"] = "number"
            return
    # A cell the extraction did not place: the fact is created, from the report's unplaced
    # cell that printed this value (its row is resolved), when there is one.
    unmapped = tables["unmapped_cells"]
    section = SECTION[table]
    raw = ""
    cand = unmapped[(unmapped["report_id"] == rid) & unmapped["resolved_by"].isna()
                    & unmapped["section"].isin([section, "unplaced_part"])]
    words = [w for dim in (d1, d2) for c in CODES[dim] if c.code == row[dim] for w in c.words]
    best = None
    for i, u in cand.iterrows():
        if parse_value(str(u["raw_text"] or "")).value != row["_number"]:
            continue
        if best is None or any(w in norm(str(u["label"] or "")) for w in words):
            best = i
            if any(w in norm(str(u["label"] or "")) for w in words):
                break
    if best is not None:
        raw = str(unmapped.at[best, "raw_text"] or "")
        unmapped.at[best, "resolved_by"] = row["correction_id"]
    current = bool(report.get("is_current"))
    name = table if current else f"{table}_superseded"
    new = {"report_id": rid, "agency_id": report.get("agency_id"),
           "report_year": report.get("report_year"), d1: row[d1], d2: row[d2],
           "value": row["_number"], "raw_text": raw, "page": None, "bbox": None,
           "kind": "number", "confidence": None, "correction_id": row["correction_id"]}
    if table == "fact_proactive":
        unit = next((c.unit for c in PROACTIVE_MEASURES if c.code == row[d2]), None)
        new["unit"] = row["_unit"] or unit
    frame = tables[name]
    added = pd.DataFrame([new], dtype="object")[[c for c in frame.columns]]
    tables[name] = added if frame.empty else pd.concat([frame.astype("object"), added],
                                                        ignore_index=True)
    row["raw_text"] = raw
    row["created_fact"] = True
