"""WebAnno TSV 3.3, reading: INCEpTION's text rebuilding, then every layer by name (mapping: webanno.py).

The text is rebuilt as INCEpTION does: sentence texts at their first token's offset, a gap filled with spaces,
the line break after each sentence dropped where the next one starts at once. Every token's text is checked.
Files laid out as INCEpTION's project export does (annotation/<document>/<user>.tsv) give the user as the
annotator and the folder as the document's name.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment, Origin, Relation
from annotator.core.offsets import OffsetMap
from annotator.core.text import newline_style
from annotator.formats._common import IdMaker, stable_uuid
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions, reader
from annotator.formats.webanno import (
    DEFAULT_ANNOTATOR,
    FORMAT,
    NULL_COLUMN,
    NULL_VALUE,
    Column,
    Layer,
    label_feature,
    parse_header,
    relation_type,
    sniff,
    span_label,
    split_unescaped,
    unescape_text,
    unescape_value,
)
from annotator.formats.webanno_tokens import token_data

MAX_GAP = 1_000_000  # blank space between two sentences; more is a damaged offset, not a layout
_ROW = re.compile(r"(\d+-\d+(?:\.\d+)?)\t(\d+)-(\d+)\t")
_ID_SUFFIX = re.compile(r"^(.*)\[(\d+(?:_\d+)?)\]$")
_CHAIN_LINK = re.compile(r"^(.*)->(\d+)-(\d+)$")


@reader("webanno", extensions=("tsv",), description="WebAnno TSV 3.3 (INCEpTION)", sniff=sniff, folder=True)
def read_webanno(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    files = sorted(path.rglob("*.tsv")) if path.is_dir() else [path]
    for file in files:
        yield read_tsv(file, options)


@dataclass(slots=True)
class _Unit:
    line: int
    id: str
    begin: int  # code points
    end: int
    cells: list[str]


@dataclass
class _Span:
    layer: Layer
    units: list[_Unit]
    features: dict[str, str | None] = field(default_factory=dict)
    slots: dict[str, list[str | None]] = field(default_factory=dict)  # feature -> roles
    targets: dict[str, list[str]] = field(default_factory=dict)  # feature -> target unit refs
    chain: tuple[int, int] | None = None  # (chain id, link number) of a chain link

    @property
    def begin(self) -> int:
        return self.units[0].begin

    @property
    def end(self) -> int:
        return self.units[-1].end


def read_tsv(path: Path, options: ReadOptions) -> DocumentBundle:
    where = str(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", where) from None
    if not lines[0].startswith("#FORMAT=WebAnno TSV 3"):
        raise InputError("a WebAnno TSV file starts with #FORMAT=WebAnno TSV 3.x", where, 1)
    end_of_header = next((n for n, line in enumerate(lines) if not line.strip()), len(lines))
    layers = parse_header(lines[1:end_of_header], where)
    text, sentences, units = _body(lines, end_of_header + 1, layers, where)
    return _Document(path, text, layers, sentences, units, lines[1:end_of_header], options).bundle()


def _body(lines: list[str], first: int, layers: list[Layer], where: str) -> tuple[str, list[list], list[_Unit]]:
    n_columns = sum(len(layer.columns) for layer in layers)
    parts: list[str] = []
    length = 0  # UTF-16 units so far
    pending: list[str] = []
    pending_id: str | None = None
    sentences: list[list] = []  # [begin, end, id] in UTF-16 units for now
    raw: list[tuple[int, str, int, int, str, list[str]]] = []
    for number, line in enumerate(lines[first - 1 :], start=first):
        if line[:1] == "#":
            if line.startswith("#Text="):
                pending.append(unescape_text(line[6:]))
            elif line.startswith("#Sentence.id="):
                pending_id = unescape_text(line[13:])
            continue
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) < 3 + n_columns:
            raise InputError(f"expected {3 + n_columns} tab-separated fields, found {len(cells)}", where, number)
        uid, token = cells[0], cells[2]
        match = _ROW.match(line)
        if match is None:
            raise InputError(
                f"a unit starts 'S-T<TAB>begin-end' (sub-tokens S-T.N); got {uid!r} {cells[1]!r}", where, number
            )
        begin, end = int(match[2]), int(match[3])
        if pending:  # the first token of a sentence places the sentence's text
            if "." in uid:
                raise InputError("a sentence starts with a token, not a sub-token", where, number)
            if length > begin:
                parts[-1] = parts[-1][:-1]  # the line break written after the previous sentence
                length -= 1
            if begin - length > MAX_GAP:  # found by fuzzing: a huge offset asked for that many spaces
                raise InputError(f"offset {begin} lies far past the text so far ({length})", where, number)
            if length < begin:
                parts.append(" " * (begin - length))
                length = begin
            body = "\n".join(pending) + "\n"
            parts.append(body)
            sentences.append([length, length + _units(body) - 1, pending_id])
            length += _units(body)
            pending, pending_id = [], None
        elif not sentences:
            raise InputError("a token comes before any #Text= line", where, number)
        raw.append((number, uid, begin, end, token, cells[3 : 3 + n_columns]))
    text = "".join(parts)
    text = text[:-1] if text.endswith("\n") else text
    offsets_map = OffsetMap(text)
    astral = _units(text) != len(text)  # without characters beyond the BMP, UTF-16 units are code points
    units = []
    for number, uid, begin, end, token, cells in raw:
        start, stop = (offsets_map.from_utf16(begin), offsets_map.from_utf16(end)) if astral else (begin, end)
        if text[start:stop] != token or begin > end:
            raise InputError(
                f"unit {uid} at {begin}-{end} covers {text[start:stop]!r}, but the file says {token!r}", where, number
            )
        units.append(_Unit(number, uid, start, stop, cells))
    cps = [[offsets_map.from_utf16(b), offsets_map.from_utf16(min(e, _units(text))), i] for b, e, i in sentences]
    return text, [s if s[2] is not None else s[:2] for s in cps], units


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Document:
    """The annotations of one file: spans, chain links and relations gathered unit by unit, then made."""

    def __init__(self, path, text, layers, sentences, units, header, options: ReadOptions):
        self.where, self.text, self.layers, self.units = str(path), text, layers, units
        self.options, self.fidelity = options, options.fidelity
        inception = path.parent.parent.name in ("annotation", "curation")
        self.default_annotator = options.annotator or (path.stem if inception else DEFAULT_ANNOTATOR)
        name = path.parent.name if inception else path.stem
        self.data: dict[str, Any] = {"name": name, "header": header, "sentences": sentences}
        self.doc = Document(
            text=text, title=title_from(text, name), newline=newline_style(text), source=self.where, metadata={}
        )
        self.by_unit: dict[str, _Unit] = {u.id: u for u in units}
        self.spans: list[_Span] = []
        self.by_id: dict[tuple[str, str], _Span] = {}  # (layer, disambiguation id or chain-link) -> span
        self.at: dict[tuple[str, str, int], _Span] = {}  # (unit, layer, stack index) -> span
        self.relations: list[tuple[_Unit, Layer, dict[str, str | None], list[str]]] = []  # unit, layer, features, base
        self.relation_at: dict[tuple[str, str, int], int] = {}  # (unit, layer, stack index) -> relation
        self.columns = [c for layer in layers for c in layer.columns]
        # chain links name their element (chain, link) and so come before the element types that find it
        self.column_order = sorted(range(len(self.columns)), key=lambda i: self.columns[i].role != "chain_link")
        self.layer_of = {layer.name: layer for layer in layers}
        self.label_features = {
            layer.name: label_feature(layer, options.mapping) for layer in layers if layer.kind != "chain"
        }

    def bundle(self) -> DocumentBundle:
        width = len(self.columns)
        for unit in self.units:
            if unit.cells.count(NULL_COLUMN) != width:  # most tokens carry no annotation
                self._unit(unit)
        self.ids = IdMaker(self.doc, FORMAT)
        made = self._spans()
        self._stacks(made)
        relations = self._chains(made) + self._slots(made) + self._relations(made)
        self.data.update(token_data(self.text, [(u.begin, u.end) for u in self.units if "." not in u.id]))
        self.data["label_features"] = {k: v for k, v in self.label_features.items() if v}
        self.doc.metadata[FORMAT] = {k: v for k, v in self.data.items() if v not in ({}, [], None)}
        self.fidelity.keep(FORMAT, "document")
        self.fidelity.preserve(FORMAT, "sentence", len(self.data["sentences"]))
        return DocumentBundle(self.doc, list(made.values()), relations)

    # -- gathering -------------------------------------------------------------------------------------------

    def _unit(self, unit: _Unit) -> None:
        cells = unit.cells
        for index in self.column_order:
            column, cell = self.columns[index], cells[index]
            if cell == NULL_COLUMN:
                continue
            if not cell:
                name = "BT" if column.role == "base" else column.feature or "placeholder"
                raise self._fail(unit, f"the {column.layer} column {name} is empty (an empty cell holds _)")
            layer = self.layer_of[column.layer]
            if column.kind == "relation":
                self._relation_cell(unit, layer, column, split_unescaped(cell, "|"))
                continue
            for stack, value in enumerate(split_unescaped(cell, "|")):
                self._span_value(unit, layer, column, stack, value)

    def _fail(self, unit: _Unit, rule: str) -> InputError:
        return InputError(f"unit {unit.id}: {rule}", self.where, unit.line)

    def _span_value(self, unit: _Unit, layer: Layer, column: Column, stack: int, value: str) -> None:
        key: str | None = None
        if column.role == "chain_link":
            match = _CHAIN_LINK.match(value)
            if not match or match[1].endswith("\\"):
                raise self._fail(unit, f"a referenceRelation value is 'relation->chain-link'; got {value!r}")
            value, chain = match[1], (int(match[2]), int(match[3]))
            key = f"chain {chain[0]}-{chain[1]}"
        elif column.role != "slot_target" and value.endswith("]"):
            match = _ID_SUFFIX.match(value)
            if match and not match[1].endswith("\\"):
                value, key = match[1], match[2]
                if column.role == "chain_type":
                    key = None  # on a chain the number is the chain's id, not a disambiguation id
        span = self.by_id.get((layer.name, key)) if key else None
        span = span or self.at.get((unit.id, layer.name, stack))
        if span is None:
            if column.role == "chain_type":
                raise self._fail(unit, f"a chain element of {layer.name} has no referenceRelation")
            span = _Span(layer, [unit])
            self.spans.append(span)
        elif unit not in span.units:
            span.units.append(unit)
        if key:
            self.by_id[(layer.name, key)] = span
        self.at[(unit.id, layer.name, stack)] = span
        if column.role == "chain_link":
            span.chain = chain
        if span.units[0] is not unit:
            return  # features, roles and targets are read where the annotation starts
        if column.role in ("primitive", "chain_type", "chain_link"):
            span.features[column.feature] = None if value == NULL_VALUE else unescape_value(value)
        elif column.role == "slot_role":
            span.slots[column.feature] = [
                None if r == NULL_VALUE else unescape_value(r) for r in split_unescaped(value, ";")
            ]
        elif column.role == "slot_target" and value != NULL_VALUE:
            span.targets[column.feature] = split_unescaped(value, ";")

    def _relation_cell(self, unit: _Unit, layer: Layer, column: Column, values: list[str]) -> None:
        for stack, value in enumerate(values):
            key = (unit.id, layer.name, stack)
            if key not in self.relation_at:
                self.relation_at[key] = len(self.relations)
                self.relations.append((unit, layer, {}, [""]))
            features, base = self.relations[self.relation_at[key]][2:]
            if column.role == "base":
                base[0] = value
            else:
                features[column.feature] = None if value == NULL_VALUE else unescape_value(value)

    # -- making annotations ----------------------------------------------------------------------------------

    def _spans(self) -> dict[int, Annotation]:
        made: dict[int, Annotation] = {}
        zero: list[dict[str, Any]] = []
        counts: Counter[str] = Counter()
        for span in self.spans:
            features = dict(span.features)
            annotator = features.pop("annotator", None) or self.default_annotator
            if span.begin == span.end:
                zero.append({"layer": span.layer.name, "at": span.begin, "features": span.features})
                self.fidelity.preserve(FORMAT, "zero-width annotation")
                continue
            if span.chain is not None:
                label, subtype = span_label(span.layer, None, features.pop("referenceType", None))
                features.pop("referenceRelation", None)
            else:
                feature = self.label_features.get(span.layer.name)
                label, subtype = span_label(span.layer, feature, features.pop(feature, None) if feature else None)
            attributes = {k: v for k, v in features.items() if v is not None}
            fragments = (Fragment(span.begin, span.end),)
            name = label + (f"/{subtype}" if subtype else "")
            made[id(span)] = Annotation(
                document=self.doc.uuid,
                annotator=self.options.annotator or annotator,
                label=label,
                subtype=subtype,
                fragments=fragments,
                attributes=attributes,
                origin=Origin.IMPORTED,
                uuid=self.ids(annotator, name, fragments),
            )
            counts["chain link" if span.chain else "span"] += 1
            counts["feature"] += len(attributes)
        for kind, count in counts.items():
            self.fidelity.keep(FORMAT, kind, count)
        if zero:
            self.data["zero_width"] = {self.default_annotator: zero}
        return made

    def _stacks(self, made: dict[int, Annotation]) -> None:
        """Annotations of one layer over the same text, in the file's order (INCEpTION stacks them so)."""
        groups: dict[tuple[str, int, int], list[str]] = defaultdict(list)
        for span in self.spans:
            if id(span) in made:
                groups[(span.layer.name, span.begin, span.end)].append(made[id(span)].uuid)
        stacks = {uuids[0]: uuids for uuids in groups.values() if len(uuids) > 1}
        if stacks:
            self.data["stacks"] = stacks

    def _relation(self, source: Annotation, target: Annotation, kind: str, *salt: object) -> Relation:
        uuid = stable_uuid("webanno-rel", source.uuid, target.uuid, kind, *salt)
        return Relation(kind, source.uuid, target.uuid, source.annotator, uuid=uuid)

    def _chains(self, made: dict[int, Annotation]) -> list[Relation]:
        chains: dict[tuple[str, int], list[_Span]] = defaultdict(list)
        for span in self.spans:
            if span.chain is not None and id(span) in made:
                chains[(span.layer.name, span.chain[0])].append(span)
                self.data.setdefault("chains", {})[made[id(span)].uuid] = [span.layer.name, *span.chain]
        relations = []
        for (layer, chain), links in chains.items():
            links.sort(key=lambda s: s.chain[1] if s.chain else 0)
            for a, b in zip(links, links[1:], strict=False):
                kind = relation_type(a.layer, a.features.get("referenceRelation"))
                relations.append(self._relation(made[id(a)], made[id(b)], kind, layer, chain))
            self.fidelity.keep(FORMAT, "chain")
        return relations

    def _resolve(self, ref: str, layer: str, number: str, unit: _Unit) -> _Span | None:
        if number not in ("", "0"):
            found = self.by_id.get((layer, number))
            if found is None:
                raise self._fail(unit, f"refers to {ref}[{number}], which no annotation of {layer} has")
            return found
        if ref not in self.by_unit:
            raise self._fail(unit, f"refers to unit {ref}, which this file does not have")
        return self.at.get((ref, layer, 0))

    def _slots(self, made: dict[int, Annotation]) -> list[Relation]:
        relations = []
        for span in self.spans:
            for feature, roles in span.slots.items():
                column = next(c for c in span.layer.columns if c.role == "slot_target" and c.feature == feature)
                targets = span.targets.get(feature, [])
                if len(targets) != len(roles) or id(span) not in made:
                    raise self._fail(
                        span.units[0], f"link feature {feature} has {len(roles)} roles for {len(targets)} targets"
                    )
                for k, (role, ref) in enumerate(zip(roles, targets, strict=True)):
                    match = _ID_SUFFIX.match(ref)
                    unit_id, number = (match[1], match[2]) if match else (ref, "")
                    target = self._resolve(unit_id, column.target, number, span.units[0])
                    if target is None or id(target) not in made:
                        raise self._fail(
                            span.units[0], f"link {role} points to {ref}, where {column.target} has nothing"
                        )
                    rel = self._relation(made[id(span)], made[id(target)], role or feature, feature, k)
                    relations.append(rel)
                    self.data.setdefault("slots", {})[rel.uuid] = [feature, k]
                    self.fidelity.keep(FORMAT, "link feature")
        return relations

    def _relations(self, made: dict[int, Annotation]) -> list[Relation]:
        relations = []
        many_layers = len({layer.name for _, layer, _, _ in self.relations}) > 1
        kept = 0
        for unit, layer, features, (base,) in self.relations:
            match = _ID_SUFFIX.match(base)
            ref, pair = (match[1], match[2]) if match else (base, "0_0")
            source_id, _, target_id = pair.partition("_")
            source = self._resolve(ref, layer.base, source_id, unit)
            target = self._resolve(unit.id, layer.base, target_id, unit)
            feature = self.label_features.get(layer.name)
            rest = {k: v for k, v in features.items() if k not in (feature, "annotator")}
            if source is None or target is None or id(source) not in made or id(target) not in made:
                start, end = self.by_unit[ref], unit
                entry = {
                    "layer": layer.name,
                    "from": [start.begin, start.end],
                    "to": [end.begin, end.end],
                    "features": features,
                }
                self.data.setdefault("token_relations", {}).setdefault(self.default_annotator, []).append(entry)
                self.fidelity.preserve(FORMAT, "relation between tokens")
                continue
            kind = relation_type(layer, features.get(feature) if feature else None)
            rel = self._relation(made[id(source)], made[id(target)], kind, layer.name, unit.id)
            if features.get("annotator"):
                rel = Relation(
                    rel.type, rel.source, rel.target, self.options.annotator or features["annotator"], uuid=rel.uuid
                )
            relations.append(rel)
            if many_layers:
                self.data.setdefault("relation_layers", {})[rel.uuid] = layer.name
            if any(v is not None for v in rest.values()):
                self.data.setdefault("relation_features", {})[rel.uuid] = rest
            kept += 1
        self.fidelity.keep(FORMAT, "relation", kept)
        return relations
