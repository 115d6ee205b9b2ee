"""Portals of the other content systems, on the local test server (tests/crawl/conftest.py):
a Hanweb (大汉) column answering its POST data proxy, and a script-rendered column behind a
JSON list API. Each builder returns what a crawl must find."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from tests.crawl.conftest import PDF, REPORT_TABLE, Portal, Static


def _rec(href: str, title: str, date: str) -> str:
    short = title[:16] + "…" if len(title) > 16 else title
    return (f'<record><![CDATA[\n<li><a href="{href}" title="{title}" target="_blank">{short}</a>'
            f"<span class=\"bt-data-time\">{date}</span></li>\n]]></record>")


def hanweb_detail(title: str, date: str, body: str) -> str:
    """A Hanweb article page: metadata table, the body in #zoom."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>' + title + "</title>"
        f'<meta name="ArticleTitle" content="{title}"></head><body>'
        '<div class="nav"><a href="/">首页</a><a href="/col/col1234/index.html">信息公开年报</a></div>'
        '<table class="xxgk_table"><tr><td>索引号</td><td>11320000/2022-00001</td><td>发布机构</td>'
        f"<td>县政府办</td></tr><tr><td>成文日期</td><td>2021-12-30</td><td>发布日期</td><td>{date}</td></tr></table>"
        f'<div class="title">{title}</div><div id="zoom">{body}</div>'
        '<div class="footer"><a href="/col/col99/index.html">网站地图</a></div></body></html>'
    )


# (detail path, title, date, body kind): inline | attachment | error (downfile serves an error page)
HANWEB_ENTRIES = [
    ("/art/2023/1/16/art_1234_101.html", "柳溪镇人民政府2022年政府信息公开工作年度报告", "2023-01-16", "inline"),
    ("/art/2023/1/12/art_1234_102.html", "县教育局2022年度政府信息公开工作年度报告", "2023-01-12", "attachment"),
    ("/art/2023/1/10/art_1234_103.html", "县2023年政务公开工作要点", "2023-01-10", "noise"),
    ("/art/2022/3/28/art_1234_104.html", "青山县人民政府2021年政府信息公开工作年度报告", "2022-03-28", "inline"),
    ("/art/2022/2/11/art_1234_105.html", "城关街道办事处2021年政府信息公开工作年度报告", "2022-02-11", "attachment"),
    ("/art/2022/1/20/art_1234_106.html", "县财政局2021年政府信息公开工作年度报告", "2022-01-20", "inline"),
    ("/art/2021/3/30/art_1234_107.html", "青山县人民政府2020年政府信息公开工作年度报告", "2021-03-30", "inline"),
    ("/art/2021/2/3/art_1234_108.html", "石门镇人民政府2020年政府信息公开工作年度报告", "2021-02-03", "error"),
]
HANWEB_FORM = {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": "1234",
               "sourceContentType": "1", "unitid": "5678", "webname": "青山县人民政府",
               "permissiontype": "0"}


def build_hanweb_portal(portal: Portal, *, per_page: int = 2, first: int = 3,
                        entries=HANWEB_ENTRIES) -> dict:
    """The column /col/col1234/index.html holds the first `first` records; the proxy the rest,
    and only for a POST carrying the column's form fields (anything else: an empty recordset,
    as the real proxy answers a request it cannot place)."""
    records = [_rec(href, title, date) for href, title, date, _ in entries]
    total = len(records)
    nextgroup = ('<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1'
                 '&webid=1&path=/&columnid=1234&unitid=5678&webname=%E9%9D%92%E5%B1%B1%E5%8E%BF'
                 '%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C&permissiontype=0"></a>]]></nextgroup>')
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>'
        '<div class="nav"><a href="/">首页</a><a href="/col/col10/index.html">政务公开</a>'
        '<a href="/col/col11/index.html">政策文件</a></div><div class="main"><div id="4567">'
        '<script type="text/xml"><datastore>' + nextgroup + "<recordset>" + "".join(records[:first])
        + "</recordset></datastore></script>"
        '<script language="javascript" src="/module/web/jpage/jpage.js"></script>'
        "<script>var ddd = new Pagination({ param: { col: 1, webid: 1, path: '/', columnid: 1234, "
        "sourceContentType: 1, unitid: '5678', webname: '青山县人民政府', permissiontype: 0 }, "
        f"perpage: {per_page}, totalRecord: {total} }});</script></div></div></body></html>"
    )
    portal.add("/col/col1234/index.html", page)

    def proxy(h, body: bytes) -> None:
        q = {k: v[0] for k, v in parse_qs(urlsplit(h.path).query).items()}
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        ok = all(form.get(k) == v for k, v in HANWEB_FORM.items() if k in ("columnid", "unitid", "webid"))
        start, end = int(q.get("startrecord", 0)), int(q.get("endrecord", 0))
        chosen = records[start - 1:end] if ok and start >= 1 else []
        xml = ('<?xml version="1.0" encoding="UTF-8"?><datastore><recordset>' + "".join(chosen)
               + f"</recordset><totalrecord>{total}</totalrecord>"
               f"<totalpage>{-(-total // per_page)}</totalpage></datastore>")
        portal._serve(h, Static(xml.encode("utf-8"), "text/xml;charset=UTF-8", etag=False))
    portal.post_routes["/module/web/jpage/dataproxy.jsp"] = proxy

    found = {}
    for i, (href, title, date, kind) in enumerate(entries):
        if kind in ("inline", "noise"):
            portal.add(href, hanweb_detail(title, date, REPORT_TABLE if kind == "inline" else "<p>要点</p>"))
            if kind == "inline":
                found[title] = {"document_url": portal.url(href), "media_type": "html", "published_on": date}
            continue
        name = f"{20230000 + i}{i:04d}.pdf" if kind == "attachment" else f"missing{i}.pdf"
        link = f"/module/download/downfile.jsp?classid=0&filename={name}"
        portal.add(href, hanweb_detail(title, date, f'<p>详见附件。</p><p><a href="{link}">{title}</a></p>'))
        if kind == "attachment":
            # octet-stream, the real name only in Content-Disposition
            portal.add(link, PDF + name.encode(), "application/octet-stream",
                       headers={"Content-Disposition": 'attachment; filename="report.pdf"'})
            found[title] = {"document_url": portal.url(link), "media_type": "pdf", "published_on": date}
        else:
            portal.add(link, "<html><body><h3>文件不存在或已被删除</h3></body></html>", "text/html",
                       headers={"Content-Disposition": 'attachment; filename="report.pdf"'})
    return found


JSON_ENTRIES = [
    ("/art/2023/1/5/a1.html", "白沙镇人民政府2022年政府信息公开工作年度报告", 1672876800000),
    ("/art/2023/1/9/a2.html", "县水利局2022年政府信息公开工作年度报告", "2023-01-09 09:30:00"),
    ("/art/2023/2/1/a3.html", "关于做好2022年度政府信息公开工作年度报告编制发布工作的通知", "2023-02-01"),
    ("/art/2022/1/7/a4.html", "白沙镇人民政府2021年政府信息公开工作年度报告", "2022-01-07"),
    ("/art/2022/1/8/a5.html", "县水利局2021年政府信息公开工作年度报告", "2022-01-08"),
]


def build_json_portal(portal: Portal, *, page_size: int = 2, method: str = "GET") -> dict:
    """A script-rendered column /col/list.html and its API /api/articles (pageNo, pageSize,
    columnId=77 required; pages past the end are empty)."""
    portal.add("/col/list.html", '<html><head><meta charset="utf-8"><title>年报</title>'
               '<script src="/js/app.js"></script></head><body><div id="app"></div></body></html>')

    def answer(h, params: dict) -> None:
        if str(params.get("columnId")) != "77":
            data = {"code": 1, "msg": "bad column", "data": None}
        else:
            page, size = int(params.get("pageNo", 1)), int(params.get("pageSize", page_size))
            chunk = JSON_ENTRIES[(page - 1) * size: page * size]
            data = {"code": 0, "data": {"total": len(JSON_ENTRIES), "list": [
                {"id": i, "title": t, "url": u, "publishTime": d} for i, (u, t, d) in enumerate(chunk)]}}
        portal._serve(h, Static(json.dumps(data, ensure_ascii=False).encode(), "application/json"))

    if method == "GET":
        portal.routes["/api/articles"] = lambda h: answer(
            h, {k: v[0] for k, v in parse_qs(urlsplit(h.path).query).items()})
    else:
        portal.post_routes["/api/articles"] = lambda h, body: answer(h, json.loads(body or b"{}"))
    found = {}
    for url, title, date in JSON_ENTRIES:
        portal.add(url, hanweb_detail(title, "2023-01-01", REPORT_TABLE))
        if "通知" not in title:
            found[title] = {"document_url": portal.url(url), "media_type": "html"}
    return found


def json_list_api(portal: Portal, method: str = "GET", **extra) -> dict:
    api = {"url": portal.url("/api/articles"), "method": method,
           "params": {"columnId": 77, "pageNo": "{page}", "pageSize": 2},
           "items": "data.list", "title": "title", "link": "url", "date": "publishTime",
           "total": "data.total"}
    if method == "POST":
        api["body"] = "json"
    return {**api, **extra}
