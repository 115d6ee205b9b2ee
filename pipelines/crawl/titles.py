"""Report titles: is a list entry an annual disclosure report, and whose, for which year?

Titles come in a few shapes:
  柱濮镇人民政府2020年政府信息公开工作年度报告
  孝义市教育局2021年度政府信息公开工作年度报告
  2022年政府信息公开工作年度报告（兑镇镇）
  关于柱濮镇2020年政府信息公开工作年度报告的公示
with full-width digits (２０２１) or a year in Chinese numerals (二〇二一年) now and then.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "O": "0", "o": "0", "一": "1", "二": "2",
              "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"([二一][〇零○Ｏ一二三四五六七八九]{3})(?=年)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_REPORT_WORDS = re.compile(r"年度报告|年报|工作报告")
_DISCLOSURE = re.compile(r"信息公开")
# Titles that mention the report but are something else: plans, guides, notices, the 法治政府
# report (also a 年度报告), catalogues, interpretations...
_NOT_REPORT = re.compile(
    r"工作要点|要点|指南|通知|法治政府|依法行政|目录|实施方案|工作方案|工作计划|考核|培训|会议"
    r"|征求意见|解读|图解|责任清单|统计表$|申请表|政务公开工作总结|建设情况"
)
_BRACKETED_TAIL = re.compile(r"[（(【\[〔]([^（）()【】\[\]〔〕]+)[）)】\]〕]$")
_NOT_AGENCY = re.compile(r"版|全文|修订|更正|附件|解读|公示|稿|\d{4}|年度?|PDF|Word", re.IGNORECASE)
_EDGE_PUNCT = "　 ：:—-－_\"'“”《》<>·、，,。"
_REPORT_CORE = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年度?(?:本级|全县|全市|全区)?(?:的)?"
    r"(?:政府|政务)?(?:信息公开|信息公开工作)"
)


def normalise_title(title: str) -> str:
    """NFKC (full-width digits and brackets → ASCII), no spaces, Chinese-numeral years as digits."""
    s = unicodedata.normalize("NFKC", title or "")
    s = _SPACES.sub("", s)
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS.get(c, c) for c in m.group(1)), s)


def is_annual_report(title: str) -> bool:
    s = normalise_title(title)
    return bool(
        _DISCLOSURE.search(s)
        and _REPORT_WORDS.search(s)
        and _YEAR.search(s)
        and not _NOT_REPORT.search(s)
    )


def _clean_agency(name: str) -> str | None:
    name = name.strip(_EDGE_PUNCT)
    name = re.sub(r"^(?:关于)?(?:印发|发布|公布|公开|公示)", "", name)
    name = re.sub(r"关于$", "", name).strip(_EDGE_PUNCT)
    if name in ("本级", "全县", "全市", "全区", "政府", "政务"):
        return None
    return name if len(name) >= 2 else None


def parse_title(title: str) -> tuple[str | None, int | None]:
    """(agency name as the title gives it, the year the report covers); None where absent."""
    s = normalise_title(title)
    # "关于X的公示/公告/通知": the report's own title is X.
    m = re.match(r"^(?P<before>.*?)关于(?P<inner>.+)的(?:公示|公告|通知|报告|说明|发布)?$", s)
    prefix_agency = None
    if m and _REPORT_CORE.search(m["inner"]):
        prefix_agency = _clean_agency(m["before"])
        s = m["inner"]
    core = _REPORT_CORE.search(s)
    if core:
        year = int(core["year"])
        before = s[: core.start()]
    else:
        ym = _YEAR.search(s)
        year = int(ym.group(1)) if ym else None
        before = s[: ym.start()] if ym else ""
    agency = _clean_agency(before) if before else None
    if agency is None:
        # "2021年孝义市财政局政府信息公开工作年度报告": the agency follows the year.
        after = re.match(r"^(?:19|20)\d{2}年度?(?P<agency>.*?)(?:政府|政务)?信息公开", s)
        if after:
            agency = _clean_agency(after["agency"])
    if agency is None:
        tail = _BRACKETED_TAIL.search(s)
        if tail and not _NOT_AGENCY.search(tail.group(1)):
            agency = _clean_agency(tail.group(1))
    return agency or prefix_agency, year
