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
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.scheme import Scheme
from annotator.formats._common import Sentences
from annotator.formats.registry import DocumentBundle, WriteOptions, writer

DOCUMENT_COLUMNS = ["document_id", "title", "outlet", "author", "published", "language", "source", "metadata"]
ANNOTATION_COLUMNS = [
    "annotation_id",
    "annotator",
    "label",
    "subtype",
    "start",
    "end",
    "fragments",
    "text",
    "sentence",
    "note",
    "origin",
    "created",
    "modified",
    "suggestion_id",  # an accepted suggestion's provenance (empty for the rest)
    "recommender",
    "recommender_version",
    "suggestion_score",
]


def _provenance_cells(provenance: dict[str, Any] | None) -> list[Any]:
    if not provenance:
        return ["", "", "", ""]
    return [provenance["id"], provenance["recommender"], provenance["recommender_version"], provenance["score"]]


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
            sentences = Sentences(text, doc.boilerplate) if bundle.annotations else None
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
                        *_provenance_cells(ann.provenance and ann.provenance.to_dict()),
                    ]
                    + [_cell(ann.attributes.get(a)) for a in attributes]
                    + [json.dumps(other, ensure_ascii=False) if other else ""]
                )
                rows += 1
    return rows


def _quoted(value: str) -> str:
    """One field as csv.writer writes it here (excel dialect, minimal quoting): in quotes, inner quotes doubled,
    when it holds a comma, a quote or a line break; as it is otherwise."""
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def _needs_quotes(value: str) -> bool:
    return "," in value or '"' in value or "\n" in value or "\r" in value


def _document_cells(doc: Any) -> list[Any]:
    metadata = json.dumps(doc.metadata, ensure_ascii=False) if doc.metadata else ""
    return [doc.uuid, doc.title, doc.outlet, doc.author, doc.published, doc.language, doc.source, metadata]


def _document_prefix(doc: Any) -> str:
    """The document's cells as csv.writer writes them, with the comma that follows them: the start of each row."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([*_document_cells(doc), ""])
    return buffer.getvalue().removesuffix("\r\n")


def _attribute_cells(attrs: dict[str, Any], attributes: list[str], known: set[str]) -> str:
    """The attribute columns and attributes_other, each with the comma before it."""
    other = {k: v for k, v in attrs.items() if k not in known}
    cells = [_quoted(str(_cell(attrs.get(a)))) for a in attributes]
    cells.append(_quoted(json.dumps(other, ensure_ascii=False)) if other else "")
    return "," + ",".join(cells)


def write_prepared(records: Iterable[tuple[Any, list[Any], Any, Any]], path: Path, options: WriteOptions) -> int:
    """The same file as write_csv, from documents whose annotations come as plain records (the export service's
    fast path; export_records.AnnotationRecord: first start, -last end, label, uuid, annotator, subtype, spans,
    attributes, note, origin, created, modified, provenance).

    csv.writer alone costs more than 2 s per million rows of this width, so each row is put together here as one
    string, quoted as csv.writer quotes (_quoted): the document's cells once per document; the covered text,
    sentence and note when they need it; the attribute cells one by one. Ids, names and labels are checked once per
    document instead (they seldom hold a comma, a quote or a line break); a document where one does is written by
    csv.writer, as write_csv writes it. Origins and times need no check: they are Origin values and isoformat()
    strings. Tests compare the bytes with write_csv's."""
    attributes = attribute_names(options.extra.get("scheme"))
    known = set(attributes)
    header = DOCUMENT_COLUMNS + ANNOTATION_COLUMNS + [f"attr_{a}" for a in attributes] + ["attributes_other"]
    no_attributes = "," * (len(attributes) + 1)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        for doc, annotations, _relations, _status in records:
            if not annotations:
                continue
            text = doc.text
            plain = not _needs_quotes(text)  # then neither a covered text nor a sentence needs quotes
            around = Sentences(text, doc.boilerplate).around
            lines, checked = [], []
            for row in annotations:  # export_records.AnnotationRecord
                start, end, label, uuid, who, subtype, spans, attrs, note, origin, created, modified, source = row
                if spans is None:  # one fragment: start and -end
                    end = -end
                    where, covered, sentence = f"{start}-{end}", text[start:end], around(start, end)
                elif spans:
                    end = -end
                    where = ";".join(f"{s}-{e}" for s, e in spans)
                    covered, sentence = " … ".join(text[s:e] for s, e in spans), around(start, end)
                else:
                    start = end = where = covered = sentence = ""
                if not plain:
                    covered, sentence = _quoted(covered), _quoted(sentence)
                head = f"{uuid},{who},{label},{subtype or ''},{start},{end},{where}"
                tail = _attribute_cells(attrs, attributes, known) if attrs else no_attributes
                if source:
                    tail = "," + ",".join(_quoted(str(c)) for c in _provenance_cells(source)) + tail
                else:
                    tail = ",,,," + tail
                lines.append(
                    f"{head},{covered},{sentence},{note and _quoted(note)},{origin},{created},{modified}{tail}"
                )
                checked.append(head)
            together = "\n".join(checked)
            if (
                together.count(",") == 6 * len(checked)
                and together.count("\n") == len(checked) - 1
                and '"' not in together
                and "\r" not in together
            ):
                prefix = _document_prefix(doc)
                f.write(prefix + ("\r\n" + prefix).join(lines) + "\r\n")
            else:
                out.writerows(_rows(doc, annotations, attributes, known))
            rows += len(lines)
    return rows


def _rows(doc: Any, annotations: list[Any], attributes: list[str], known: set[str]) -> list[list[Any]]:
    """A document's rows as cells for csv.writer, for one whose ids, names or labels need quoting."""
    text = doc.text
    sentences = Sentences(text, doc.boilerplate)
    doc_cells = _document_cells(doc)
    rows = []
    for start, end, label, uuid, who, subtype, spans, attrs, note, origin, created, modified, source in annotations:
        if spans is None or spans:
            pairs = spans or ((start, -end),)
            where = ";".join(f"{s}-{e}" for s, e in pairs)
            covered = " … ".join(text[s:e] for s, e in pairs)
            first, last, sentence = start, -end, sentences.around(start, -end)
        else:
            first = last = where = covered = sentence = ""
        other = {k: v for k, v in attrs.items() if k not in known}
        tail = [_cell(attrs.get(a)) for a in attributes]
        tail.append(json.dumps(other, ensure_ascii=False) if other else "")
        cells = [
            uuid,
            who,
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
            *_provenance_cells(source),
        ]
        rows.append(doc_cells + cells + tail)
    return rows
