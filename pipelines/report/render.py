"""The reviewer's report as one offline HTML page (inline CSS and SVG) and its Markdown twin."""

from __future__ import annotations

import base64
import html
from collections import Counter
from datetime import datetime

import pandas as pd

from pipelines.checks.findings import CHECK_BY_NAME, CHECKS, SECTION_ZH, cell_label
from pipelines.report.data import LEVEL_ZH, CountyYear

SEVERITY_ZH = {"error": "错误", "warning": "提示"}
MEDIA_ZH = {"pdf": "PDF", "html": "网页", "docx": "Word", "doc": "Word", "other": "文件"}
STATUS_ZH = {"ok": "已读取", "partial": "部分读取", "failed": "无法读取", "needs_ocr": "图片版",
             "unsupported": "无法处理"}
COMPARES_ZH = {
    "crawl_empty": "本县某一采集栏目的列表页未找到任何年度报告（网站改版、栏目迁移）；以前采集的报告仍保留",
    "applications_balance": "每个申请人列：一＋二 ＝（七）总计＋四",
    "applications_row_total": "每一行：总计 ＝ 自然人＋法人或其他组织五列",
    "applications_results_total": "每个申请人列：（七）总计 ＝（一）至（六）各项之和",
    "review_litigation_total": "复议、直接起诉、复议后起诉各栏：总计 ＝ 维持＋纠正＋其他＋尚未审结",
    "carry_over": "本年“二、上年结转” ＝ 上一年报告“四、结转下年度继续办理”",
    "blank_total": "总计栏空白而分项有数：不作勾稽比较，单列提示",
    "cell_not_number": "数字栏中的文字（如“见附件”）",
    "negative_count": "除“本年增/减”外，数值不应为负",
    "format_outdated": "2021 年度及以后的报告应使用 2021 版表格",
    "section_missing": "报告应有第二、三、四部分的统计表",
    "template_rows_missing": "表格的行、列应与全国统一模板一致",
    "report_unreadable": "报告无法读取（文件损坏、图片版等），未能核对",
    "coverage_gap": "上一年度有报告的机构本年度也应有报告",
    "roster_missing": "数据源名单（agencies）中的机构，在本县已发布报告的年度都应有报告",
    "town_regulations": "乡、镇、街道无权制定规章，规章栏应为 0 或“/”",
    "history_outlier": "数值超过本机关其他年份中位数的 10 倍（至少有两个其他年份）",
    "narrative_mismatch": "第一部分正文所述收到申请数 ＝ 表格“一、本年新收”总计",
}

CSS = """
:root{--err:#c62828;--warn:#b26a00;--ok:#2e7d32;--ink:#212121;--mute:#666;--line:#e0e0e0}
*{box-sizing:border-box}
body{margin:0;background:#f5f6f8;color:var(--ink);font:14px/1.6 "Noto Sans CJK SC","Source Han Sans SC",
"PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif}
main{max-width:1240px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 12px;padding-left:10px;border-left:4px solid #1565c0}
h3{font-size:16px;margin:0}
.sub{color:var(--mute);margin:0 0 18px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:26px;line-height:1.2}.card span{color:var(--mute);font-size:13px}
.card.err b{color:var(--err)}.card.warn b{color:var(--warn)}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600;white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.has-err td:first-child{border-left:4px solid var(--err)}
.pill{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;line-height:20px;margin-left:6px;
white-space:nowrap;vertical-align:middle}
.pill.error{background:#fdecea;color:var(--err);font-weight:600}.pill.warning{background:#fff4e0;color:var(--warn)}
.pill.ok{background:#e8f5e9;color:var(--ok)}.pill.lvl{background:#eceff1;color:#455a64}
.zero{color:#bbb}
.chart{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px;margin:0 0 14px}
.chart svg{width:100%;height:auto;display:block}
svg text{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
"WenQuanYi Zen Hei",sans-serif!important}
.agency{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:0 0 12px}
.agency.error{border-left:5px solid var(--err)}.agency.warning{border-left:5px solid #f0a830}
.src{color:var(--mute);margin:4px 0 8px;font-size:13px}
.findings{table-layout:auto}.findings td{font-size:13px}.findings td.sev{white-space:nowrap}
.findings td.detail{width:36%}.findings td.cellsc{width:27%}.findings td.pos{white-space:nowrap}
.cells{margin:0;padding:0;list-style:none;font-size:12px;color:#37474f}
.cells code{background:#f1f3f5;padding:0 4px;border-radius:3px}
.clean{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 16px}
.legend td:first-child{white-space:nowrap}
a{color:#1565c0;text-decoration:none}a:hover{text-decoration:underline}
footer{color:var(--mute);font-size:12px;margin-top:28px}
tr.evrow td{background:#fafbfc;border-top:none;padding:6px 8px 10px}
.evidence{display:block;max-width:100%;height:auto;border:1px solid #cfd8dc;border-radius:4px;margin:2px 0}
.evcap{font-size:12px;color:var(--mute);margin:0 0 2px}
table.ev{width:auto;font-size:12px;margin:2px 0}table.ev td{padding:2px 6px;background:#fff}
table.ev td.head{background:#eef1f5;color:#455a64}table.ev tr.gap td{color:#999;text-align:center;padding:0}
table.ev td.hit{background:#fff59d;outline:2px solid var(--err);font-weight:600}
.yoy{margin:0 0 12px}.yoy h3{margin:0 0 6px}.yoy table{width:auto;min-width:60%}
tr.big td{background:#fff8e1}.pill.big{background:#fff3e0;color:#e65100;font-weight:600}
.roster{background:#fff;border:1px solid var(--line);border-left:5px solid #f0a830;border-radius:8px;
padding:10px 16px;margin:0 0 12px}
.corr td{font-size:13px}.pill.applied{background:#e8f5e9;color:var(--ok)}.pill.rejected{background:#fdecea;color:var(--err)}
"""

CORRECTION_STATUS_ZH = {"applied": "已采用", "rejected": "未采用"}
TABLE_ZH = {"fact_applications": "三", "fact_proactive": "二", "fact_review_litigation": "四"}
# A year-on-year change is marked large when it is at least half the year before (or from 0)
# and at least this many in absolute terms (small counts swing by 100 % all the time).
BIG_CHANGE_PCT = 50.0
BIG_CHANGE_ABS = 5.0


def big_change(row: dict) -> bool:
    change, prev = row.get("change"), row.get("previous_value")
    if change is None or pd.isna(change) or prev is None or pd.isna(prev):
        return False
    if abs(change) < BIG_CHANGE_ABS:
        return False
    return prev == 0 or abs(change) / abs(prev) * 100 >= BIG_CHANGE_PCT



def _e(v) -> str:
    return html.escape("" if v is None else str(v))


def _num(v) -> str:
    if v is None or pd.isna(v):
        return "—"
    return f"{v:g}"


def _num_td(v) -> str:
    cls = "n zero" if v is None or pd.isna(v) or v == 0 else "n"
    return f'<td class="{cls}">{_num(v)}</td>'


def _page(f, media) -> str:
    if f.get("page") is not None and not pd.isna(f.get("page")):
        return f"第 {int(f['page'])} 页"
    return "网页" if media == "html" else "—"


def _cells_html(cells) -> str:
    if not cells:
        return "—"
    items = []
    for table, a, b, raw in cells[:8]:
        raw_s = "空白" if raw in (None, "") else raw
        items.append(f"<li>{_e(cell_label(table, a, b))}：<code>{_e(raw_s)}</code></li>")
    more = f"<li>…另 {len(cells) - 8} 个</li>" if len(cells) > 8 else ""
    return f'<ul class="cells">{"".join(items)}{more}</ul>'


def _cells_md(cells) -> str:
    if not cells:
        return "—"
    return "；".join(f"{cell_label(t, a, b)}＝`{'空白' if raw in (None, '') else raw}`"
                    for t, a, b, raw in cells[:8]) + ("…" if len(cells) > 8 else "")


def _source_line(row: dict) -> str:
    if not row.get("report_id"):
        return "本年度未找到报告"
    bits = [MEDIA_ZH.get(row.get("media_type"), "文件")]
    if row.get("pages") is not None and not pd.isna(row.get("pages")):
        bits.append(f"{int(row['pages'])} 页")
    if row.get("format") in ("2019", "2021"):
        bits.append(f"{row['format']} 版表格")
    if row.get("published_on") is not None and not pd.isna(row.get("published_on")):
        bits.append(f"{pd.Timestamp(row['published_on']).date()} 发布")
    if row.get("status") and row["status"] != "ok":
        bits.append(STATUS_ZH.get(row["status"], row["status"]))
    return "、".join(bits)


def _findings_by_agency(f: pd.DataFrame) -> dict[str, list[dict]]:
    """agency → its findings, errors first, then in the checks' order (sorted once for the
    county-year: sorting each agency's frame cost ~5 ms an agency)."""
    order = {c.name: i for i, c in enumerate(CHECKS)}
    f = f.assign(_s=f["severity"].map({"error": 0, "warning": 1}),
                 _c=f["check_name"].map(order)).sort_values(["_s", "_c"], kind="stable")
    out: dict[str, list[dict]] = {}
    for fr in f.to_dict("records"):
        if isinstance(fr["agency_id"], str):
            out.setdefault(fr["agency_id"], []).append(fr)
    return out


def _severity_counts(mine: list[dict]) -> list[tuple[str, int]]:
    return sorted(Counter(fr["severity"] for fr in mine).items())


def _evidence_html(fr: dict, ev: dict) -> str:
    """The printed cells of one finding: page crops (PDF) or the table rows (HTML)."""
    parts = []
    for page, png in ev.get("images") or ():
        data = base64.b64encode(png).decode("ascii")
        parts.append(f'<p class="evcap">原文第 {page} 页（红框为涉及的单元格）</p>'
                     f'<img class="evidence" data-page="{page}" alt="原文第 {page} 页截图" '
                     f'src="data:image/png;base64,{data}">')
    if ev.get("html"):
        parts.append('<p class="evcap">原文表格中的相关行（高亮为涉及的单元格）</p>' + ev["html"])
    return (f'<tr class="evrow" data-finding="{fr["_i"]}"><td colspan="7">'
            + "".join(parts) + "</td></tr>")


def _roster_html(cy: CountyYear) -> list[str]:
    f = cy.findings[cy.findings["check_name"] == "roster_missing"]
    if f.empty:
        return []
    names = cy.agencies.set_index("agency_id")["agency_name"]
    items = "、".join(f'<a href="#a-{_e(a)}">{_e(names.get(a, a))}</a>' for a in f["agency_id"])
    return [f'<div class="roster"><b>名单内未发布 {cy.year} 年度报告的机构（{len(f)} 个）：</b>{items}'
            '<br><span style="font-size:12px;color:#666">名单来自数据源配置的 agencies；'
            "本县已有其他机构发布该年度报告。</span></div>"]


def _yoy_html(cy: CountyYear, summary: pd.DataFrame) -> list[str]:
    y = cy.yoy
    if y is None or y.empty:
        return []
    y = y[y["value"].notna() | y["previous_value"].notna()]
    out = [f"<h2>与上年比较</h2><p class=\"sub\">{cy.year} 年度与 {cy.year - 1} 年度主要数字（各机构本年度与上一年度的报告）；"
           f"变化幅度达上年的 {BIG_CHANGE_PCT:g}% 且至少 {BIG_CHANGE_ABS:g} 件的标为“变化较大”。</p>"]
    order = {m: i for i, m in enumerate(YOY_ORDER)}
    y = y.assign(_o=y["metric"].map(order)).sort_values(["agency_id", "_o"], kind="stable")
    by_agency: dict[str, list[dict]] = {}
    for r in y.to_dict("records"):  # one conversion: per-agency frames cost ms each
        by_agency.setdefault(r["agency_id"], []).append(r)
    shown = 0
    for row in summary[["agency_id", "agency_name"]].to_dict("records"):
        mine = by_agency.get(row["agency_id"])
        if not mine:
            continue
        big = sum(big_change(r) for r in mine)
        pill = f'<span class="pill big">{big} 项变化较大</span>' if big else ""
        out.append(f'<section class="yoy agency" id="yoy-{_e(row["agency_id"])}"><h3>{_e(row["agency_name"])}{pill}</h3>'
                   f"<table><tr><th>指标</th><th>{cy.year - 1} 年</th><th>{cy.year} 年</th>"
                   "<th>变化</th><th>变化率</th><th></th></tr>")
        for r in mine:
            mark = big_change(r)
            pct = r.get("change_pct")
            pct_s = "—" if pct is None or pd.isna(pct) else f"{pct:+.1f}%"
            tr = '<tr class="big">' if mark else "<tr>"
            flag = '<span class="pill big">变化较大</span>' if mark else ""
            out.append(f'{tr}<td>{_e(r.get("metric_label") or r["metric"])}</td>'
                       + _num_td(r["previous_value"]) + _num_td(r["value"])
                       + f'<td class="n">{_signed(r["change"])}</td>'
                       + f'<td class="n">{pct_s}</td><td>{flag}</td></tr>')
        out.append("</table></section>")
        shown += 1
    return out if shown else []


YOY_ORDER = ("applications_new", "applications_carried_over", "applications_granted",
             "applications_partially_granted", "applications_handled",
             "applications_carried_forward", "reviews", "lawsuits", "normative_documents_issued",
             "licensing_decisions", "penalty_decisions", "coercion_decisions", "fees_wan_yuan")


def _signed(v) -> str:
    if v is None or pd.isna(v):
        return "—"
    return f"{v:+g}"


def _correction_cell(r: dict) -> str:
    from pipelines.checks.findings import DIMS

    t = r.get("table_name")
    if t in DIMS:
        d1, d2 = DIMS[t]
        if r.get(d1) and r.get(d2):
            return f"{TABLE_ZH[t]}：{cell_label(t, r[d1], r[d2])}"
    return "—"


def _corrections_html(cy: CountyYear) -> list[str]:
    c = cy.corrections
    if c is None or c.empty:
        return []
    n_ok = int((c["status"] == "applied").sum())
    out = [f"<h2>更正记录</h2><p class=\"sub\">更正文件中涉及本年度报告的 {len(c)} 条记录：采用 {n_ok} 条，"
           f"未采用 {len(c) - n_ok} 条。采用的更正替换了数值（原文保留），检查按更正后的数值进行。</p>",
           '<table class="corr"><tr><th>行</th><th>机构</th><th>单元格</th><th>原文</th><th>原值</th>'
           "<th>更正为</th><th>理由</th><th>更正人</th><th>日期</th><th>状态</th></tr>"]
    for r in c.to_dict("records"):
        status = r["status"]
        why = ('<br><span style="font-size:12px">' + _e(r.get("rejected_because")) + "</span>"
               if status == "rejected" else "")
        raw = r.get("raw_text")
        raw_s = "（未能定位的单元格）" if r.get("created_fact") and not raw else ("空白" if raw == "" else raw)
        out.append(f'<tr><td class="n">{_e(r["line"])}</td><td>{_e(r.get("agency_name") or "—")}</td>'
                   f"<td>{_e(_correction_cell(r))}<br><code style=\"font-size:11px;color:#888\">"
                   f"{_e(r.get('correction_id'))}</code></td><td><code>{_e(raw_s if raw_s is not None else '—')}</code></td>"
                   + _num_td(r.get("previous_value")) + f'<td class="n">{_e(r.get("value"))}</td>'
                   f"<td>{_e(r.get('reason'))}</td><td>{_e(r.get('author'))}</td><td>{_e(r.get('date'))}</td>"
                   f'<td><span class="pill {status}">{CORRECTION_STATUS_ZH.get(status, status)}</span>{why}</td></tr>')
    out.append("</table>")
    return out


def html_page(cy: CountyYear, summary: pd.DataFrame, charts: dict[str, str | None],
              evidence: dict | None = None) -> str:
    """`evidence`: finding index (cy.findings' index) → {"images": [(page, png)], "html": str}."""
    county, year = cy.county["county"], cy.year
    f = cy.findings.assign(_i=cy.findings.index)
    n_err = int((f["severity"] == "error").sum())
    n_warn = int((f["severity"] == "warning").sum())
    reps = cy.year_reports
    readable = int(reps["status"].isin(["ok", "partial"]).sum())
    received = summary["received"].sum(min_count=1) if len(summary) else None
    with_err = int((summary["errors"] > 0).sum()) if len(summary) else 0
    place = "".join(str(cy.county.get(k) or "") for k in ("province", "prefecture"))
    out = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
           f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
           f"<title>{_e(county)}{year}年度政府信息公开工作年度报告审查报告</title>"
           f"<style>{CSS}</style></head><body><main>",
           f"<h1>{_e(county)} {year} 年度政府信息公开工作年度报告审查报告</h1>",
           f"<p class=\"sub\">{_e(place)}{_e(county)} · 统计年度 {year} · 生成于 "
           f"{datetime.now():%Y-%m-%d %H:%M} · 数据来自 gongkai 数据仓库"
           + (f"（运行 {_e(cy.run.get('run_id'))}）" if cy.run.get("run_id") else "") + "</p>",
           '<div class="cards">',
           f'<div class="card"><b>{len(summary)}</b><span>机构</span></div>',
           f'<div class="card"><b>{readable}/{len(reps)}</b><span>报告已读取</span></div>',
           f'<div class="card err"><b>{n_err}</b><span>错误（{with_err} 个机构）</span></div>',
           f'<div class="card warn"><b>{n_warn}</b><span>提示</span></div>',
           f'<div class="card"><b>{_num(received)}</b><span>全县本年新收申请（件）</span></div>',
           "</div>"]
    crawl = f[f["agency_id"].isna() & (f["section"] == "crawl")]
    if len(crawl):  # the county's crawl findings (crawl_empty): no agency to file them under
        out.append('<h2>网站采集问题</h2><table class="findings"><tr><th>类别</th><th>检查项</th>'
                   "<th>问题说明</th></tr>")
        for fr in crawl.to_dict("records"):
            check = CHECK_BY_NAME.get(fr["check_name"])
            out.append(f'<tr><td class="sev"><span class="pill {fr["severity"]}">'
                       f'{SEVERITY_ZH[fr["severity"]]}</span></td><td>{_e(check.title_zh if check else "")}'
                       f'<br><code style="font-size:11px;color:#888">{_e(fr["check_name"])}</code></td>'
                       f'<td class="detail">{_e(fr["detail"])}</td></tr>')
        out.append("</table>")
    # Summary table
    out.append("<h2>各机构汇总</h2>")
    out.append("<table><tr><th>机构</th><th>报告</th><th>新收申请</th><th>予以公开</th>"
               "<th>部分公开</th><th>不予公开</th><th>行政复议</th><th>行政诉讼</th><th>错误</th>"
               "<th>提示</th></tr>")
    for row in summary.to_dict("records"):
        cls = ' class="has-err"' if row["errors"] else ""
        link = (f'<a href="{_e(row["document_url"])}">{_e(MEDIA_ZH.get(row["media_type"], "原文"))}</a>'
                if row.get("document_url") else "")
        status = (STATUS_ZH.get(row["status"], "") if row.get("report_id") else "未找到")
        rep = link + ("" if row.get("status") == "ok" else f" <span class=\"pill warning\">{_e(status)}</span>")
        errs = (f'<span class="pill error">{row["errors"]}</span>' if row["errors"]
                else '<span class="zero">0</span>')
        warns = (f'<span class="pill warning">{row["warnings"]}</span>' if row["warnings"]
                 else '<span class="zero">0</span>')
        out.append(f'<tr{cls}><td><a href="#a-{_e(row["agency_id"])}">{_e(row["agency_name"])}</a>'
                   f'<span class="pill lvl">{_e(LEVEL_ZH.get(row["level"], ""))}</span></td>'
                   f"<td>{rep}</td>" + _num_td(row["received"]) + _num_td(row["granted"])
                   + _num_td(row["partially_granted"]) + _num_td(row["withheld"])
                   + _num_td(row["review"]) + _num_td(row["litigation"])
                   + f'<td class="n">{errs}</td><td class="n">{warns}</td></tr>')
    out.append("</table>")
    # Per agency
    out.append("<h2>各机构发现的问题</h2>")
    out += _roster_html(cy)
    clean = []
    by_agency = _findings_by_agency(f)
    for row in summary.to_dict("records"):
        mine = by_agency.get(row["agency_id"], [])
        if not mine:
            clean.append(row)
            continue
        worst = "error" if any(fr["severity"] == "error" for fr in mine) else "warning"
        pills = "".join(f'<span class="pill {s}">{n} 个{SEVERITY_ZH[s]}</span>'
                        for s, n in _severity_counts(mine))
        src = _e(_source_line(row))
        if row.get("document_url"):
            src = (f'<a href="{_e(row["document_url"])}">{_e(row.get("title") or "原文")}</a>'
                   f"（{src}）")
            if row.get("page_url") and row["page_url"] != row["document_url"]:
                src += f' · <a href="{_e(row["page_url"])}">发布页面</a>'
        out.append(f'<section class="agency {worst}" id="a-{_e(row["agency_id"])}">'
                   f'<h3>{_e(row["agency_name"])}<span class="pill lvl">'
                   f'{_e(LEVEL_ZH.get(row["level"], ""))}</span>{pills}</h3>'
                   f'<p class="src">{src}</p>'
                   '<table class="findings"><tr><th>类别</th><th>检查项</th><th>问题说明</th>'
                   "<th>涉及单元格（原文）</th><th>位置</th><th>应为</th><th>实为</th></tr>")
        for fr in mine:
            check = CHECK_BY_NAME.get(fr["check_name"])
            title = check.title_zh if check else fr["check_name"]
            where = SECTION_ZH.get(fr["section"], fr["section"] or "")
            page_attr = "" if fr.get("page") is None or pd.isna(fr.get("page")) else f' data-page="{int(fr["page"])}"'
            out.append(f'<tr class="finding" data-check="{_e(fr["check_name"])}"{page_attr}>'
                       f'<td class="sev"><span class="pill {fr["severity"]}">'
                       f'{SEVERITY_ZH[fr["severity"]]}</span></td>'
                       f'<td>{_e(title)}<br><code style="font-size:11px;color:#888">'
                       f'{_e(fr["check_name"])}</code></td><td class="detail">{_e(fr["detail"])}</td>'
                       f'<td class="cellsc">{_cells_html(fr["cell_list"])}</td>'
                       f'<td class="pos">{_e(_page(fr, row.get("media_type")))}<br>'
                       f'<span style="font-size:12px;color:#888;white-space:normal">{_e(where)}</span></td>'
                       + _num_td(fr["expected"]) + _num_td(fr["actual"]) + "</tr>")
            ev = (evidence or {}).get(fr["_i"])
            if ev and (ev.get("images") or ev.get("html")):
                out.append(_evidence_html(fr, ev))
        out.append("</table></section>")
    if clean:
        items = "、".join(
            (f'<a id="a-{_e(r["agency_id"])}" href="{_e(r["document_url"])}">{_e(r["agency_name"])}</a>'
             if r.get("document_url") else _e(r["agency_name"])) for r in clean)
        out.append(f'<div class="clean"><span class="pill ok">未发现问题</span> {items}</div>')
    out += _yoy_html(cy, summary)
    out += _corrections_html(cy)
    # Charts
    if any(charts.values()):
        out.append("<h2>图表</h2>")
        for key in ("by_agency", "over_years"):
            if charts.get(key):
                out.append(f'<div class="chart">{charts[key]}</div>')
    # Legend
    out.append("<h2>检查项说明</h2><table class=\"legend\"><tr><th>检查项</th><th>类别</th>"
               "<th>核对内容</th><th>本年度</th></tr>")
    counts = f["check_name"].value_counts().to_dict()
    for c in CHECKS:
        out.append(f'<tr><td>{_e(c.title_zh)}<br><code style="font-size:11px;color:#888">{c.name}'
                   f'</code></td><td><span class="pill {c.severity}">{SEVERITY_ZH[c.severity]}</span>'
                   f"</td><td>{_e(COMPARES_ZH.get(c.name, c.compares))}</td>"
                   f'<td class="n">{counts.get(c.name, 0)}</td></tr>')
    out.append("</table>")
    out.append("<footer>“错误”为表内或年度间数字互相矛盾；“提示”为模板、合理性、覆盖面和正文一致性方面的问题，"
               "需人工判断。空白单元格不视为 0：总计栏空白单独提示，不参与勾稽比较。"
               "页码为原 PDF 页码；网页版报告无页码。</footer></main></body></html>")
    return "\n".join(out)


def markdown(cy: CountyYear, summary: pd.DataFrame, chart_files: dict[str, str],
             evidence_files: dict | None = None) -> str:
    county, year = cy.county["county"], cy.year
    f = cy.findings.assign(_i=cy.findings.index)
    lines = [f"# {county} {year} 年度政府信息公开工作年度报告审查报告", "",
             f"统计年度 {year} · 生成于 {datetime.now():%Y-%m-%d %H:%M} · "
             f"错误 {int((f['severity'] == 'error').sum())} 个，提示 {int((f['severity'] == 'warning').sum())} 个", "",
             "## 各机构汇总", "",
             "| 机构 | 级别 | 报告 | 新收申请 | 予以公开 | 部分公开 | 不予公开 | 行政复议 | 行政诉讼 | 错误 | 提示 |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in summary.to_dict("records"):
        rep = (f"[{MEDIA_ZH.get(r['media_type'], '原文')}]({r['document_url']})"
               if r.get("document_url") else "未找到")
        if r.get("report_id") and r.get("status") != "ok":
            rep += f"（{STATUS_ZH.get(r['status'], r['status'])}）"
        lines.append(f"| {r['agency_name']} | {LEVEL_ZH.get(r['level'], '')} | {rep} | "
                     + " | ".join(_num(r[k]) for k in ("received", "granted", "partially_granted",
                                                       "withheld", "review", "litigation"))
                     + f" | {r['errors']} | {r['warnings']} |")
    crawl = f[f["agency_id"].isna() & (f["section"] == "crawl")]
    if len(crawl):
        lines += ["", "## 网站采集问题", ""] + [
            f"- {SEVERITY_ZH[fr['severity']]} `{fr['check_name']}`：{fr['detail']}"
            for fr in crawl.to_dict("records")]
    if chart_files:
        lines += ["", "## 图表", ""] + [f"![{alt}]({path})" for alt, path in chart_files.items()]
    lines += ["", "## 各机构发现的问题", ""]
    clean = []
    by_agency = _findings_by_agency(f)
    for r in summary.to_dict("records"):
        mine = by_agency.get(r["agency_id"], [])
        if not mine:
            clean.append(r["agency_name"])
            continue
        lines += [f"### {r['agency_name']}（{LEVEL_ZH.get(r['level'], '')}）", ""]
        if r.get("document_url"):
            lines += [f"原文：[{r.get('title') or r['document_url']}]({r['document_url']})"
                      f"（{_source_line(r)}）", ""]
        else:
            lines += [_source_line(r), ""]
        lines += ["| 类别 | 检查项 | 问题说明 | 涉及单元格（原文） | 位置 | 应为 | 实为 |",
                  "|---|---|---|---|---|---:|---:|"]
        for fr in mine:
            check = CHECK_BY_NAME.get(fr["check_name"])
            detail = str(fr["detail"]).replace("|", "\\|")
            lines.append(f"| {SEVERITY_ZH[fr['severity']]} | {check.title_zh if check else ''} "
                         f"(`{fr['check_name']}`) | {detail} | {_cells_md(fr['cell_list'])} | "
                         f"{_page(fr, r.get('media_type'))} | {_num(fr['expected'])} | "
                         f"{_num(fr['actual'])} |")
        lines.append("")
        for fr in mine:
            for page, path in (evidence_files or {}).get(fr["_i"], ()):
                lines += [f"![{fr['check_name']}：原文第 {page} 页]({path})", ""]
    if clean:
        lines += ["未发现问题：" + "、".join(clean), ""]
    y = cy.yoy
    if y is not None and not y.empty:
        y = y[y["value"].notna() | y["previous_value"].notna()]
        lines += ["## 与上年比较", "", f"| 机构 | 指标 | {year - 1} 年 | {year} 年 | 变化 | 变化率 | |",
                  "|---|---|---:|---:|---:|---:|---|"]
        order = {m: i for i, m in enumerate(YOY_ORDER)}
        y = y.assign(_o=y["metric"].map(order)).sort_values(["agency", "_o"])
        for r in y.to_dict("records"):
            pct = r.get("change_pct")
            lines.append(f"| {r['agency']} | {r.get('metric_label') or r['metric']} | "
                         f"{_num(r['previous_value'])} | {_num(r['value'])} | {_signed(r['change'])} | "
                         f"{'—' if pct is None or pd.isna(pct) else f'{pct:+.1f}%'} | "
                         f"{'**变化较大**' if big_change(r) else ''} |")
        lines.append("")
    c = cy.corrections
    if c is not None and not c.empty:
        lines += ["## 更正记录", "", "| 行 | 机构 | 单元格 | 原文 | 原值 | 更正为 | 理由 | 更正人 | 日期 | 状态 |",
                  "|---:|---|---|---|---:|---:|---|---|---|---|"]
        for r in c.to_dict("records"):
            status = CORRECTION_STATUS_ZH.get(r["status"], r["status"])
            if r["status"] == "rejected":
                status += f"：{r.get('rejected_because')}"
            lines.append(f"| {r['line']} | {r.get('agency_name') or '—'} | {_correction_cell(r)} | "
                         f"{r.get('raw_text') if r.get('raw_text') is not None else '—'} | "
                         f"{_num(r.get('previous_value'))} | {r.get('value') or ''} | {r.get('reason') or ''} | "
                         f"{r.get('author') or ''} | {r.get('date') or ''} | {status} |".replace("\n", " "))
        lines.append("")
    lines += ["## 检查项说明", "", "| 检查项 | 类别 | 核对内容 |", "|---|---|---|"]
    lines += [f"| {c.title_zh} (`{c.name}`) | {SEVERITY_ZH[c.severity]} | "
              f"{COMPARES_ZH.get(c.name, c.compares)} |" for c in CHECKS]
    return "\n".join(lines) + "\n"


def failed_page(county: str, year: int, error: str) -> str:
    """The page of a county-year whose report could not be made: it says so and why, so that
    nobody reads an older report there as this night's (the data is in the warehouse; the
    next run that makes reports tries again)."""
    return (f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(county)}{year}年度审查报告未能生成</title><style>{CSS}</style></head>"
            f"<body><main><h1>{_e(county)} {year} 年度政府信息公开工作年度报告审查报告</h1>"
            f"<p class=\"sub\">生成于 {datetime.now():%Y-%m-%d %H:%M}</p>"
            f"<p><span class=\"pill error\">未能生成</span> 本报告在这次运行中未能生成，"
            f"其他县区和年度的报告不受影响。数据仍在数据仓库中；下次生成报告时将重试。</p>"
            f"<pre>{_e(error)}</pre></main></body></html>")


def failed_markdown(county: str, year: int, error: str) -> str:
    return (f"# {county} {year} 年度政府信息公开工作年度报告审查报告\n\n"
            f"生成于 {datetime.now():%Y-%m-%d %H:%M} · **未能生成**：本报告在这次运行中未能生成，"
            f"其他县区和年度的报告不受影响。数据仍在数据仓库中；下次生成报告时将重试。\n\n"
            f"```\n{error}\n```\n")
