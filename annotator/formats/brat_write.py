"""brat standoff, writing: one folder per annotator, each with <name>.txt + <name>.ann per document, and an
annotation.conf and visual.conf describing what was written (the mapping is described in brat.py).

A document read from brat is written under its original name, with its original ids, events (roles as they
were written, e.g. Org-Arg2), binary attributes, note ids and the lines kept as format data (normalizations,
equivalences, other notes...), so brat gets its own files back. Annotations made here get the next free ids;
an event argument without a recorded role is numbered the way brat numbers repeats (Role, Role2, Role3).
A kept line that refers to an annotation that is gone is left out, and the export notes how many.
Document-level annotations have no brat form and are left out (the export notes how many).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.model import Annotation, Relation
from annotator.core.scheme import Scheme
from annotator.formats._common import file_stem, write_text
from annotator.formats.brat import FORMAT, NOTE_TYPE, SUBTYPE_ATTRIBUTE, _flat, escape_note
from annotator.formats.registry import DocumentBundle, WriteOptions, writer

_ORDER = {kind: n for n, kind in enumerate("TERAM#N*")}


@writer("brat", extensions=("ann",), description="brat standoff (.txt + .ann)", folder=True)
def write_brat(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    path.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    confs: dict[str, _Conf] = defaultdict(_Conf)
    count = document_level = dropped = 0
    for bundle in bundles:
        doc = bundle.document
        data = doc.metadata.get(FORMAT) or {}
        stem = _stem(doc, data, taken)
        people = sorted({a.annotator for a in bundle.annotations} | set(bundle.status)) or ["unannotated"]
        for person in people:
            folder = path / _folder_name(person)
            folder.mkdir(exist_ok=True)
            mine = [a for a in bundle.annotations if a.annotator == person]
            document_level += sum(1 for a in mine if not a.fragments)
            ann = _AnnFile(
                doc.text, person, [a for a in mine if a.fragments], bundle.relations, data, confs[folder.name]
            )
            lines = ann.lines()
            dropped += ann.dropped
            write_text(folder / f"{stem}.txt", doc.text, doc.encoding)
            (folder / f"{stem}.ann").write_text("".join(lines), encoding="utf-8", newline="\n")
        count += 1
    for folder, conf in confs.items():
        conf.write(path / folder, options.extra.get("scheme"))
    notes = options.extra.setdefault("notes", [])
    if document_level:
        notes.append(f"{document_level} document-level annotations have no brat form")
    if dropped:
        notes.append(f"{dropped} kept brat lines left out: the annotations they refer to are gone")
    return count


def _stem(doc: Any, data: dict[str, Any], taken: set[str]) -> str:
    name = data.get("name")
    if isinstance(name, str) and name and name not in taken and "/" not in name and not name.startswith("."):
        taken.add(name)
        return name
    return file_stem(doc, taken)


def _folder_name(annotator: str) -> str:
    return re.sub(r"[^\w.@ -]+", "_", annotator).strip(" .") or "annotator"


def _number(key: str) -> int:
    return int(key[1:]) if key[1:].isdigit() else 0


class _AnnFile:
    """The lines of one annotator's .ann file for one document."""

    def __init__(
        self, text: str, person: str, annotations: list[Annotation], relations: list[Relation], data: dict, conf: _Conf
    ):
        self.text, self.data, self.conf = text, data, conf
        self.annotations = annotations
        mine = {a.uuid for a in annotations}
        self.relations = [r for r in relations if r.source in mine and r.target in mine]
        self.events: dict[str, dict[str, Any]] = {
            a.uuid: data["events"][a.uuid] for a in annotations if a.uuid in data.get("events", {})
        }
        self.extra: list[dict[str, Any]] = list((data.get("extra") or {}).get(person, []))
        self.taken: set[str] = {e["id"] for e in self.extra if e["id"] != "*"}
        self.id_of: dict[str, str] = {}  # annotation or relation uuid -> brat id
        self.label_of = {a.uuid: a.label for a in annotations}
        self.trigger_ids: set[str] = set()  # the triggers' ids, kept for them until they are written
        self.dropped = 0

    def _claim(self, uuid: str, prefix: str, wanted: str | None) -> str:
        key = wanted if wanted and wanted[:1] == prefix and wanted not in self.taken else None
        if key is None:
            key = f"{prefix}{max((_number(k) for k in self.taken if k[:1] == prefix), default=0) + 1}"
        self.taken.add(key)
        if uuid:
            self.id_of[uuid] = key
        return key

    def lines(self) -> list[str]:
        ids = self.data.get("ids", {})
        entities = [a for a in self.annotations if a.uuid not in self.events]
        events = [a for a in self.annotations if a.uuid in self.events]
        arguments = [r for r in self.relations if r.source in self.events]
        plain = [r for r in self.relations if r.source not in self.events]
        # first the ids the file had, then fresh ones, so a new annotation never takes an old one's id
        for entry in self.events.values():
            if entry.get("trigger") and entry["trigger"] not in self.taken:
                self.taken.add(entry["trigger"])
                self.trigger_ids.add(entry["trigger"])
        for fresh in (False, True):
            for a in entities:
                if (a.uuid in ids) != fresh:
                    self._claim(a.uuid, "T", ids.get(a.uuid))
            for a in events:
                if (a.uuid in ids) != fresh:
                    self._claim(a.uuid, "E", ids.get(a.uuid))
            for r in plain:
                if (r.uuid in ids) != fresh:
                    self._claim(r.uuid, "R", ids.get(r.uuid))
        out: list[tuple[str, str]] = [(self.id_of[a.uuid], self._span(a.label, a)) for a in entities]
        out += self._events(events, arguments)
        for r in plain:
            names = self.data.get("arg_names", {}).get(r.uuid, ["Arg1", "Arg2"])
            source, target = self.id_of[r.source], self.id_of[r.target]
            out.append((self.id_of[r.uuid], f"{r.type} {names[0]}:{source} {names[1]}:{target}\t"))
            self.conf.relation(r.type, self._label(r.source), self._label(r.target))
        for a in self.annotations:
            out += self._attributes(a)
            if a.note:
                wanted = self.data.get("notes", {}).get(a.uuid)
                key = self._claim("", "#", wanted)
                out.append((key, f"{NOTE_TYPE} {self.id_of[a.uuid]}\t{escape_note(a.note)}"))
        out += self._kept_lines()
        out.sort(key=lambda item: (_ORDER.get(item[0][:1], 9), _number(item[0])))
        return [f"{key}\t{body}\n" for key, body in out]

    def _label(self, uuid: str) -> str:
        return self.label_of[uuid]

    def _span(self, label: str, ann: Annotation) -> str:
        offsets = ";".join(f"{f.start} {f.end}" for f in ann.fragments)
        covered = _flat(" ".join(f.covered(self.text) for f in ann.fragments))
        if ann.uuid not in self.events:
            self.conf.entities.add(label)
        return f"{label} {offsets}\t{covered}"

    def _events(self, events: list[Annotation], arguments: list[Relation]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        triggers: dict[tuple, str] = {}  # (trigger id read, type, fragments) -> T id written: shared triggers
        by_source: dict[str, list[Relation]] = defaultdict(list)
        for r in arguments:
            by_source[r.source].append(r)
        for ann in events:
            entry = self.events[ann.uuid]
            kind = entry.get("type", ann.label)
            wanted = entry.get("trigger")
            key = triggers.get((wanted, kind, ann.fragments))
            if key is None:
                if wanted in self.trigger_ids:
                    key = wanted
                    self.trigger_ids.discard(wanted)
                else:
                    key = self._claim("", "T", None)
                triggers[(wanted, kind, ann.fragments)] = key
                out.append((key, self._span(kind, ann)))
            self.conf.events.setdefault(ann.label, {})
            args, used = [], set()
            stored = self.data.get("roles", {})
            for item in self._arguments_in_order(entry, by_source[ann.uuid]):
                if isinstance(item, dict):  # an argument that is no annotation here (a trigger, a zero-width entity)
                    if item["id"] in self.taken:
                        args.append(f"{item['role']}:{item['id']}")
                        used.add(item["role"])
                    else:
                        self.dropped += 1
                    continue
                role = stored.get(item.uuid) if stored.get(item.uuid, "").rstrip("0123456789") == item.type else None
                n = 1
                while role is None or role in used:
                    role = item.type if n == 1 else f"{item.type}{n}"
                    n += 1
                used.add(role)
                args.append(f"{role}:{self.id_of[item.target]}")
                self.conf.events[ann.label].setdefault(item.type, set()).add(self._label(item.target))
            out.append((self.id_of[ann.uuid], " ".join([f"{ann.label}:{key}", *args])))
        return out

    @staticmethod
    def _arguments_in_order(entry: dict[str, Any], relations: list[Relation]) -> list[Relation | dict[str, str]]:
        """An event's arguments in the order the file had them, then the ones added since."""
        pending = {r.uuid: r for r in relations}
        ordered: list[Relation | dict[str, str]] = []
        for item in entry.get("args", []):
            if isinstance(item, dict):
                ordered.append(item)
            elif item in pending:
                ordered.append(pending.pop(item))
        return ordered + list(pending.values())

    def _attributes(self, ann: Annotation) -> list[tuple[str, str]]:
        wanted = self.data.get("attributes", {}).get(ann.uuid, {})
        binary = set(self.data.get("binary", []))
        target = self.id_of[ann.uuid]
        out = []
        values = ([(SUBTYPE_ATTRIBUTE, ann.subtype)] if ann.subtype else []) + list(ann.attributes.items())
        for name, value in values:
            if value is None or (value is False and name in binary):
                continue  # a binary attribute that is not set has no line
            prefix = "M" if str(wanted.get(name, "")).startswith("M") else "A"
            key = self._claim("", prefix, wanted.get(name))
            if value is True and name in binary:
                out.append((key, f"{name} {target}"))
                shown = None
            else:
                shown = ("yes" if value else "no") if isinstance(value, bool) else _value(str(value))
                out.append((key, f"{name} {target} {shown}"))
            self.conf.attribute(name, "<EVENT>" if ann.uuid in self.events else "<ENTITY>", shown)
        return out

    def _kept_lines(self) -> list[tuple[str, str]]:
        out = []
        for entry in self.extra:
            fields = []
            for item in entry["head"]:
                if isinstance(item, dict):
                    key = self.id_of.get(item["ref"]) if "ref" in item else item["id"]
                    if key is None or (key not in self.taken and "ref" not in item):
                        break
                    fields.append(f"{item['role']}:{key}" if item.get("role") else key)
                else:
                    fields.append(str(item))
            else:
                text = entry.get("text")
                out.append((entry["id"], " ".join(fields) + (f"\t{text}" if text is not None else "")))
                continue
            self.dropped += 1
        return out


def _value(value: str) -> str:
    """An attribute value as one field: '%' and white space written as %XX (brat values have no spaces)."""
    return re.sub(r"[%\s]", lambda m: f"%{ord(m[0]):02X}", value)


class _Conf:
    """What the files of one folder use, for its annotation.conf and visual.conf."""

    def __init__(self) -> None:
        self.entities: set[str] = set()
        self.events: dict[str, dict[str, set[str]]] = {}  # type -> role -> argument labels
        self.relations: dict[str, tuple[set[str], set[str]]] = {}
        self.attributes: dict[str, tuple[set[str], set[str | None]]] = {}  # name -> (targets, values)

    def relation(self, kind: str, source: str, target: str) -> None:
        sources, targets = self.relations.setdefault(kind, (set(), set()))
        sources.add(source)
        targets.add(target)

    def attribute(self, name: str, target: str, value: str | None) -> None:
        targets, values = self.attributes.setdefault(name, (set(), set()))
        targets.add(target)
        values.add(value)

    def write(self, folder: Path, scheme: Scheme | None) -> None:
        conf = ["[entities]", *sorted(self.entities), "", "[relations]"]
        conf += [
            f"{kind}\tArg1:{'|'.join(sorted(s))}, Arg2:{'|'.join(sorted(t))}"
            for kind, (s, t) in sorted(self.relations.items())
        ]
        conf += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]"]
        for kind, roles in sorted(self.events.items()):
            args = ", ".join(f"{role}*:{'|'.join(sorted(labels))}" for role, labels in sorted(roles.items()))
            conf.append(f"{kind}\t{args}" if args else kind)
        conf += ["", "[attributes]"]
        for name, (targets, values) in sorted(self.attributes.items()):
            named = sorted(v for v in values if v is not None)
            conf.append(f"{name}\tArg:{'|'.join(sorted(targets))}" + (f", Value:{'|'.join(named)}" if named else ""))
        (folder / "annotation.conf").write_text("\n".join(conf) + "\n", encoding="utf-8")
        labels = sorted(self.entities | set(self.events))
        visual = ["[labels]", *labels, "", "[drawing]"]
        for label in labels:
            if scheme is not None and scheme.has_label(label):
                visual.append(f"{label}\tbgColor:{scheme.label(label).colour}")
        (folder / "visual.conf").write_text("\n".join(visual) + "\n", encoding="utf-8")
