"""doccano JSONL, every form doccano writes or reads, one document per line (offsets: code points of "text"):

* sequence labelling {"id", "text", "label": [[start, end, "label"], ...], "Comments": [...], ...meta}
* relation extraction {"id", "text", "entities": [{"id", "label", "start_offset", "end_offset"}],
  "relations": [{"id", "from_id", "to_id", "type"}], "Comments": [...], ...meta}
* text classification {"id", "text", "label": ["positive", ...]} (document-level labels), intent detection
  {"text", "entities": [[start, end, "label"]], "cats": [...]}, and doccano's older "labels" for "label".
Other column names come through --map (text=column_data,label=column_label, as doccano's import examples use).

Annotators: doccano exports one file per user, named after the user; the file's stem is the annotator ("all",
the collaborative export, is "doccano"), unless a line names one ("annotator", this tool's exports) or
--annotator sets it. Two users' files of one text keep their annotations apart.
Kept as the document's doccano data (fidelity.py) and written back: the example's id, its metadata keys
(doccano spreads them over the line), the column names, the form each user's line came in, each user's
comments, entity and relation ids. Writing uses the form a line came in; for one made here, the relation form
when its annotations are
related and sequence labelling otherwise, with "document_id", "title" and "annotator" on each line. doccano
has no discontinuous spans, attributes or notes: a span is written fragment by fragment, and attributes and
notes are left out (the export notes how many).
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

FORMAT = "doccano"
OWN_KEYS = ("document_id", "title", "annotator")  # what this tool's exports add to a line
SPAN_KEYS = ("label", "labels", "entities", "relations", "cats", "Comments")
COLLABORATIVE = "all"


def _sniff(path: Path, head: bytes) -> bool:
    """Lines with doccano's span lists ("label": [[start, end, "name"], ...], "entities" with offsets), looking
    past lines that have no spans yet ("label": []). A plain {"text", "label": "pos"} line is a table of
    articles to the article importer, not doccano's."""
    if path.suffix.lower() not in (".jsonl", ".json"):
        return False
    text = _opening(path, head).lstrip("\ufeff \t\r\n")
    if text.startswith("[") or text.startswith("{") and not text.split("\n", 1)[0].rstrip().endswith("}"):
        try:  # a JSON file (doccano's JSON export, or one pretty-printed record): its first record
            first, _ = json.JSONDecoder().raw_decode(text, text.index("{"))
        except ValueError:
            return False
        return isinstance(first, dict) and "data" not in first and _doccano_shape(first) is True
    seen = False
    for line in text.encode("utf-8").split(b"\n")[:20]:
        if not line.strip():
            continue
        if b'"media-annotator"' in line:
            return False
        try:
            data = json.loads(line)
        except ValueError:
            break  # a line cut by the end of the head
        if not isinstance(data, dict) or _doccano_shape(data) is False:
            return False
        seen = True
    return seen


SNIFF_LINES, SNIFF_BYTES = 20, 4_000_000


def _opening(path: Path, head: bytes) -> str:
    """The file's first lines, whole: an article's text easily runs past the 4 KB head detection is given."""
    if b"\n" in head[:-1] and head.count(b"\n") >= SNIFF_LINES:
        return head.decode("utf-8", "ignore")
    try:
        with path.open("rb") as f:
            lines = []
            size = 0
            for line in f:
                lines.append(line)
                size += len(line)
                if len(lines) >= SNIFF_LINES or size >= SNIFF_BYTES:
                    break
    except OSError:
        return head.decode("utf-8", "ignore")
    return b"".join(lines).decode("utf-8", "ignore")


def _doccano_shape(data: dict[str, Any]) -> bool:
    if isinstance(data.get("entities"), list) and isinstance(data.get("relations", []), list):
        return all(isinstance(e, dict) and "start_offset" in e or _triple(e) for e in data["entities"])
    spans = data.get("label", data.get("labels"))
    if not isinstance(spans, list):
        return False
    return all(_triple(s) or isinstance(s, str) for s in spans)


def _triple(item: Any) -> bool:
    return isinstance(item, list) and len(item) == 3 and all(isinstance(x, int) for x in item[:2])


@reader("doccano", extensions=("jsonl",), description="doccano JSONL (sequence labelling, relations)", sniff=_sniff)
def read_doccano(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    text_key = options.mapping.get("text", "text")
    label_key = options.mapping.get("label", "label")
    stem_annotator = "doccano" if path.stem == COLLABORATIVE else path.stem
    for number, data in _records(path):
        if not isinstance(data, dict) or not isinstance(data.get(text_key), str):
            raise InputError(f"each record must be a JSON object with a '{text_key}' string", str(path), number)
        annotator = options.annotator or str(data.get("annotator") or stem_annotator)
        try:
            yield _Line(data, text_key, label_key, annotator, options, str(path), number).bundle()
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            reason = f"malformed doccano record ({type(exc).__name__}: {exc})"
            raise InputError(reason, str(path), number) from None


def _records(path: Path) -> Iterator[tuple[int | None, Any]]:
    """(line, record) of a JSON-lines file; of a JSON file (doccano's JSON export: a list of records, or one
    pretty-printed record), each record with the line it starts on."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    first = next((line for line in raw.splitlines() if line.strip()), "")
    if first.strip() in ("[", "{") or first.lstrip().startswith("[{") or first.lstrip().startswith("[ {"):
        try:
            whole = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg}, column {exc.colno})", str(path), exc.lineno) from None
        records = whole if isinstance(whole, list) else [whole]
        for record in records:
            yield (1 if len(records) == 1 else None), record
        return
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg}, column {exc.colno})", str(path), number) from None


class _Line:
    def __init__(
        self, data: dict, text_key: str, label_key: str, annotator: str, options: ReadOptions, where: str, n: int | None
    ):
        self.record, self.annotator, self.where, self.line = data, annotator, where, n
        self.fidelity = options.fidelity
        self.text = data[text_key]
        self.label_key = label_key if label_key in data else ("labels" if "labels" in data else label_key)
        keys = {"text": text_key, "label": self.label_key}
        own = OWN_KEYS if "document_id" in data else ("annotator",)  # this tool's exports mark their lines so
        meta = {k: v for k, v in data.items() if k not in (text_key, self.label_key, *SPAN_KEYS, "id", *own)}
        self.data: dict[str, Any] = {"meta": meta}
        if "id" in data:
            self.data["id"] = data["id"]
        if keys != {"text": "text", "label": "label"}:
            self.data["keys"] = keys
        self.doc = Document(
            text=self.text,
            title=str(data.get("title") or title_from(self.text, f"line {n or 1}")),
            newline=newline_style(self.text),
            source=where,
            metadata={},
        )
        self.ids = IdMaker(self.doc, FORMAT)

    def bundle(self) -> DocumentBundle:
        record = self.record
        annotations: list[Annotation] = []
        relations: list[Relation] = []
        if "entities" in record:
            self._form("entities")
            annotations, relations = self._entities(record["entities"], record.get("relations") or [])
        for item in record.get(self.label_key) or []:
            if isinstance(item, str):  # text classification: a label of the whole document
                annotations.append(imported(self.doc, self.ids, self.annotator, item, []))
                self.fidelity.keep(FORMAT, "category")
                continue
            start, end, name = item
            if int(start) == int(end) and 0 <= int(start) <= len(self.text):
                self._zero_width("label", item)
                continue
            frag = fragment(self.text, int(start), int(end), None, self.where, self.line)
            annotations.append(imported(self.doc, self.ids, self.annotator, str(name), [frag]))
            self.fidelity.keep(FORMAT, "span")
        for item in record.get("cats") or []:
            annotations.append(imported(self.doc, self.ids, self.annotator, str(item), []))
            self._form("intent")
            self.fidelity.keep(FORMAT, "category")
        if isinstance(record.get("Comments"), list):
            self.data["comments"] = {self.annotator: record["Comments"]}
            self.fidelity.preserve(FORMAT, "comment", len(record["Comments"]))
        self.fidelity.preserve(FORMAT, "metadata field", len(self.data["meta"]))
        self.fidelity.keep(FORMAT, "document")
        self.doc.metadata[FORMAT] = self.data
        return DocumentBundle(self.doc, annotations, relations)

    def _zero_width(self, key: str, item: Any) -> None:
        """A zero-width span (or a relation to one) has no place here as an annotation: kept as written."""
        self.data.setdefault("zero_width", {}).setdefault(self.annotator, {}).setdefault(key, []).append(item)
        self.fidelity.preserve(FORMAT, "relation to a zero-width span" if key == "relations" else "zero-width span")

    def _form(self, form: str) -> None:
        """The form this annotator's line came in (each user's file may have its own), when not "label"."""
        self.data.setdefault("forms", {})[self.annotator] = form

    def _entities(self, entities: list, links: list[dict]) -> tuple[list[Annotation], list[Relation]]:
        by_id: dict[Any, Annotation] = {}
        annotations = []
        zero: set[Any] = set()  # ids of zero-width entities, kept as written
        ids = self.data.setdefault("entity_ids", {})
        for entity in entities:
            raw = entity
            if isinstance(entity, list):  # intent detection writes entities as [start, end, label]
                entity = {"start_offset": entity[0], "end_offset": entity[1], "label": entity[2]}
                self._form("intent")
            if int(entity["start_offset"]) == int(entity["end_offset"]) and 0 <= int(entity["end_offset"]) <= len(
                self.text
            ):
                self._zero_width("entities", raw)
                zero.add(entity.get("id"))
                continue
            frag = fragment(
                self.text, int(entity["start_offset"]), int(entity["end_offset"]), None, self.where, self.line
            )
            ann = imported(self.doc, self.ids, self.annotator, str(entity["label"]), [frag])
            annotations.append(ann)
            if "id" in entity:
                by_id[entity["id"]] = ann
                ids[ann.uuid] = entity["id"]
            self.fidelity.keep(FORMAT, "entity")
        relations = []
        relation_ids = self.data.setdefault("relation_ids", {})
        for link in links:
            if link["from_id"] in zero or link["to_id"] in zero:
                self._zero_width("relations", link)
                continue
            source, target = by_id.get(link["from_id"]), by_id.get(link["to_id"])
            if source is None or target is None:
                reason = (
                    f"relation {link.get('id', '')} links entity {link['from_id']} or {link['to_id']}, not in this line"
                )
                raise InputError(reason, self.where, self.line)
            kind = str(link["type"])
            uuid = stable_uuid("doccano-rel", source.uuid, target.uuid, kind, link.get("id", ""))
            relations.append(Relation(kind, source.uuid, target.uuid, self.annotator, uuid=uuid))
            if "id" in link:
                relation_ids[uuid] = link["id"]
            self.fidelity.keep(FORMAT, "relation")
        return annotations, relations


# -- writing ---------------------------------------------------------------------------------------------


@writer("doccano", extensions=("jsonl",), description="doccano JSONL (sequence labelling, relations)")
def write_doccano(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    count = lost = 0
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for bundle in bundles:
            by_annotator: dict[str, list[Annotation]] = defaultdict(list)
            for ann in bundle.annotations:
                by_annotator[ann.annotator].append(ann)
                lost += bool(ann.attributes) + bool(ann.note)
            data = bundle.document.metadata.get(FORMAT) or {}
            kept = list(data.get("comments", {})) + list(data.get("zero_width", {}))
            people = list(by_annotator) + [p for p in dict.fromkeys(kept) if p not in by_annotator]
            for annotator in people or [""]:
                record = _record(bundle, data, annotator, by_annotator.get(annotator, []))
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    if lost:
        options.extra.setdefault("notes", []).append(f"{lost} notes or attribute sets have no doccano form")
    return count


def _record(bundle: DocumentBundle, data: dict[str, Any], annotator: str, anns: list[Annotation]) -> dict[str, Any]:
    doc = bundle.document
    keys = data.get("keys", {"text": "text", "label": "label"})
    record: dict[str, Any] = {"id": data["id"]} if "id" in data else {}
    record[keys["text"]] = doc.text
    if not data:
        record.update({"document_id": doc.uuid, "title": doc.title})
    if annotator:
        record["annotator"] = annotator
    mine = {a.uuid for a in anns}
    relations = [r for r in bundle.relations if r.source in mine and r.target in mine]
    form = data.get("forms", {}).get(annotator) or ("entities" if relations else "label")
    spans = [a for a in anns if a.fragments]
    categories = [join_label(a.label, a.subtype) for a in anns if not a.fragments]
    if form == "entities":
        record["entities"], first = _entities(spans, data.get("entity_ids", {}))
        record["relations"] = _relations(relations, first, data.get("relation_ids", {}))
        if categories:
            record[keys["label"]] = categories
    elif form == "intent":
        record["entities"] = [[f.start, f.end, join_label(a.label, a.subtype)] for a in spans for f in a.fragments]
        record["cats"] = categories
    else:
        tuples = [[f.start, f.end, join_label(a.label, a.subtype)] for a in spans for f in a.fragments]
        record[keys["label"]] = sorted(tuples) + categories
    for key, items in data.get("zero_width", {}).get(annotator, {}).items():  # kept as written, in their place
        target = keys["label"] if key == "label" else key
        merged = list(record.get(target, [])) + items
        if key == "label":  # doccano writes spans sorted
            merged = sorted(x for x in merged if isinstance(x, list)) + [x for x in merged if not isinstance(x, list)]
        record[target] = merged
    if annotator in data.get("comments", {}):
        record["Comments"] = data["comments"][annotator]
    record.update({k: v for k, v in data.get("meta", {}).items() if k not in record})
    return record


def _entities(spans: list[Annotation], stored: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Entities with their ids as read (new ones numbered past them), and the id of each annotation's first."""
    taken = set(stored.values())
    fresh = max((i for i in taken if isinstance(i, int)), default=-1) + 1
    entities, first = [], {}
    for ann in spans:
        for n, frag in enumerate(ann.fragments):
            key = stored.get(ann.uuid) if n == 0 else None
            if key is None:
                while fresh in taken:
                    fresh += 1
                key = fresh
                taken.add(key)
            first.setdefault(ann.uuid, key)
            label = join_label(ann.label, ann.subtype)
            entities.append({"id": key, "label": label, "start_offset": frag.start, "end_offset": frag.end})
    return entities, first


def _relations(relations: list[Relation], first: dict[str, Any], stored: dict[str, Any]) -> list[dict[str, Any]]:
    taken = set(stored.values())
    fresh = max((i for i in taken if isinstance(i, int)), default=-1) + 1
    out = []
    for rel in relations:
        key = stored.get(rel.uuid)
        if key is None:
            while fresh in taken:
                fresh += 1
            key = fresh
            taken.add(key)
        out.append({"id": key, "from_id": first[rel.source], "to_id": first[rel.target], "type": rel.type})
    return out
