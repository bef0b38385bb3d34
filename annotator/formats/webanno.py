"""WebAnno TSV 3.3, the format INCEpTION imports and exports: one .tsv per document, offsets in UTF-16 units.

Writing (a folder, one <title>.tsv per document): a span layer `webanno.custom.Span` with features `label`
("claim/statistical") and `annotator`, and a relation layer `webanno.custom.SpanRelation` with features `label`
(the relation type) and `annotator`, attached to the span layer. Define these two custom layers in the INCEpTION
project before importing. Tokens are runs of non-space characters, also cut at every span boundary, so every
span covers whole tokens; a sentence runs from a line's first token up to the next line's first token, so the
text INCEpTION rebuilds from the sentences is the stored text. Token offsets count UTF-16 code units (an emoji
counts 2), as INCEpTION does. Document-level annotations, attributes and notes are left out (the export notes
how many); discontinuous annotations are written fragment by fragment.

Reading a .tsv (ours or INCEpTION's) rebuilds the text as INCEpTION does (sentence texts at their offsets, gaps
as spaces, the closing line break dropped), converts UTF-16 offsets to code points, checks each token's text,
and takes every span layer: the label is the `label` feature, or else the first feature's value, or else the
layer's name; relations are read from relation layers whose ends are spans read.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment, Relation
from annotator.core.offsets import OffsetMap
from annotator.core.text import newline_style
from annotator.formats._common import IdMaker, file_stem, imported, join_label, stable_uuid
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions, WriteOptions, reader, writer

HEADER = "#FORMAT=WebAnno TSV 3.3"
SPAN_LAYER = "webanno.custom.Span"
RELATION_LAYER = "webanno.custom.SpanRelation"
NULL = "_"

_VALUE_ESCAPES = {
    "\\": "\\\\",
    "[": "\\[",
    "]": "\\]",
    "|": "\\|",
    "_": "\\_",
    "->": "\\->",
    ";": "\\;",
    "\t": "\\t",
    "\n": "\\n",
    "*": "\\*",
}
_VALUE_ESCAPE = re.compile("|".join(re.escape(k) for k in sorted(_VALUE_ESCAPES, key=len, reverse=True)))
_VALUE_UNESCAPE = re.compile("|".join(re.escape(v) for v in sorted(_VALUE_ESCAPES.values(), key=len, reverse=True)))
_TEXT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\b": "\\b", "\\": "\\\\"}
_TEXT_ESCAPES.update({chr(i): "\\" + chr(i) for i in range(32) if not 7 < i < 14})
_TEXT_ESCAPE = re.compile("|".join(re.escape(k) for k in _TEXT_ESCAPES))
_TEXT_UNESCAPE = re.compile("|".join(re.escape(v) for v in sorted(_TEXT_ESCAPES.values(), key=len, reverse=True)))


def escape_value(value: str) -> str:
    return _VALUE_ESCAPE.sub(lambda m: _VALUE_ESCAPES[m[0]], value)


def unescape_value(value: str) -> str:
    back = {v: k for k, v in _VALUE_ESCAPES.items()}
    return _VALUE_UNESCAPE.sub(lambda m: back[m[0]], value)


def escape_text(text: str) -> str:
    return _TEXT_ESCAPE.sub(lambda m: _TEXT_ESCAPES[m[0]], text)


def unescape_text(text: str) -> str:
    back = {v: k for k, v in _TEXT_ESCAPES.items()}
    return _TEXT_UNESCAPE.sub(lambda m: back[m[0]], text)


# -- writing ---------------------------------------------------------------------------------------------


def tokenize(text: str, cuts: Iterable[int]) -> list[tuple[int, int]]:
    """Runs of non-space characters, cut at each offset in cuts; a leading byte-order mark is its own token."""
    cut = sorted({c for c in cuts if 0 < c < len(text)} | ({1} if text.startswith("\ufeff") else set()))
    tokens = []
    for match in re.finditer(r"\S+", text):
        start = match.start()
        for point in cut[_first_at_least(cut, start + 1) :]:
            if point >= match.end():
                break
            tokens.append((start, point))
            start = point
        tokens.append((start, match.end()))
    return tokens


def _first_at_least(values: list[int], x: int) -> int:
    from bisect import bisect_left

    return bisect_left(values, x)


@writer("webanno", extensions=("tsv",), description="WebAnno TSV 3.3 (INCEpTION)", folder=True)
def write_webanno(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    path.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    count = lost = 0
    for bundle in bundles:
        content, left_out = document_tsv(bundle)
        lost += left_out
        (path / f"{file_stem(bundle.document, taken)}.tsv").write_text(content, encoding="utf-8", newline="\n")
        count += 1
    if lost:
        options.extra.setdefault("notes", []).append(
            f"{lost} document-level annotations, notes or attribute sets have no WebAnno form"
        )
    return count


def document_tsv(bundle: DocumentBundle) -> tuple[str, int]:
    text = bundle.document.text
    spans = [a for a in bundle.annotations if a.fragments]
    lost = sum(1 for a in bundle.annotations if not a.fragments or a.attributes or a.note)
    pieces = [(a, f) for a in spans for f in a.fragments]
    tokens = tokenize(text, [x for _, f in pieces for x in (f.start, f.end)])
    offsets = OffsetMap(text)
    sentences = _sentences(text, tokens)
    unit_id: dict[int, str] = {}
    for s, members in enumerate(sentences, start=1):
        for t, index in enumerate(members, start=1):
            unit_id[index] = f"{s}-{t}"
    covering: dict[int, list[tuple[Annotation, Fragment]]] = defaultdict(list)
    starts = [t[0] for t in tokens]
    for ann, frag in pieces:
        for i in range(_first_at_least(starts, frag.start), len(tokens)):
            if tokens[i][0] >= frag.end:
                break
            covering[i].append((ann, frag))
    units_of: dict[tuple[str, Fragment], int] = defaultdict(int)
    for found in covering.values():
        for a, f in found:
            units_of[(a.uuid, f)] += 1
    stacked = {(a.uuid, f) for found in covering.values() if len(found) > 1 for a, f in found}
    needs_id = stacked | {key for key, n in units_of.items() if n > 1}
    disambiguation = {key: n for n, key in enumerate(sorted(needs_id, key=lambda k: (k[1], k[0])), start=1)}
    first_unit = {}
    for i in sorted(covering):
        for a, f in covering[i]:
            first_unit.setdefault((a.uuid, f), i)
    by_uuid = {a.uuid: a for a in spans}
    incoming: dict[int, list[tuple[Relation, tuple[str, Fragment], tuple[str, Fragment]]]] = defaultdict(list)
    for rel in bundle.relations:
        if rel.source in by_uuid and rel.target in by_uuid:
            src = (rel.source, by_uuid[rel.source].fragments[0])
            tgt = (rel.target, by_uuid[rel.target].fragments[0])
            incoming[first_unit[tgt]].append((rel, src, tgt))
    lines = [
        HEADER,
        f"#T_SP={SPAN_LAYER}|annotator|label",
        f"#T_RL={RELATION_LAYER}|annotator|label|BT_{SPAN_LAYER}",
        "",
    ]
    for s, members in enumerate(sentences, start=1):
        begin = tokens[members[0]][0]
        end = tokens[sentences[s][0]][0] if s < len(sentences) else len(text)
        lines.append("")
        lines += [f"#Text={escape_text(part)}" for part in text[begin:end].split("\n")]
        for index in members:
            start, stop = tokens[index]
            found = covering.get(index, [])
            cells = [unit_id[index], f"{offsets.to_utf16(start)}-{offsets.to_utf16(stop)}", text[start:stop]]
            cells.append(
                _stack([_with_id(escape_value(a.annotator), disambiguation.get((a.uuid, f))) for a, f in found])
            )
            cells.append(
                _stack(
                    [
                        _with_id(escape_value(join_label(a.label, a.subtype)), disambiguation.get((a.uuid, f)))
                        for a, f in found
                    ]
                )
            )
            rels = incoming.get(index, [])
            cells.append(_stack([escape_value(r.annotator) for r, _, _ in rels]))
            cells.append(_stack([escape_value(r.type) for r, _, _ in rels]))
            cells.append(
                _stack(
                    [
                        _reference(unit_id[first_unit[src]], disambiguation.get(src), disambiguation.get(tgt))
                        for _, src, tgt in rels
                    ]
                )
            )
            lines.append("\t".join(cells) + "\t")
    return "\n".join(lines) + "\n", lost


def _sentences(text: str, tokens: list[tuple[int, int]]) -> list[list[int]]:
    out: list[list[int]] = []
    for i, (start, _) in enumerate(tokens):
        if not out or "\n" in text[tokens[i - 1][1] : start]:
            out.append([])
        out[-1].append(i)
    return out


def _stack(values: list[str]) -> str:
    return "|".join(values) if values else NULL


def _with_id(value: str, number: int | None) -> str:
    return f"{value or '*'}[{number}]" if number else (value or "*")


def _reference(unit: str, source_id: int | None, target_id: int | None) -> str:
    if source_id is None and target_id is None:
        return unit
    return f"{unit}[{source_id or 0}_{target_id or 0}]"


# -- reading ---------------------------------------------------------------------------------------------


def _sniff(path: Path, head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"#FORMAT=WebAnno TSV 3")


@dataclass
class _Column:
    layer: str
    kind: str  # span, relation
    feature: str  # feature name, "BT" for a relation's base column, "" for a placeholder


@dataclass
class _Span:
    layer: str
    begin: int  # UTF-16
    end: int
    features: dict[str, str] = field(default_factory=dict)
    units: list[str] = field(default_factory=list)


@reader("webanno", extensions=("tsv",), description="WebAnno TSV 3.3 (INCEpTION)", sniff=_sniff, folder=True)
def read_webanno(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    files = sorted(path.rglob("*.tsv")) if path.is_dir() else [path]
    for file in files:
        yield read_tsv(file, options)


def read_tsv(path: Path, options: ReadOptions) -> DocumentBundle:
    try:
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", str(path)) from None
    where = str(path)
    if not lines or not lines[0].startswith("#FORMAT=WebAnno TSV 3"):
        raise InputError("not a WebAnno TSV 3 file (no #FORMAT=WebAnno TSV 3.x header)", where, 1)
    columns, first = _schema(lines, where)
    text_parts: list[str] = []
    length = 0
    sentence: list[str] = []
    tokens: list[tuple[int, str, int, int, str, list[str]]] = []  # line, id, begin, end, text, cells
    for number, line in enumerate(lines[first - 1 :], start=first):
        if line.startswith("#Text="):
            sentence.append(unescape_text(line[len("#Text=") :]))
            continue
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 3 + len(columns):
            raise InputError(f"expected {3 + len(columns)} tab-separated fields, found {len(cells)}", where, number)
        uid, span, token = cells[0], cells[1], cells[2]
        try:
            begin, end = (int(x) for x in span.split("-"))
        except ValueError:
            raise InputError(f"bad offsets '{span}'", where, number) from None
        if sentence:  # the first token of a sentence places the sentence text
            if length > begin:
                text_parts[-1] = text_parts[-1][:-1]  # the line break written after the previous sentence
                length -= 1
            if begin - length > MAX_GAP:  # found by fuzzing: a huge offset asked for that many spaces
                raise InputError(f"offset {begin} lies far past the text so far ({length})", where, number)
            if length < begin:
                text_parts.append(" " * (begin - length))
                length = begin
            body = "\n".join(sentence) + "\n"
            text_parts.append(body)
            length += _units(body)
            sentence = []
        tokens.append((number, uid, begin, end, token, cells[3 : 3 + len(columns)]))
    text = "".join(text_parts)
    text = text[:-1] if text.endswith("\n") else text
    return _bundle(path, text, columns, tokens, options)


MAX_GAP = 1_000_000  # blank space between two sentences; more is a damaged offset, not a layout


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _schema(lines: list[str], where: str) -> tuple[list[_Column], int]:
    columns: list[_Column] = []
    number = 2
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("#T_SP=") or line.startswith("#T_RL=") or line.startswith("#T_CH="):
            kind = {"#T_SP": "span", "#T_RL": "relation", "#T_CH": "chain"}[line[:5]]
            layer, *features = line[6:].split("|")
            if not features:
                columns.append(_Column(layer, kind, ""))
            for feature in features:
                columns.append(_Column(layer, kind, "BT" if feature.startswith("BT_") else feature))
        elif line.strip():
            raise InputError(f"unexpected line in the header: {line[:60]!r}", where, number)
        else:
            break
    return columns, number


def _bundle(path: Path, text: str, columns: list[_Column], tokens: list, options: ReadOptions) -> DocumentBundle:
    where = str(path)
    offsets = OffsetMap(text)
    spans: dict[tuple[str, str], _Span] = {}  # (layer, id) -> span; id is a disambiguation id or "unit:stack"
    unit_spans: dict[tuple[str, str], list[_Span]] = defaultdict(list)  # (unit id, layer) -> spans there
    pending_relations = []
    for number, uid, begin, end, token, cells in tokens:
        try:
            start, stop = offsets.from_utf16(begin), offsets.from_utf16(end)
        except IndexError:
            raise InputError(f"token {uid} at {begin}-{end} lies beyond the text", where, number) from None
        if text[start:stop] != token:
            raise InputError(
                f"token {uid} at {begin}-{end} covers {text[start:stop]!r}, but the file says {token!r}", where, number
            )
        relation_cells: dict[str, dict[str, list[str]]] = defaultdict(dict)
        for column, cell in zip(columns, cells, strict=False):
            if cell == NULL or column.kind == "chain":
                continue
            values = re.split(r"(?<!\\)\|", cell)
            if column.kind == "relation":
                relation_cells[column.layer][column.feature] = values
                continue
            for stack, value in enumerate(values):
                raw, number_id = _split_id(value)
                key = (column.layer, number_id or f"{uid}:{stack}")
                span = spans.get(key)
                if span is None:
                    span = spans[key] = _Span(column.layer, begin, end)
                    unit_spans[(uid, column.layer)].append(span)
                elif uid not in span.units:
                    span.end = end
                    unit_spans[(uid, column.layer)].append(span)
                if uid not in span.units:
                    span.units.append(uid)
                if column.feature and raw not in ("*", ""):
                    span.features[column.feature] = unescape_value(raw)
        for layer, features in relation_cells.items():
            pending_relations.append((number, uid, layer, features))
    doc = Document(text=text, title=title_from(text, path.stem), newline=newline_style(text), source=where)
    ids = IdMaker(doc, "webanno")
    made: dict[int, Annotation] = {}
    for span in spans.values():
        name = span.features.get("label") or next((v for k, v in span.features.items() if k != "annotator"), "")
        annotator = options.annotator or span.features.get("annotator") or "webanno"
        frag = Fragment(offsets.from_utf16(span.begin), offsets.from_utf16(span.end))
        made[id(span)] = imported(doc, ids, annotator, name or span.layer.rsplit(".", 1)[-1], [frag])
    relations = []
    notes: list[str] = options.extra.setdefault("notes", [])
    for number, uid, _layer, features in pending_relations:
        bases = features.get("BT", [])
        for k, base in enumerate(bases):
            ref, pair = _split_id(base)
            src_id, _, tgt_id = (pair or "0_0").partition("_")
            source = _find(spans, unit_spans, ref, src_id)
            target = _find(spans, unit_spans, uid, tgt_id)
            if source is None or target is None:
                notes.append(f"{where}:{number}: relation from {base} left out (its ends are not spans)")
                continue
            kind_values = features.get("label") or next(
                (v for f, v in features.items() if f not in ("BT", "annotator")), []
            )
            kind = unescape_value(kind_values[k]) if k < len(kind_values) and kind_values[k] != "*" else "related"
            people = features.get("annotator", [])
            annotator = options.annotator or (unescape_value(people[k]) if k < len(people) else "webanno")
            a, b = made[id(source)].uuid, made[id(target)].uuid
            relations.append(Relation(kind, a, b, annotator, uuid=stable_uuid("webanno-rel", a, b, kind)))
    return DocumentBundle(doc, list(made.values()), relations)


def _split_id(value: str) -> tuple[str, str | None]:
    match = re.match(r"^(.*?)\[([0-9_]+)\]$", value)
    if match and not match[1].endswith("\\"):
        return match[1], match[2]
    return value, None


def _find(spans: dict, unit_spans: dict, unit: str, number: str) -> _Span | None:
    if number and number != "0":
        return next((s for (layer, key), s in spans.items() if key == number), None)
    found = [s for (u, _), group in unit_spans.items() if u == unit for s in group]
    return found[0] if found else None
