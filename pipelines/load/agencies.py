"""Agencies: one stable id per agency across years and spellings, its level and official name.

Titles name one agency in several ways: with or without the county prefix (孝义市教育局 /
教育局 / 县教育局), long or short (柱濮镇人民政府 / 柱濮镇 / 柱濮镇政府, 城关街道办事处 / 城关街道,
沭阳县发展和改革局 / 沭阳县发改局, 经济开发区管理委员会 / 经济开发区管委会). `agency_key` reduces
every spelling to one key within its county; `agency_id` hashes county and key.

Renamings by institutional reform (安监局 → 应急管理局, 乡 → 镇 when a township becomes a town)
are *not* merged: the new body is a different agency with its own reports, and the warehouse
keeps the history readable by name; a mapping across reforms belongs in an analyst's query.
"""

from __future__ import annotations

import hashlib
import re

from pipelines.core.text import norm

# Short forms seen in titles → the full official words (沭阳县发改局 → 沭阳县发展和改革局).
# Applied to the end of the name; longest first so "县府办" wins over "府办".
ABBREVIATIONS = {
    "发改局": "发展和改革局", "发改委": "发展和改革委员会", "人社局": "人力资源和社会保障局",
    "住建局": "住房和城乡建设局", "市监局": "市场监督管理局", "市场监管局": "市场监督管理局",
    "卫健局": "卫生健康局", "卫健委": "卫生健康委员会", "文旅局": "文化和旅游局",
    "文广旅局": "文化广电和旅游局", "交通局": "交通运输局", "医保局": "医疗保障局",
    "退役军人局": "退役军人事务局", "行政审批局": "行政审批服务局", "工信局": "工业和信息化局",
    "科技局": "科学技术局", "农业局": "农业农村局", "环保局": "生态环境局", "审批局": "行政审批服务局",
    "政府办公室": "人民政府办公室", "政府办": "人民政府办公室", "府办": "人民政府办公室",
    "管委会": "管理委员会", "街道办": "街道办事处",
}
_ABBREV_ORDER = sorted(ABBREVIATIONS, key=len, reverse=True)
# National department names a title may give without the county prefix; with only such a
# title seen, the official name gets the county prefix (教育局 → 孝义市教育局).
KNOWN_DEPARTMENTS = frozenset(set(ABBREVIATIONS.values()) - {"管理委员会", "街道办事处"}) | frozenset(
    "教育局 公安局 民政局 司法局 财政局 自然资源局 自然资源和规划局 生态环境局 水利局 水务局 商务局 "
    "审计局 统计局 林业局 城市管理局 应急管理局 信访局 民族宗教事务局 体育局 档案局 地方志办公室 "
    "乡村振兴局 农业农村局 粮食和物资储备局 国有资产监督管理局 机关事务管理局 数据局 政务服务管理局 "
    "住房和城乡建设局 交通运输局 卫生健康局 市场监督管理局 人力资源和社会保障局 退役军人事务局 "
    "发展和改革局 科学技术局 工业和信息化局 文化和旅游局 医疗保障局 行政审批服务局 人民政府办公室 "
    "科学技术和工业信息化局 安全生产监督管理局 残疾人联合会 气象局 税务局 消防救援大队".split())

_LEVEL_CHARS = "县市区旗"
_COUNTY_GOV = "<county_government>"


def county_stem(county: str) -> str:
    """"青山县" → "青山", "鄂温克族自治旗" → "鄂温克族"; the prefix a name may carry instead."""
    return re.sub(r"(自治县|自治旗|县|市|区|旗)$", "", norm(county))


def _expand(s: str) -> str:
    for short in _ABBREV_ORDER:
        full = ABBREVIATIONS[short]
        if s.endswith(short) and not s.endswith(full):
            return s[: -len(short)] + full
    return s


def _strip_county(s: str, county: str) -> str:
    """Drop the county prefix: the full name, the stem, or a bare 县/市/区 ("县教育局")."""
    county_n, stem = norm(county), county_stem(county)
    if county_n and s.startswith(county_n) and len(s) > len(county_n):
        return s[len(county_n):]
    # The stem alone: "孝义教育局"; but not a town sharing the county's stem (柳溪县 / 柳溪镇).
    if stem and s.startswith(stem) and len(s) > len(stem) and not s[len(stem):].startswith(
            ("镇", "乡", "街道", "县", "市", "区", "旗", "村", "社区")):
        return s[len(stem):]
    if len(s) > 2 and s[0] in _LEVEL_CHARS and county_n.endswith(s[0]):
        rest = s[1:]
        # "县教育局", "县人民政府": a bare level word; not "区域..." or "市场监督管理局"
        if rest in KNOWN_DEPARTMENTS or rest in ("人民政府", "政府") or _expand(rest) in KNOWN_DEPARTMENTS:
            return rest
    return s


def agency_key(name: str, county: str) -> str:
    """The spelling-independent identity of an agency within its county."""
    s = _strip_county(_expand(norm(name)), county)
    s = _expand(s)
    if s in ("人民政府", "政府", "", norm(county), county_stem(county)):
        return _COUNTY_GOV
    if s.endswith("办公室") or s.endswith("管理委员会"):
        return s
    s = re.sub(r"(人民政府|政府)$", "", s) or s
    if s.endswith("街道办事处"):
        s = s[: -len("办事处")]
    return s


def agency_id(name: str, county: str) -> str:
    key = f"{norm(county)}|{agency_key(name, county)}"
    return "ag_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def agency_level(name: str, county: str) -> str:
    """county_government, department, town, township, subdistrict or other (管委会 and what
    cannot be told)."""
    key = agency_key(name, county)
    s = norm(name)
    if key == _COUNTY_GOV:
        return "county_government"
    if "管理委员会" in key or "管委会" in s or re.search(r"(开发区|园区|新区|示范区)$", key):
        return "other"
    if key.endswith("街道"):
        return "subdistrict"
    if key.endswith("镇"):
        return "town"
    if key.endswith(("乡", "苏木")):
        return "township"
    if s.endswith(("人民政府", "政府")) and key.endswith(tuple(_LEVEL_CHARS)):
        return "county_government"  # another county's government named on this portal
    if re.search(r"(局|委员会|委|办公室|办|中心|院|队|所|站|署|厅|部|处|会|馆|社)$", key):
        return "department"
    return "other"


def official_name(name: str, county: str) -> str:
    """The full official form a short spelling stands for: 柱濮镇 → 柱濮镇人民政府, 城关街道 →
    城关街道办事处, 教育局 / 县教育局 → <county>教育局, 发改局 → <county>发展和改革局. Names that
    carry something this cannot rebuild (another place's prefix, an unknown body) stay as given."""
    s = norm(name)
    key = agency_key(name, county)
    county_n = norm(county)
    if key == _COUNTY_GOV:
        return county_n + "人民政府"
    level = agency_level(name, county)
    if level in ("town", "township"):
        return key + "人民政府"
    if level == "subdistrict":
        return key + "办事处"
    if key in KNOWN_DEPARTMENTS:
        return county_n + key
    expanded = _expand(s)
    return expanded if agency_key(expanded, county) == key else s


def fullest_name(names: list[str], county: str | None = None) -> str:
    """The agency's name for the `agencies` table: the fullest official form among the
    spellings seen (longest, then most frequent); with the county known, short forms are
    rebuilt into the official one (official_name) first."""
    counts: dict[str, int] = {}
    for n in names:
        full = official_name(n, county) if county else norm(n)
        counts[full] = counts.get(full, 0) + 1
    return max(counts, key=lambda n: (len(n), counts[n], n))
