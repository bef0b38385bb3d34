"""The annotation scheme: labels with sub-types, attributes, colours, shortcuts, guidelines; relation types.

A scheme is read from and written to a JSON file (resources/default_scheme.json is the default), and lives
in each project's database, where it can be edited.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property
from importlib import resources
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Annotation

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
UNKNOWN_COLOUR = "#9e9e9e"


class AttributeKind(StrEnum):
    CHOICE = "choice"
    YES_NO = "yes_no"
    TEXT = "text"


class Scope(StrEnum):
    SPAN = "span"  # marks passages of the text
    DOCUMENT = "document"  # applies to the whole document (genre, primary frame)


@dataclass(frozen=True)
class AttributeDef:
    name: str
    kind: AttributeKind = AttributeKind.TEXT
    choices: tuple[str, ...] = ()
    description: str = ""

    def check(self, value: Any) -> None:
        """Raise InputError when value does not fit this attribute."""
        if value is None:
            return
        if self.kind is AttributeKind.YES_NO and not isinstance(value, bool):
            raise InputError(f"attribute '{self.name}' takes yes or no, got {value!r}")
        if self.kind is AttributeKind.CHOICE and value not in self.choices:
            raise InputError(f"attribute '{self.name}' takes one of {', '.join(self.choices)}; got {value!r}")
        if self.kind is AttributeKind.TEXT and not isinstance(value, str):
            raise InputError(f"attribute '{self.name}' takes text, got {value!r}")


@dataclass(frozen=True)
class Label:
    """A label, or a sub-type of one when parent is set. Sub-types inherit their parent's colour and scope."""

    name: str
    colour: str = "#9e9e9e"
    shortcut: str = ""
    guideline: str = ""
    parent: str | None = None
    scope: Scope = Scope.SPAN
    attributes: tuple[AttributeDef, ...] = ()

    def attribute(self, name: str) -> AttributeDef | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass(frozen=True)
class RelationType:
    name: str
    description: str = ""
    from_labels: tuple[str, ...] = ()  # empty: any label
    to_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scheme:
    labels: tuple[Label, ...] = ()
    relation_types: tuple[RelationType, ...] = ()
    name: str = "scheme"

    def top_labels(self, scope: Scope | None = None) -> list[Label]:
        return [lab for lab in self.labels if lab.parent is None and (scope is None or lab.scope is scope)]

    def label(self, name: str) -> Label:
        for lab in self.labels:
            if lab.parent is None and lab.name == name:
                return lab
        raise InputError(f"the scheme has no label '{name}'")

    def has_label(self, name: str) -> bool:
        return any(lab.parent is None and lab.name == name for lab in self.labels)

    def subtypes(self, label: str) -> list[Label]:
        return [lab for lab in self.labels if lab.parent == label]

    def colour(self, label: str, subtype: str | None = None) -> str:
        """The sub-type's colour, else the label's; grey for a label the scheme does not (or no longer) have."""
        for lab in self.subtypes(label) if subtype else ():
            if lab.name == subtype and lab.colour:
                return lab.colour
        return self.label(label).colour if self.has_label(label) else UNKNOWN_COLOUR

    @cached_property
    def check(self) -> AnnotationCheck:
        """The check every stored annotation passes: `scheme.check(ann, text_length)`."""
        return AnnotationCheck(self)

    def with_label(self, new: Label, replacing: str | None = None) -> Scheme:
        """A copy with new added, or put in place of the label named replacing (same parent)."""
        if replacing is None:
            return replace(self, labels=self.labels + (new,))
        labels = tuple(new if (lab.name, lab.parent) == (replacing, new.parent) else lab for lab in self.labels)
        return replace(self, labels=labels)


class AnnotationCheck:
    """Whether an annotation fits the scheme (label, sub-type, attributes, span or document scope) and lies within
    its text. The look-ups are made once per scheme: an import checks a million annotations."""

    def __init__(self, scheme: Scheme):
        top = scheme.top_labels()
        self.scope = {lab.name: lab.scope for lab in top}
        self.subtypes = {lab.name: {s.name for s in scheme.subtypes(lab.name)} for lab in top}
        self.attributes = {lab.name: {a.name: a for a in lab.attributes} for lab in top}
        # (label, sub-type) pairs that mark passages: what most annotations are, checked with one look-up
        self.plain_spans = {
            (name, subtype)
            for name, scope in self.scope.items()
            if scope is not Scope.DOCUMENT
            for subtype in (None, *self.subtypes[name])
        }

    def __call__(self, ann: Annotation, text_length: int) -> None:
        """Raise InputError unless ann fits the scheme and its text (of text_length code points)."""
        if ann.fragments and not ann.attributes and (ann.label, ann.subtype) in self.plain_spans:
            ann.check_within(text_length)
            return
        self.kind(ann.label, ann.subtype, ann.attributes)
        scope = self.scope[ann.label]
        if ann.fragments:
            if scope is Scope.DOCUMENT:
                raise InputError(f"label '{ann.label}' applies to the whole document, not to a passage")
            ann.check_within(text_length)
        elif scope is Scope.SPAN:
            raise InputError(f"label '{ann.label}' marks passages of text; select the text it applies to")

    def kind(self, label: str, subtype: str | None, attributes: dict[str, Any]) -> None:
        """Raise InputError if the label, sub-type or an attribute (or its value) is not in the scheme."""
        if label not in self.scope:
            raise InputError(f"the scheme has no label '{label}'")
        if subtype is not None and subtype not in self.subtypes[label]:
            raise InputError(f"label '{label}' has no sub-type '{subtype}'")
        known = self.attributes[label]
        for key, value in attributes.items():
            definition = known.get(key)
            if definition is None:
                raise InputError(f"label '{label}' has no attribute '{key}'")
            definition.check(value)


# -- JSON form -------------------------------------------------------------------------------------------


def scheme_to_dict(scheme: Scheme) -> dict[str, Any]:
    def label_dict(lab: Label) -> dict[str, Any]:
        out: dict[str, Any] = {"name": lab.name, "colour": lab.colour}
        if lab.shortcut:
            out["shortcut"] = lab.shortcut
        if lab.guideline:
            out["guideline"] = lab.guideline
        if lab.parent is None:
            out["scope"] = lab.scope.value
        if lab.attributes:
            out["attributes"] = [
                {"name": a.name, "kind": a.kind.value, "choices": list(a.choices), "description": a.description}
                for a in lab.attributes
            ]
        subs = [label_dict(s) for s in scheme.subtypes(lab.name)] if lab.parent is None else []
        if subs:
            out["subtypes"] = subs
        return out

    return {
        "name": scheme.name,
        "labels": [label_dict(lab) for lab in scheme.top_labels()],
        "relation_types": [
            {"name": r.name, "description": r.description, "from": list(r.from_labels), "to": list(r.to_labels)}
            for r in scheme.relation_types
        ],
    }


def scheme_from_dict(data: Any, source: str = "scheme") -> Scheme:
    """Build a Scheme from its JSON form, with a clear error naming the faulty entry."""
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list):
        raise InputError("a scheme is a JSON object with a 'labels' list", source)
    labels: list[Label] = []

    def read_label(entry: Any, parent: Label | None) -> None:
        if not isinstance(entry, dict) or not str(entry.get("name", "")).strip():
            raise InputError(f"every label needs a name; got {entry!r}", source)
        name = str(entry["name"]).strip()
        colour = entry.get("colour", parent.colour if parent else "#9e9e9e")
        if not _COLOUR.match(str(colour)):
            raise InputError(f"label '{name}': colour must look like #rrggbb, got {colour!r}", source)
        try:
            scope = parent.scope if parent else Scope(entry.get("scope", "span"))
            attributes = tuple(
                AttributeDef(
                    name=str(a["name"]),
                    kind=AttributeKind(a.get("kind", "text")),
                    choices=tuple(str(c) for c in a.get("choices", ())),
                    description=str(a.get("description", "")),
                )
                for a in entry.get("attributes", ())
            )
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise InputError(f"label '{name}': bad scope or attribute ({exc})", source) from None
        lab = Label(
            name=name,
            colour=str(colour),
            shortcut=str(entry.get("shortcut", "")),
            guideline=str(entry.get("guideline", "")),
            parent=parent.name if parent else None,
            scope=scope,
            attributes=attributes,
        )
        if any((x.name, x.parent) == (lab.name, lab.parent) for x in labels):
            raise InputError(f"label '{name}' appears twice", source)
        labels.append(lab)
        for sub in entry.get("subtypes", ()):
            read_label(sub, lab)

    for entry in data["labels"]:
        read_label(entry, None)
    try:
        relation_types = tuple(
            RelationType(
                name=str(r["name"]),
                description=str(r.get("description", "")),
                from_labels=tuple(r.get("from", ())),
                to_labels=tuple(r.get("to", ())),
            )
            for r in data.get("relation_types", ())
        )
    except (KeyError, TypeError) as exc:
        raise InputError(f"bad relation type ({exc})", source) from None
    return Scheme(labels=tuple(labels), relation_types=relation_types, name=str(data.get("name", "scheme")))


def load_scheme_file(path: str) -> Scheme:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", path, exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the scheme: {exc}", path) from None
    return scheme_from_dict(data, path)


def save_scheme_file(scheme: Scheme, path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(scheme_to_dict(scheme), f, ensure_ascii=False, indent=2)
        f.write("\n")


def default_scheme() -> Scheme:
    """The scheme shipped in resources/default_scheme.json, copied into every new project."""
    text = resources.files("annotator.resources").joinpath("default_scheme.json").read_text(encoding="utf-8")
    return scheme_from_dict(json.loads(text), "default_scheme.json")
