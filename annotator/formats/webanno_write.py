"""WebAnno TSV 3.3, writing: a folder with one <name>.tsv per document (the mapping is described in webanno.py).

A document read from a TSV file is written with its own header, tokens, sentences (and their ids), layers,
chains, link features, relation layers and zero-width annotations, so INCEpTION gets its own file back.
Annotations made here go to the layer of their label, or to this tool's layer webanno.custom.Span (features
annotator and label, "claim/statistical") with relations in webanno.custom.SpanRelation: define those two
custom layers in the INCEpTION project before importing. A document made here is tokenized into runs of
non-space characters cut at every span boundary, and a sentence runs from a line's first token to the next
line's first token; a span that does not fall on token boundaries of a file's tokens is written on sub-tokens.
Offsets count UTF-16 units. Left out, and counted in the export's notes: document-level annotations, notes,
attributes the layer has no feature for, relations whose ends lie in layers no relation layer joins.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.model import Annotation, Relation
from annotator.core.offsets import OffsetMap
from annotator.formats._common import file_stem, join_label
from annotator.formats.registry import DocumentBundle, WriteOptions, writer
from annotator.formats.webanno import (
    DEFAULT_ANNOTATOR,
    FORMAT,
    HEADER,
    NULL_COLUMN,
    NULL_VALUE,
    OWN_HEADER,
    RELATION_LAYER,
    SPAN_LAYER,
    Layer,
    escape_text,
    escape_value,
    parse_header,
    short,
)
from annotator.formats.webanno_tokens import tokens_of


@writer("webanno", extensions=("tsv",), description="WebAnno TSV 3.3 (INCEpTION)", folder=True)
def write_webanno(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    path.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    count = lost = 0
    for bundle in bundles:
        name = (bundle.document.metadata.get(FORMAT) or {}).get("name")
        stem = name.removesuffix(".tsv") if isinstance(name, str) else ""
        if stem and "/" not in stem and not stem.startswith(".") and stem not in taken:
            taken.add(stem)
        else:
            stem = file_stem(bundle.document, taken)
        for relative, content, left_out in document_files(bundle, stem):
            target = path / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8", newline="\n")
            lost += left_out
        count += 1
    if lost:
        options.extra.setdefault("notes", []).append(
            f"{lost} document-level annotations, notes, attributes or relations have no WebAnno form here"
        )
    return count


def document_files(bundle: DocumentBundle, stem: str) -> list[tuple[str, str, int]]:
    """(path in the export, content, things left out) of each file for one document: <stem>.tsv, or, when
    annotators would not be told apart (their layers have no annotator feature), INCEpTION's project layout
    annotation/<stem>/<annotator>.tsv, which reading maps back to the annotators."""
    probe = _Writer(bundle)
    unnamed = {p.ann.annotator for p in probe._pieces() if p.ann and "annotator" not in p.layer.features}
    if unnamed <= {DEFAULT_ANNOTATOR}:
        return [(f"{stem}.tsv", *_Writer(bundle).write())]
    files = []
    kept = {person for key in ("zero_width", "token_relations") for person in probe.data.get(key, {})}
    for person in sorted({a.annotator for a in bundle.annotations} | kept):
        mine = [a for a in bundle.annotations if a.annotator == person]
        ids = {a.uuid for a in mine}
        relations = [r for r in bundle.relations if r.source in ids]
        part = DocumentBundle(bundle.document, mine, relations)
        files.append((f"annotation/{stem}/{_safe(person)}.tsv", *_Writer(part, person).write()))
    return files


def _safe(name: str) -> str:
    return re.sub(r"[^\w.@ -]+", "_", name).strip(" .") or "annotator"


@dataclass(eq=False)
class _Unit:
    begin: int
    end: int
    sub: int = 0  # 0 for a token, k for its k-th sub-token
    id: str = ""
    order: int = 0


@dataclass(eq=False)
class _Piece:
    """One fragment of an annotation (or a zero-width annotation kept as format data) in one layer."""

    ann: Annotation | None
    layer: Layer
    features: dict[str, str | None]
    begin: int
    end: int
    units: list[_Unit] = field(default_factory=list)
    number: int | None = None  # disambiguation id
    chain: tuple[int, int] | None = None  # (chain id, link number)
    links: list[tuple[int, str, str, _Piece]] = field(default_factory=list)  # (order, feature, role, target)
    next_relation: str | None = None  # a chain link's referenceRelation


def document_tsv(bundle: DocumentBundle) -> tuple[str, int]:
    """The .tsv of one document, and how many things it could not write."""
    return _Writer(bundle).write()


class _Writer:
    def __init__(self, bundle: DocumentBundle, person: str | None = None):
        self.bundle = bundle
        self.text = bundle.document.text
        self.data: dict[str, Any] = bundle.document.metadata.get(FORMAT) or {}
        self.header: list[str] = list(self.data.get("header", []))
        self.layers = parse_header(self.header, "format data")
        self.features: dict[str, str | None] = dict(self.data.get("label_features", {}))
        self.person = person  # writing one annotator's file: only their zero-width and token relations
        self.lost = 0

    def _kept(self, key: str) -> list[dict[str, Any]]:
        """Format data kept per annotator (zero-width annotations, relations between tokens)."""
        by_person = self.data.get(key, {})
        return [item for person, items in by_person.items() if self.person in (None, person) for item in items]

    def layer(self, name: str) -> Layer | None:
        return next((layer for layer in self.layers if layer.name == name), None)

    def own_layer(self, name: str) -> Layer:
        """This tool's span or relation layer, declared in the header when something is first written to it."""
        found = self.layer(name)
        if found is None:
            self.header += [line for line in OWN_HEADER if line[6:].startswith(f"{name}|")]
            self.layers = parse_header(self.header, "format data")
            self.features.setdefault(name, "label")
            found = next(layer for layer in self.layers if layer.name == name)
        return found

    def write(self) -> tuple[str, int]:
        pieces = self._pieces()
        cuts = [x for p in pieces for x in (p.begin, p.end)]
        tokens = tokens_of(self.text, self.data, cuts)
        units = self._units(tokens, pieces)
        sentences = self._sentences(tokens)
        self._name_units(units, sentences)
        rank = {uuid: n for group in self.data.get("stacks", {}).values() for n, uuid in enumerate(group)}
        self._number(pieces, rank)
        rows = self._relations(pieces)
        self._token_relations(units, rows)
        on_unit: dict[tuple[int, str], list[_Piece]] = defaultdict(list)
        for piece in sorted(pieces, key=lambda p: self._stack_order(p, rank)):
            for unit in piece.units:
                on_unit[(id(unit), piece.layer.name)].append(piece)
        offsets = OffsetMap(self.text)
        lines = [HEADER, *self.header, "", ""]
        for s, (start, end, sentence_id, members) in enumerate(sentences, start=1):
            if s > 1:
                lines.append("")
            if sentence_id is not None:
                lines.append(f"#Sentence.id={escape_text(sentence_id)}")
            lines += [f"#Text={escape_text(part)}" for part in self.text[start:end].split("\n")]
            for unit in members:
                cells = [unit.id, f"{offsets.to_utf16(unit.begin)}-{offsets.to_utf16(unit.end)}"]
                cells.append(self.text[unit.begin : unit.end])
                cells += self._cells(unit, on_unit, rows)
                lines.append("\t".join(cells) + "\t")
        return "\n".join(lines) + "\n", self.lost

    # -- what goes where -----------------------------------------------------------------------------------

    @staticmethod
    def _stack_order(piece: _Piece, rank: dict[str, int]) -> tuple:
        """As INCEpTION stacks annotations on a unit: by begin, longest first, then as the file had them."""
        ann = piece.ann
        if ann is None:
            return (piece.begin, -piece.end, 0, "", "", "")
        return (piece.begin, -piece.end, rank.get(ann.uuid, 0), ann.label, ann.subtype or "", ann.uuid)

    def _pieces(self) -> list[_Piece]:
        chains = self.data.get("chains", {})
        out = []
        for ann in self.bundle.annotations:
            if not ann.fragments:
                self.lost += 1
                continue
            self.lost += bool(ann.note)
            first = ann.fragments[0]
            if ann.uuid in chains:
                layer_name, chain, link = chains[ann.uuid]
                layer = self.layer(layer_name)
                if layer is None:  # a layer another file of the same text declared
                    self.lost += 1
                    continue
                features = {"referenceType": ann.subtype}
                out.append(_Piece(ann, layer, features, first.start, first.end, chain=(chain, link)))
                self.lost += len(ann.fragments) - 1 + len(ann.attributes)
                continue
            layer = self._span_layer(ann)
            feature = self.features.get(layer.name)
            values: dict[str, str | None] = dict.fromkeys(layer.features)
            if feature == "label":
                values["label"] = join_label(ann.label, ann.subtype)
            elif feature:
                values[feature] = ann.subtype
            if "annotator" in values:
                values["annotator"] = ann.annotator
            for key, value in ann.attributes.items():
                if key in values and key != feature and value is not None:
                    values[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
                else:
                    self.lost += value is not None
            out += [_Piece(ann, layer, values, f.start, f.end) for f in ann.fragments]
        for item in self._kept("zero_width"):
            layer = next((lay for lay in self.layers if lay.name == item["layer"]), None)
            if layer is None:
                self.lost += 1
                continue
            out.append(_Piece(None, layer, dict(item["features"]), item["at"], item["at"]))
        return out

    def _span_layer(self, ann: Annotation) -> Layer:
        spans = [layer for layer in self.layers if layer.kind == "span"]
        for layer in spans:
            if short(layer.name) == ann.label and self.features.get(layer.name) != "label":
                return layer
        own = next((layer for layer in spans if self.features.get(layer.name) == "label"), None)
        return own or self.own_layer(SPAN_LAYER)

    def _units(self, tokens: list[tuple[int, int]], pieces: list[_Piece]) -> list[_Unit]:
        """Token units, and sub-token units where a piece covers part of a token or is zero-width there."""
        units = [_Unit(b, e) for b, e in tokens]
        starts = [b for b, _ in tokens]
        subs: dict[tuple[int, int, int], _Unit] = {}
        kept = []
        for piece in pieces:
            if piece.begin == piece.end:  # zero-width: a sub-token of the last token starting at or before it
                i = max(bisect_right(starts, piece.begin) - 1, 0)
                if units:
                    piece.units = [subs.setdefault((i, piece.begin, piece.end), _Unit(piece.begin, piece.end, 1))]
            else:
                i = max(bisect_right(starts, piece.begin) - 1, 0)
                while i < len(units) and units[i].begin < piece.end:
                    unit = units[i]
                    if unit.end > piece.begin:
                        if piece.begin <= unit.begin and unit.end <= piece.end:
                            piece.units.append(unit)
                        else:
                            b, e = max(unit.begin, piece.begin), min(unit.end, piece.end)
                            piece.units.append(subs.setdefault((i, b, e), _Unit(b, e, 1)))
                    i += 1
            if piece.units:
                kept.append(piece)
            else:
                self.lost += 1  # white space only
        pieces[:] = kept
        under: dict[int, list[_Unit]] = defaultdict(list)
        for (i, _, _), unit in sorted(subs.items(), key=lambda kv: kv[0]):
            under[i].append(unit)
        ordered = []
        for i, unit in enumerate(units):
            ordered.append(unit)
            for k, sub in enumerate(under[i], start=1):
                sub.sub = k
                ordered.append(sub)
        for n, unit in enumerate(ordered):
            unit.order = n
        return ordered

    def _sentences(self, tokens: list[tuple[int, int]]) -> list[tuple[int, int, str | None, list[_Unit]]]:
        """(start, end, id, units) of each sentence: the file's own, or one per line of text."""
        stored = self.data.get("sentences")
        if stored:
            bounds = [(s[0], s[1], s[2] if len(s) > 2 else None) for s in stored]
        else:
            firsts = [b for n, (b, _) in enumerate(tokens) if n == 0 or "\n" in self.text[tokens[n - 1][1] : b]]
            bounds = [(b, firsts[k + 1] if k + 1 < len(firsts) else len(self.text), None) for k, b in enumerate(firsts)]
        return [(b, e, i, []) for b, e, i in bounds]

    def _name_units(self, units: list[_Unit], sentences: list) -> None:
        starts = [s[0] for s in sentences]
        token = 0
        current = -1
        for unit in units:
            k = max(bisect_right(starts, unit.begin) - 1, 0)
            if unit.sub == 0:
                if k != current:
                    current, token = k, 0
                token += 1
            sentences[current if current >= 0 else 0][3].append(unit)
            unit.id = f"{current + 1}-{token}" + (f".{unit.sub}" if unit.sub else "")

    def _number(self, pieces: list[_Piece], rank: dict[str, int]) -> None:
        """Disambiguation ids for span annotations on several units or stacked with another of their layer."""
        stacked: dict[tuple[int, str], int] = defaultdict(int)
        for piece in pieces:
            for unit in piece.units:
                stacked[(id(unit), piece.layer.name)] += 1
        number = 0
        for piece in sorted(pieces, key=lambda p: (p.units[0].order, *self._stack_order(p, rank))):
            if piece.layer.kind != "span":
                continue
            if len(piece.units) > 1 or any(stacked[(id(u), piece.layer.name)] > 1 for u in piece.units):
                number += 1
                piece.number = number
        chains: dict[tuple[str, int], list[_Piece]] = defaultdict(list)
        for piece in pieces:
            if piece.chain is not None:
                chains[(piece.layer.name, piece.chain[0])].append(piece)
        for links in chains.values():  # links numbered 1..n in their order, whatever was deleted since
            for n, piece in enumerate(sorted(links, key=lambda p: p.chain[1] if p.chain else 0), start=1):
                piece.chain = (piece.chain[0] if piece.chain else 0, n)

    def _relations(self, pieces: list[_Piece]) -> dict[int, list[tuple[Layer, dict[str, str | None], _Piece, _Piece]]]:
        """Relations written in relation layers, by the unit they are written on; chains and links are
        attached to their pieces."""
        first = {}
        for piece in pieces:
            if piece.ann is not None:
                first.setdefault(piece.ann.uuid, piece)
        slots = self.data.get("slots", {})
        layers = self.data.get("relation_layers", {})
        extra = self.data.get("relation_features", {})
        rows: dict[int, list] = defaultdict(list)
        for rel in self.bundle.relations:
            src, tgt = first.get(rel.source), first.get(rel.target)
            if src is None or tgt is None:
                self.lost += 1
                continue
            if src.chain and tgt.chain and src.layer is tgt.layer and src.chain[0] == tgt.chain[0]:
                src.next_relation = None if rel.type == short(src.layer.name) else rel.type
                continue
            if rel.uuid in slots:
                feature, order = slots[rel.uuid]
                src.links.append((order, feature, rel.type, tgt))
                continue
            layer = self._relation_layer(rel, src, tgt, layers.get(rel.uuid))
            if layer is None:
                self.lost += 1
                continue
            values: dict[str, str | None] = dict.fromkeys(layer.features)
            values.update(extra.get(rel.uuid, {}))
            feature = self.features.get(layer.name)
            if feature:
                values[feature] = None if rel.type == short(layer.name) else rel.type
            if "annotator" in values:
                values["annotator"] = rel.annotator
            rows[id(tgt.units[0])].append((layer, values, src, tgt))
        return rows

    def _token_relations(self, units: list[_Unit], rows: dict) -> None:
        """Relations between tokens (a relation layer based on Token): kept as format data, written back."""
        tokens = {(u.begin, u.end): u for u in units if u.sub == 0}
        for item in self._kept("token_relations"):
            layer = next((lay for lay in self.layers if lay.name == item["layer"]), None)
            src, tgt = tokens.get(tuple(item["from"])), tokens.get(tuple(item["to"]))
            if layer is None or src is None or tgt is None:
                self.lost += 1
                continue
            ends = [_Piece(None, layer, {}, u.begin, u.end, units=[u]) for u in (src, tgt)]
            rows[id(tgt)].append((layer, dict(item["features"]), *ends))

    def _relation_layer(self, rel: Relation, src: _Piece, tgt: _Piece, named: str | None) -> Layer | None:
        candidates = [lay for lay in self.layers if lay.kind == "relation" and lay.base == src.layer.name]
        if named:
            candidates = [lay for lay in candidates if lay.name == named] or candidates
        if not candidates and src.layer.name == SPAN_LAYER:
            candidates = [self.own_layer(RELATION_LAYER)]
        if not candidates or tgt.layer.name != candidates[0].base:
            return None
        return candidates[0]

    # -- cells ---------------------------------------------------------------------------------------------

    def _cells(self, unit: _Unit, on_unit: dict, rows: dict) -> list[str]:
        cells = []
        for layer in self.layers:
            if layer.kind == "relation":
                here = [row for row in rows.get(id(unit), []) if row[0] is layer]
                for column in layer.columns:
                    cells.append("|".join(self._relation_value(column, row) for row in here) if here else NULL_COLUMN)
                continue
            here = on_unit.get((id(unit), layer.name), [])
            for column in layer.columns:
                cells.append("|".join(self._span_value(column, piece) for piece in here) if here else NULL_COLUMN)
        return cells

    @staticmethod
    def _value(value: str | None) -> str:
        return NULL_VALUE if value is None else escape_value(value)

    def _span_value(self, column: Any, piece: _Piece) -> str:
        suffix = f"[{piece.number}]" if piece.number else ""
        if column.role == "placeholder":
            return NULL_VALUE + suffix
        if column.role == "primitive":
            return self._value(piece.features.get(column.feature)) + suffix
        links = sorted((link for link in piece.links if link[1] == column.feature), key=lambda link: link[0])
        if column.role == "slot_role":
            roles = [self._value(None if role == column.feature else role) for _, _, role, _ in links]
            return (";".join(roles) if roles else NULL_COLUMN) + suffix
        if column.role == "slot_target":
            targets = [t.units[0].id + (f"[{t.number}]" if t.number else "") for _, _, _, t in links]
            return ";".join(targets) if targets else NULL_VALUE
        chain, link = piece.chain or (0, 0)
        if column.role == "chain_type":
            return f"{self._value(piece.features.get('referenceType'))}[{chain}]"
        return f"{self._value(piece.next_relation)}->{chain}-{link}"

    def _relation_value(self, column: Any, row: tuple) -> str:
        _, values, src, tgt = row
        if column.role == "base":
            pair = f"[{src.number or 0}_{tgt.number or 0}]" if src.number or tgt.number else ""
            return src.units[0].id + pair
        if column.role == "placeholder":
            return NULL_VALUE
        return self._value(values.get(column.feature))
