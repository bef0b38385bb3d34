"""WebAnno TSV 3.3, the format INCEpTION (and WebAnno) import and export: one .tsv per document.

This module holds what reading (webanno_read.py) and writing (webanno_write.py) share: escaping, the header's
layer and column declarations, and which feature of a layer gives an annotation's label.

The mapping, both ways:
* A span layer's annotation is a span annotation. Its label is the layer's short name and its sub-type the value
  of the layer's label feature ("POS" / "NNP", "NamedEntity" / "PER"), so layers never fold into one label
  space. The label feature is the one `--map LAYER=FEATURE` names (full or short layer name), else a feature
  "label" (whose value is then the whole label, "claim/statistical": this tool's own layer
  webanno.custom.Span), else DKPro Core's usual one (POS: PosValue, Dependency: DependencyType, ...), else
  "value", else the layer's only feature; never a column picked by its position. The other features are
  attributes, by name; a feature "annotator" names the annotator. A null value (*) is no value.
* A relation layer's annotation is a relation, typed by the value of its label feature (the layer's short name
  when that is null), between the annotations of its base layer (BT_...) at its two ends.
* A chain layer's links are span annotations (label: the layer's short name, sub-type: referenceType) joined in
  order by relations typed by referenceRelation.
* A link (slot) feature's links are relations from the host annotation to each target, typed by the role.
* Sub-token annotations are spans of the sub-token's offsets.
Kept as the document's format data (fidelity.py) and written back: the header, the tokens and sentences (with
their ids), which feature each layer's label came from, chain ids and link order, slot order, relation layers
and their other features, zero-width annotations, and relations between tokens (no annotation to link).

Offsets in the file count UTF-16 units (an emoji counts 2), as Java does; they are converted to code points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import InputError
from annotator.formats._common import split_label

FORMAT = "webanno"
HEADER = "#FORMAT=WebAnno TSV 3.3"
SPAN_LAYER = "webanno.custom.Span"  # this tool's own layers, for annotations made here
RELATION_LAYER = "webanno.custom.SpanRelation"
OWN_HEADER = [f"#T_SP={SPAN_LAYER}|annotator|label", f"#T_RL={RELATION_LAYER}|annotator|label|BT_{SPAN_LAYER}"]
NULL_COLUMN, NULL_VALUE = "_", "*"
DEFAULT_ANNOTATOR = "webanno"
KNOWN_LABEL_FEATURES = {
    "POS": "PosValue",
    "NamedEntity": "value",
    "Lemma": "value",
    "Stem": "value",
    "Dependency": "DependencyType",
    "Chunk": "chunkValue",
    "MorphologicalFeatures": "value",
    "SemPred": "category",
    "SemArg": "role",
}

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
_VALUE_BACK = {v: k for k, v in _VALUE_ESCAPES.items()}
_TEXT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\b": "\\b", "\\": "\\\\"}
_TEXT_ESCAPES.update({chr(i): "\\" + chr(i) for i in range(32) if not 7 < i < 14})
_TEXT_ESCAPE = re.compile("|".join(re.escape(k) for k in _TEXT_ESCAPES))
_TEXT_UNESCAPE = re.compile("|".join(re.escape(v) for v in sorted(_TEXT_ESCAPES.values(), key=len, reverse=True)))
_TEXT_BACK = {v: k for k, v in _TEXT_ESCAPES.items()}


def escape_value(value: str) -> str:
    return _VALUE_ESCAPE.sub(lambda m: _VALUE_ESCAPES[m[0]], value)


def unescape_value(value: str) -> str:
    return _VALUE_UNESCAPE.sub(lambda m: _VALUE_BACK[m[0]], value)


def escape_text(text: str) -> str:
    return _TEXT_ESCAPE.sub(lambda m: _TEXT_ESCAPES[m[0]], text)


def unescape_text(text: str) -> str:
    return _TEXT_UNESCAPE.sub(lambda m: _TEXT_BACK[m[0]], text)


def split_unescaped(value: str, separator: str) -> list[str]:
    if "\\" not in value:  # nothing escaped: a plain split (most values)
        return value.split(separator)
    return re.split(r"(?<!\\)" + re.escape(separator), value)


def short(layer: str) -> str:
    return layer.rsplit(".", 1)[-1]


def sniff(path: Path, head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"#FORMAT=WebAnno TSV 3")


@dataclass(frozen=True)
class Column:
    kind: str  # span, chain or relation: the layer's kind
    layer: str
    feature: str  # the feature's name ("" for a layer without features)
    role: str  # primitive, placeholder, slot_role, slot_target, base, chain_type, chain_link
    target: str = ""  # a slot's target layer, a relation's base layer


@dataclass(frozen=True)
class Layer:
    kind: str
    name: str
    columns: tuple[Column, ...]

    @property
    def features(self) -> list[str]:
        return [c.feature for c in self.columns if c.role == "primitive"]

    @property
    def base(self) -> str:
        return next((c.target for c in self.columns if c.role == "base"), "")


def parse_header(lines: list[str], where: str, first_line: int = 2) -> list[Layer]:
    """The layers declared by #T_SP= / #T_CH= / #T_RL= lines, in order, each with its columns."""
    layers = []
    for number, line in enumerate(lines, start=first_line):
        kind = {"#T_SP": "span", "#T_CH": "chain", "#T_RL": "relation"}.get(line[:5])
        if kind is None or line[5:6] != "=":
            raise InputError(
                f"a header line declares a layer (#T_SP=, #T_CH=, #T_RL=); got {line[:60]!r}", where, number
            )
        name, *fields = [f for f in line[6:].split("|")]
        fields = [f for f in fields if f]
        if not name:
            raise InputError("a layer declaration starts with the layer's name", where, number)
        columns: list[Column] = []
        for field_ in fields:
            if kind == "span" and field_.startswith("ROLE_"):
                parts = field_.split("_")
                feature = parts[1].partition(":")[2] if len(parts) > 2 else ""
                if not feature:
                    raise InputError(f"a link feature is ROLE_Layer:feature_LinkType; got {field_!r}", where, number)
                columns.append(Column(kind, name, feature, "slot_role", "_".join(parts[2:])))
            elif kind == "span" and columns and columns[-1].role == "slot_role" and "." in field_:
                columns.append(Column(kind, name, columns[-1].feature, "slot_target", field_))
            elif kind == "relation" and field_.startswith("BT_"):
                columns.append(Column(kind, name, "", "base", field_[3:]))
            elif kind == "chain" and field_ in ("referenceType", "referenceRelation"):
                columns.append(Column(kind, name, field_, "chain_type" if field_ == "referenceType" else "chain_link"))
            else:
                columns.append(Column(kind, name, field_, "primitive"))
        if not columns:
            columns.append(Column(kind, name, "", "placeholder"))
        if kind == "relation" and columns[-1].role != "base":
            raise InputError(f"relation layer {name} must end with its base type (BT_...)", where, number)
        if kind == "chain" and {c.role for c in columns} != {"chain_type", "chain_link"}:
            raise InputError(f"chain layer {name} has referenceType and referenceRelation", where, number)
        layers.append(Layer(kind, name, tuple(columns)))
    return layers


def label_feature(layer: Layer, mapping: dict[str, str]) -> str | None:
    """The feature whose value is the label (spans: the sub-type; relations: the type); see the module docstring."""
    features = layer.features
    named = mapping.get(layer.name) or mapping.get(short(layer.name))
    if named:
        if named not in features:
            known = ", ".join(features) or "none"
            raise InputError(f"--map names the feature '{named}' of layer {layer.name}, whose features are {known}")
        return named
    for candidate in ("label", KNOWN_LABEL_FEATURES.get(short(layer.name)), "value"):
        if candidate in features:
            return candidate
    rest = [f for f in features if f != "annotator"]
    return rest[0] if len(rest) == 1 else None


def span_label(layer: Layer, feature: str | None, value: str | None) -> tuple[str, str | None]:
    """(label, sub-type) of a span annotation of layer whose label feature holds value."""
    if feature == "label" and value:
        return split_label(value)
    return short(layer.name), value or None


def relation_type(layer: Layer, value: str | None) -> str:
    return value or short(layer.name)
