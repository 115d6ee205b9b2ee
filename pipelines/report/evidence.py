"""Evidence beside each finding: the printed cells it involves, as the reviewer would see them.

PDF (text or scanned alike): the page rendered with pdfium, cropped to the rows of the cells
involved (the whole width, so the row labels show) with those cells outlined; one PNG per page
the cells are on. HTML: the table rows holding the cells, the cells highlighted, re-read from
the stored document with the same parser and normaliser the pipeline used.

Everything here is best effort: a document that is no longer in the raw store, or one read
differently now, gives no evidence (the finding is still listed with its cells as text).

Planned (`Planner`, over the facts frames) apart from made (`Maker`, `make_all`: from the
documents' bytes alone), so that the making runs in write_all's helper process: this module
imports neither pandas nor DuckDB.
"""

from __future__ import annotations

import html
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

SCALE = 1.5  # 108 dpi: print-sized text, small files
PAD = 16.0  # points of context above and below the cells
MARGIN = 24.0  # points kept left and right of the outermost cells on the page
OUTLINE = (211, 47, 47, 255)
FILL = (255, 235, 59, 70)


class PdfPages:
    """One PDF opened once; its pages loaded once, on demand, until `forget` (a county-year's
    findings touch dozens of documents). Only the part of a page a crop shows is rendered:
    a crop is a band of rows, a fifth of the page or less."""

    def __init__(self, data: bytes):
        import pypdfium2 as pdfium

        self.doc = pdfium.PdfDocument(data)
        self._pages: dict[int, object] = {}

    def _page(self, page: int):
        if page not in self._pages:
            self._pages[page] = self.doc[page - 1]
        return self._pages[page]

    def size(self, page: int) -> tuple[int, int]:
        """The page as rendered whole, in pixels (its own rotation applied)."""
        p = self._page(page)
        return math.ceil(p.get_width() * SCALE), math.ceil(p.get_height() * SCALE)

    def region(self, page: int, left: int, top: int, right: int, bottom: int):
        """Pixels [left, right) × [top, bottom) of the page rendered whole, as an RGB image,
        drawn at the same whole-pixel offsets (pdfium may smooth a glyph's edge a shade
        differently than in the whole page; nothing moves)."""
        w, h = self.size(page)
        # pypdfium2 takes the cut in points and rounds it up to pixels: a quarter pixel
        # under each whole pixel count rounds back to it exactly.
        cut = [max(0.0, (n - 0.25) / SCALE) if n > 0 else 0.0
               for n in (left, h - bottom, w - right, top)]
        bitmap = self._page(page).render(scale=SCALE, crop=tuple(cut), rev_byteorder=True)
        return bitmap.to_pil().convert("RGB")  # a copy: the bitmap's memory is freed with it

    def image(self, page: int):
        w, h = self.size(page)
        return self.region(page, 0, 0, w, h)

    def forget(self) -> None:
        for p in self._pages.values():
            p.close()
        self._pages.clear()

    def close(self) -> None:
        self.forget()
        self.doc.close()


def pdf_crops(pages: PdfPages, boxes: list[tuple[int, list[float]]],
              page_cells: dict[int, list[list[float]]] | None = None) -> list[tuple[int, bytes]]:
    """(page, PNG) per page holding one of `boxes` ((page, [x0, top, x1, bottom]) in points from
    the page's top-left): the rows of the cells, across the table's width, cells outlined.
    `page_cells`: every fact cell of that page, to find the table's left and right edges."""
    from PIL import Image, ImageDraw

    by_page: dict[int, list[list[float]]] = {}
    for page, box in boxes:
        by_page.setdefault(int(page), []).append([float(v) for v in box])
    out = []
    for page, bxs in sorted(by_page.items()):
        w, h = pages.size(page)
        every = (page_cells or {}).get(page) or bxs
        left = max(0.0, min(b[0] for b in every) - 200.0)  # the label columns left of the values
        right = min(w / SCALE, max(b[2] for b in every) + MARGIN)
        top = max(0.0, min(b[1] for b in bxs) - PAD)
        bottom = min(h / SCALE, max(b[3] for b in bxs) + PAD)
        crop = pages.region(page, int(left * SCALE), int(top * SCALE), int(right * SCALE),
                            int(bottom * SCALE))
        draw = ImageDraw.Draw(crop, "RGBA")  # RGBA colours blended onto the RGB crop
        for x0, y0, x1, y1 in bxs:
            rect = ((x0 - left) * SCALE, (y0 - top) * SCALE, (x1 - left) * SCALE, (y1 - top) * SCALE)
            draw.rectangle(rect, fill=FILL, outline=OUTLINE, width=3)
        shown = crop.quantize(64, method=Image.Quantize.FASTOCTREE)  # median cut: 3× slower
        buf = io.BytesIO()
        shown.save(buf, format="PNG")  # 64 colours compress well; optimize triples the time
        out.append((page, buf.getvalue()))
    return out


def page_thumbnail(pages: PdfPages, page: int, width: int = 420) -> bytes:
    """A whole page, small: for a finding that names a page but no cell."""
    img = pages.image(page)
    ratio = width / img.size[0]
    small = img.resize((width, int(img.size[1] * ratio))).convert("P", palette=1, colors=64)
    buf = io.BytesIO()
    small.save(buf, format="PNG")
    return buf.getvalue()


class HtmlCells:
    """An HTML report re-read as grids; each placed fact → the table row(s) holding its cell."""

    def __init__(self, data: bytes):
        # The parser and normaliser are loaded here, not with the module: the run's process
        # plans evidence without them (~50 ms of the report step); the helper loads them at start.
        from pipelines.core.charset import decode_html
        from pipelines.normalise.model import TABLE_OF_SECTION
        from pipelines.normalise.sections import normalise
        from pipelines.parse import html_tables

        doc = html_tables.parse(decode_html(data)[0])
        grids = [html_tables.table_to_grid(t) for t in html_tables.innermost_tables(doc)]
        # Tag every cell with where it is: the normaliser hands the tag back on the fact it
        # places, as it hands back a PDF cell's box (HTML cells have none).
        for gi, grid in enumerate(grids):
            for row in grid.cells:
                for cell in row:
                    if cell is not None:
                        cell.bbox = (gi, cell.row, cell.col, 0)
        self.grids = grids
        self.where: dict[tuple[str, str, str], tuple[int, object]] = {}
        by_tag = {}
        for gi, grid in enumerate(grids):
            for row in grid.cells:
                for cell in row:
                    if cell is not None:
                        by_tag[(gi, cell.row, cell.col)] = cell
        for fact in normalise(grids).facts:
            if fact.bbox is None:
                continue
            gi, r, c, _ = (int(v) for v in fact.bbox)
            self.where[(TABLE_OF_SECTION[fact.section], fact.dim1, fact.dim2)] = (gi, by_tag[(gi, r, c)])

    def rows_html(self, cells: list[tuple[str, str, str]]) -> str | None:
        """The rows holding `cells` ((table, dim1, dim2)) under their table's header rows, those
        cells highlighted; columns kept aligned (a merged cell is repeated on each row shown)."""
        hit = [self.where[k] for k in cells if k in self.where]
        if not hit:
            return None
        marked = {id(cell) for _, cell in hit}
        shown: dict[int, set[int]] = {}
        for gi, cell in hit:
            shown.setdefault(gi, set()).update(range(cell.row, cell.row + cell.rowspan))
        out = ['<table class="ev">']
        for gi in sorted(shown):
            grid = self.grids[gi]
            head = set(_header_rows(grid))  # once a table, not once a cell
            rows = sorted(shown[gi] | head)
            last = None
            for r in rows:
                if last is not None and r > last + 1:
                    out.append(f'<tr class="gap"><td colspan="{grid.n_cols}">…</td></tr>')
                last = r
                tds = []
                c = 0
                while c < len(grid.cells[r]):
                    cell = grid.cells[r][c]
                    if cell is None:
                        tds.append("<td></td>")
                        c += 1
                        continue
                    span = min(cell.col + cell.colspan, len(grid.cells[r])) - c
                    cls = "hit" if id(cell) in marked else ("head" if r in head else "")
                    text = html.escape(cell.text.strip()) or "&nbsp;"
                    attrs = (f' class="{cls}"' if cls else "") + (f' colspan="{span}"' if span > 1 else "")
                    tds.append(f"<td{attrs}>{text}</td>")
                    c += max(span, 1)
                out.append("<tr>" + "".join(tds) + "</tr>")
        out.append("</table>")
        return "".join(out)


def _header_rows(grid) -> list[int]:
    """The leading rows without a number: the table's header (at most four rows)."""
    out = []
    for r in range(min(grid.n_rows, 4)):
        texts = [c.text.strip() for c in grid.row_cells(r) if c.row == r]
        if any(t and t.replace(",", "").isdigit() for t in texts):
            break
        out.append(r)
    return out


@dataclass(frozen=True)
class Request:
    """What one finding's evidence needs: planned where the facts are (`Planner`), made where
    the documents are read (`make_all`: write_all's helper process, or a thread)."""

    finding: int  # its index in the county-year's findings
    media: str  # pdf | html
    sha: str
    boxes: tuple = ()  # ((page, [x0, top, x1, bottom]), ...): the finding's PDF cells
    page_cells: dict = field(default_factory=dict)  # page → every fact cell's box on it
    page: int | None = None  # a PDF page to show whole when no cell has a box
    cells: tuple = ()  # ((table, dim1, dim2), ...): the finding's HTML cells


class Planner:
    """Per report (a county-year), which cells of which document each finding shows: the
    facts' boxes looked up once per report (a county's findings name few reports)."""

    def __init__(self, facts: dict[str, object]):
        self.facts = facts  # table → its facts frame (report_id, codes, page, bbox)
        self._boxes: dict[tuple, tuple[int, list[float]]] = {}
        self._indexed: set[str] = set()
        self._rows: dict[str, tuple[dict, list]] | None = None
        self._page_cells: dict[tuple[str, int], list[list[float]]] = {}

    def _index(self, report_id: str) -> None:
        import pandas as pd

        from pipelines.checks.findings import DIMS

        self._indexed.add(report_id)
        if self._rows is None:  # per table: report → its rows, and the four columns read here
            self._rows = {}
            for table, (d1, d2) in DIMS.items():
                f = self.facts.get(table)
                if f is not None and "bbox" in f and not f.empty:
                    self._rows[table] = (f.groupby("report_id", sort=False).indices,
                                         [f[c].to_numpy() for c in (d1, d2, "page", "bbox")])
        for table, (rows_of, columns) in self._rows.items():
            rows = rows_of.get(report_id)
            if rows is None:
                continue
            for a, b, page, box in zip(*(c[rows] for c in columns)):
                if box is None or pd.isna(page) or len(box) != 4:
                    continue
                box = [float(v) for v in box]  # plain floats: the helper has no numpy
                self._boxes[(table, report_id, a, b)] = (int(page), box)
                self._page_cells.setdefault((report_id, int(page)), []).append(box)

    def plan(self, finding: int, report: dict, cells: list[tuple], page) -> Request | None:
        """The request for one finding of `report` (a reports row: report_id, sha256,
        media_type); cells as (table, dim1, dim2, raw). None when there is nothing to show."""
        import pandas as pd

        rid, sha, media = report.get("report_id"), report.get("sha256"), report.get("media_type")
        if not rid or not isinstance(sha, str):
            return None
        if rid not in self._indexed:
            self._index(rid)
        if media == "pdf":
            boxes = tuple(self._boxes[(t, rid, a, b)] for t, a, b, *_ in cells
                          if (t, rid, a, b) in self._boxes)
            whole = int(page) if page is not None and not pd.isna(page) else None
            if not boxes and whole is None:
                return None
            return Request(finding, "pdf", sha, boxes,
                           {p: self._page_cells.get((rid, p), []) for p, _ in boxes}, whole)
        if media == "html" and cells:
            return Request(finding, "html", sha, cells=tuple((t, a, b) for t, a, b, *_ in cells))
        return None


def _nothing() -> dict:
    return {"images": [], "html": None}


class Maker:
    """Makes requests from the documents' bytes (each document opened once, lazily)."""

    def __init__(self, read_document: Callable[[str], bytes | None]):
        self.read_document = read_document
        self._pdf: dict[str, PdfPages | None] = {}
        self._html: dict[str, HtmlCells | None] = {}

    def _open_pdf(self, sha: str) -> PdfPages | None:
        for other, pages in self._pdf.items():  # rendered pages of one document at a time
            if other != sha and pages is not None:
                pages.forget()
        if sha not in self._pdf:
            data = self.read_document(sha)
            try:
                self._pdf[sha] = PdfPages(data) if data else None
            except Exception:  # not a PDF any more, damaged: no evidence, no crash
                self._pdf[sha] = None
        return self._pdf[sha]

    def _open_html(self, sha: str) -> HtmlCells | None:
        if sha not in self._html:
            data = self.read_document(sha)
            try:
                self._html[sha] = HtmlCells(data) if data else None
            except Exception:
                self._html[sha] = None
        return self._html[sha]

    def make(self, req: Request) -> dict:
        """{"images": [(page, png)], "html": str | None}"""
        if req.media == "pdf":
            pages = self._open_pdf(req.sha)
            if pages is None:
                return _nothing()
            try:
                if req.boxes:
                    return {"images": pdf_crops(pages, list(req.boxes), req.page_cells), "html": None}
                return {"images": [(req.page, page_thumbnail(pages, req.page))], "html": None}
            except Exception:
                return _nothing()
        doc = self._open_html(req.sha)
        if doc is None:
            return _nothing()
        return {"images": [], "html": doc.rows_html(list(req.cells))}

    def close(self) -> None:
        for p in self._pdf.values():
            if p is not None:
                p.close()


def make_all(requests: list[Request], documents: dict[str, bytes | None],
             out_dir: str) -> tuple[dict, dict]:
    """Every request's evidence, its PNGs written to <out_dir>/evidence/: (finding →
    evidence, finding → [(page, relative path)]). Needs only the documents' bytes, so it runs
    in write_all's helper process as well as here."""
    maker = Maker(documents.get)
    folder = Path(out_dir) / "evidence"
    found, files = {}, {}
    try:
        for req in requests:
            got = maker.make(req)
            found[req.finding] = got
            for page, png in got["images"]:
                folder.mkdir(parents=True, exist_ok=True)
                name = f"finding-{req.finding}-p{page}.png"
                (folder / name).write_bytes(png)
                files.setdefault(req.finding, []).append((page, f"evidence/{name}"))
    finally:
        maker.close()
    return found, files
