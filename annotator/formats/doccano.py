"""doccano JSONL: sequence labelling ({"text", "label": [[start, end, "label"], ...]}) and relation extraction
({"text", "entities": [{"id", "start_offset", "end_offset", "label"}], "relations": [{"from_id", "to_id", "type"}]}).

Offsets are code points of "text", end-exclusive. Labels carry the sub-type as "claim/statistical". One line is
one document as one annotator saw it: lines also carry "annotator" (doccano's exports add the user to the file
name instead; --annotator sets it on import), "document_id" and "title". Writing uses the relation variant for
a document whose annotations are related and the sequence-labelling variant otherwise. doccano has no
discontinuous spans, attributes or notes: each fragment is written as its own span, attributes and notes are
left out (the export notes how many). Reading accepts both variants, and other column names through the import
mapping (e.g. --map text=column_data,label=column_label, as doccano's own import examples use).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Relation
from annotator.core.text import newline_style
from annotator.formats._common import IdMaker, fragment, imported, join_label, stable_uuid
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions, WriteOptions, reader, writer


def _sniff(path: Path, head: bytes) -> bool:
    """A first line with doccano's span lists: "label": [[start, end, "name"], ...] or "entities" with offsets.
    (A plain {"text", "label": "pos"} line is a table of articles to the article importer, not doccano's.)"""
    if path.suffix.lower() not in (".jsonl", ".json"):
        return False
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    if b'"media-annotator"' in first:
        return False
    if b'"start_offset"' in first:
        return True
    try:
        data = json.loads(first)
    except ValueError:
        return False
    spans = data.get("label") if isinstance(data, dict) else None
    return isinstance(spans, list) and bool(spans) and all(isinstance(s, list) and len(s) == 3 for s in spans)


@reader("doccano", extensions=("jsonl",), description="doccano JSONL (sequence labelling, relations)", sniff=_sniff)
def read_doccano(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    text_key = options.mapping.get("text", "text")
    label_key = options.mapping.get("label", "label")
    try:
        with path.open(encoding="utf-8-sig") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"not valid JSON ({exc.msg}, column {exc.colno})", str(path), number) from None
                if not isinstance(data, dict) or not isinstance(data.get(text_key), str):
                    raise InputError(f"each line must be a JSON object with a '{text_key}' string", str(path), number)
                yield _bundle(data, data[text_key], label_key, options, str(path), number)
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None


def _bundle(
    data: dict[str, Any], text: str, label_key: str, options: ReadOptions, where: str, line: int
) -> DocumentBundle:
    doc = Document(
        text=text,
        title=str(data.get("title") or title_from(text, f"line {line}")),
        newline=newline_style(text),
        source=where,
        metadata={"doccano": {k: v for k, v in data.items() if k in ("id", "meta", "document_id")}},
    )
    annotator = options.annotator or str(data.get("annotator") or data.get("user") or "doccano")
    ids = IdMaker(doc, "doccano")
    annotations: list[Annotation] = []
    relations: list[Relation] = []
    try:
        if "entities" in data:
            by_id: dict[Any, Annotation] = {}
            for entity in data["entities"]:
                frag = fragment(text, int(entity["start_offset"]), int(entity["end_offset"]), None, where, line)
                ann = imported(doc, ids, annotator, str(entity["label"]), [frag])
                by_id[entity.get("id", len(by_id))] = ann
                annotations.append(ann)
            for rel in data.get("relations", ()):
                source, target = by_id.get(rel["from_id"]), by_id.get(rel["to_id"])
                if source is None or target is None:
                    raise InputError(
                        f"relation {rel.get('id', '')} links an entity that is not in this line", where, line
                    )
                kind = str(rel["type"])
                uuid = stable_uuid("doccano-rel", source.uuid, target.uuid, kind)
                relations.append(Relation(kind, source.uuid, target.uuid, annotator, uuid=uuid))
        else:
            for item in data.get(label_key) or data.get("labels") or ():
                if isinstance(item, str):  # text classification: a label for the whole document
                    annotations.append(imported(doc, ids, annotator, item, []))
                    continue
                start, end, name = item
                annotations.append(
                    imported(doc, ids, annotator, str(name), [fragment(text, int(start), int(end), None, where, line)])
                )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed doccano record ({type(exc).__name__}: {exc})", where, line) from None
    return DocumentBundle(doc, annotations, relations)


@writer("doccano", extensions=("jsonl",), description="doccano JSONL (sequence labelling, relations)")
def write_doccano(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    count = lost = 0
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for bundle in bundles:
            doc = bundle.document
            by_annotator: dict[str, list[Annotation]] = defaultdict(list)
            for ann in bundle.annotations:
                by_annotator[ann.annotator].append(ann)
                lost += bool(ann.attributes) + bool(ann.note)
            for annotator, anns in by_annotator.items() or [("", [])]:
                record: dict[str, Any] = {"text": doc.text, "document_id": doc.uuid, "title": doc.title}
                if annotator:
                    record["annotator"] = annotator
                mine = {a.uuid for a in anns}
                relations = [r for r in bundle.relations if r.source in mine and r.target in mine]
                if relations:
                    entities, first = [], {}
                    for ann in anns:
                        for frag in ann.fragments:
                            first.setdefault(ann.uuid, len(entities))
                            entities.append(
                                {
                                    "id": len(entities),
                                    "start_offset": frag.start,
                                    "end_offset": frag.end,
                                    "label": join_label(ann.label, ann.subtype),
                                }
                            )
                    record["entities"] = entities
                    record["relations"] = [
                        {"id": n, "from_id": first[r.source], "to_id": first[r.target], "type": r.type}
                        for n, r in enumerate(relations)
                        if r.source in first and r.target in first
                    ]
                else:
                    record["label"] = [
                        [frag.start, frag.end, join_label(a.label, a.subtype)] for a in anns for frag in a.fragments
                    ] + [join_label(a.label, a.subtype) for a in anns if not a.fragments]
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    if lost:
        options.extra.setdefault("notes", []).append(f"{lost} notes or attribute sets have no doccano form")
    return count
