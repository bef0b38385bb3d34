"""PDF articles (pypdf): the text layer of every page, pages separated by a blank line.

A scanned PDF has pictures of pages and no text layer; it is refused with a message that says so, rather than
stored as an empty document. Nothing in the PDF (scripts, links, forms) is run or followed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from annotator.core.errors import InputError
from annotator.core.model import Document
from annotator.core.text import newline_style
from annotator.formats.decoding import read_limited
from annotator.formats.limits import MAX_DOCUMENT_BYTES
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions, reader

PAGE_SEPARATOR = "\n\n"

logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns about every odd but readable file


def _metadata(pdf: PdfReader) -> dict[str, str]:
    info: Any = pdf.metadata
    if info is None:
        return {}
    found = {"title": info.title, "author": info.author, "subject": info.subject}
    try:
        found["created"] = info.creation_date.isoformat() if info.creation_date else None
    except (ValueError, TypeError):  # malformed date strings are common; the date is not worth failing for
        found["created"] = None
    return {key: str(value).strip() for key, value in found.items() if value and str(value).strip()}


def _sniff(path: Path, head: bytes) -> bool:
    return b"%PDF-" in head[:1024]  # readers accept a little junk before the header, so do we


@reader("pdf", extensions=("pdf",), description="PDF with a text layer", sniff=_sniff)
def read_pdf(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    where = str(path)
    read_limited(path, MAX_DOCUMENT_BYTES, "PDF")  # size and emptiness checks only
    try:
        pdf = PdfReader(path)
        if pdf.is_encrypted and not pdf.decrypt(""):
            raise InputError("the PDF is password-protected; save an unprotected copy first", where)
        pages = [page.extract_text() or "" for page in pdf.pages]
        meta = _metadata(pdf)
    except InputError:
        raise
    except (PdfReadError, PyPdfError) as exc:
        raise InputError(f"not a readable PDF ({exc})", where) from None
    except Exception as exc:  # damaged files make pypdf fail in many ways; each is "cannot read", not a crash
        raise InputError(f"not a readable PDF ({type(exc).__name__}: {exc})", where) from None
    text = PAGE_SEPARATOR.join(page.strip("\n") for page in pages).strip()
    if not text:
        raise InputError(
            f"the PDF has no text layer on any of its {len(pages)} pages (a scan?); run OCR on it first, "
            "e.g. with ocrmypdf, then import the result",
            where,
        )
    yield DocumentBundle(
        Document(
            text=text,
            title=meta.get("title") or title_from(text, path.stem),
            encoding="pdf",
            newline=newline_style(text),
            source=where,
            author=meta.get("author", ""),
            metadata={"source_format": "pdf", "pages": len(pages), **{f"pdf_{k}": v for k, v in meta.items()}},
        )
    )
