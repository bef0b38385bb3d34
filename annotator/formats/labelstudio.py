"""Label Studio JSON: a list of tasks, each {"data": {"text", ...}, "annotations": [{"result": [...]}]}.

One task per document, one entry of "annotations" per annotator ("created_username" names them, as Label
Studio's exports do). Results: a span is a "labels" result {"id", "from_name": "label", "to_name": "text",
"type": "labels", "value": {"start", "end", "text", "labels": ["claim/statistical"]}}; its attributes are further
results with the same region id (type "choices", from_name = attribute name; yes/no as "yes"/"no"), its note a
"textarea" result named "note"; a relation is {"type": "relation", "from_id", "to_id", "direction": "right",
"labels": [type]}; a document-level annotation is a "choices" result without a region (from_name = label,
choice = sub-type or the label itself). Offsets are code points of the text. A discontinuous annotation is one
region per fragment, the later ones with ids "<id>#2", "<id>#3", ... which reading joins again.

Reading re-anchors a span whose offsets do not cover its "text" (Label Studio counts some characters
differently in some versions): it takes the occurrence of the text nearest to the given start and reports the
move in the import notes; a span whose text is nowhere in the document is an error naming the file and line.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment, Relation
from annotator.core.text import newline_style
from annotator.formats._common import IdMaker, imported, join_label, stable_uuid
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions, WriteOptions, reader, writer

NOTE = "note"


def _sniff(path: Path, head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    marks = (b'"annotations"', b'"predictions"', b'"completions"', b'"result"')
    tasks = path.suffix.lower() == ".json" and start.startswith(b"[") and b'"data"' in head
    return tasks and any(m in head for m in marks)


# -- reading ---------------------------------------------------------------------------------------------


@reader("labelstudio", extensions=("json",), description="Label Studio JSON tasks", sniff=_sniff)
def read_labelstudio(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    try:
        tasks = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg}, column {exc.colno})", str(path), exc.lineno) from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise InputError("a Label Studio export is a JSON list of tasks", str(path))
    text_key = options.mapping.get("text", "text")
    notes: list[str] = options.extra.setdefault("notes", [])
    for index, task in enumerate(tasks):
        where = _Where(raw, str(path), task.get("id") if isinstance(task, dict) else None, index)
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise InputError(f"task {index + 1} has no 'data' object", str(path), where.line(None))
        text = task["data"].get(text_key)
        if not isinstance(text, str):
            raise InputError(f"task {index + 1} has no '{text_key}' text in its data", str(path), where.line(None))
        try:
            yield _task(task, text, options, where, notes)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            reason = f"malformed task {index + 1} ({type(exc).__name__}: {exc})"
            raise InputError(reason, str(path), where.line(None)) from None


class _Where:
    """Line numbers for messages, found by searching the raw JSON for a region's or task's id."""

    def __init__(self, raw: str, path: str, task_id: Any, index: int):
        self.raw, self.path, self.task_id, self.index = raw, path, task_id, index

    def line(self, region_id: Any) -> int | None:
        for needle in ([f'"id": "{region_id}"', f'"id":"{region_id}"'] if region_id else []) + (
            [f'"id": {self.task_id}', f'"id":{self.task_id}'] if self.task_id is not None else []
        ):
            at = self.raw.find(needle)
            if at >= 0:
                return self.raw.count("\n", 0, at) + 1
        return None


def _task(task: dict[str, Any], text: str, options: ReadOptions, where: _Where, notes: list[str]) -> DocumentBundle:
    data = task["data"]
    doc = Document(
        text=text,
        title=str(data.get("title") or title_from(text, f"task {where.index + 1}")),
        newline=newline_style(text),
        source=where.path,
        outlet=str(data.get("outlet", "")),
        author=str(data.get("author", "")),
        published=str(data.get("published", "")),
        metadata={"labelstudio": {"task": task.get("id")}},
    )
    ids = IdMaker(doc, "labelstudio")
    annotations: list[Annotation] = []
    relations: list[Relation] = []
    for entry in task.get("annotations") or task.get("completions") or []:
        if entry.get("was_cancelled"):
            continue
        annotator = options.annotator or _who(entry)
        anns, rels = _results(doc, ids, annotator, entry.get("result") or [], where, notes)
        annotations += anns
        relations += rels
    return DocumentBundle(doc, annotations, relations)


def _who(entry: dict[str, Any]) -> str:
    name = entry.get("created_username") or entry.get("completed_by") or "labelstudio"
    if isinstance(name, dict):
        name = name.get("email") or name.get("username") or name.get("id")
    return str(name).split(",")[0].strip() or "labelstudio"


def _results(
    doc: Document, ids: IdMaker, annotator: str, results: list[dict[str, Any]], where: _Where, notes: list[str]
) -> tuple[list[Annotation], list[Relation]]:
    regions: dict[str, dict[str, Any]] = defaultdict(lambda: {"fragments": [], "attributes": {}, "note": ""})
    order: list[str] = []
    document_level: list[tuple[str, str]] = []
    links = []
    for result in results:
        kind = result.get("type")
        value = result.get("value") or {}
        if kind == "relation":
            links.append(result)
            continue
        rid = str(result.get("id", ""))
        base = rid.split("#", 1)[0]
        if kind in ("labels", "hypertextlabels") or (kind and kind.endswith("labels") and "start" in value):
            region = regions[base]
            if base not in order:
                order.append(base)
            region["fragments"].append(_anchor(doc.text, value, where, rid, notes))
            labels = value.get(kind) or value.get("labels") or []
            region.setdefault("label", str(labels[0]) if labels else str(result.get("from_name", "label")))
        elif kind == "choices" and "start" not in value and not rid:
            for choice in value.get("choices", []):
                document_level.append((str(result.get("from_name", "label")), str(choice)))
        elif kind == "choices" and (rid in regions or "start" in value):
            choice = (value.get("choices") or [""])[0]
            regions[base]["attributes"][str(result["from_name"])] = _typed(choice)
        elif kind == "choices":
            for choice in value.get("choices", []):
                document_level.append((str(result.get("from_name", "label")), str(choice)))
        elif kind == "textarea":
            regions[base]["note"] = "\n".join(value.get("text") or [])
    annotations: dict[str, Annotation] = {}
    for rid in order:
        region = regions[rid]
        annotations[rid] = imported(
            doc,
            ids,
            annotator,
            region["label"],
            region["fragments"],
            attributes=region["attributes"],
            note=region["note"],
        )
    for label, choice in document_level:
        name = label if choice == label else join_label(label, choice)
        annotations[f"doc:{name}"] = imported(doc, ids, annotator, name, [])
    relations = []
    for link in links:
        source, target = annotations.get(str(link.get("from_id"))), annotations.get(str(link.get("to_id")))
        if source is None or target is None:
            line = where.line(link.get("from_id"))
            raise InputError(
                f"relation {link.get('from_id')} -> {link.get('to_id')} links a missing region", where.path, line
            )
        for kind in link.get("labels") or ["related"]:
            if link.get("direction") == "left":
                source, target = target, source
            uuid = stable_uuid("labelstudio-rel", source.uuid, target.uuid, kind)
            relations.append(Relation(str(kind), source.uuid, target.uuid, annotator, uuid=uuid))
    return list(annotations.values()), relations


def _typed(choice: str) -> str | bool:
    return {"yes": True, "no": False}.get(choice, choice)


def _anchor(text: str, value: dict[str, Any], where: _Where, rid: str, notes: list[str]) -> Fragment:
    start, end = int(value["start"]), int(value["end"])
    expected = value.get("text")
    if 0 <= start < end <= len(text) and (expected is None or text[start:end] == expected):
        return Fragment(start, end)
    if not expected:
        raise InputError(f"region {rid}: span {start}..{end} is outside the text", where.path, where.line(rid))
    found = [i for i in _occurrences(text, expected)]
    if not found:
        raise InputError(
            f"region {rid}: span {start}..{end} should cover {expected[:60]!r}, which is nowhere in the text",
            where.path,
            where.line(rid),
        )
    best = min(found, key=lambda i: (abs(i - start), i))
    notes.append(
        f"{where.path}:{where.line(rid) or '?'}: region {rid} re-anchored from {start}..{end} "
        f"to {best}..{best + len(expected)} where its text {expected[:40]!r} is"
    )
    return Fragment(best, best + len(expected))


def _occurrences(text: str, needle: str) -> Iterator[int]:
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)


# -- writing ---------------------------------------------------------------------------------------------


@writer("labelstudio", extensions=("json",), description="Label Studio JSON tasks")
def write_labelstudio(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("[")
        for bundle in bundles:
            f.write(",\n" if count else "\n")
            json.dump(_task_json(bundle, count + 1), f, ensure_ascii=False)
            count += 1
        f.write("\n]\n")
    return count


def _task_json(bundle: DocumentBundle, number: int) -> dict[str, Any]:
    doc = bundle.document
    by_annotator: dict[str, list[Annotation]] = defaultdict(list)
    for ann in bundle.annotations:
        by_annotator[ann.annotator].append(ann)
    entries = []
    for annotator, anns in by_annotator.items():
        results: list[dict[str, Any]] = []
        for ann in anns:
            results += _regions(doc.text, ann)
        mine = {a.uuid for a in anns}
        for rel in bundle.relations:
            if rel.source in mine and rel.target in mine:
                results.append(
                    {
                        "from_id": rel.source,
                        "to_id": rel.target,
                        "type": "relation",
                        "direction": "right",
                        "labels": [rel.type],
                    }
                )
        entries.append({"created_username": annotator, "result": results})
    data = {
        "text": doc.text,
        "title": doc.title,
        "document_id": doc.uuid,
        "outlet": doc.outlet,
        "author": doc.author,
        "published": doc.published,
    }
    return {"id": number, "data": data, "annotations": entries}


def _regions(text: str, ann: Annotation) -> list[dict[str, Any]]:
    name = join_label(ann.label, ann.subtype)
    if not ann.fragments:
        choice = ann.subtype or ann.label
        return [{"from_name": ann.label, "to_name": "text", "type": "choices", "value": {"choices": [choice]}}]
    out = []
    for n, frag in enumerate(ann.fragments, start=1):
        rid = ann.uuid if n == 1 else f"{ann.uuid}#{n}"
        where = {"start": frag.start, "end": frag.end, "text": frag.covered(text)}
        out.append(
            {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": {**where, "labels": [name]}}
        )
    first = {"start": ann.fragments[0].start, "end": ann.fragments[0].end}
    for key, value in ann.attributes.items():
        if value is None:
            continue
        shown = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        out.append(
            {
                "id": ann.uuid,
                "from_name": key,
                "to_name": "text",
                "type": "choices",
                "value": {**first, "choices": [shown]},
            }
        )
    if ann.note:
        out.append(
            {
                "id": ann.uuid,
                "from_name": NOTE,
                "to_name": "text",
                "type": "textarea",
                "value": {**first, "text": [ann.note]},
            }
        )
    return out
