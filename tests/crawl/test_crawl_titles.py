import pytest

from pipelines.crawl.titles import is_annual_report, parse_title

TITLES = [
    # title, is report, agency, year
    ("柱濮镇人民政府2020年政府信息公开工作年度报告", True, "柱濮镇人民政府", 2020),
    ("孝义市教育局2021年度政府信息公开工作年度报告", True, "孝义市教育局", 2021),
    ("2022年政府信息公开工作年度报告（兑镇镇）", True, "兑镇镇", 2022),
    ("2022年政府信息公开工作年度报告(兑镇镇)", True, "兑镇镇", 2022),
    ("关于柱濮镇2020年政府信息公开工作年度报告的公示", True, "柱濮镇", 2020),
    ("孝义市人民政府关于2020年政府信息公开工作年度报告的公告", True, "孝义市人民政府", 2020),
    ("孝义市应急管理局２０２１年政府信息公开工作年度报告", True, "孝义市应急管理局", 2021),
    ("孝义市财政局 2021 年政府信息公开工作年度报告", True, "孝义市财政局", 2021),
    ("二〇二一年孝义市财政局政府信息公开工作年度报告", True, "孝义市财政局", 2021),
    ("孝义市二零二一年政府信息公开工作年度报告", True, "孝义市", 2021),
    ("兑镇镇2022年度政府信息公开工作年报", True, "兑镇镇", 2022),
    ("孝义市2022年政府信息公开工作年度报告（PDF版）", True, "孝义市", 2022),
    ("孝义市发展和改革局2019年度政府信息公开工作年度报告（更正版）", True, "孝义市发展和改革局", 2019),
    ("2021年政府信息公开工作年度报告", True, None, 2021),
    ("2021年度本级政府信息公开工作年度报告", True, None, 2021),
    # not annual disclosure reports
    ("孝义市2021年政府信息公开工作要点", False, "孝义市", 2021),
    ("孝义市政府信息公开指南", False, None, None),
    ("关于印发2021年政府信息公开工作年度报告的通知", False, None, 2021),
    ("孝义市2020年法治政府建设年度报告", False, None, 2020),
    ("孝义市2020年国民经济和社会发展统计公报", False, None, 2020),
    ("政府信息公开工作年度报告", False, None, None),  # no year
    ("孝义市2021年政府信息公开目录", False, None, 2021),
]


@pytest.mark.parametrize("title,is_report,agency,year", TITLES, ids=[t[0] for t in TITLES])
def test_titles(title, is_report, agency, year):
    assert is_annual_report(title) is is_report
    got_agency, got_year = parse_title(title)
    assert got_year == year
    if is_report:
        assert got_agency == agency
