"""Label Studio JSON, writing: a list of tasks, one per document, one entry of "annotations" per annotator
(the mapping is described in labelstudio.py).

A document read from Label Studio is written with its task id and fields, its data fields, each entry's id,
completed_by, times and other fields, its region ids, labels of multi-label regions together, relation
directions and labels as given, the results that are not annotations here, cancelled annotations and its
predictions, so Label Studio can match its own objects. Annotations made here get regions named by their id
(a discontinuous one gets "<id>#2", "#3"... for its later fragments), attributes as per-region "choices"
(yes/no as "yes"/"no"), notes as a per-region "textarea" named "note", document-level labels as "choices".
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.model import Annotation, Relation
from annotator.formats._common import join_label
from annotator.formats.labelstudio import FORMAT, NOTE, UNLABELLED
from annotator.formats.registry import DocumentBundle, WriteOptions, writer


@writer("labelstudio", extensions=("json",), description="Label Studio JSON tasks")
def write_labelstudio(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("[")
        for bundle in bundles:
            f.write(",\n" if count else "\n")
            json.dump(task_json(bundle, count + 1), f, ensure_ascii=False)
            count += 1
        f.write("\n]\n")
    return count


def task_json(bundle: DocumentBundle, number: int) -> dict[str, Any]:
    doc = bundle.document
    data: dict[str, Any] = doc.metadata.get(FORMAT) or {}
    task: dict[str, Any] = {"id": number, **data.get("task", {})}
    fields = data.get("data")
    if fields is None:  # a document made here: its own fields
        fields = {"title": doc.title, "document_id": doc.uuid, "outlet": doc.outlet, "author": doc.author}
        fields["published"] = doc.published
    task["data"] = {data.get("text_key", "text"): doc.text, **fields}
    by_annotator: dict[str, list[Annotation]] = defaultdict(list)
    for ann in bundle.annotations:
        by_annotator[ann.annotator].append(ann)
    stored = data.get("entries", {})
    entries = []
    for annotator in list(stored) + [a for a in by_annotator if a not in stored]:
        entry = dict(stored.get(annotator) or {"created_username": annotator})
        extra = entry.pop("extra_results", [])
        results = _Results(doc.text, data, by_annotator.get(annotator, []), bundle.relations).results()
        written = {r["id"] for r in results if "id" in r}
        regions = {region["id"] for region in data.get("regions", {}).values()}
        # a kept per-region result goes back with its region; one on the whole text always does
        results += [r for r in extra if str(r.get("id", "")).split("#", 1)[0] not in regions - written]
        entries.append({**entry, "result": results})
    task["annotations"] = entries + list(data.get("cancelled", []))
    if data.get("predictions"):
        task["predictions"] = data["predictions"]
    return task


class _Results:
    """One annotator's results for one task."""

    def __init__(self, text: str, data: dict[str, Any], annotations: list[Annotation], relations: list[Relation]):
        self.text, self.data = text, data
        self.annotations = annotations
        mine = {a.uuid for a in annotations}
        self.relations = [r for r in relations if r.source in mine and r.target in mine]
        self.region_of: dict[str, str] = {}  # annotation uuid -> region id

    def results(self) -> list[dict[str, Any]]:
        regions: dict[str, list[Annotation]] = defaultdict(list)  # a multi-label region's annotations together
        out: list[dict[str, Any]] = []
        choices: dict[str, list[Annotation]] = defaultdict(list)
        for ann in self.annotations:
            if not ann.fragments:
                stored = self.data.get("choices", {}).get(ann.uuid, {})
                choices[stored.get("id") or ann.label].append(ann)
                continue
            stored = self.data.get("regions", {}).get(ann.uuid, {})
            same = regions.get(stored.get("id", ""), [])
            key = stored["id"] if stored and (not same or same[0].fragments == ann.fragments) else ann.uuid
            regions[key].append(ann)
            self.region_of[ann.uuid] = key
        for rid, anns in regions.items():
            out += self._region(rid, anns)
        for anns in choices.values():
            out.append(self._choices(anns))
        out += self._relations()
        return out

    def _region(self, rid: str, anns: list[Annotation]) -> list[dict[str, Any]]:
        first = anns[0]
        stored = self.data.get("regions", {}).get(first.uuid, {})
        order = {name: n for n, name in enumerate(stored.get("labels", []))}
        names = sorted((join_label(a.label, a.subtype) for a in anns), key=lambda n: (order.get(n, len(order)), n))
        kind = stored.get("type", "labels")
        head = stored.get("result", {"from_name": "label", "to_name": "text"})
        out = []
        for n, frag in enumerate(first.fragments, start=1):
            value = {"start": frag.start, "end": frag.end, "text": frag.covered(self.text), **stored.get("value", {})}
            value[kind] = names
            out.append({"id": rid if n == 1 else f"{rid}#{n}", **head, "type": kind, "value": value})
        where = {"start": first.fragments[0].start, "end": first.fragments[0].end}
        to_name = head.get("to_name", "text")
        stored_results = self.data.get("region_results", {})
        kept = {k: v for ann in anns for k, v in stored_results.get(ann.uuid, {}).items()}
        attributes = {k: v for ann in anns for k, v in ann.attributes.items() if v is not None}
        for key, value in attributes.items():
            shown = ("yes" if value else "no") if isinstance(value, bool) else value
            out.append(self._per_region(rid, key, "choices", to_name, kept, {**where, "choices": [shown]}))
        note = next((a.note for a in anns if a.note), "")
        if note:
            lines = next((self.data["notes"][a.uuid] for a in anns if a.uuid in self.data.get("notes", {})), None)
            lines = lines if lines and "\n".join(lines) == note else [note]
            name = next((k for k, v in kept.items() if v.get("type") == "textarea"), NOTE)
            out.append(self._per_region(rid, name, "textarea", to_name, kept, {**where, "text": lines}))
        return out

    @staticmethod
    def _per_region(rid: str, name: str, kind: str, to_name: str, kept: dict, value: dict) -> dict[str, Any]:
        """A per-region result as the file had it (its other keys kept), or in this tool's form."""
        stored = dict(kept.get(name) or {"to_name": to_name})
        stored.pop("type", None)
        extra = stored.pop("value", {})
        return {"id": rid, "from_name": name, **stored, "type": kind, "value": {**value, **extra}}

    def _choices(self, anns: list[Annotation]) -> dict[str, Any]:
        stored = self.data.get("choices", {}).get(anns[0].uuid, {"from_name": anns[0].label, "to_name": "text"})
        picked = [a.subtype or a.label for a in anns]
        return {**stored, "type": "choices", "value": {"choices": picked}}

    def _relations(self) -> list[dict[str, Any]]:
        stored = self.data.get("relations", {})
        grouped: dict[tuple, dict[str, Any]] = {}
        present: dict[tuple, list[str]] = defaultdict(list)
        for rel in self.relations:
            if rel.source not in self.region_of or rel.target not in self.region_of:
                continue
            given = stored.get(rel.uuid) or {"direction": "right", "labels": None}
            ends = (rel.target, rel.source) if given.get("direction") == "left" else (rel.source, rel.target)
            # the labels of one link of the file go back together; any other relation is a link of its own
            group = json.dumps(given, sort_keys=True) if rel.uuid in stored else rel.uuid
            key = (self.region_of[ends[0]], self.region_of[ends[1]], group)
            grouped.setdefault(key, {"from_id": key[0], "to_id": key[1], "type": "relation", **given})
            present[key].append(rel.type)
        for key, result in grouped.items():
            given = result.get("labels")  # as the file had them (multi-label, or none at all), or None: made here
            types = present[key]
            if given is None:
                result["labels"] = [t for t in types if t != UNLABELLED] if len(types) > 1 else types
            else:
                result["labels"] = [label for label in given if label in types]
        return list(grouped.values())
