"""Plain text and Markdown articles: one file, one document.

The text is read as a scraped page (formats/scraped.py): its furniture is marked and its headline, date,
byline and outlet are guessed; with no headline found, the first non-empty line is its title.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import Document
from annotator.core.text import newline_style
from annotator.formats import scraped
from annotator.formats.decoding import decode_text, read_limited
from annotator.formats.limits import MAX_TEXT_BYTES
from annotator.formats.registry import DocumentBundle, ReadOptions, reader


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    return read_limited(path, limit or MAX_TEXT_BYTES, "text file")


def title_from(text: str, fallback: str) -> str:
    for line in text.lstrip("\ufeff").splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return fallback


@reader("text", extensions=("txt", "text", "md", "markdown"), description="Plain text or Markdown article")
def read_text(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    text, encoding = decode_text(read_bytes(path), str(path))
    if not text.strip("\ufeff \t\r\n"):
        raise InputError("the file holds no text", str(path))
    doc = Document(
        text=text,
        title=title_from(text, path.stem),
        encoding=encoding,
        newline=newline_style(text),
        source=str(path),
        metadata={"source_format": "markdown" if path.suffix.lower() in (".md", ".markdown") else "text"},
    )
    yield DocumentBundle(scraped.apply(doc, options))
