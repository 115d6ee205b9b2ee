"""The reviewer's report of the bundled sample opened in headless Chromium: beside every finding
that has a page, an image of the printed cells (decoded by the browser, cropped from the page
pdfium rendered); beside a finding of an HTML report, its table rows with the cells
highlighted. Needs Debian's chromium (/usr/bin/chromium) and the playwright package (its own
browser download is never used); skipped when either is missing."""

from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
import pytest

from tests.conftest import REPO, clean_env

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine")


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _report(sample_warehouse, year: int, out):
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "report", "--county", "青山县",
                           "--year", str(year), "--data-dir", str(sample_warehouse["data_dir"]),
                           "--out", str(out)], env=clean_env(), capture_output=True, text=True,
                          timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out / "index.html"


def _findings_with_page(warehouse, year: int) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM quality_issues q JOIN reports r USING (report_id) "
                           "WHERE r.is_current AND q.report_year = ? AND q.page IS NOT NULL",
                           [year]).fetchone()[0]
    finally:
        con.close()


def test_an_image_beside_every_finding_with_a_page(sample_warehouse, browser, tmp_path):
    page_file = _report(sample_warehouse, 2022, tmp_path / "2022")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(page_file.as_uri())
    rows = page.evaluate("""() => [...document.querySelectorAll('tr.finding[data-page]')].map(tr => {
        const ev = tr.nextElementSibling;
        const imgs = ev && ev.classList.contains('evrow') ? [...ev.querySelectorAll('img.evidence')] : [];
        return {check: tr.dataset.check, page: tr.dataset.page,
                images: imgs.map(i => ({w: i.naturalWidth, h: i.naturalHeight, page: i.dataset.page,
                                        shown: i.getBoundingClientRect().width}))};
    })""")
    expected = _findings_with_page(sample_warehouse["warehouse"], 2022)
    assert expected == 2 and len(rows) == expected  # 青山县人民政府's two I2 errors, page 2
    for row in rows:
        assert row["check"] == "applications_row_total"
        assert len(row["images"]) == 1, row
        img = row["images"][0]
        assert img["page"] == row["page"] == "2"
        assert img["w"] > 300 and 20 < img["h"] < 400 and img["shown"] > 300  # decoded and laid out
    shot = tmp_path / "evidence.png"
    page.locator("tr.evrow").first.screenshot(path=str(shot))
    assert shot.stat().st_size > 2000
    page.close()


def test_html_report_rows_highlighted(sample_warehouse, browser, tmp_path):
    page_file = _report(sample_warehouse, 2021, tmp_path / "2021")
    page = browser.new_page()
    page.goto(page_file.as_uri())
    got = page.evaluate("""() => [...document.querySelectorAll('tr.finding')].map(tr => {
        const ev = tr.nextElementSibling;
        return {check: tr.dataset.check,
                hits: ev ? [...ev.querySelectorAll('table.ev td.hit')].map(td => td.textContent) : [],
                color: ev && ev.querySelector('td.hit') ?
                       getComputedStyle(ev.querySelector('td.hit')).backgroundColor : null};
    })""")
    # 青山县教育局 2021 (HTML): review 总计 printed 0 against 维持 1 + 纠正 1.
    assert got == [{"check": "review_litigation_total", "hits": ["1", "1", "0"],
                    "color": "rgb(255, 245, 157)"}]
    page.close()
