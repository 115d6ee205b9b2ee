"""What a document really is, by its bytes first: servers mislabel files all the time."""

from __future__ import annotations

from pipelines.crawl.media import by_magic


def sniff_media_type(data: bytes, hint: str | None = None) -> str:
    kind = by_magic(data)
    if kind == "html" and hint == "pdf":
        # An HTML page saved under a .pdf name stays a PDF for the reader, which then says
        # precisely what went wrong ("not a PDF: the server returned an HTML page").
        return "pdf"
    if kind == "doc" and hint == "wps":
        return "wps"
    return kind or hint or "other"
