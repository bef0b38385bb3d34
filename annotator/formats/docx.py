"""Word .docx articles (python-docx): paragraphs and tables in reading order, one per line.

A .docx file is a zip archive, so it passes the same checks as any zip (formats/archive.py) before it is opened.
The title comes from the file's properties, else from its first line; the properties' author and language are
kept, and all of them are recorded in the document's metadata.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table

from annotator.core.errors import InputError
from annotator.core.model import Document
from annotator.core.text import newline_style
from annotator.formats.archive import check_zip
from annotator.formats.decoding import read_limited
from annotator.formats.limits import MAX_DOCUMENT_BYTES
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions, reader


def _table_lines(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells = [cell.text.strip() for cell in row.cells]
        if any(cells):
            yield "\t".join(cells)


def docx_text(document: Any) -> str:
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_table_lines(block))
        else:
            lines.append(block.text)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _properties(document: Any) -> dict[str, str]:
    props = document.core_properties
    found = {
        "title": props.title,
        "author": props.author,
        "subject": props.subject,
        "keywords": props.keywords,
        "language": props.language,
        "created": props.created.isoformat() if props.created else "",
        "modified": props.modified.isoformat() if props.modified else "",
    }
    return {key: str(value).strip() for key, value in found.items() if value and str(value).strip()}


@reader("docx", extensions=("docx",), description="Word document (.docx)")
def read_docx(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    read_limited(path, MAX_DOCUMENT_BYTES, "Word file")  # size and emptiness checks only
    if not zipfile.is_zipfile(path):
        raise InputError("not a Word .docx file (old .doc files must be saved as .docx first)", str(path))
    check_zip(path)
    try:
        document = docx.Document(str(path))
        text, props = docx_text(document), _properties(document)
    except (PackageNotFoundError, zipfile.BadZipFile) as exc:
        raise InputError(f"not a readable Word .docx file ({exc})", str(path)) from None
    except Exception as exc:  # a damaged package fails in many ways inside python-docx and lxml
        raise InputError(f"not a readable Word .docx file ({type(exc).__name__}: {exc})", str(path)) from None
    if not text.strip():
        raise InputError("the Word file holds no text", str(path))
    yield DocumentBundle(
        Document(
            text=text,
            title=props.get("title") or title_from(text, path.stem),
            encoding="docx",
            newline=newline_style(text),
            source=str(path),
            author=props.get("author", ""),
            language=props.get("language", ""),
            metadata={"source_format": "docx", **{f"docx_{k}": v for k, v in props.items()}},
        )
    )
