from pipelines.crawl.listing import link_title, parse_list_page
from tests.crawl.conftest import list_page

BASE = "http://www.x.gov.cn/xxgk/nb/index.html"


def test_items_titles_and_dates():
    html = """<html><body><div class=nav><a href=/>首页</a><a href=/xxgk/>信息公开</a></div><ul>
    <li><a href="./202101/t1.html" title="柱濮镇人民政府2020年政府信息公开工作年度报告">柱濮镇人民政府2020年政府信息…</a><span>2021-01-20</span></li>
    <li><a href="../art/2.html">孝义市教育局2021年度政府信息公开工作年度报告</a> [２０２２-1-5]</li>
    <li><a href="../art/3.html" title="x">孝义市2021年政府信息公开工作要点</a> 2021年3月1日</li>
    <li><a href="../art/4.html">无日期的条目</a></li>
    </ul></body></html>"""
    page = parse_list_page(html, BASE)
    items = {i.url: i for i in page.items}
    first = items["http://www.x.gov.cn/xxgk/nb/202101/t1.html"]
    assert first.title == "柱濮镇人民政府2020年政府信息公开工作年度报告"
    assert first.date == "2021-01-20"
    assert items["http://www.x.gov.cn/xxgk/art/2.html"].date == "2022-01-05"
    assert items["http://www.x.gov.cn/xxgk/art/3.html"].title == "孝义市2021年政府信息公开工作要点"
    assert items["http://www.x.gov.cn/xxgk/art/3.html"].date == "2021-03-01"
    assert items["http://www.x.gov.cn/xxgk/art/4.html"].date is None  # no neighbour's date
    assert page.page_urls == []  # 首页 is the portal's home link, not a page of this list


def test_link_title_prefers_title_attribute_only_when_cut():
    from lxml.html import fragment_fromstring as f
    assert link_title(f('<a title="全部标题很长的报告">全部标题…</a>')) == "全部标题很长的报告"
    assert link_title(f('<a title="全部标题很长的报告">全部标题...</a>')) == "全部标题很长的报告"
    assert link_title(f('<a title="点击查看">孝义市2021年报告</a>')) == "孝义市2021年报告"
    assert link_title(f('<a title="孝义市2021年报告"><img src=x.png></a>')) == "孝义市2021年报告"


def test_pager_links():
    pager = ('<a href="index_1.html">下一页</a><a href="index_1.html">2</a><a href="index_2.html">3</a>'
             '<a href="index_9.html">尾页</a><a href="/other/col/index_3.html">4</a>')
    page = parse_list_page(list_page([], pager), BASE)
    assert page.page_urls == [
        "http://www.x.gov.cn/xxgk/nb/index_1.html",
        "http://www.x.gov.cn/xxgk/nb/index_2.html",
        "http://www.x.gov.cn/xxgk/nb/index_9.html",
    ]  # the "4" into another column's folder is not this list's page


def test_query_parameter_pagers():
    for param in ("page", "pageNo", "pageNum", "PageIndex", "currPage"):
        html = list_page([], f'<a href="?{param}=2">2</a><a href="list.jsp?{param}=3&col=1">&gt;</a>')
        page = parse_list_page(html, "http://www.x.gov.cn/col/list.jsp?col=1")
        assert page.page_urls == [f"http://www.x.gov.cn/col/list.jsp?{param}=2",
                                  f"http://www.x.gov.cn/col/list.jsp?{param}=3&col=1"], param


def test_trs_create_page_html_generates_pages():
    html = list_page([], extra='<script>createPageHTML(4, 0, "index", "shtml");</script>')
    page = parse_list_page(html, "http://www.x.gov.cn/nb/index.shtml")
    assert page.page_urls == [f"http://www.x.gov.cn/nb/index_{i}.shtml" for i in (1, 2, 3)]
    # newer TRS form with the pager element's id first
    html = list_page([], extra="<script>createPageHTML('page_div', 3, 1, 'index', 'html', 40);</script>")
    page = parse_list_page(html, "http://www.x.gov.cn/nb/index_1.html")
    assert page.page_urls == ["http://www.x.gov.cn/nb/index.html", "http://www.x.gov.cn/nb/index_2.html"]


def test_count_page_variable_generates_pages():
    html = list_page([], extra="<script>var currentPage = 0; var countPage = 3;</script>")
    page = parse_list_page(html, "http://www.x.gov.cn/nb/index.html")
    assert page.page_urls == ["http://www.x.gov.cn/nb/index_1.html", "http://www.x.gov.cn/nb/index_2.html"]


def test_generated_pages_are_capped():
    html = list_page([], extra='<script>createPageHTML(100000, 0, "index", "html");</script>')
    assert len(parse_list_page(html, BASE, max_generated=50).page_urls) == 49


def test_malformed_and_empty_html():
    html = ('<html><body><ul><li><a href="a.html">孝义市2021年政府信息公开工作年度报告<li>'
            '<a href=b.html>兑镇镇2021年政府信息公开工作年度报告</span></div></td>2021-02-03'
            '<li><a href="c.html" title="柱濮镇2021年政府信息公开工作年度报告">柱濮镇…')
    page = parse_list_page(html, BASE)
    assert [i.url.rsplit("/", 1)[1] for i in page.items] == ["a.html", "b.html", "c.html"]
    assert page.items[2].title == "柱濮镇2021年政府信息公开工作年度报告"
    assert parse_list_page("", BASE).links == 0
    assert parse_list_page("\x00\x01 binary junk", BASE).links == 0
