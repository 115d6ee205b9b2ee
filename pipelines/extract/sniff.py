"""What a document really is, by its bytes first: servers mislabel files all the time."""

from __future__ import annotations

import zipfile
import io

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (.doc) and WPS containers


def sniff_media_type(data: bytes, hint: str | None = None) -> str:
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return hint or "other"
        return "docx" if "word/document.xml" in names else "other"
    if data.startswith(_OLE):
        return "wps" if hint == "wps" else "doc"
    low = head[:512].lower()
    if low.startswith((b"<!doctype", b"<html", b"<?xml")) or b"<html" in low or b"<table" in low:
        # An HTML page saved under a .pdf name stays a PDF for the reader, which then
        # says precisely what went wrong; an HTML page we expected is HTML.
        return "pdf" if hint == "pdf" else "html"
    return hint or "other"
