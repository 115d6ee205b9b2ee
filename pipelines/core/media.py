"""What a fetched body really is: by magic bytes first, then Content-Type, then extension.

Portals serve HTML error pages under .pdf names and PDFs as application/octet-stream, so the
bytes decide whenever they can.
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import parse_qsl, unquote, urlsplit

DOCUMENT_EXTENSIONS = ("pdf", "doc", "docx", "wps")
DOCUMENT_MEDIA = frozenset({"pdf", "doc", "docx"})

_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|script|table|div|p\b|style|link)",
    re.IGNORECASE | re.DOTALL,
)
_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/msword": "doc",
    "application/vnd.ms-works": "doc",
    "application/wps-office.wps": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
_EXTENSIONS = {"pdf": "pdf", "doc": "doc", "wps": "doc", "docx": "docx",
               "html": "html", "htm": "html", "shtml": "html", "jsp": "html", "aspx": "html", "php": "html"}


def url_extension(url: str) -> str:
    """Lower-case extension of the URL's path ("" when none)."""
    path = unquote(urlsplit(url).path)
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def by_extension(url: str) -> str | None:
    return _EXTENSIONS.get(url_extension(url))


def by_magic(content: bytes) -> str | None:
    head = content[:1024]
    if b"%PDF-" in head:  # some generators put junk before the header; readers accept it
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"  # OLE2: Word 97-2003 and WPS files (also .xls: see media_type)
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return "other"
        return "docx" if any(n.startswith("word/") for n in names) else "other"
    if head.startswith(b"{\\rtf"):
        return "other"
    text_head = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(text_head):
        return "html"
    return None


_DISPOSITION_NAME = re.compile(
    r"""filename\*\s*=\s*(?:[\w-]*'[^']*')?"?([^";]+)"?|filename\s*=\s*"?([^";]+)"?""", re.I)


def disposition_name(value: str | None) -> str | None:
    """The file name a Content-Disposition header gives (RFC 6266 filename* preferred)."""
    if not value:
        return None
    names = [a or b for a, b in _DISPOSITION_NAME.findall(value)]
    return unquote(names[0].strip()) if names and names[0].strip() else None


def _name_extension(name: str) -> str:
    name = name.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def expected_type(url: str, disposition: str | None = None) -> tuple[str | None, str, str]:
    """(media type, extension, how) that the response's name promises: the Content-Disposition
    file name first, then the URL's path, then a document name in its query (a download script
    such as downfile.jsp?filename=….pdf)."""
    name = disposition_name(disposition)
    if name and _name_extension(name) in _EXTENSIONS:
        ext = _name_extension(name)
        return _EXTENSIONS[ext], ext, "by Content-Disposition"
    ext = url_extension(url)
    if ext not in DOCUMENT_EXTENSIONS:
        for _, value in parse_qsl(urlsplit(url).query):
            if _name_extension(value) in DOCUMENT_EXTENSIONS:
                ext = _name_extension(value)
                return _EXTENSIONS[ext], ext, "by file name in the URL"
    return _EXTENSIONS.get(ext), ext, "by extension"


def media_type(content: bytes, content_type: str | None, url: str,
               disposition: str | None = None) -> tuple[str, str | None]:
    """(media type, note) where note says when the body is not what its name promised.
    `disposition`: the response's Content-Disposition, whose file name beats the URL's."""
    expected, ext, how = expected_type(url, disposition)
    kind = by_magic(content)
    if kind == "doc" and ext in ("xls", "et", "ppt", "dps"):
        kind = "other"
    if kind is None and content_type:
        kind = _CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
    if kind is None:
        kind = expected or "other"
    note = None
    if expected in DOCUMENT_MEDIA and kind != expected:
        note = f"expected {ext} ({how}), got {kind}"
        if kind == "html":
            note += " (probably an error page)"
    return kind, note



def sniff_media_type(data: bytes, hint: str | None = None) -> str:
    """What a stored document is for the reader: its bytes, then the crawler's hint."""
    kind = by_magic(data)
    if kind == "html" and hint == "pdf":
        # An HTML page saved under a .pdf name stays a PDF for the reader, which then says
        # precisely what went wrong ("not a PDF: the server returned an HTML page").
        return "pdf"
    if kind == "doc" and hint == "wps":
        return "wps"
    return kind or hint or "other"
