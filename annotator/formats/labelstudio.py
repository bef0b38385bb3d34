"""Label Studio JSON, reading: a list of tasks {"data": {"text", ...}, "annotations": [...], "predictions": [...]}
(writing: labelstudio_write.py).

Each entry of "annotations" is one annotator's work: the annotator is "created_username" (this tool's exports),
else the e-mail or name of "completed_by" when it is an object, else "labelstudio-<id>" for a user id; the id is
kept and written back. Two entries of one person in a task are two annotators ("name#2"), never merged.
Results:
* "labels" regions {"id", "from_name", "to_name", "value": {"start", "end", "text", "labels": [...]}}: one span
  annotation per label (a region with labels ["PER", "FOUNDER"] is two annotations over one region, joined again
  when written); "claim/statistical" names a sub-type; offsets are code points; a region whose offsets miss its
  text is an error naming the region, unless --reanchor moves it (each move listed). Regions "<id>#2", "#3"...
  are the later fragments of a discontinuous annotation (this tool's exports).
* per-region "choices" with one choice: an attribute named by from_name ("yes"/"no" as yes/no); a per-region
  "textarea": the note.
* "choices" on the whole text: document-level annotations (label = from_name, sub-type = the choice).
* "relation" {"from_id", "to_id", "direction", "labels"}: one relation per label ("left" points the other way);
  one without a label is typed "related".
Kept as the document's Label Studio data (fidelity.py) and written back as they were: the task's id and other
fields, data fields besides the text, every entry's id, completed_by, times, lead_time, ground_truth and other
fields, region ids and their from_name/to_name/origin/score, relation directions and labels as given, results
of other types (textarea on the text, rating, number, taxonomy, multi-choice, ...) with their from_name,
cancelled annotations, and predictions (with their score and model_version; not annotations).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Origin, Relation
from annotator.core.text import newline_style
from annotator.formats._common import IdMaker, anchored, split_label, stable_uuid
from annotator.formats.fidelity import Fidelity
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions, reader

FORMAT = "labelstudio"
NOTE = "note"
UNLABELLED = "related"
SPAN_TYPES = ("labels",)
TASK_KEYS = ("data", "annotations", "completions", "predictions")
_YES_NO = {"yes": True, "no": False}


SNIFF_BYTES = 2_000_000


def _sniff(path: Path, head: bytes) -> bool:
    """Tasks: a JSON list (or one object) with "data" and "annotations" (or predictions, completions, result).
    Label Studio writes "annotations" before "data", so a long first task is read further than the head."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if path.suffix.lower() != ".json" or start[:1] not in (b"[", b"{"):
        return False
    marks = (b'"annotations"', b'"predictions"', b'"completions"', b'"result"')
    if b'"data"' not in head or not any(m in head for m in marks):
        try:
            with path.open("rb") as f:
                head = f.read(SNIFF_BYTES)
        except OSError:
            return False
    return b'"data"' in head and any(m in head for m in marks)


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
    for index, task in enumerate(tasks):
        where = _Where(raw, str(path), task.get("id") if isinstance(task, dict) else None, index)
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise InputError(f"task {index + 1} has no 'data' object", str(path), where.line(None))
        text = task["data"].get(text_key)
        if not isinstance(text, str):
            raise InputError(f"task {index + 1} has no '{text_key}' text in its data", str(path), where.line(None))
        try:
            yield _Task(task, text, text_key, options, where).bundle()
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
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


def annotator_of(entry: dict[str, Any]) -> tuple[str, Any]:
    """(annotator name, the completed_by value it came from)."""
    who = entry.get("completed_by")
    if entry.get("created_username"):
        return str(entry["created_username"]).split(",")[0].strip() or "labelstudio", who
    if isinstance(who, dict):
        return str(who.get("email") or who.get("username") or f"labelstudio-{who.get('id')}"), who
    return (f"labelstudio-{who}" if who is not None else "labelstudio"), who


class _Task:
    def __init__(self, task: dict[str, Any], text: str, text_key: str, options: ReadOptions, where: _Where):
        self.task, self.text, self.options, self.where = task, text, options, where
        self.fidelity: Fidelity = options.fidelity
        data = task["data"]
        self.data: dict[str, Any] = {
            "task": {k: v for k, v in task.items() if k not in TASK_KEYS},
            "data": {k: v for k, v in data.items() if k != text_key},
        }
        if text_key != "text":
            self.data["text_key"] = text_key
        self.doc = Document(
            text=text,
            title=str(data.get("title") or title_from(text, f"task {where.index + 1}")),
            newline=newline_style(text),
            source=where.path,
            outlet=str(data.get("outlet", "")),
            author=str(data.get("author", "")),
            published=str(data.get("published", "")),
            metadata={},
        )
        self.ids = IdMaker(self.doc, FORMAT)

    def bundle(self) -> DocumentBundle:
        annotations: list[Annotation] = []
        relations: list[Relation] = []
        entries: dict[str, Any] = {}
        cancelled = []
        for entry in self.task.get("annotations") or self.task.get("completions") or []:
            if entry.get("was_cancelled"):
                cancelled.append(entry)
                self.fidelity.preserve(FORMAT, "cancelled annotation")
                continue
            name, _ = annotator_of(entry)
            name = self.options.annotator or name
            base, n = name, 1
            while name in entries:
                n += 1
                name = f"{base}#{n}"
            anns, rels, extra = self._results(name, entry.get("result") or [])
            annotations += anns
            relations += rels
            entries[name] = {k: v for k, v in entry.items() if k != "result"} | (
                {"extra_results": extra} if extra else {}
            )
        if entries:
            self.data["entries"] = entries
        if cancelled:
            self.data["cancelled"] = cancelled
        if self.task.get("predictions"):
            self.data["predictions"] = self.task["predictions"]
            for prediction in self.task["predictions"]:
                self.fidelity.preserve(FORMAT, "prediction")
                self.fidelity.preserve(FORMAT, "predicted result", len(prediction.get("result") or []))
        # the task and its data fields stay even when empty: they say the document came from Label Studio
        kept = {k: v for k, v in self.data.items() if k in ("task", "data") or v not in ({}, [], None)}
        self.doc.metadata[FORMAT] = kept
        self.fidelity.keep(FORMAT, "document")
        return DocumentBundle(self.doc, annotations, relations)

    # -- one annotator's results ---------------------------------------------------------------------------

    def _results(self, annotator: str, results: list[dict[str, Any]]) -> tuple[list, list, list]:
        regions: dict[str, dict[str, Any]] = {}  # region id -> what its annotations are built from
        links, pending, extra = [], [], []
        zero: set[str] = set()
        for result in results:
            kind, value = result.get("type"), result.get("value") or {}
            if kind == "relation":
                links.append(result)
            elif kind in SPAN_TYPES and "start" in value and value.get("start") == value.get("end"):
                zero.add(str(result.get("id", "")))  # a zero-width region: no annotation, kept as written
                extra.append(result)
                self.fidelity.preserve(FORMAT, "zero-width region")
            elif kind in SPAN_TYPES and "start" in value:
                self._region(regions, str(result.get("id", "")), result)
            else:
                pending.append(result)
        per_region, document_level = [], []
        for result in pending:  # once every region is known: a result may come before its region
            kind, value = result.get("type"), result.get("value") or {}
            if str(result.get("id", "")).split("#", 1)[0] in regions:
                per_region.append(result)
            elif kind == "choices" and "start" not in value:
                document_level.append(result)
            else:
                extra.append(result)
                self.fidelity.preserve(FORMAT, f"{kind or 'unknown'} result")
        made: dict[str, list[Annotation]] = {}
        for rid, region in regions.items():
            made[rid] = self._region_annotations(annotator, rid, region)
        for result in per_region:
            if not self._attach(result, made):
                extra.append(result)
                self.fidelity.preserve(FORMAT, f"per-region {result.get('type', 'unknown')} result")
        anns = [a for group in made.values() for a in group]
        for result in document_level:
            anns += self._document_level(annotator, result)
        rels = []
        for link in links:
            if {str(link.get("from_id")), str(link.get("to_id"))} & zero:
                extra.append(link)
                self.fidelity.preserve(FORMAT, "relation to a zero-width region")
            else:
                rels += self._relation(link, made, annotator)
        return anns, rels, extra

    def _region(self, regions: dict, rid: str, result: dict[str, Any]) -> None:
        base = rid.split("#", 1)[0]
        value = result["value"]
        kind = result["type"]
        fragment = anchored(
            self.text,
            int(value["start"]),
            int(value["end"]),
            value.get("text"),
            region=f"region {rid}",
            path=self.where.path,
            line=self.where.line(rid),
            reanchor=self.options.reanchor,
            fidelity=self.fidelity,
        )
        region = regions.setdefault(
            base, {"fragments": [], "labels": [], "result": result, "attributes": {}, "note": None}
        )
        region["fragments"].append(fragment)
        if base == rid:
            region["labels"] = [str(x) for x in value.get(kind) or value.get("labels") or []]
            region["result"] = result

    def _region_annotations(self, annotator: str, rid: str, region: dict[str, Any]) -> list[Annotation]:
        result = region["result"]
        labels = region["labels"] or [str(result.get("from_name", "label"))]
        out = []
        for name in labels:
            label, subtype = split_label(name)
            fragments = tuple(sorted(region["fragments"]))
            out.append(
                Annotation(
                    document=self.doc.uuid,
                    annotator=annotator,
                    label=label,
                    subtype=subtype,
                    fragments=fragments,
                    origin=Origin.IMPORTED,
                    uuid=self.ids(annotator, name, fragments),
                )
            )
            self.fidelity.keep(FORMAT, "span")
        extra = {k: v for k, v in result.items() if k not in ("id", "type", "value")}
        value_extra = {k: v for k, v in result["value"].items() if k not in ("start", "end", "text", result["type"])}
        entry: dict[str, Any] = {"id": rid, "labels": region["labels"]}
        if extra != {"from_name": "label", "to_name": "text"}:
            entry["result"] = extra
        if value_extra:
            entry["value"] = value_extra
        if result["type"] != "labels":
            entry["type"] = result["type"]
        if len(labels) > 1:
            self.fidelity.keep(FORMAT, "multi-label region")
        regions = self.data.setdefault("regions", {})
        for ann in out:
            regions[ann.uuid] = entry
        return out

    def _attach(self, result: dict[str, Any], made: dict[str, list[Annotation]]) -> bool:
        """A per-region choice (one) or text area: an attribute or the note of the region's annotations."""
        rid = str(result.get("id", "")).split("#", 1)[0]
        kind, value = result.get("type"), result.get("value") or {}
        if rid not in made or not made[rid]:
            return False
        name = str(result.get("from_name", ""))
        first = made[rid][0]
        if kind == "choices" and len(value.get("choices") or []) == 1:
            choice = value["choices"][0]
            typed = _YES_NO.get(choice, choice) if isinstance(choice, str) else choice
            made[rid] = [_with(a, attributes={**a.attributes, name: typed}) for a in made[rid]]
            self.fidelity.keep(FORMAT, "per-region choice")
        elif kind == "textarea" and first.note == "" and isinstance(value.get("text"), list):
            note = "\n".join(str(t) for t in value["text"])
            made[rid] = [_with(a, note=note) for a in made[rid]]
            if len(value["text"]) > 1:
                self.data.setdefault("notes", {})[first.uuid] = value["text"]
            self.fidelity.keep(FORMAT, "per-region text area")
        else:
            return False
        # how the result was written, beyond what writing it again would give
        head = {k: v for k, v in result.items() if k not in ("id", "type", "value", "from_name")}
        rest = {k: v for k, v in value.items() if k not in ("start", "end", "choices" if kind == "choices" else "text")}
        self.data.setdefault("region_results", {}).setdefault(first.uuid, {})[name] = {
            "type": kind,
            **head,
            "value": rest,
        }
        return True

    def _document_level(self, annotator: str, result: dict[str, Any]) -> list[Annotation]:
        label = str(result.get("from_name", "label"))
        out = []
        for choice in (result.get("value") or {}).get("choices") or []:
            name = label if choice == label else f"{label}/{choice}"
            ann = Annotation(
                document=self.doc.uuid,
                annotator=annotator,
                label=label,
                subtype=None if choice == label else str(choice),
                origin=Origin.IMPORTED,
                uuid=self.ids(annotator, name, ()),
            )
            out.append(ann)
            extra = {k: v for k, v in result.items() if k not in ("type", "value")}
            self.data.setdefault("choices", {})[ann.uuid] = extra
            self.fidelity.keep(FORMAT, "document-level choice")
        return out

    def _relation(self, link: dict[str, Any], made: dict[str, list[Annotation]], annotator: str) -> list[Relation]:
        ends = [made.get(str(link.get(key)), [None])[0] for key in ("from_id", "to_id")]
        source, target = ends
        if source is None or target is None:
            line = self.where.line(link.get("from_id"))
            reason = f"relation {link.get('from_id')} -> {link.get('to_id')} links a region this annotation lacks"
            raise InputError(reason, self.where.path, line)
        direction = link.get("direction", "right")
        ends_given = (link.get("from_id"), link.get("to_id"), direction)  # two links of one pair stay two
        if direction == "left":
            source, target = target, source
        labels = [str(x) for x in link.get("labels") or []]
        out = []
        for kind in labels or [UNLABELLED]:
            uuid = stable_uuid("labelstudio-rel", source.uuid, target.uuid, kind, *ends_given)
            out.append(Relation(kind, source.uuid, target.uuid, annotator, uuid=uuid))
            self.fidelity.keep(FORMAT, "relation" if labels else "unlabelled relation")
        stored = {k: v for k, v in link.items() if k not in ("from_id", "to_id", "type")}
        if stored != {"direction": "right", "labels": labels} or len(labels) != 1:
            for rel in out:
                self.data.setdefault("relations", {})[rel.uuid] = stored
        return out


def _with(ann: Annotation, **changes: Any) -> Annotation:
    return replace(ann, **changes)
