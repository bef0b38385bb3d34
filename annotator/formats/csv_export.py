"""CSV, one row per annotation: for pandas, R and spreadsheets (export only).

Columns: the document's id and metadata (its free-form metadata as one JSON column), the annotation's id,
annotator, label, sub-type, start and end (code points; for a discontinuous span, the first start and last end),
every fragment as "start-end;start-end", the covered text (fragments joined by " … "), the sentence around it,
note, origin, times, and one column per attribute of the scheme ("attr_<name>"; attributes the scheme does not
define go into "attributes_other" as JSON). Document-level annotations have empty offsets. UTF-8, RFC 4180
quoting (fields holding line breaks are quoted), no byte-order mark.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.scheme import Scheme
from annotator.formats._common import Sentences
from annotator.formats.registry import DocumentBundle, WriteOptions, writer

DOCUMENT_COLUMNS = ["document_id", "title", "outlet", "author", "published", "language", "source", "metadata"]
ANNOTATION_COLUMNS = [
    "annotation_id", "annotator", "label", "subtype", "start", "end", "fragments", "text", "sentence", "note",
    "origin", "created", "modified",
]  # fmt: skip


def attribute_names(scheme: Scheme | None) -> list[str]:
    names: list[str] = []
    for label in scheme.labels if scheme else ():
        names += [a.name for a in label.attributes if a.name not in names]
    return names


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


@writer("csv", extensions=("csv",), description="CSV, one row per annotation (pandas, R, Excel)")
def write_csv(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    attributes = attribute_names(options.extra.get("scheme"))
    known = set(attributes)
    header = DOCUMENT_COLUMNS + ANNOTATION_COLUMNS + [f"attr_{a}" for a in attributes] + ["attributes_other"]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        for bundle in bundles:
            doc = bundle.document
            text = doc.text
            sentences = Sentences(text) if bundle.annotations else None
            metadata = json.dumps(doc.metadata, ensure_ascii=False) if doc.metadata else ""
            doc_cells = [doc.uuid, doc.title, doc.outlet, doc.author, doc.published, doc.language, doc.source, metadata]
            for ann in bundle.annotations:
                frags = ann.fragments
                other = {k: v for k, v in ann.attributes.items() if k not in known}
                out.writerow(
                    doc_cells
                    + [
                        ann.uuid,
                        ann.annotator,
                        ann.label,
                        ann.subtype or "",
                        frags[0].start if frags else "",
                        ann.end if frags else "",
                        ";".join(f"{f.start}-{f.end}" for f in frags),
                        " … ".join(text[f.start : f.end] for f in frags),
                        sentences.around(ann.start, ann.end) if sentences and frags else "",
                        ann.note,
                        ann.origin.value,
                        ann.created.isoformat(),
                        ann.modified.isoformat(),
                    ]  # fmt: skip
                    + [_cell(ann.attributes.get(a)) for a in attributes]
                    + [json.dumps(other, ensure_ascii=False) if other else ""]
                )
                rows += 1
    return rows


def write_prepared(records: Iterable[tuple[Any, list[Any], Any, Any]], path: Path, options: WriteOptions) -> int:
    """The same file as write_csv, from documents whose annotations come as plain records (the export service's
    fast path: uuid, annotator, label, subtype, spans, attributes, note, origin, created, modified)."""
    attributes = attribute_names(options.extra.get("scheme"))
    known = set(attributes)
    header = DOCUMENT_COLUMNS + ANNOTATION_COLUMNS + [f"attr_{a}" for a in attributes] + ["attributes_other"]
    no_attributes = [""] * (len(attributes) + 1)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        for doc, annotations, _relations, _status in records:
            text = doc.text
            sentences = Sentences(text) if annotations else None
            metadata = json.dumps(doc.metadata, ensure_ascii=False) if doc.metadata else ""
            doc_cells = [doc.uuid, doc.title, doc.outlet, doc.author, doc.published, doc.language, doc.source, metadata]
            lines = []
            for uuid, annotator, label, subtype, spans, attrs, note, origin, created, modified in annotations:
                if spans:
                    first, last = spans[0][0], (spans[0][1] if len(spans) == 1 else max(e for _, e in spans))
                    where = ";".join(f"{s}-{e}" for s, e in spans)
                    covered = " … ".join(text[s:e] for s, e in spans)
                    sentence = sentences.around(first, last)  # type: ignore[union-attr]
                else:
                    first = last = where = covered = sentence = ""
                if attrs:
                    other = {k: v for k, v in attrs.items() if k not in known}
                    tail = [_cell(attrs.get(a)) for a in attributes]
                    tail.append(json.dumps(other, ensure_ascii=False) if other else "")
                else:
                    tail = no_attributes
                lines.append(
                    doc_cells
                    + [
                        uuid,
                        annotator,
                        label,
                        subtype or "",
                        first,
                        last,
                        where,
                        covered,
                        sentence,
                        note,
                        origin,
                        created,
                        modified,
                    ]  # fmt: skip
                    + tail
                )
            out.writerows(lines)
            rows += len(lines)
    return rows
