"""Plain text and Markdown articles: one file, one document; the first non-empty line is taken as its title."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import Document
from annotator.core.text import newline_style
from annotator.formats.decoding import decode_text
from annotator.formats.registry import DocumentBundle, ReadOptions, reader


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None


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
    yield DocumentBundle(
        Document(
            text=text,
            title=title_from(text, path.stem),
            encoding=encoding,
            newline=newline_style(text),
            source=str(path),
        )
    )
