"""Value cells and labels as real reports print them."""

from __future__ import annotations

import pytest

from pipelines.normalise.applications import match_row
from pipelines.normalise.labels import NoMatch, match_code
from pipelines.core.spec import APPLICANTS, PROACTIVE_ITEMS, PROACTIVE_MEASURES
from pipelines.core.text import parse_value


@pytest.mark.parametrize("raw, value, unit, kind", [
    ("12", 12, None, "number"),
    ("１２", 12, None, "number"),
    (" 7 ", 7, None, "number"),
    ("减少8", -8, None, "number"),
    ("减8", -8, None, "number"),
    ("-8", -8, None, "number"),
    ("增加3", 3, None, "number"),
    ("+1036", 1036, None, "number"),
    ("251000元", 251000, "元", "number"),
    ("1.5万元", 1.5, "万元", "number"),
    ("52.15", 52.15, None, "number"),
    ("22（其中修订 16 件）", 22, None, "number"),
    ("1,036", 1036, None, "number"),
    ("", None, None, "blank"),
    ("\u00a0", None, None, "blank"),
    ("/", None, None, "blank"),
    ("-", None, None, "blank"),
    ("—", None, None, "blank"),
    ("－", None, None, "blank"),
    ("见附件", None, None, "text"),
    ("12件3", None, None, "text"),
])
def test_parse_value(raw, value, unit, kind):
    parsed = parse_value(raw)
    assert (parsed.value, parsed.unit, parsed.kind) == (value, unit, kind)


@pytest.mark.parametrize("segments, inherited, code", [
    (["一、本年新收政府信息公开申请数量"], None, "new_received"),
    (["二、上年结转政府信息公开申请数量"], None, "carried_over"),
    (["三、本年度办理结果", "（一）予以公开"], None, "granted"),
    (["三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"], None,
     "partially_granted"),
    (["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"], None, "withheld_state_secret"),
    (["三、本年度办理结果", "（三）不予公开", "2.其他法律行政止公开"], None,
     "withheld_prohibited_by_law"),  # a misprint seen in published reports
    (["", "", "3.危及“三安全一稳定”"], "withheld", "withheld_three_safeties"),  # merged cell read once
    (["（四）无法提供", "3.补正后申请内容仍不明确"], None, "unavailable_unclear"),
    (["（五）不予处理", "4.无正当理由大量反复申请"], None, "not_processed_excessive"),
    (["（六）其他处理"], None, "other_total"),
    (["（六）其他处理", "3.其他"], None, "other_other"),
    (["（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"], None,
     "other_no_correction"),
    (["（七）总计"], "other", "results_total"),
    (["四、结转下年度继续办理"], None, "carried_forward"),
    (["規 章"], None, None),  # not a section 三 row at all
])
def test_application_rows(segments, inherited, code):
    if code is None:
        with pytest.raises(NoMatch):
            match_row(segments, inherited)
    else:
        assert match_row(segments, inherited)[0] == code


def test_a_number_that_contradicts_the_words_is_not_placed():
    with pytest.raises(NoMatch, match="number says 5"):
        match_row(["（三）不予公开", "5.属于国家秘密"], None)


def test_a_category_row_without_sub_item_is_not_placed():
    with pytest.raises(NoMatch):
        match_row(["（三）不予公开"], None)


@pytest.mark.parametrize("label, codes, code", [
    ("规 章", PROACTIVE_ITEMS, "regulations"),
    ("行政规范性文件", PROACTIVE_ITEMS, "normative_documents"),
    ("規範性文件", PROACTIVE_ITEMS, "normative_documents"),  # traditional characters
    ("本年新\n制作数量", PROACTIVE_MEASURES, "newly_made"),
    ("本年增/", PROACTIVE_MEASURES, "change"),  # truncated header
    ("本年收费金额（单位：万元）", PROACTIVE_MEASURES, "fee_amount"),
    ("社会公益组织", APPLICANTS, "social_welfare_org"),
    ("其他", APPLICANTS, "other_org"),
])
def test_labels(label, codes, code):
    assert match_code(label, codes).code == code


def test_an_unknown_row_label_is_not_guessed():
    with pytest.raises(NoMatch, match="not recognised"):
        match_code("其他主动公开文件", PROACTIVE_ITEMS)
