from pipelines.core.charset import decode_html

TEXT = "柱濮镇人民政府2020年政府信息公开工作年度报告 本年新收 镕"  # 镕: outside GB2312, inside GBK


def test_gbk_page_with_lying_utf8_header_and_gb2312_meta():
    html = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>{TEXT}</body></html>'
    text, enc = decode_html(html.encode("gbk"), "text/html; charset=utf-8")
    assert TEXT in text and enc == "gb18030"


def test_gbk_page_without_any_declaration():
    html = f"<html><body><p>{TEXT}</p><p>{TEXT}</p></body></html>"
    text, _ = decode_html(html.encode("gbk"), "text/html")
    assert TEXT in text


def test_gbk_page_with_latin1_header():
    html = f"<html><head><meta charset=gbk></head><body>{TEXT}</body></html>"
    text, _ = decode_html(html.encode("gbk"), "text/html; charset=ISO-8859-1")
    assert TEXT in text


def test_utf8_page_with_lying_gbk_meta():
    html = f'<html><head><meta charset="gb2312"></head><body>{TEXT}</body></html>'
    text, enc = decode_html(html.encode("utf-8"), None)
    assert TEXT in text and enc == "utf-8"


def test_declared_charset_with_a_stray_broken_byte():
    html = f'<html><head><meta charset="gbk"></head><body>{TEXT * 20}\xff</body></html>'
    raw = html.encode("gbk", "replace").replace(b"?</body>", b"\xff</body>")
    text, enc = decode_html(raw, None)
    assert TEXT in text and enc == "gb18030"
