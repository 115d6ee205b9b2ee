"""The reviewer's report: from a warehouse holding the bundled sample (built from its truth
file, no extraction), one offline Chinese HTML page with inline SVG charts and a Markdown twin."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pipelines.checks.suite import all_findings
from pipelines.cli import main
from pipelines.load import warehouse
from pipelines.report import write_all, write_report
from tests.checks.frames import sample_frames


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory):
    frames = sample_frames()
    frames["quality_issues"] = all_findings(frames)
    frames["counties"] = pd.DataFrame([{"county_id": "cn_qingshan", "county": "青山县",
                                        "prefecture": "云州市", "province": "江南省",
                                        "division_code": None}])
    for t in ("fact_applications", "fact_proactive", "fact_review_litigation"):
        for name in (t, f"{t}_superseded"):
            frames[name] = frames[name].drop(columns=["kind"])
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    warehouse.write({k: v for k, v in frames.items() if k != "unmapped_cells"}, path)
    return path


@pytest.fixture(scope="module")
def report_2022(sample_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "青山县" / "2022"
    done = write_report(sample_warehouse, "青山县", 2022, out)
    return done, (out / "index.html").read_text(encoding="utf-8"), \
        (out / "report.md").read_text(encoding="utf-8")


def test_report_lists_each_agencys_findings_with_cells_and_links(report_2022):
    done, page, md = report_2022
    assert (done["agencies"], done["errors"], done["warnings"]) == (5, 2, 1)
    for text in (page, md):
        assert "青山县 2022 年度政府信息公开工作年度报告审查报告" in text
        assert "行合计不等于各申请人列之和" in text
        assert "（一）予以公开 × 总计" in text  # the cells involved, with what they print
        assert "http://portal/202303/P020230329_1019.pdf" in text  # the source document
        assert "报告无法读取" in text  # 应急管理局's truncated PDF
        for agency in ("青山县人民政府", "青山县教育局", "柳溪镇人民政府", "城关街道办事处", "青山县应急管理局"):
            assert agency in text


def test_report_is_offline_with_live_text_charts(report_2022):
    _, page, md = report_2022
    assert not re.search(r"<(script|link)\b", page)  # no CDN, nothing fetched
    # Images (the evidence beside findings) only inline, as data: URIs.
    assert all(src.startswith("data:image/png;base64,")
               for src in re.findall(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", page))
    assert not re.search(r"""(src|href)=["']//""", page) and "@import" not in page
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert len(svgs) == 2
    texts = re.findall(r"<text\b[^>]*>([^<]*)</text>", svgs[0])
    assert "青山县人民政府" in texts and "予以公开" in texts  # live text, no glyph outlines
    assert not re.search(r'<path id="[A-Za-z]+-[0-9a-f]+"', svgs[0])  # no embedded glyphs
    assert "![各机构办理结果](charts/by_agency.svg)" in md


def test_cli_and_every_county_year(sample_warehouse, tmp_path, capsys):
    assert main(["report", "--county", "青山县", "--year", "2021", "--warehouse",
                 str(sample_warehouse), "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "index.html").exists() and (tmp_path / "r" / "report.md").exists()
    assert main(["report", "--county", "无此县", "--year", "2021", "--warehouse",
                 str(sample_warehouse), "--out", str(tmp_path / "x")]) == 2
    assert "青山县" in capsys.readouterr().err
    done = write_all(sample_warehouse, tmp_path / "all")
    assert [(d["county"], d["year"]) for d in done] == [("青山县", 2020), ("青山县", 2021),
                                                        ("青山县", 2022)]
    assert (tmp_path / "all" / "青山县" / "2020" / "index.html").exists()


def test_report_asset_and_checks_are_in_the_graph():
    from dagster import AssetKey

    from pipelines.checks.findings import CHECKS
    from pipelines.orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    node = graph.get(AssetKey("county_reports"))
    assert {p.to_user_string() for p in node.parent_keys} == {"warehouse"}
    assert node.group_name == "reports"
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert {(c.asset, c.name) for c in CHECKS} <= checks
