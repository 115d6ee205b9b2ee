#!/usr/bin/env python3
"""Generate a large static county portal for benchmarks (not collected by pytest).

    python tests/benchmarks/make_portal.py --reports 300 --out DIR [--seed 1] [--base-url URL]

Writes, in a few seconds and without LibreOffice:

    DIR/portal/index.html, index_1.html, ...   the column 政府信息公开年报: 20 entries a page,
                                              newest first, TRS script pager on the first page
                                              plus plain page links (首页/上一页/1 2 3/下一页/尾页)
    DIR/portal/YYYYMM/tYYYYMMDD_NNNNN.html      detail pages: reports inline (HTML), reports as a
                                              PDF attachment (plain link, pdf.js viewer iframe or
                                              window.open), a few in both forms, and noise
                                              articles (工作要点, 通知, 法治政府建设年度报告, ...)
    DIR/portal/YYYYMM/P0YYYYMMDD_NNNNN.pdf      PDF attachments
    DIR/manifest.csv                           one row per report document (what a crawl must find)
    DIR/sources.toml                           a sources file for the portal as file: URLs (works
                                              offline; relative, so DIR can move)
    DIR/sources-http.toml                      only with --base-url: the same for a server rooted
                                              at DIR/portal (e.g. http://127.0.0.1:8000/)

Documents: every inline HTML report is rendered anew from the national templates
(tests/fixtures/report_templates.py) and the sample generator's HTML writer
(tests/fixtures/generate_sample.py) with its own agency, year and consistent random numbers,
so each is a distinct document (distinct sha256 and report_id). PDF reports are copies of the
bundled sample's PDFs (data/sample/portal, the format matching the report's year) with a PDF
incremental update appended that gives each its own /Info title: still valid PDFs, each with
its own sha256, tables identical to the sample's.

From Python (the pipeline benchmark imports this):

    from tests.benchmarks.make_portal import make_portal, sources_toml
    counts = make_portal(out_dir, n_reports=300, seed=1)
    # {"reports": 300, "documents": ..., "html": ..., "pdf": ..., "both_forms": ...,
    #  "noise": ..., "list_pages": ..., "agencies": ..., "bytes": ..., "seconds": ...}
    text = sources_toml("http://127.0.0.1:8000/", min_interval_seconds=0)

Deterministic for a given (n_reports, seed).
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import math
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.fixtures import generate_sample as G  # noqa: E402

T = G.T  # the national table templates

COUNTY, PREFECTURE, PROVINCE = "松岭县", "云州市", "江南省"
SITE_NAME = "松岭县人民政府"
PER_PAGE = 20
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
FIRST_YEAR, LAST_YEAR = 2019, 2024  # report years; each published January–March of the next

# Department names: (full, short) — titles use the short form now and then.
DEPARTMENTS = [
    ("发展和改革局", "发改局"), ("教育局", None), ("科学技术局", None), ("工业和信息化局", None),
    ("公安局", None), ("民政局", None), ("司法局", None), ("财政局", None),
    ("人力资源和社会保障局", "人社局"), ("自然资源局", None), ("生态环境局", None),
    ("住房和城乡建设局", "住建局"), ("交通运输局", None), ("水利局", None), ("农业农村局", None),
    ("商务局", None), ("文化和旅游局", "文旅局"), ("卫生健康局", "卫健局"), ("退役军人事务局", None),
    ("应急管理局", None), ("审计局", None), ("市场监督管理局", "市场监管局"), ("统计局", None),
    ("医疗保障局", "医保局"), ("林业局", None), ("城市管理局", None), ("行政审批服务局", None),
    ("人民政府办公室", None), ("信访局", None), ("民族宗教事务局", None),
]
TOWN_STEMS = ["柳溪", "石门", "青石", "白沙", "东岭", "西河", "南山", "北洋", "龙泉", "桃源", "清水",
              "红星", "新田", "古城", "双桥", "金山", "马坪", "高峰", "长乐", "永安", "黄土", "凤凰"]
TOWNSHIP_STEMS = ["杨家", "李庄", "大王", "小河", "三合", "团结", "和平", "建设"]
SUBDISTRICT_STEMS = ["城关", "城东", "城西", "城南", "城北", "新华"]
ZONES = ["松岭经济开发区管理委员会", "松岭高新技术产业园区管理委员会"]

NOISE_TITLES = [
    "{county}人民政府信息公开指南",
    "{county}{y}年政府信息公开工作要点",
    "关于做好{y0}年度政府信息公开工作年度报告编制发布工作的通知",
    "{county}{y0}年法治政府建设年度报告",
    "关于印发《{county}{y}年政务公开工作要点》的通知",
    "{y}年{county}人民政府工作报告",
    "{county}{y}年度重点领域信息公开目录",
    "{county}人民政府关于{y}年度政府信息公开工作考核结果的通报",
]


@dataclass(frozen=True)
class BenchAgency:
    key: str
    name: str  # full official name
    short: str | None  # a short form titles sometimes use
    level: str  # county_government | department | town | township | subdistrict | other


@dataclass
class BenchSpec(G.Spec):
    """The sample generator's Spec with its own agency (not one of the sample's five)."""
    agency_obj: G.Agency | None = None

    @property
    def ag(self) -> G.Agency:  # type: ignore[override]
        return self.agency_obj


def agencies_for(n: int, rng: random.Random) -> list[BenchAgency]:
    """n agencies of one county, in the proportions a county portal has."""
    out = [BenchAgency("a000", f"{COUNTY}人民政府", None, "county_government")]
    n_zone = min(len(ZONES), max(0, n // 25))
    n_sub = min(len(SUBDISTRICT_STEMS), max(1, n // 12))
    n_township = min(len(TOWNSHIP_STEMS), max(1, n // 12))
    n_town = min(len(TOWN_STEMS), max(1, n // 4))
    n_dep = n - 1 - n_zone - n_sub - n_township - n_town
    if n_dep > len(DEPARTMENTS):
        n_town = min(len(TOWN_STEMS), n_town + n_dep - len(DEPARTMENTS))
        n_dep = n - 1 - n_zone - n_sub - n_township - n_town
    if n_dep > len(DEPARTMENTS):
        raise ValueError(f"at most {1 + len(DEPARTMENTS) + len(TOWN_STEMS) + len(TOWNSHIP_STEMS) + len(SUBDISTRICT_STEMS) + len(ZONES)} agencies")
    for full, short in DEPARTMENTS[:max(0, n_dep)]:
        out.append(BenchAgency(f"a{len(out):03d}", COUNTY + full, COUNTY + short if short else full,
                               "department"))
    for stem in TOWN_STEMS[:n_town]:
        out.append(BenchAgency(f"a{len(out):03d}", f"{stem}镇人民政府", f"{stem}镇", "town"))
    for stem in TOWNSHIP_STEMS[:n_township]:
        out.append(BenchAgency(f"a{len(out):03d}", f"{stem}乡人民政府", f"{stem}乡", "township"))
    for stem in SUBDISTRICT_STEMS[:n_sub]:
        out.append(BenchAgency(f"a{len(out):03d}", f"{stem}街道办事处", f"{stem}街道", "subdistrict"))
    for name in ZONES[:n_zone]:
        out.append(BenchAgency(f"a{len(out):03d}", name, None, "other"))
    return out[:n]


# The sample generator's number model knows four levels.
_NUMBER_LEVEL = {"county_government": "county_government", "department": "department",
                 "town": "town", "township": "town", "subdistrict": "subdistrict", "other": "department"}


def report_title(ag: BenchAgency, year: int, rng: random.Random) -> str:
    """Titles in the shapes portals use; the agency is always recoverable from the title."""
    name = ag.short if ag.short and rng.random() < 0.25 else ag.name
    shape = rng.random()
    if shape < 0.55:
        title = f"{name}{year}年政府信息公开工作年度报告"
    elif shape < 0.85:
        title = f"{name}{year}年度政府信息公开工作年度报告"
    elif shape < 0.95:
        title = f"{year}年政府信息公开工作年度报告（{name}）"
    else:
        title = f"{name}{str(year).translate(_FULL_WIDTH)}年政府信息公开工作年度报告"
    return title


def _numbers(spec: BenchSpec, rng: random.Random, carried: dict) -> None:
    ag = spec.ag
    spec.fmt = "2019" if spec.year <= 2020 else "2021"
    co = carried.get(ag.key)
    if co is None:
        co = {"natural_person": rng.randint(0, 3)} if ag.level == "county_government" else {}
    apps = G.gen_applications(rng, ag.level, spec.fmt, co)
    carried[ag.key] = {a: apps[("carried_forward", a)] for a in T.APPLICANT_CODES[:-1]}
    spec.numbers = {G.A: apps, G.P: G.gen_proactive(rng, ag, spec.fmt), G.R: G.gen_review(rng, ag, spec.year)}
    spec.cells = {t: {k: G.render_number(x, spec.zeros.get(t, "0")) for k, x in nums.items()}
                  for t, nums in spec.numbers.items()}


def _pdf_string(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def retitled_pdf(data: bytes, title: str, subject: str) -> bytes:
    """The PDF with an incremental update that gives it a new /Info (Title, Subject).

    A valid PDF (ISO 32000 §7.5.6): a new object, an xref section for it and a trailer whose
    /Prev points at the original xref. Readers see the same pages; the bytes (and sha256) differ.
    """
    tail = data[-2048:].decode("latin-1")
    startxref = int(re.findall(r"startxref\s+(\d+)", tail)[-1])
    trailer = tail[tail.rfind("trailer"):]
    size = int(re.search(r"/Size\s+(\d+)", trailer).group(1))
    root = re.search(r"/Root\s+(\d+\s+\d+\s+R)", trailer).group(1)
    ident = re.search(r"/ID\s*(\[[^\]]*\])", trailer)
    body = bytearray(data)
    if not body.endswith(b"\n"):
        body += b"\n"
    offset = len(body)
    body += (f"{size} 0 obj\n<</Title {_pdf_string(title)} /Subject {_pdf_string(subject)} "
             f"/Producer (gongkai make_portal)>>\nendobj\n").encode("latin-1")
    xref = len(body)
    body += f"xref\n{size} 1\n{offset:010d} 00000 n \n".encode("latin-1")
    body += (f"trailer\n<</Size {size + 1} /Root {root} /Info {size} 0 R /Prev {startxref}"
             + (f" /ID {ident.group(1)}" if ident else "") + f">>\nstartxref\n{xref}\n%%EOF\n").encode("latin-1")
    return bytes(body)


def _sample_pdfs() -> dict[str, list[bytes]]:
    """The bundled sample's readable PDFs by table format."""
    by_format: dict[str, list[bytes]] = {"2019": [], "2021": []}
    with (G.SAMPLE / "reports.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["media_type"] == "pdf" and row["expected_status"] == "ok":
                by_format[row["format"]].append((G.PORTAL / row["document"]).read_bytes())
    return by_format


def _attachment_html(pdf_name: str, folder: str, title: str, style: str) -> tuple[str, list]:
    """(extra HTML, attachments for detail_page's plain list)."""
    if style == "viewer":
        src = f"../pdfjs/web/viewer.html?file=../../{folder}/{pdf_name}"
        return f'<div class="pdf"><iframe src="{src}" width="100%" height="800"></iframe></div>', []
    if style == "open":
        return (f'<div class="fj"><a href="javascript:void(0)" onclick="window.open(\'./{pdf_name}\')">'
                f"附件：{html.escape(title)}</a></div>"), []
    return "", [(f"./{pdf_name}", f"{title}.pdf")]


def _downfile(pdf_path: str) -> str:
    return f"/module/download/downfile.jsp?classid=0&filename={Path(pdf_path).name}"


def sources_toml(start_url: str, *, county: str = COUNTY, **options) -> str:
    """A sources file for the generated portal at `start_url` (its index.html or folder)."""
    lines = ["[[source]]", f'county = "{county}"', f'prefecture = "{PREFECTURE}"',
             f'province = "{PROVINCE}"', f'start_urls = ["{start_url}"]']
    for key, value in options.items():
        lines.append(f"{key} = {_toml(value)}")
    return "\n".join(lines) + "\n"


def _toml(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return str(value)


PATTERNS = ("plain", "hanweb", "json")
HANWEB_COLUMN = "col/col1234/index.html"
HANWEB_FORM = {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": "1234",
               "sourceContentType": "1", "unitid": "5678", "permissiontype": "0"}
JSON_COLUMN = "col/list.html"


def start_path(pattern: str) -> str:
    """The column page a source of the portal starts from (relative to the portal root)."""
    return {"plain": "index.html", "hanweb": HANWEB_COLUMN, "json": JSON_COLUMN}[pattern]


def list_api_for(base_url: str, per_page: int = PER_PAGE) -> dict:
    """The list_api of a generated JSON portal served at base_url (see crawl_bench's server)."""
    return {"url": base_url.rstrip("/") + "/api/list", "method": "GET",
            "params": {"columnId": 1234, "page": "{page}", "size": per_page},
            "items": "data.list", "title": "title", "link": "url", "date": "pubDate",
            "total": "data.total"}


def _hanweb_column(records: list[str], per_page: int) -> str:
    """A Hanweb column page: the first group (3 pages) of records in the datastore."""
    group = records[:per_page * 3]
    recs = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in group)
    query = "&".join(f"{k}={v}" for k, v in HANWEB_FORM.items())
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报_{SITE_NAME}</title>'
            f'</head><body><div class="header"><a href="/index.html">{SITE_NAME}</a></div>'
            '<div class="main"><div id="4567"><script type="text/xml"><datastore>'
            f'<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&{query}"></a>]]></nextgroup>'
            f"<recordset>\n{recs}</recordset></datastore></script>"
            '<script language="javascript" src="/module/web/jpage/jpage.js"></script>'
            "<script>var ddd = new Pagination({param: {col: 1, appid: 1, webid: 1, path: '/', "
            "columnid: 1234, sourceContentType: 1, unitid: '5678', permissiontype: 0}, "
            f"perpage: {per_page}, totalRecord: {len(records)}}});</script></div></div></body></html>\n")


def make_portal(out_dir: str | Path, n_reports: int = 300, seed: int = 1, *,
                per_page: int = PER_PAGE, pdf_share: float = 0.2, both_share: float = 0.04,
                noise_share: float = 0.08, pattern: str = "plain") -> dict:
    """Write the portal, manifest and sources file under out_dir (replacing its portal/).

    n_reports report publications: about pdf_share of them as a PDF attachment only,
    both_share inline and as a PDF attachment (two documents), the rest inline HTML; plus
    noise articles (about noise_share of the list). Returns counts.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    portal = out / "portal"
    if portal.exists():
        shutil.rmtree(portal)
    portal.mkdir(parents=True)
    rng = random.Random(seed)
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    n_agencies = max(1, math.ceil(n_reports / len(years)))
    agencies = agencies_for(n_agencies, rng)
    pairs = [(ag, y) for y in years for ag in agencies][:n_reports]
    pdfs = _sample_pdfs()

    # Publication dates, then ids in date order (reports and noise together), as TRS does.
    items: list[dict] = []
    for ag, year in pairs:
        month = 1 if ag.level == "department" else rng.choice([1, 2, 2, 3, 3])
        date = f"{year + 1}-{month:02d}-{rng.randint(1, 28):02d}"
        r = rng.random()
        forms = ("pdf",) if r < pdf_share else ("html", "pdf") if r < pdf_share + both_share else ("html",)
        items.append({"kind": "report", "agency": ag, "year": year, "date": date, "forms": forms,
                      "title": report_title(ag, year, rng)})
    n_noise = max(1, round(n_reports * noise_share))
    for i in range(n_noise):
        y = rng.choice(years) + 1
        title = NOISE_TITLES[i % len(NOISE_TITLES)].format(county=COUNTY, y=y, y0=y - 1)
        items.append({"kind": "noise", "title": title,
                      "date": f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"})
    items.sort(key=lambda it: (it["date"], it["kind"], it["title"]))
    for i, it in enumerate(items):
        it["id"] = 10001 + i
        it["folder"] = it["date"][:7].replace("-", "")
        it["page"] = f"{it['folder']}/t{it['date'].replace('-', '')}_{it['id']}.html"
        it["pdf"] = f"{it['folder']}/P0{it['date'].replace('-', '')}_{it['id']}.pdf"
        if pattern == "hanweb":  # /art/YYYY/M/D/art_COL_ID.html, attachments behind downfile.jsp
            y, m, d = (int(x) for x in it["date"].split("-"))
            it["page"] = f"art/{y}/{m}/{d}/art_1234_{it['id']}.html"
            it["pdf"] = f"module/download/files/P0{it['date'].replace('-', '')}_{it['id']}.pdf"

    carried: dict = {}
    manifest: list[dict] = []
    counts = {"reports": 0, "documents": 0, "html": 0, "pdf": 0, "both_forms": 0, "noise": 0}
    for it in sorted(items, key=lambda it: (it.get("year", 0), it["id"])):
        prng = random.Random(f"{seed}-{it['id']}")
        if it["kind"] == "noise":
            text = (f"根据《中华人民共和国政府信息公开条例》，现将有关事项公布如下。{G.PAD_SENTENCES[it['id'] % 16]}")
            G.write_page(portal / it["page"], G.noise_page(it["title"], it["date"], text).replace(
                G.SITE_NAME, SITE_NAME), "utf-8")
            counts["noise"] += 1
            continue
        ag: BenchAgency = it["agency"]
        spec = BenchSpec(agency=ag.key, year=it["year"], published=it["date"], title=it["title"],
                         forms=it["forms"], agency_obj=G.Agency(ag.key, ag.name, _NUMBER_LEVEL[ag.level]))
        spec.charset = prng.choice(["utf-8", "utf-8", "gb2312", "gbk"])
        spec.meta_style = prng.choice(["http-equiv", "charset"])
        spec.html_style = prng.choice(["word", "ueditor"])
        _numbers(spec, prng, carried)
        spec.item_id = it["id"]
        extra, attachments = "", []
        if "pdf" in it["forms"]:
            source = prng.choice(pdfs["2019" if it["year"] <= 2020 else "2021"])
            (portal / it["pdf"]).parent.mkdir(parents=True, exist_ok=True)
            (portal / it["pdf"]).write_bytes(retitled_pdf(source, it["title"], f"bench {seed}/{it['id']}"))
            style = prng.choices(["link", "viewer", "open"], [0.7, 0.15, 0.15])[0]
            extra, attachments = _attachment_html(Path(it["pdf"]).name, it["folder"], it["title"], style)
            if pattern == "hanweb":
                extra, attachments = "", [(_downfile(it["pdf"]), f"{it['title']}.pdf")]
        if "html" in it["forms"]:
            body = G.report_body_html(spec, prng).replace(G.SITE_NAME, SITE_NAME)
            charset = spec.charset
        else:
            body = f'<p style="text-indent:2em;">《{html.escape(it["title"])}》已编制完成，现予以公布，详见附件。</p>'
            charset = "utf-8"
        if pattern == "hanweb":
            body = f'<div id="zoom">{body}</div>'
        page = G.detail_page(it["title"], it["date"], ag.name, body + extra, attachments,
                             G.meta_charset(charset, spec.meta_style), prng.randint(200, 3000))
        page = page.replace(G.SITE_NAME, SITE_NAME).replace(f"{G.PROVINCE}{G.PREFECTURE}{G.COUNTY}",
                                                           f"{PROVINCE}{PREFECTURE}{COUNTY}")
        G.write_page(portal / it["page"], page, charset)
        counts["reports"] += 1
        counts["both_forms"] += len(it["forms"]) == 2
        for form in it["forms"]:
            counts[form] += 1
            counts["documents"] += 1
            doc = it["page"] if form == "html" else _downfile(it["pdf"])[1:] if pattern == "hanweb" else it["pdf"]
            manifest.append({"document": doc, "page": it["page"],
                             "title": it["title"], "agency_name": ag.name, "level": ag.level,
                             "report_year": it["year"], "format": spec.fmt, "media_type": form,
                             "published_on": it["date"]})

    # List pages, newest first.
    newest = sorted(items, key=lambda it: (it["date"], it["id"]), reverse=True)
    chunks = [newest[i:i + per_page] for i in range(0, len(newest), per_page)] or [[]]
    if pattern == "plain":
        entries = [G.list_item(f"./{it['page']}", it["title"], it["date"]) for it in newest]
        chunks = [entries[i:i + per_page] for i in range(0, len(entries), per_page)] or [[]]
        for n, chunk in enumerate(chunks):
            name = "index.html" if n == 0 else f"index_{n}.html"
            G.write_page(portal / name, G.list_page(chunk, n, len(chunks)).replace(G.SITE_NAME, SITE_NAME), "utf-8")
    elif pattern == "hanweb":
        # the column page holds the first group; the rest the server's data proxy slices from
        # records.json (crawl_bench serves POST /module/web/jpage/dataproxy.jsp from it)
        records = [G.list_item(f"/{it['page']}", it["title"], it["date"]) for it in newest]
        (portal / HANWEB_COLUMN).parent.mkdir(parents=True, exist_ok=True)
        (portal / HANWEB_COLUMN).write_text(_hanweb_column(records, per_page), encoding="utf-8")
        store = portal / "module" / "web" / "jpage" / "records.json"
        store.parent.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps({"form": HANWEB_FORM, "per_page": per_page, "records": records},
                                    ensure_ascii=False), encoding="utf-8")
    elif pattern == "json":
        # a script-rendered column; crawl_bench answers GET /api/list?page=N&size=M from items.json
        (portal / JSON_COLUMN).parent.mkdir(parents=True, exist_ok=True)
        (portal / JSON_COLUMN).write_text(
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报_{SITE_NAME}</title>'
            '<script src="/js/list.js"></script></head><body><div id="app"></div></body></html>\n',
            encoding="utf-8")
        api = portal / "api" / "items.json"
        api.parent.mkdir(parents=True, exist_ok=True)
        api.write_text(json.dumps([{"id": it["id"], "title": it["title"], "url": "/" + it["page"],
                                    "pubDate": f"{it['date']} 09:30:00"} for it in newest],
                                  ensure_ascii=False), encoding="utf-8")
    else:
        raise ValueError(f"pattern must be one of {PATTERNS}, not {pattern!r}")
    (portal / "css").mkdir(exist_ok=True)
    shutil.copy(G.PORTAL / "css" / "style.css", portal / "css" / "style.css")
    viewer = portal / "pdfjs" / "web" / "viewer.html"
    viewer.parent.mkdir(parents=True, exist_ok=True)
    viewer.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>PDF.js viewer</title>"
                      "</head><body><div id='viewerContainer'></div></body></html>\n", encoding="utf-8")

    manifest.sort(key=lambda m: m["document"])
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(manifest[0]) if manifest else ["document"], lineterminator="\n")
        w.writeheader()
        w.writerows(manifest)
    if pattern == "plain":
        (out / "sources.toml").write_text(
            "# Generated by tests/benchmarks/make_portal.py: the portal read through file: URLs.\n"
            + sources_toml("file:portal/index.html"), encoding="utf-8")
        list_pages = len(chunks)
    elif pattern == "hanweb":  # the column page, then one POST per group of 3 pages
        list_pages = 1 + math.ceil(max(0, len(newest) - 3 * per_page) / (3 * per_page))
    else:
        list_pages = math.ceil(len(newest) / per_page)
    counts.update(list_pages=list_pages, agencies=len(agencies), pattern=pattern,
                  bytes=sum(p.stat().st_size for p in portal.rglob("*") if p.is_file()),
                  seconds=round(time.perf_counter() - started, 2))
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=300)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--base-url", help="also write DIR/sources-http.toml for a server rooted at DIR/portal")
    ap.add_argument("--pattern", choices=PATTERNS, default="plain",
                    help="the column's content system: plain (TRS pager + page links), hanweb (datastore "
                         "+ POST data proxy), json (script-rendered, JSON list API); the last two need "
                         "crawl_bench's server")
    args = ap.parse_args(argv)
    counts = make_portal(args.out, args.reports, args.seed, pattern=args.pattern)
    if args.base_url:
        base = args.base_url if args.base_url.endswith("/") else args.base_url + "/"
        extra = {"list_api": list_api_for(base)} if args.pattern == "json" else {}
        (args.out / "sources-http.toml").write_text(sources_toml(base + start_path(args.pattern), **extra),
                                                   encoding="utf-8")
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
