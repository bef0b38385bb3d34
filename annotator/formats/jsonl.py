"""Native JSONL: one document per line with its metadata, annotations, relations and statuses. Lossless.

Every fragment carries the text it covers, so any reader can verify the offsets (code points, end-exclusive).
The JSON Schema is resources/native_jsonl.schema.json.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputError
from annotator.core.model import (
    ORIGINS,
    Annotation,
    Document,
    Origin,
    Provenance,
    Relation,
    Status,
    stored_annotation,
    stored_fragment,
    utc_now,
)
from annotator.core.text import newline_style, sha256_of
from annotator.formats._common import stable_uuid
from annotator.formats.registry import DocumentBundle, ReadOptions, WriteOptions, reader, writer

FORMAT_VERSION = 1


def bundle_to_json(bundle: DocumentBundle) -> dict[str, Any]:
    doc = bundle.document
    return {
        "format": "media-annotator",
        "version": FORMAT_VERSION,
        "id": doc.uuid,
        "title": doc.title,
        "text": doc.text,
        "sha256": doc.sha256,
        "encoding": doc.encoding,
        "newline": doc.newline,
        "source": doc.source,
        "outlet": doc.outlet,
        "author": doc.author,
        "published": doc.published,
        "language": doc.language,
        "metadata": doc.metadata,
        "created": doc.created.isoformat(),
        "boilerplate": [list(pair) for pair in doc.boilerplate],
        "annotations": [
            {
                "id": a.uuid,
                "annotator": a.annotator,
                "label": a.label,
                "subtype": a.subtype,
                "fragments": [{"start": f.start, "end": f.end, "text": f.covered(doc.text)} for f in a.fragments],
                "attributes": a.attributes,
                "note": a.note,
                "origin": a.origin.value,
                "created": a.created.isoformat(),
                "modified": a.modified.isoformat(),
                **({"suggestion": a.provenance.to_dict()} if a.provenance else {}),
            }
            for a in bundle.annotations
        ],
        "relations": [
            {
                "id": r.uuid,
                "type": r.type,
                "from": r.source,
                "to": r.target,
                "annotator": r.annotator,
                "created": r.created.isoformat(),
            }
            for r in bundle.relations
        ],
        "status": {who: status.value for who, status in bundle.status.items()},
    }


def _time(value: Any) -> datetime:
    return _parse_time(value) if value else utc_now()


# an export writes the same few times again and again (one per editing session): parse each once, and hand out
# one object per time, whose hash Python then computes once when the import looks it up
_parse_time = lru_cache(maxsize=4096)(datetime.fromisoformat)


def _ranges(value: Any) -> tuple[tuple[int, int], ...]:
    """The boilerplate ranges as [[start, end], ...] (code points); checked against the text by Document."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(type(v) is int for v in pair) for pair in value
    ):
        raise InputError("'boilerplate' must be a list of [start, end] pairs of whole numbers")
    return tuple((start, end) for start, end in value)


def _id(value: Any) -> str:
    """An id as stored: ids are at most 36 characters (a UUID) in the database, which PostgreSQL enforces; a
    longer id from another tool becomes a UUID derived from it, the same on every import and for every reference."""
    text = str(value)
    return text if len(text) <= 36 else stable_uuid("jsonl-id", text)


def bundle_from_json(data: Any, options: ReadOptions) -> DocumentBundle:
    """Raises InputError (without file and line: the caller adds them) when data is not a valid record."""
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise InputError("each line must be a JSON object with a 'text' string")
    text = data["text"]
    try:
        doc = Document(
            text=text,
            title=str(data.get("title", "")),
            uuid=_id(data.get("id") or Document("").uuid),
            sha256=sha256_of(text),
            encoding=str(data.get("encoding", "utf-8")),
            newline=str(data.get("newline") or newline_style(text)),
            source=str(data.get("source", "")),
            outlet=str(data.get("outlet", "")),
            author=str(data.get("author", "")),
            published=str(data.get("published", "")),
            language=str(data.get("language", "")),
            metadata=dict(data.get("metadata") or {}),
            created=_time(data.get("created")),
            boilerplate=_ranges(data.get("boilerplate")),
        )
        if data.get("sha256") and data["sha256"] != doc.sha256:
            raise InputError(f"the sha256 given for document {doc.uuid} does not match its text")
        annotations = [_annotation(doc, a, options) for a in data.get("annotations", ())]
        relations = [
            Relation(
                type=str(r["type"]),
                source=_id(r["from"]),
                target=_id(r["to"]),
                annotator=options.annotator or str(r["annotator"]),
                uuid=_id(r["id"]),
                created=_time(r.get("created")),
            )
            for r in data.get("relations", ())
        ]
        status = {who: Status(value) for who, value in (data.get("status") or {}).items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed record: {type(exc).__name__} {exc}") from None
    known = {a.uuid for a in annotations}
    for rel in relations:
        if rel.source not in known or rel.target not in known:
            raise InputError(f"relation {rel.uuid} links an annotation that is not in this document")
    return DocumentBundle(doc, annotations, relations, status)


def _annotation(doc: Document, data: dict[str, Any], options: ReadOptions) -> Annotation:
    text = doc.text
    fragments = []
    for frag in data.get("fragments", ()):
        start, end = int(frag["start"]), int(frag["end"])
        if not 0 <= start < end:
            raise InputError(f"a fragment needs 0 <= start < end, got {start}..{end}")
        if end > len(text):
            raise InputError(f"span {start}..{end} lies beyond the text ({len(text)} characters)")
        if "text" in frag and text[start:end] != frag["text"]:
            raise InputError(f"span {start}..{end} covers {text[start:end]!r}, but the file says {frag['text']!r}")
        fragments.append(stored_fragment(start, end))  # checked above as Fragment() checks
    # stored_annotation makes what the constructor makes, minus its per-field cost: this runs per annotation
    return stored_annotation(
        doc.uuid,
        options.annotator or str(data["annotator"]),
        str(data["label"]),
        tuple(fragments),
        data.get("subtype") or None,
        dict(data.get("attributes") or {}),
        str(data.get("note", "")),
        ORIGINS.get(data.get("origin", "imported")) or Origin(data["origin"]),  # a dict look-up: Origin() costs more
        _id(data.get("id") or Annotation("", "", "").uuid),
        _time(data.get("created")),
        _time(data.get("modified")),
        1,
        _provenance(data["suggestion"]) if "suggestion" in data else None,
    )


def _provenance(data: Any) -> Provenance:
    try:
        return Provenance.from_dict(data)
    except (KeyError, TypeError, ValueError):
        raise InputError(f"an annotation's suggestion needs id, recommender and score, got {data!r}") from None


def _sniff(path: Path, head: bytes) -> bool:
    start = head[:200]
    return path.suffix.lower() == ".jsonl" and (
        b'"format": "media-annotator"' in start or b'"format":"media-annotator"' in start
    )


@reader("jsonl", extensions=("jsonl",), description="Native JSONL (lossless)", sniff=_sniff)
def read_jsonl(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    try:
        with path.open(encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    data = orjson.loads(line)  # several times faster than json.loads on long lines
                except orjson.JSONDecodeError as exc:
                    raise InputError(f"not valid JSON ({exc.msg}, column {exc.colno})", str(path), number) from None
                try:
                    yield bundle_from_json(data, options)
                except InputError as exc:
                    raise InputError(exc.reason, str(path), number) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None


def _record(bundle: DocumentBundle) -> dict[str, Any]:
    """bundle_to_json with datetimes left as objects, for orjson (which writes them as isoformat() does) and with
    attribute look-ups hoisted: this runs once per annotation of an export."""
    doc = bundle.document
    text = doc.text
    annotations = []
    append = annotations.append
    for a in bundle.annotations:
        append(
            {
                "id": a.uuid,
                "annotator": a.annotator,
                "label": a.label,
                "subtype": a.subtype,
                "fragments": [{"start": f.start, "end": f.end, "text": text[f.start : f.end]} for f in a.fragments],
                "attributes": a.attributes,
                "note": a.note,
                "origin": a.origin.value,
                "created": a.created,
                "modified": a.modified,
                **({"suggestion": a.provenance.to_dict()} if a.provenance else {}),
            }
        )
    return {
        "format": "media-annotator",
        "version": FORMAT_VERSION,
        "id": doc.uuid,
        "title": doc.title,
        "text": text,
        "sha256": doc.sha256,
        "encoding": doc.encoding,
        "newline": doc.newline,
        "source": doc.source,
        "outlet": doc.outlet,
        "author": doc.author,
        "published": doc.published,
        "language": doc.language,
        "metadata": doc.metadata,
        "created": doc.created,
        "boilerplate": [list(pair) for pair in doc.boilerplate],
        "annotations": annotations,
        "relations": [
            {
                "id": r.uuid,
                "type": r.type,
                "from": r.source,
                "to": r.target,
                "annotator": r.annotator,
                "created": r.created,
            }
            for r in bundle.relations
        ],
        "status": {who: status.value for who, status in bundle.status.items()},
    }


@writer("jsonl", extensions=("jsonl",), description="Native JSONL (lossless)")
def write_jsonl(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    """One compact JSON object per line (UTF-8, no ASCII escaping), written with orjson: at a million annotations
    the standard library's encoder alone takes longer than the whole export should."""
    count = 0
    dumps, newline = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    with path.open("wb") as f:
        for bundle in bundles:
            f.write(dumps(_record(bundle), option=newline))
            count += 1
    return count


def write_prepared(records: Iterable[tuple[Document, list[Any], list[Relation], dict[str, Status]]], path: Path) -> int:
    """The same lines as write_jsonl, from documents whose annotations come as plain records (the export
    service's fast path; export_records.AnnotationRecord: first start, -last end, label, uuid, annotator, subtype,
    spans, attributes, note, origin, created, modified, times already in isoformat, provenance). Returns the number of
    documents. Runs once per annotation of a million: one dict per annotation and one per fragment, no calls."""
    documents = 0
    dumps, newline = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    with path.open("wb") as f:
        for doc, annotations, relations, status in records:
            text = doc.text
            record = _record(DocumentBundle(doc, [], relations, status))
            written: list[dict[str, Any]] = []
            append = written.append
            for row in annotations:  # export_records.AnnotationRecord
                start, end, label, uuid, who, subtype, spans, attrs, note, origin, created, modified, source = row
                if spans is None:  # one fragment: start and -end
                    end = -end
                    fragments = [{"start": start, "end": end, "text": text[start:end]}]
                else:
                    fragments = [{"start": s, "end": e, "text": text[s:e]} for s, e in spans]
                append(
                    {
                        "id": uuid,
                        "annotator": who,
                        "label": label,
                        "subtype": subtype,
                        "fragments": fragments,
                        "attributes": attrs,
                        "note": note,
                        "origin": origin,
                        "created": created,
                        "modified": modified,
                    }
                )
                if source:  # an accepted suggestion's provenance
                    written[-1]["suggestion"] = source
            record["annotations"] = written
            f.write(dumps(record, option=newline))
            documents += 1
    return documents
