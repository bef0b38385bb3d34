"""brat standoff, reading: a folder of <name>.txt + <name>.ann per document (writing: brat_write.py).

Annotators: --annotator, or, when the .ann files sit in sub-folders (one per annotator, as brat_write lays them
out), the first sub-folder's name. Files directly in the folder given are by the annotator "brat": a flat
folder's own name is never taken for a person.

What each line becomes (offsets are code points of the .txt as stored; a byte-order mark counts as character 0):
* T  "T1<TAB>Person 0 5;9 12<TAB>text": a span annotation of that label (discontinuous spans with ";"); its text
     is checked (line breaks may be shown as spaces); a zero-width entity is kept as format data.
* E  "E1<TAB>Merge-org:T3 Org-Arg:T1 Org-Arg2:T2": an annotation of the event's type over its trigger's text
     (two events sharing a trigger are two annotations; the trigger is no annotation of its own) and a relation
     from it to each argument named by the role without brat's repeat number ("Org-Arg"). Arguments may be
     events: nested events are relations between event annotations.
* R  "R1<TAB>Origin Arg1:T6 Arg2:T7": a relation from Arg1 to Arg2.
* A/M an attribute (A) or modifier (M) of an entity or event: binary ones (no value) as True, valued ones as
     text; the attribute "subtype" is the sub-type (this tool's convention).
* #  the first AnnotatorNotes of an entity or event: its note (line breaks written as \\n).
Everything else is kept as the document's brat format data (see fidelity.py) and written back by the writer:
normalizations (N), equivalences (*), notes of other types, on relations or beyond the first, attributes of
relations or triggers, zero-width entities, and every original id (T1, E1, R1, A1, #1), event roles as written
(Org-Arg2), which attributes are binary, and the file name: a round trip gives the same .ann back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment, Origin, Relation
from annotator.core.text import newline_style
from annotator.formats._common import IdMaker, anchored, read_text, stable_uuid
from annotator.formats.fidelity import Fidelity
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions, reader

FORMAT = "brat"
SUBTYPE_ATTRIBUTE = "subtype"
NOTE_TYPE = "AnnotatorNotes"
DEFAULT_ANNOTATOR = "brat"
_NOTE_ESCAPES = (("\\", "\\\\"), ("\r", "\\r"), ("\n", "\\n"), ("\t", "\\t"))
_SPAN = re.compile(r"^(\d+) (\d+)$")
_ID = re.compile(r"^([TERAMN#])\d+$|^\*$")


def _sniff(path: Path, head: bytes) -> bool:
    if path.is_dir():
        return any(path.glob("*.ann")) or any(path.glob("*/*.ann"))
    return path.suffix.lower() == ".ann"


@reader("brat", extensions=("ann",), description="brat standoff (.txt + .ann)", sniff=_sniff, folder=True)
def read_brat(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    if path.is_dir():
        anns = sorted(p for p in path.rglob("*.ann") if not any(part.startswith(".") for part in p.parts))
        if not anns:
            raise InputError("no .ann files in this folder", str(path))
        root = path
    elif path.suffix.lower() in (".ann", ".txt"):
        anns, root = [path.with_suffix(".ann")], path.parent
    else:
        raise InputError("brat reads a folder, or a .ann file beside its .txt", str(path))
    for ann_path in anns:
        inner = ann_path.relative_to(root).parts
        annotator = options.annotator or (inner[0] if len(inner) > 1 else DEFAULT_ANNOTATOR)
        yield read_pair(ann_path.with_suffix(".txt"), ann_path, annotator, options)


def read_pair(txt: Path, ann_path: Path, annotator: str, options: ReadOptions) -> DocumentBundle:
    if not txt.exists():
        raise InputError(f"the text {txt.name} that this .ann annotates is missing", str(ann_path))
    text, encoding = read_text(txt)
    doc = Document(
        text=text,
        title=title_from(text, txt.stem),
        encoding=encoding,
        newline=newline_style(text),
        source=str(txt),
        metadata={FORMAT: {"name": txt.stem}},
    )
    lines = _lines(ann_path) if ann_path.exists() else []
    bundle = _Reader(doc, annotator, str(ann_path), options).read(lines)
    options.fidelity.keep(FORMAT, "document")
    return bundle


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None


@dataclass
class _Line:
    number: int
    id: str
    head: list[str]  # the space-separated fields of the second column
    text: str | None  # the third column, if any

    @property
    def kind(self) -> str:
        return self.id[:1]


@dataclass
class _Span:
    label: str
    fragments: list[Fragment]
    attributes: dict[str, Any] = field(default_factory=dict)
    attribute_ids: dict[str, str] = field(default_factory=dict)
    subtype: str | None = None
    note: str | None = None
    note_id: str | None = None


class _Reader:
    """One .ann file: lines are read first, then resolved, since a line may refer to one further down."""

    def __init__(self, doc: Document, annotator: str, where: str, options: ReadOptions):
        self.doc, self.annotator, self.where, self.options = doc, annotator, where, options
        self.fidelity: Fidelity = options.fidelity
        self.data: dict[str, Any] = doc.metadata[FORMAT]
        self.extra: list[dict[str, Any]] = []
        self.spans: dict[str, _Span] = {}  # entity or event id -> what its annotation is built from
        self.ann_of: dict[str, Annotation] = {}  # entity or event id -> annotation
        self.rel_of: dict[str, Relation] = {}  # R id -> relation
        self.defined: set[str] = set()  # every id of the file
        self.leftover: set[str] = set()  # attribute and note lines kept as written
        self.zero_width: set[str] = set()  # zero-width entities, and events and relations that need one

    def read(self, raw: list[str]) -> DocumentBundle:
        lines = self._parse(raw)
        by_id = {line.id: line for line in lines if line.id != "*"}
        events = [line for line in lines if line.kind == "E"]
        triggers = {self._trigger(e, by_id) for e in events}
        for line in lines:
            if line.kind == "T" and line.id not in triggers:
                self._entity(line)
        for event in events:
            trigger = by_id[self._trigger(event, by_id)]
            self.spans[event.id] = _Span(event.head[0].split(":", 1)[0], self._fragments(trigger))
            if not self.spans[event.id].fragments:  # an event on a zero-width trigger: kept as written
                del self.spans[event.id]
        for line in lines:
            if line.kind in "AM":
                self._attribute(line)
            elif line.kind == "#":
                self._note(line)
        self._annotations(events, by_id)
        relations = [r for line in lines if line.kind == "R" for r in self._relation(line)]
        relations += [r for event in events for r in self._arguments(event)]
        for line in lines:
            if line.kind in "N*" or (line.kind in "AM#" and line.id in self.leftover) or line.id in self.zero_width:
                self._keep_line(line)
        if self.extra:
            self.data["extra"] = {self.annotator: self.extra}
        return DocumentBundle(self.doc, list(self.ann_of.values()), relations)

    # -- lines ---------------------------------------------------------------------------------------------

    def _parse(self, raw: list[str]) -> list[_Line]:
        lines, seen = [], set()
        for number, text in enumerate(raw, start=1):
            if not text.strip():
                continue
            key, _, rest = text.partition("\t")
            if not _ID.match(key):
                raise InputError(
                    f"a brat line starts with an id (T1, E1, R1, A1, M1, N1, #1 or *) and a tab; got {text[:40]!r}",
                    self.where,
                    number,
                )
            if key in seen and key != "*":
                raise InputError(f"the id {key} is used twice in this file", self.where, number)
            seen.add(key)
            head, tab, tail = rest.partition("\t")
            lines.append(_Line(number, key, head.split(), tail if tab else None))
            if not lines[-1].head:
                raise InputError(f"{key} has no type", self.where, number)
        self.defined = seen
        return lines

    def _fail(self, line: _Line, rule: str) -> InputError:
        return InputError(f"{line.id}: {rule}", self.where, line.number)

    def _trigger(self, event: _Line, by_id: dict[str, _Line]) -> str:
        kind, sep, trigger = event.head[0].partition(":")
        if not sep or by_id.get(trigger) is None or by_id[trigger].kind != "T":
            raise self._fail(event, f"an event names its trigger as Type:T<n> of this file; got {event.head[0]!r}")
        return trigger

    def _fragments(self, line: _Line) -> list[Fragment]:
        """The fragments of a T line, checked against its text; [] for a zero-width entity."""
        offsets = " ".join(line.head[1:])
        pieces = []
        for piece in offsets.split(";"):
            match = _SPAN.match(piece.strip())
            if not match:
                raise self._fail(line, f"offsets are 'start end' pairs separated by ';', got {offsets!r}")
            pieces.append((int(match[1]), int(match[2])))
        if any(start == end for start, end in pieces):
            self.zero_width.add(line.id)
            return []
        text = self.doc.text
        region = f"entity {line.id}"

        def at(start: int, end: int, expected: str | None, reanchor: bool = False) -> Fragment:
            return anchored(
                text,
                start,
                end,
                expected,
                region=region,
                path=self.where,
                line=line.number,
                reanchor=reanchor,
                fidelity=self.fidelity,
            )

        if len(pieces) == 1 and line.text is not None:
            start, end = pieces[0]
            if start < end <= len(text) and _flat(text[start:end]) == line.text:
                return [Fragment(start, end)]  # line breaks inside are shown as spaces in the .ann
            return [at(start, end, line.text, self.options.reanchor)]
        frags = [at(s, e, None) for s, e in pieces]
        actual = " ".join(f.covered(text) for f in frags)
        if line.text is not None and line.text not in (actual, _flat(actual)):
            raise self._fail(line, f"span {offsets} covers {actual[:60]!r}, but the file says {line.text[:60]!r}")
        return frags

    def _entity(self, line: _Line) -> None:
        fragments = self._fragments(line)
        if fragments:
            self.spans[line.id] = _Span(line.head[0], fragments)

    def _attribute(self, line: _Line) -> None:
        if len(line.head) not in (2, 3):
            raise self._fail(line, "an attribute is 'Name ID' (binary) or 'Name ID Value'")
        name, target, *value = line.head
        span = self.spans.get(target)
        if span is None or name in span.attribute_ids or (name == SUBTYPE_ATTRIBUTE and span.subtype):
            self.leftover.add(line.id)  # on a relation or trigger, or a second value: kept as written
            return
        if name == SUBTYPE_ATTRIBUTE and value:
            span.subtype = unquote(value[0])
        else:
            span.attributes[name] = unquote(value[0]) if value else True
            if not value:
                self.data.setdefault("binary", [])
                if name not in self.data["binary"]:
                    self.data["binary"].append(name)
        span.attribute_ids[name] = line.id

    def _note(self, line: _Line) -> None:
        if len(line.head) != 2:
            raise self._fail(line, "a note is 'Type ID<TAB>text'")
        kind, target = line.head
        span = self.spans.get(target)
        if kind != NOTE_TYPE or span is None or span.note is not None:
            self.leftover.add(line.id)
            return
        span.note, span.note_id = _unescape(line.text or ""), line.id

    def _annotations(self, events: list[_Line], by_id: dict[str, _Line]) -> None:
        ids = IdMaker(self.doc, FORMAT)
        brat_ids = self.data.setdefault("ids", {})
        attribute_ids, note_ids = self.data.setdefault("attributes", {}), self.data.setdefault("notes", {})
        for key, span in self.spans.items():
            name = span.label + (f"/{span.subtype}" if span.subtype else "")
            ann = Annotation(
                document=self.doc.uuid,
                annotator=self.annotator,
                label=span.label,
                subtype=span.subtype,
                fragments=tuple(span.fragments),
                attributes=span.attributes,
                note=span.note or "",
                origin=Origin.IMPORTED,
                uuid=ids(self.annotator, name, span.fragments),
            )
            self.ann_of[key] = ann
            brat_ids[ann.uuid] = key
            if span.attribute_ids:
                attribute_ids[ann.uuid] = span.attribute_ids
            if span.note_id:
                note_ids[ann.uuid] = span.note_id
            self.fidelity.keep(FORMAT, "event" if key[0] == "E" else "entity")
            self.fidelity.keep(FORMAT, "attribute", len(span.attributes) + bool(span.subtype))
            self.fidelity.keep(FORMAT, "note", span.note is not None)
        for event in events:
            ann = self.ann_of.get(event.id)
            if ann is None:
                self.zero_width.add(event.id)
                continue
            trigger = self._trigger(event, by_id)
            entry: dict[str, Any] = {"trigger": trigger, "args": []}
            if by_id[trigger].head[0] != ann.label:
                entry["type"] = by_id[trigger].head[0]
            self.data.setdefault("events", {})[ann.uuid] = entry
        for name in ("attributes", "notes"):
            if not self.data[name]:
                del self.data[name]

    def _ref(self, key: str, line: _Line) -> Annotation | None:
        if key not in self.defined:
            raise self._fail(line, f"refers to {key}, which this file does not define")
        return self.ann_of.get(key)

    def _relation(self, line: _Line) -> list[Relation]:
        args = [a.split(":", 1) for a in line.head[1:]]
        if len(args) != 2 or any(len(a) != 2 for a in args):
            raise self._fail(line, "a relation is 'Type Arg1:ID Arg2:ID'")
        (role1, first), (role2, second) = args
        source, target = self._ref(first, line), self._ref(second, line)
        if source is None or target is None:  # an end that is no annotation (a zero-width entity): kept as written
            self.zero_width.add(line.id)
            return []
        kind = line.head[0]
        rel = Relation(
            kind,
            source.uuid,
            target.uuid,
            self.annotator,
            uuid=stable_uuid("brat-rel", source.uuid, target.uuid, kind, line.id),
        )
        self.rel_of[line.id] = rel
        self.data["ids"][rel.uuid] = line.id
        if (role1, role2) != ("Arg1", "Arg2"):
            self.data.setdefault("arg_names", {})[rel.uuid] = [role1, role2]
        self.fidelity.keep(FORMAT, "relation")
        return [rel]

    def _arguments(self, event: _Line) -> list[Relation]:
        ann = self.ann_of.get(event.id)
        if ann is None:
            return []
        entry = self.data["events"][ann.uuid]
        relations = []
        for arg in event.head[1:]:
            role, sep, key = arg.partition(":")
            if not sep or not role:
                raise self._fail(event, f"an event argument is Role:ID, got {arg!r}")
            target = self._ref(key, event)
            if target is None:
                entry["args"].append({"role": role, "id": key})
                self.fidelity.preserve(FORMAT, "event argument")
                continue
            base = role.rstrip("0123456789") or role
            rel = Relation(
                base, ann.uuid, target.uuid, self.annotator, uuid=stable_uuid("brat-arg", ann.uuid, target.uuid, role)
            )
            relations.append(rel)
            entry["args"].append(rel.uuid)
            if base != role:
                self.data.setdefault("roles", {})[rel.uuid] = role
            self.fidelity.keep(FORMAT, "event argument")
        return relations

    def _keep_line(self, line: _Line) -> None:
        """A line the model has no place for, kept with its references to annotations and relations by uuid
        ({"ref": uuid}), to other ids of the file by id ({"id": "T3"}), and its other fields as written."""
        head: list[Any] = [line.head[0]]
        for item in line.head[1:]:
            role, sep, key = item.partition(":") if line.kind in "RE" else ("", "", item)
            target = self.ann_of.get(key) or self.rel_of.get(key)
            ref: Any = {"ref": target.uuid} if target else {"id": key} if key in self.defined else item
            head.append({"role": role, **ref} if sep and isinstance(ref, dict) else ref)
        entry: dict[str, Any] = {"id": line.id, "head": head}
        if line.text is not None:
            entry["text"] = line.text
        self.extra.append(entry)
        kinds = _ZERO_WIDTH if line.id in self.zero_width else _KEPT_AS_DATA
        self.fidelity.preserve(FORMAT, kinds.get(line.kind, "line"))


_KEPT_AS_DATA = {"N": "normalization", "*": "equivalence", "#": "note", "A": "attribute", "M": "modifier"}
_ZERO_WIDTH = {"T": "zero-width entity", "E": "event on a zero-width trigger", "R": "relation to a zero-width entity"}


def _flat(covered: str) -> str:
    return covered.replace("\r\n", "  ").replace("\r", " ").replace("\n", " ")


def escape_note(note: str) -> str:
    for raw, escaped in _NOTE_ESCAPES:
        note = note.replace(raw, escaped)
    return note


def _unescape(note: str) -> str:
    return re.sub(r"\\([\\rnt])", lambda m: {"\\": "\\", "r": "\r", "n": "\n", "t": "\t"}[m[1]], note)
