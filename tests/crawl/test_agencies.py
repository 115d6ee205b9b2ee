"""Agencies: one id across spellings and years, level from the name, the official name."""

import pytest

from pipelines.load.agencies import agency_id, agency_key, agency_level, fullest_name, official_name

# (county, spellings of one agency, official name, level)
SAME_AGENCY = [
    ("孝义市", ["柱濮镇人民政府", "柱濮镇", "柱濮镇政府", "孝义市柱濮镇人民政府", "柱濮镇 人民政府"],
     "柱濮镇人民政府", "town"),
    ("孝义市", ["孝义市教育局", "教育局", "孝义教育局", "市教育局"], "孝义市教育局", "department"),
    ("沭阳县", ["沭阳县发展和改革局", "沭阳县发改局", "发改局", "县发改局", "发展和改革局"],
     "沭阳县发展和改革局", "department"),
    ("孝义市", ["孝义市人民政府", "孝义市政府", "人民政府", "孝义市"], "孝义市人民政府", "county_government"),
    ("青山县", ["青山县人民政府", "县人民政府", "青山县政府"], "青山县人民政府", "county_government"),
    ("孝义市", ["孝义市人民政府办公室", "孝义市政府办", "孝义市政府办公室", "市政府办"],
     "孝义市人民政府办公室", "department"),
    ("青山县", ["城关街道办事处", "城关街道", "城关街道办", "青山县城关街道办事处"], "城关街道办事处", "subdistrict"),
    ("青山县", ["杨家乡人民政府", "杨家乡"], "杨家乡人民政府", "township"),
    ("松岭县", ["松岭经济开发区管理委员会", "松岭经济开发区管委会", "松岭县经济开发区管委会"],
     "松岭县经济开发区管理委员会", "other"),  # the longest spelling
    ("孝义市", ["孝义市卫生健康局", "孝义市卫健局", "卫健局"], "孝义市卫生健康局", "department"),
    ("孝义市", ["２０２１兑镇镇".removeprefix("２０２１"), "兑镇镇人民政府"], "兑镇镇人民政府", "town"),
    ("孝義市", ["孝義市教育局", "孝义市教育局"], "孝义市教育局", "department"),  # traditional characters
    # a town that shares the county's stem is not the county
    ("柳溪县", ["柳溪镇人民政府", "柳溪镇"], "柳溪镇人民政府", "town"),
]

DIFFERENT_AGENCIES = [
    ("孝义市", "孝义市安全生产监督管理局", "孝义市应急管理局"),  # renamed by the 2018 reform: kept apart
    ("孝义市", "杨家乡人民政府", "杨家镇人民政府"),  # township turned town: a new body
    ("孝义市", "孝义市人民政府", "孝义市人民政府办公室"),
    ("孝义市", "孝义市人民政府", "柱濮镇人民政府"),
    ("柳溪县", "柳溪县人民政府", "柳溪镇人民政府"),
    ("孝义市", "孝义市教育局", "孝义市财政局"),
]


@pytest.mark.parametrize("county,names,official,level", SAME_AGENCY)
def test_spellings_of_one_agency_share_id_level_and_official_name(county, names, official, level):
    ids = {agency_id(n, county) for n in names}
    assert len(ids) == 1, {n: agency_key(n, county) for n in names}
    assert {agency_level(n, county) for n in names} == {level}
    assert fullest_name(names, county) == official
    # the official name is one more spelling of the same agency (previous runs feed it back)
    assert agency_id(official, county) in ids


@pytest.mark.parametrize("county,a,b", DIFFERENT_AGENCIES)
def test_different_agencies_stay_apart(county, a, b):
    assert agency_id(a, county) != agency_id(b, county)


def test_same_name_in_two_counties_is_two_agencies():
    assert agency_id("教育局", "孝义市") != agency_id("教育局", "汾阳市")


@pytest.mark.parametrize("name,level", [
    ("孝义市人民政府", "county_government"), ("吕梁市人民政府", "county_government"),
    ("孝义市发展和改革局", "department"), ("孝义市卫生健康委员会", "department"),
    ("孝义市人民政府办公室", "department"), ("孝义市政务服务中心", "department"),
    ("孝义市乡村振兴局", "department"),  # 乡 inside a department's name
    ("柱濮镇人民政府", "town"), ("阳泉曲镇", "town"), ("下堡乡人民政府", "township"),
    ("巴音苏木", "township"), ("新义街道办事处", "subdistrict"), ("中阳楼街道", "subdistrict"),
    ("孝义经济技术开发区管理委员会", "other"), ("梧桐新区管委会", "other"), ("孝义高新区", "other"),
])
def test_level_from_name(name, level):
    assert agency_level(name, "孝义市") == level


def test_official_name_keeps_what_it_cannot_rebuild():
    assert official_name("吕梁市生态环境局孝义分局", "孝义市") == "吕梁市生态环境局孝义分局"
    assert official_name("金融服务中心", "孝义市") == "金融服务中心"
    assert fullest_name(["金融服务中心", "孝义市金融服务中心"], "孝义市") == "孝义市金融服务中心"
