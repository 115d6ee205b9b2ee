"""Agencies: one stable id per agency across years and spellings, and its level."""

from __future__ import annotations

import hashlib
import re

from pipelines.text import norm

# Short forms seen in titles → the full official words (沭阳县发改局 → 沭阳县发展和改革局).
ABBREVIATIONS = {
    "发改局": "发展和改革局", "发改委": "发展和改革委员会", "人社局": "人力资源和社会保障局",
    "住建局": "住房和城乡建设局", "自然资源局": "自然资源局", "市监局": "市场监督管理局",
    "市场监管局": "市场监督管理局", "卫健局": "卫生健康局", "卫健委": "卫生健康委员会",
    "农业农村局": "农业农村局", "文旅局": "文化和旅游局", "生态环境局": "生态环境局",
    "交通局": "交通运输局", "医保局": "医疗保障局", "退役军人局": "退役军人事务局",
    "行政审批局": "行政审批服务局", "政府办": "人民政府办公室", "县府办": "县人民政府办公室",
}
_GOV_SUFFIXES = ("人民政府办公室", "人民政府", "政府", "办事处")


def _county_stem(county: str) -> str:
    """"青山县" → "青山"; the county prefix an agency's name may or may not carry."""
    return re.sub(r"(自治县|自治旗|县|市|区|旗)$", "", norm(county))


def agency_key(name: str, county: str) -> str:
    """The spelling-independent identity of an agency within its county."""
    s = norm(name)
    for short, full in ABBREVIATIONS.items():
        if s.endswith(short) and not s.endswith(full):
            s = s[: -len(short)] + full
    stem = _county_stem(county)
    county_n = norm(county)
    if s.startswith(county_n) and s != county_n + "人民政府":
        s = s[len(county_n):]
    elif stem and s.startswith(stem) and not s.startswith(county_n):
        s = s[len(stem):]
    if s.endswith("人民政府办公室") or s.endswith("办公室"):
        return s
    for suffix in _GOV_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    return s


def agency_id(name: str, county: str) -> str:
    key = f"{norm(county)}|{agency_key(name, county)}"
    return "ag_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def agency_level(name: str, county: str) -> str:
    s = norm(name)
    body = re.sub(r"(人民政府|政府)$", "", s)
    if "管委会" in s or "管理委员会" in s:
        return "other"
    if s.endswith(("人民政府", "政府")) and (body == norm(county) or body == _county_stem(county)
                                             or body.endswith(("县", "市", "区", "旗"))):
        return "county_government"
    if body.endswith("街道") or s.endswith(("街道办事处", "街道办")):
        return "subdistrict"
    if body.endswith("镇"):
        return "town"
    if body.endswith("乡"):
        return "township"
    if re.search(r"(局|委员会|委|办公室|办|中心|院|队|所|站|署|厅|部|处|会)$", s):
        return "department"
    return "other"


def fullest_name(names: list[str]) -> str:
    """The fullest official form among the spellings seen (longest, then most frequent)."""
    counts: dict[str, int] = {}
    for n in names:
        counts[norm(n)] = counts.get(norm(n), 0) + 1
    return max(counts, key=lambda n: (len(n), counts[n], n))
