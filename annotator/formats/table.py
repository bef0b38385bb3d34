"""Batches of articles, one per row: CSV and TSV tables, JSON arrays and JSON Lines (Media Cloud, scrapers).

Columns are mapped to the document's fields (text, title, outlet, author, published, url, language) and to the
metadata field "story" (which articles cover the same story: the analysis pairs outlets within stories). Common
column names are recognised; ReadOptions.mapping (field -> column, "" or "-" for none) overrides them. Every other
column is kept in the document's metadata, so labels that come with a dataset (BABE's label_bias) travel along.
The text of each row is stored exactly as the cell holds it. A row without text fails the whole file, naming the
line, because each file is imported whole or not at all.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Document
from annotator.core.text import newline_style
from annotator.formats.decoding import decode_text, read_limited, strip_bom
from annotator.formats.limits import MAX_BATCH_BYTES, MAX_CELL_CHARS
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions, reader

FIELDS = ("text", "title", "outlet", "author", "published", "url", "language", "story")
METADATA_FIELDS = ("story",)  # mapped like the others, but kept in the document's metadata
FIELD_ALIASES = {"date": "published", "body": "text", "headline": "title", "link": "url", "lang": "language"}
NONE = ("", "-")  # mapping a field to one of these turns its detection off

# Tried in this order; names are compared lower-cased with spaces, dots and hyphens read as underscores.
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "body",
        "content",
        "article",
        "article_text",
        "full_text",
        "fulltext",
        "maintext",
        "main_text",
        "body_text",
        "story",
        "sentence",
        "document",
        "raw_text",
    ),
    "title": ("title", "headline", "heading", "article_title", "head", "hl"),
    "outlet": (
        "outlet",
        "media_name",
        "source_name",
        "sitename",
        "site_name",
        "publication",
        "publisher",
        "newspaper",
        "media",
        "medium",
        "outlet_name",
        "source",
        "site",
        "domain",
    ),
    "author": ("author", "authors", "byline", "by", "writer", "creator"),
    "published": (
        "published",
        "publish_date",
        "publication_date",
        "pub_date",
        "date_published",
        "published_at",
        "publishedat",
        "date",
        "datetime",
        "timestamp",
        "time",
    ),
    "url": ("url", "link", "news_link", "article_url", "web_url", "permalink", "href", "uri", "source_url"),
    "language": ("language", "lang", "locale"),
    # "story" alone is also a name for the text; detected as the story only when another column holds the text
    "story": ("story", "story_id", "storyid", "event_id", "triplet_id", "triplet_uuid", "story_uuid"),
}
RESERVED = ("source_format", "file", "row")
DELIMITERS = (",", ";", "\t", "|")
JSON_LIST_KEYS = ("articles", "data", "documents", "items", "results", "records", "stories", "rows")
PREVIEW_ROWS = 20
PREVIEW_BYTES = 1 << 20

_SEPARATORS = re.compile(r"[\s.\-]+")


def normalise(name: str) -> str:
    return _SEPARATORS.sub("_", strip_bom(name).strip().lower())


def detect_mapping(columns: Iterable[str]) -> dict[str, str]:
    """field -> column for every field whose column has a common name."""
    by_name: dict[str, str] = {}
    for column in columns:
        by_name.setdefault(normalise(column), column)
        by_name.setdefault(normalise(column).replace("_", ""), column)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for fld in FIELDS:
        for name in COMMON_NAMES[fld]:
            column = by_name.get(name)
            if column is not None and column not in used:
                mapping[fld] = column
                used.add(column)
                break
    return mapping


def resolve_mapping(columns: list[str], given: dict[str, str], where: str) -> dict[str, str]:
    """The detected mapping with the given one laid over it; InputError for unknown fields or columns."""
    mapping = detect_mapping(columns)
    for key, column in given.items():
        fld = FIELD_ALIASES.get(key.strip().lower(), key.strip().lower())
        if fld not in FIELDS:
            raise InputError(f"cannot map '{key}': the fields are {', '.join(FIELDS)}", where)
        if column.strip() in NONE:
            mapping.pop(fld, None)
            continue
        if column not in columns:
            shown = ", ".join(columns[:30]) + (", ..." if len(columns) > 30 else "")
            raise InputError(f"there is no column '{column}' to map {fld} to; the columns are: {shown}", where)
        for other, col in list(mapping.items()):
            if col == column and other != fld and other not in given:
                del mapping[other]  # a column given for one field is no longer guessed for another
        mapping[fld] = column
    if "text" not in mapping:
        raise InputError(
            f"no column holds the article text (columns: {', '.join(columns[:30])}); "
            "name it with a mapping such as text=COLUMN",
            where,
        )
    return mapping


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_as_text(v) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("title") or "")
    return str(value)


def _metadata_key(column: str) -> str:
    return f"column_{column}" if column in RESERVED else column


@dataclass
class Rows:
    """The rows of one batch file as dicts of column -> value, with the line (or record) each starts on."""

    kind: str  # csv, tsv, json or jsonl
    encoding: str
    columns: list[str]
    records: Iterable[tuple[int, dict[str, Any]]]
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)


def bundles_from_rows(rows: Rows, path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    where = str(path)
    mapping = resolve_mapping(rows.columns, options.mapping, where)
    mapped = set(mapping.values())
    text_column = mapping["text"]
    for line, record in rows.records:
        text = record.get(text_column)
        if not isinstance(text, str):
            text = _as_text(text)
        if not text.strip("\ufeff \t\r\n"):
            raise InputError(f"the text ('{text_column}') of this row is empty", where, line)
        if len(text) > MAX_CELL_CHARS:
            raise InputError(
                f"the text of this row is over the {MAX_CELL_CHARS // 2**20} M characters limit", where, line
            )
        values = {fld: _as_text(record.get(column)).strip() for fld, column in mapping.items() if fld != "text"}
        metadata: dict[str, Any] = {"source_format": rows.kind, "file": where, "row": line}
        metadata.update({fld: values[fld] for fld in METADATA_FIELDS if values.get(fld)})
        for column, value in record.items():
            if column not in mapped and value not in (None, ""):
                metadata[_metadata_key(column)] = value
        yield DocumentBundle(
            Document(
                text=text,
                title=values.get("title") or title_from(text, f"{path.stem} {line}"),
                encoding=rows.encoding,
                newline=newline_style(text),
                source=values.get("url", ""),
                outlet=values.get("outlet", ""),
                author=values.get("author", ""),
                published=values.get("published", ""),
                language=values.get("language", ""),
                metadata=metadata,
            )
        )


# -- CSV and TSV -------------------------------------------------------------------------------------------


def _delimiter(text: str, path: Path, options: ReadOptions) -> str:
    given = options.extra.get("delimiter")
    if given:
        return "\t" if given in ("tab", "\\t") else str(given)
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_rows(path: Path, options: ReadOptions, data: bytes | None = None) -> Rows:
    if data is None:
        data = read_limited(path, MAX_BATCH_BYTES, "table")
    raw, encoding = decode_text(data, str(path), MAX_BATCH_BYTES)
    text = strip_bom(raw)
    delimiter = _delimiter(text, path, options)
    csv.field_size_limit(MAX_CELL_CHARS + 1)
    parsed = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(parsed)
    except StopIteration:
        raise InputError("the table has no header row", str(path)) from None
    except csv.Error as exc:
        raise InputError(f"the header row is not valid CSV: {exc}", str(path), 1) from None
    columns = [c.strip() for c in header]
    if len(set(columns)) != len(columns):
        seen: set[str] = set()
        dup = next(c for c in columns if c in seen or seen.add(c))  # type: ignore[func-returns-value]
        raise InputError(f"the header names column '{dup}' twice", str(path), 1)

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        line = parsed.line_num + 1
        try:
            for row in parsed:
                if row:
                    yield line, dict(zip(columns, row, strict=False))
                line = parsed.line_num + 1
        except csv.Error as exc:
            raise InputError(f"not valid CSV: {exc}", str(path), line) from None

    kind = "tsv" if delimiter == "\t" else "csv"
    return Rows(kind, encoding, columns, records(), delimiter)


@reader("articles-csv", extensions=("csv", "tsv", "tab"), description="Table of articles, one per row (CSV, TSV)")
def read_table(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    yield from bundles_from_rows(csv_rows(path, options), path, options)


# -- JSON and JSON Lines ---------------------------------------------------------------------------------


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted columns: {"source": {"name": "BBC"}} -> {"source.name": "BBC"}."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _json_records(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    where = str(path)
    if path.suffix.lower() in (".jsonl", ".ndjson") or _looks_like_lines(text):
        for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: JSON strings may hold U+2028
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"not valid JSON ({exc.msg}, column {exc.colno})", where, number) from None
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", where, exc.lineno) from None
    if isinstance(data, dict):
        listed = next((data[k] for k in JSON_LIST_KEYS if isinstance(data.get(k), list)), None)
        data = listed if listed is not None else [data]
    if not isinstance(data, list):
        raise InputError("the JSON holds neither articles (objects) nor a list of them", where)
    yield from enumerate(data, start=1)


def _looks_like_lines(text: str) -> bool:
    """A .json file that is really JSON Lines: an object on the first line and another after it."""
    first, _, rest = text.lstrip().partition("\n")
    return first.rstrip().endswith("}") and rest.lstrip().startswith("{")


def json_rows(path: Path, options: ReadOptions, data: bytes | None = None) -> Rows:
    if data is None:
        data = read_limited(path, MAX_BATCH_BYTES, "JSON file")
    raw, encoding = decode_text(data, str(path), MAX_BATCH_BYTES)
    kind = "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "json"
    records = ((n, _object(path, n, r)) for n, r in _json_records(path, strip_bom(raw)))
    head: list[tuple[int, dict[str, Any]]] = []
    for item in records:  # the columns come from the first records; later ones may lack some
        head.append(item)
        if len(head) >= 50:
            break
    if not head:
        raise InputError("the file holds no articles", str(path))
    columns: dict[str, None] = {}
    for _, record in head:
        columns.update(dict.fromkeys(record))

    def all_records() -> Iterator[tuple[int, dict[str, Any]]]:
        yield from head
        yield from records

    return Rows(kind, encoding, list(columns), all_records())


def _object(path: Path, number: int, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"each article must be a JSON object, not {type(value).__name__}", str(path), number)
    if value.get("format") == "media-annotator":  # its annotations would end up as metadata here
        raise InputError("this is the native format; import it with --format jsonl (or name it .jsonl)", str(path))
    return flatten(value)


@reader("articles-json", extensions=("json", "jsonl", "ndjson"), description="Articles as JSON or JSON Lines")
def read_json_batch(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    yield from bundles_from_rows(json_rows(path, options), path, options)


# -- preview (the import dialog shows it before anything is stored) ---------------------------------------


@dataclass
class TablePreview:
    columns: list[str]
    rows: list[list[str]]  # the first PREVIEW_ROWS rows, as shown
    mapping: dict[str, str]  # detected, or given and checked
    kind: str
    encoding: str
    delimiter: str = ""
    problem: str = ""  # why the file would not import as it stands (e.g. no text column), else ""


def is_table(path: Path) -> bool:
    return path.suffix.lower() in (".csv", ".tsv", ".tab", ".json", ".jsonl", ".ndjson")


def _head(path: Path) -> bytes | None:
    """The first PREVIEW_BYTES of a large file, cut after its last whole line; None to read it all."""
    try:
        size = path.stat().st_size
        if size <= 4 * PREVIEW_BYTES or path.suffix.lower() == ".json":
            return None
        with path.open("rb") as f:
            head = f.read(PREVIEW_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: a line end is two bytes; read it all
        return None
    return head[: head.rfind(b"\n") + 1] or None


def preview(path: Path, options: ReadOptions | None = None, limit: int = PREVIEW_ROWS) -> TablePreview:
    """The columns, first rows and mapping of a batch file; large files are previewed from their start."""
    options = options or ReadOptions()
    is_csv = path.suffix.lower() in (".csv", ".tsv", ".tab")
    head = _head(path)
    rows = csv_rows(path, options, head) if is_csv else json_rows(path, options, head)
    shown = []
    for _, record in rows.records:
        shown.append([_as_text(record.get(c)) for c in rows.columns])
        if len(shown) >= limit:
            break
    try:
        mapping, problem = resolve_mapping(rows.columns, options.mapping, str(path)), ""
    except InputError as exc:
        mapping, problem = detect_mapping(rows.columns), exc.reason
    return TablePreview(rows.columns, shown, mapping, rows.kind, rows.encoding, rows.delimiter, problem)
