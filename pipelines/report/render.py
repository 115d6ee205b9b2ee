"""The reviewer's report as one offline HTML page (inline CSS and SVG) and its Markdown twin."""

from __future__ import annotations

import html
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
"""


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


def _sorted_findings(f: pd.DataFrame) -> pd.DataFrame:
    order = {c.name: i for i, c in enumerate(CHECKS)}
    return f.assign(_s=f["severity"].map({"error": 0, "warning": 1}),
                    _c=f["check_name"].map(order)).sort_values(["_s", "_c"])


def html_page(cy: CountyYear, summary: pd.DataFrame, charts: dict[str, str | None]) -> str:
    county, year = cy.county["county"], cy.year
    f = cy.findings
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
    clean = []
    for row in summary.to_dict("records"):
        mine = f[f["agency_id"] == row["agency_id"]]
        if mine.empty:
            clean.append(row)
            continue
        worst = "error" if (mine["severity"] == "error").any() else "warning"
        pills = "".join(f'<span class="pill {s}">{n} 个{SEVERITY_ZH[s]}</span>'
                        for s, n in mine["severity"].value_counts().sort_index().items())
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
        for fr in _sorted_findings(mine).to_dict("records"):
            check = CHECK_BY_NAME.get(fr["check_name"])
            title = check.title_zh if check else fr["check_name"]
            where = SECTION_ZH.get(fr["section"], fr["section"] or "")
            out.append(f'<tr><td class="sev"><span class="pill {fr["severity"]}">'
                       f'{SEVERITY_ZH[fr["severity"]]}</span></td>'
                       f'<td>{_e(title)}<br><code style="font-size:11px;color:#888">'
                       f'{_e(fr["check_name"])}</code></td><td class="detail">{_e(fr["detail"])}</td>'
                       f'<td class="cellsc">{_cells_html(fr["cell_list"])}</td>'
                       f'<td class="pos">{_e(_page(fr, row.get("media_type")))}<br>'
                       f'<span style="font-size:12px;color:#888;white-space:normal">{_e(where)}</span></td>'
                       + _num_td(fr["expected"]) + _num_td(fr["actual"]) + "</tr>")
        out.append("</table></section>")
    if clean:
        items = "、".join(
            (f'<a id="a-{_e(r["agency_id"])}" href="{_e(r["document_url"])}">{_e(r["agency_name"])}</a>'
             if r.get("document_url") else _e(r["agency_name"])) for r in clean)
        out.append(f'<div class="clean"><span class="pill ok">未发现问题</span> {items}</div>')
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


def markdown(cy: CountyYear, summary: pd.DataFrame, chart_files: dict[str, str]) -> str:
    county, year = cy.county["county"], cy.year
    f = cy.findings
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
    for r in summary.to_dict("records"):
        mine = f[f["agency_id"] == r["agency_id"]]
        if mine.empty:
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
        for fr in _sorted_findings(mine).to_dict("records"):
            check = CHECK_BY_NAME.get(fr["check_name"])
            detail = str(fr["detail"]).replace("|", "\\|")
            lines.append(f"| {SEVERITY_ZH[fr['severity']]} | {check.title_zh if check else ''} "
                         f"(`{fr['check_name']}`) | {detail} | {_cells_md(fr['cell_list'])} | "
                         f"{_page(fr, r.get('media_type'))} | {_num(fr['expected'])} | "
                         f"{_num(fr['actual'])} |")
        lines.append("")
    if clean:
        lines += ["未发现问题：" + "、".join(clean), ""]
    lines += ["## 检查项说明", "", "| 检查项 | 类别 | 核对内容 |", "|---|---|---|"]
    lines += [f"| {c.title_zh} (`{c.name}`) | {SEVERITY_ZH[c.severity]} | "
              f"{COMPARES_ZH.get(c.name, c.compares)} |" for c in CHECKS]
    return "\n".join(lines) + "\n"
