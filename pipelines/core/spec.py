"""The national report templates (2019 and 2021 formats), as data.

The normaliser, the checks and the `categories` table all read this module (the sections'
registry, pipelines.core.registry, says which code list belongs to which table and column), so a new
label variant or a third format is a change here and nowhere else.

Matching words are written in normalised form (see `pipelines.core.text.norm`): NFKC,
simplified characters, no spaces, ASCII brackets.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("2019", "2021")


@dataclass(frozen=True)
class Code:
    code: str
    label_zh: str
    # Distinctive words: a label holding any of them (and no word of a rival code of the
    # same dimension) is this code. Fuzzy matching against `label_zh` is the fallback.
    words: tuple[str, ...]
    formats: tuple[str, ...] = FORMATS
    group: str | None = None  # section 三: the result category the row belongs to
    number: int | None = None  # section 三: the printed sub-item number "1." / "2." ...
    unit: str | None = None  # unit stated by the template's header (2021 fees: 万元)


# --- Section 二: proactive disclosure -----------------------------------------------------

PROACTIVE_ITEMS = (
    Code("regulations", "规章", ("规章",)),
    Code("normative_documents", "规范性文件", ("规范性文件",)),
    Code("administrative_licensing", "行政许可", ("行政许可",)),
    Code("other_external_services", "其他对外管理服务事项", ("对外管理服务",), ("2019",)),
    Code("administrative_penalty", "行政处罚", ("行政处罚",)),
    Code("administrative_coercion", "行政强制", ("行政强制",)),
    Code("administrative_fees", "行政事业性收费", ("事业性收费",)),
    Code("centralized_procurement", "政府集中采购", ("集中采购",), ("2019",)),
)

PROACTIVE_MEASURES = (
    Code("newly_made", "本年新制作数量", ("新制作",), ("2019",)),
    Code("newly_published", "本年新公开数量", ("新公开",), ("2019",)),
    Code("total_published", "对外公开总数量", ("公开总数",), ("2019",)),
    Code("previous_year_items", "上一年项目数量", ("上一年项目",), ("2019",)),
    Code("change", "本年增/减", ("增/减", "增减", "本年增"), ("2019",)),
    Code("decisions", "处理决定数量", ("处理决定",)),
    Code("procurement_items", "采购项目数量", ("采购项目",), ("2019",)),
    Code("procurement_amount", "采购总金额", ("采购总金额", "采购金额"), ("2019",)),
    Code("issued", "本年制发件数", ("制发",), ("2021",)),
    Code("abolished", "本年废止件数", ("废止",), ("2021",)),
    Code("in_force", "现行有效件数", ("现行有效",), ("2021",)),
    Code("fee_amount", "本年收费金额（单位：万元）", ("收费金额",), ("2021",), unit="万元"),
)

# Block header "第二十条第（x）项" → the items it holds.
PROACTIVE_BLOCKS = {
    "一": ("regulations", "normative_documents"),
    "五": ("administrative_licensing", "other_external_services"),
    "六": ("administrative_penalty", "administrative_coercion"),
    "八": ("administrative_fees",),
    "九": ("centralized_procurement",),
}

# The cells each format's section 二 table prints: (item, measure) pairs, block by block.
def _pairs(blocks) -> frozenset[tuple[str, str]]:
    return frozenset((i, m) for items, measures in blocks for i in items for m in measures)


PROACTIVE_PAIRS = {
    "2019": _pairs((
        (("regulations", "normative_documents"), ("newly_made", "newly_published", "total_published")),
        (("administrative_licensing", "other_external_services", "administrative_penalty",
          "administrative_coercion"), ("previous_year_items", "change", "decisions")),
        (("administrative_fees",), ("previous_year_items", "change")),
        (("centralized_procurement",), ("procurement_items", "procurement_amount")),
    )),
    "2021": _pairs((
        (("regulations", "normative_documents"), ("issued", "abolished", "in_force")),
        (("administrative_licensing", "administrative_penalty", "administrative_coercion"),
         ("decisions",)),
        (("administrative_fees",), ("fee_amount",)),
    )),
}

# --- Section 三: applications ---------------------------------------------------------------

APPLICANTS = (
    Code("natural_person", "自然人", ("自然人",)),
    Code("commercial_enterprise", "商业企业", ("商业企业",)),
    Code("research_institution", "科研机构", ("科研机构",)),
    Code("social_welfare_org", "社会公益组织", ("社会公益",)),
    Code("legal_service_org", "法律服务机构", ("法律服务",)),
    Code("other_org", "其他", ("其他",)),
    Code("total", "总计", ("总计", "合计")),
)
ORG_APPLICANTS = ("commercial_enterprise", "research_institution", "social_welfare_org",
                  "legal_service_org", "other_org")

# Result categories of 三、本年度办理结果, keyed by their printed number.
RESULT_GROUPS = {
    "一": ("granted", ("予以公开",)),
    "二": ("partially_granted", ("部分公开",)),
    "三": ("withheld", ("不予公开",)),
    "四": ("unavailable", ("无法提供",)),
    "五": ("not_processed", ("不予处理",)),
    "六": ("other", ("其他处理",)),
    "七": ("results_total", ("总计",)),
}

APPLICATION_ROWS = (
    Code("new_received", "一、本年新收政府信息公开申请数量", ("本年新收",)),
    Code("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    Code("granted", "（一）予以公开", ("予以公开",), group="granted"),
    Code("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
         ("部分公开",), group="partially_granted"),
    Code("withheld_state_secret", "1.属于国家秘密", ("国家秘密",), group="withheld", number=1),
    Code("withheld_prohibited_by_law", "2.其他法律行政法规禁止公开",
         ("法律行政法规", "禁止公开"), group="withheld", number=2),
    Code("withheld_three_safeties", "3.危及“三安全一稳定”", ("三安全", "一稳定", "危及"),
         group="withheld", number=3),
    Code("withheld_third_party", "4.保护第三方合法权益", ("第三方",), group="withheld", number=4),
    Code("withheld_internal_affairs", "5.属于三类内部事务信息", ("内部事务",), group="withheld",
         number=5),
    Code("withheld_process_info", "6.属于四类过程性信息", ("过程性",), group="withheld", number=6),
    Code("withheld_enforcement_file", "7.属于行政执法案卷", ("执法案卷",), group="withheld",
         number=7),
    Code("withheld_query_matter", "8.属于行政查询事项", ("查询事项",), group="withheld", number=8),
    Code("unavailable_not_held", "1.本机关不掌握相关政府信息", ("不掌握",), group="unavailable",
         number=1),
    Code("unavailable_needs_creation", "2.没有现成信息需要另行制作", ("另行制作", "没有现成"),
         group="unavailable", number=2),
    Code("unavailable_unclear", "3.补正后申请内容仍不明确", ("不明确", "补正后"),
         group="unavailable", number=3),
    Code("not_processed_petition", "1.信访举报投诉类申请", ("信访", "举报投诉"),
         group="not_processed", number=1),
    Code("not_processed_duplicate", "2.重复申请", ("重复申请",), group="not_processed", number=2),
    Code("not_processed_publication", "3.要求提供公开出版物", ("出版物",), group="not_processed",
         number=3),
    Code("not_processed_excessive", "4.无正当理由大量反复申请", ("大量反复",),
         group="not_processed", number=4),
    Code("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息",
         ("重新出具", "确认或"), group="not_processed", number=5),
    Code("other_total", "（六）其他处理", ("其他处理",), group="other"),
    Code("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
         ("逾期不补正", "不补正"), ("2021",), group="other", number=1),
    Code("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
         ("缴纳费用", "收费通知"), ("2021",), group="other", number=2),
    Code("other_other", "3.其他", ("其他",), ("2021",), group="other", number=3),
    Code("results_total", "（七）总计", ("总计",), group="results_total"),
    Code("carried_forward", "四、结转下年度继续办理", ("结转下年",)),
)

# Groups whose rows are printed as numbered sub-items (（六） only in 2021, and optionally).
SUB_ITEM_GROUPS = ("withheld", "unavailable", "not_processed", "other")

# --- Section 四: administrative review and litigation ---------------------------------------

PROCEEDINGS = (
    Code("review", "行政复议", ("行政复议",)),
    Code("lawsuit_direct", "未经复议直接起诉", ("未经复议", "直接起诉")),
    Code("lawsuit_after_review", "复议后起诉", ("复议后起诉",)),
)
OUTCOMES = (
    Code("upheld", "结果维持", ("维持",)),
    Code("corrected", "结果纠正", ("纠正",)),
    Code("other", "其他结果", ("其他",)),
    Code("pending", "尚未审结", ("未审结",)),
    Code("total", "总计", ("总计", "合计")),
)

# --- Every cell a template prints ---------------------------------------------------------

# Section 二's grid per format: (items, measures) per block of 第二十条.
_PROACTIVE_GRID = {
    "2019": ((("regulations", "normative_documents"), ("newly_made", "newly_published",
                                                       "total_published")),
             (("administrative_licensing", "other_external_services"),
              ("previous_year_items", "change", "decisions")),
             (("administrative_penalty", "administrative_coercion"),
              ("previous_year_items", "change", "decisions")),
             (("administrative_fees",), ("previous_year_items", "change")),
             (("centralized_procurement",), ("procurement_items", "procurement_amount"))),
    "2021": ((("regulations", "normative_documents"), ("issued", "abolished", "in_force")),
             (("administrative_licensing",), ("decisions",)),
             (("administrative_penalty", "administrative_coercion"), ("decisions",)),
             (("administrative_fees",), ("fee_amount",))),
}


def template_cells(section: str, fmt: str) -> list[tuple[str, str]]:
    """Every cell the national template of `fmt` prints in `section`, in template order."""
    if section == "proactive":
        return [(i, m) for items, measures in _PROACTIVE_GRID[fmt] for i in items
                for m in measures]
    if section == "applications":
        rows = [c.code for c in APPLICATION_ROWS if fmt in c.formats]
        return [(r, a.code) for r in rows for a in APPLICANTS]
    return [(p.code, o.code) for p in PROCEEDINGS for o in OUTCOMES]


OTHER_SUB_ROWS = ("other_no_correction", "other_unpaid_fee", "other_other")


def expected_cells(section: str, fmt: str, printed: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The template cells a report of `fmt` must print in `section`, given the (dim1, dim2) it
    did print: a 2021 table whose （六）其他处理 is one row (2019's layout) expects that row."""
    want = template_cells(section, fmt)
    if section == "applications" and fmt == "2021":
        rows = {a for a, _ in printed}
        if "other_total" in rows and not rows & set(OTHER_SUB_ROWS):
            return [c for c in want if c[0] not in OTHER_SUB_ROWS]
        return [c for c in want if c[0] != "other_total"]
    return want


# --- Format detection ------------------------------------------------------------------------

FORMAT_WORDS = {
    "2019": ("新制作数量", "对外公开总数量", "第二十条第(九)项", "采购总金额", "上一年项目数量"),
    "2021": ("制发件数", "废止件数", "现行有效件数", "收费金额"),
}

# Words that say which section a table holds.
SECTION_WORDS = {
    "proactive": ("第二十条", "信息内容"),
    "applications": ("申请人情况", "自然人", "本年新收"),
    "review_litigation": ("行政复议",),
}

BLANK_MARKS = ("/", "-", "—", "－", "--", "——", "\\", "／", "–")


def by_code(codes: tuple[Code, ...]) -> dict[str, Code]:
    return {c.code: c for c in codes}


APPLICATION_ROW_ORDER = {c.code: i for i, c in enumerate(APPLICATION_ROWS)}
