from pipelines.crawl.detail import parse_detail_page

PAGE = "http://www.x.gov.cn/art/2021/1/20/art_1.html"


def urls(body: str) -> list[str]:
    return [a.url for a in parse_detail_page(f"<html><body>{body}</body></html>", PAGE).attachments]


def test_plain_links_by_extension():
    assert urls('<a href="/files/a.pdf">a</a><a href="b.DOCX">b</a><a href="c.doc?v=2">c</a><a href="d.wps">d</a>'
                '<a href="/other.html">x</a>') == [
        "http://www.x.gov.cn/files/a.pdf", "http://www.x.gov.cn/art/2021/1/20/b.DOCX",
        "http://www.x.gov.cn/art/2021/1/20/c.doc?v=2", "http://www.x.gov.cn/art/2021/1/20/d.wps"]


def test_hidden_extension_by_link_text():
    assert urls('<a href="/module/download/downfile.jsp?classid=0&amp;filename=abc">附件：年报</a>'
                '<a href="/xzzx/index.html">下载中心</a><a href="/module/x.jsp?id=1">查看</a>') == [
        "http://www.x.gov.cn/module/download/downfile.jsp?classid=0&filename=abc"]
    assert urls('<a href="/down.jsp?file=/u/2021.pdf">点击</a>') == ["http://www.x.gov.cn/down.jsp?file=/u/2021.pdf"]


def test_iframe_embed_object():
    assert urls('<iframe src="/f/a.pdf"></iframe><embed src="/f/b.pdf"><object data="/f/c.pdf"></object>'
                '<iframe src="/ads.html"></iframe>') == [
        "http://www.x.gov.cn/f/a.pdf", "http://www.x.gov.cn/f/b.pdf", "http://www.x.gov.cn/f/c.pdf"]


def test_onclick_window_open_and_scripts():
    assert urls("""<a href="javascript:void(0)" onclick="window.open('/f/a.pdf')">看</a>
                <span onclick="location.href='/f/b.docx'">b</span>
                <a href="javascript:openFile('/f/c.pdf')">c</a>
                <script>var fileUrl = "/f/d.pdf"; var x = "/notes.html";</script>""") == [
        "http://www.x.gov.cn/f/a.pdf", "http://www.x.gov.cn/f/b.docx",
        "http://www.x.gov.cn/f/c.pdf", "http://www.x.gov.cn/f/d.pdf"]


def test_pdfjs_viewer_file_parameter_is_decoded():
    assert urls('<iframe src="/pdfjs/web/viewer.html?file=%2Fuploads%2F%E5%B9%B4%E6%8A%A5.pdf"></iframe>'
                '<a href="/static/viewer.html?file=http%3A%2F%2Fwww.x.gov.cn%2Fu%2Fb.pdf">b</a>') == [
        "http://www.x.gov.cn/uploads/年报.pdf", "http://www.x.gov.cn/u/b.pdf"]


def test_inline_report_and_both():
    table = "<table><tr><td>本年新收政府信息公开申请数量</td><td>1</td></tr></table>"
    page = parse_detail_page(f"<html><body>发布日期：2021年1月5日{table}</body></html>", PAGE)
    assert page.inline and page.attachments == [] and page.published_on == "2021-01-05"
    both = parse_detail_page(f'<html><body>{table}<a href="r.pdf">附件</a></body></html>', PAGE)
    assert both.inline and len(both.attachments) == 1
    layout = parse_detail_page("<html><body><table><tr><td>首页</td></tr></table></body></html>", PAGE)
    assert not layout.inline


def _date(body: str):
    return parse_detail_page(f"<html><body>{body}</body></html>", PAGE).published_on


def test_the_date_a_page_states():
    # the metadata table's 发布日期 beats 成文日期 written before it
    assert _date("<table><tr><td>成文日期：</td><td>2021-12-30</td><td>发布日期：</td><td>2022-01-20</td></tr></table>") == "2022-01-20"
    assert _date("<table><tr><td>成文日期</td><td>2021-12-30</td></tr><tr><td>发布日期</td><td>2022年1月20日</td></tr></table>") == "2022-01-20"
    assert _date("<div>日期：2022/01/21</div>") == "2022-01-21"
    # no label anywhere: the signature date line at the end of the report
    assert _date("<p>一、总体情况……2021年共收到申请3件。</p><p style='text-align:right'>柳溪镇人民政府</p>"
                 "<p style='text-align:right'>2022年1月22日</p>") == "2022-01-22"
    assert _date("<p>2021年共收到申请3件，2022年1月办结。</p>") is None  # dates inside text are not stated dates
