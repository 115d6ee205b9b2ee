"""The corrections file on its own: reading (encodings Excel writes), validation, application to
frames shaped as build_frames makes them, an unplaced cell supplied and resolved."""

from __future__ import annotations

import pandas as pd

from pipelines.core.settings import Settings
from pipelines.load import corrections as corr

HEADER = "sha256,table,row_code,applicant,item,measure,proceeding,outcome,value,reason,author,date\n"


def _tables() -> dict[str, pd.DataFrame]:
    reports = pd.DataFrame([
        {"report_id": "aaaa1111" * 8, "sha256": "aaaa1111" * 8, "agency_id": "ag1", "report_year": 2022,
         "format": "2021", "is_current": True},
        {"report_id": "hbbbb", "sha256": "bbbb2222" * 8, "agency_id": "ag1", "report_year": 2021,
         "format": "2019", "is_current": False},
    ])
    app_cols = ["report_id", "agency_id", "report_year", "row_code", "applicant", "value",
                "raw_text", "page", "bbox", "kind"]
    apps = pd.DataFrame([["aaaa1111" * 8, "ag1", 2022, "granted", "total", None, "见附件", 2,
                          [1.0, 2.0, 3.0, 4.0], "text"]], columns=app_cols)
    pro_cols = ["report_id", "agency_id", "report_year", "item", "measure", "value", "unit",
                "raw_text", "page", "bbox", "kind"]
    rev_cols = ["report_id", "agency_id", "report_year", "proceeding", "outcome", "value",
                "raw_text", "page", "bbox", "kind"]
    empty = {"fact_applications": app_cols, "fact_proactive": pro_cols,
             "fact_review_litigation": rev_cols}
    tables = {"reports": reports, "fact_applications": apps}
    for t, cols in empty.items():
        tables.setdefault(t, pd.DataFrame(columns=cols))
        tables[f"{t}_superseded"] = pd.DataFrame(columns=cols)
    tables["unmapped_cells"] = pd.DataFrame([
        {"report_id": "hbbbb", "section": "proactive", "label": "行政许可", "raw_text": "12",
         "page": None, "reason": "column header not recognised"},
        {"report_id": "hbbbb", "section": "proactive", "label": "政府集中采购", "raw_text": "7",
         "page": None, "reason": "column header not recognised"},
    ])
    return tables


def _apply(tmp_path, lines: list[str], encoding="utf-8"):
    path = tmp_path / "corrections.csv"
    path.write_bytes((HEADER + "\n".join(lines) + "\n").encode(encoding))
    tables = _tables()
    corr.apply(tables, corr.read_file(path))
    return tables


def test_value_replaced_raw_text_kept_and_supplied_cell_resolves_its_unmapped_row(tmp_path):
    a, b = "aaaa1111" * 8, "bbbb2222" * 8
    t = _apply(tmp_path, [
        f"{a},fact_applications,granted,total,,,,,5,见附件 is 5,审核员,2023-04-01",
        f"{b[:12]},二,,,administrative_licensing,decisions,,,12,表头未识别,审核员,2023-04-01",
    ], encoding="gb18030")  # WPS/Excel in China save CSV as GBK
    k = t["corrections"]
    assert list(k["status"]) == ["applied", "applied"]
    fact = t["fact_applications"].iloc[0]
    assert (fact["value"], fact["raw_text"], fact["kind"]) == (5.0, "见附件", "number")
    assert fact["correction_id"] == k.iloc[0]["correction_id"]
    assert k.iloc[0]["previous_value"] is None or pd.isna(k.iloc[0]["previous_value"])
    # The 2021 document is superseded: its supplied fact goes to the superseded table, taking
    # the unplaced cell that printed 12 and labelled 行政许可 (not the one labelled 采购).
    sup = t["fact_proactive_superseded"]
    assert len(sup) == 1 and sup.iloc[0]["value"] == 12.0 and sup.iloc[0]["raw_text"] == "12"
    assert list(t["unmapped_cells"]["resolved_by"]) == [k.iloc[1]["correction_id"], None]
    assert bool(k.iloc[1]["created_fact"]) is True
    assert t["fact_proactive"].empty


def test_every_rejection_and_a_bad_file_never_raises(tmp_path):
    a = "aaaa1111" * 8
    t = _apply(tmp_path, [
        f"{'f' * 64},fact_applications,granted,total,,,,,1,,,",  # 2
        f"{a},fact_applications,other_no_correction,total,,,,,1,,,",  # 3: 2021 row: fine
        f"hbbbb,fact_applications,other_no_correction,total,,,,,1,,,",  # 4: 2019 has no such row
        f"{a},fact_proactive,,,regulations,decisions,,,1,,,",  # 5: no such cell in 2021
        f"{a},fact_review_litigation,,,,,review,total,1.5,,,",  # 6: cases are whole numbers
        f"{a},fact_review_litigation,,,,,review,upheld,x,,,",  # 7
        f"{a},fact_applications,granted,natural_person,,,,,1,,,",  # 8
        f"{a},fact_applications,granted,natural_person,,,,,2,,,",  # 9
        f"{a},fact_things,a,b,,,,,1,,,",  # 10
        f"{a},fact_applications,,total,,,,,1,,,",  # 11
        f"{a},fact_applications,granted,nobody,,,,,1,,,",  # 12
        f"{a},fact_applications,granted,total,,,,,1,,,,extra",  # 13
    ])
    k = t["corrections"].set_index("line")
    why = k["rejected_because"].to_dict()
    assert k.at[3, "status"] == "applied"
    assert why[2].startswith("unknown document")
    assert why[4] == ("a code its format does not print: row_code 'other_no_correction' is not in "
                      "the 2019 format's table")
    assert why[5] == ("a code its format does not print: the 2021 format's table has no cell "
                      "regulations × decisions")
    assert why[6].startswith("not a number: '1.5'") and why[7] == "not a number: 'x'"
    assert why[8] == why[9] == "two corrections of one cell (lines 8, 9)"
    assert why[10].startswith("unknown table")
    assert why[11] == "a required column is empty: row_code"
    assert why[12] == "applicant 'nobody' is not a code of fact_applications"
    assert why[13] == "more values than the header has columns"
    assert (k["status"] == "rejected").sum() == 11
    assert k["correction_id"].is_unique


def test_missing_or_empty_file_is_no_corrections(tmp_path):
    t = _tables()
    corr.apply(t, corr.read_file(tmp_path / "none.csv"))
    assert t["corrections"].empty and list(t["corrections"].columns) == corr.COLUMNS
    (tmp_path / "empty.csv").write_bytes(b"")
    assert corr.read_file(tmp_path / "empty.csv").empty


def test_settings_corrections_option_env_default(tmp_path, monkeypatch):
    monkeypatch.delenv("GONGKAI_CORRECTIONS", raising=False)
    assert Settings.resolve(data_dir=str(tmp_path)).corrections_file == tmp_path / "corrections.csv"
    monkeypatch.setenv("GONGKAI_CORRECTIONS", str(tmp_path / "env.csv"))
    assert Settings.resolve(data_dir=str(tmp_path)).corrections_file == tmp_path / "env.csv"
    assert (Settings.resolve(data_dir=str(tmp_path), corrections=str(tmp_path / "opt.csv"))
            .corrections_file == tmp_path / "opt.csv")
