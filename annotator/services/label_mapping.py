"""Labels from other tools: map the ones the project's scheme lacks onto its labels, add them, or leave them out.

A map is JSON: {"their label": "claim/statistical", "Loaded_Language": "opinion/loaded_language",
"Doubt": "new", "Flag-Waving": "skip", "*": "new"}. Keys are the file's names ("label" or "label/subtype");
values are a label of the scheme ("label" or "label/subtype"), "new" (add it to the scheme as it is named),
or "skip" (leave such annotations out). "*" sets what happens to every other unknown label; without it an
unknown label stops the file's import with a message listing them all. Relation types follow the same map.

Attributes that the target label does not define, or values it does not accept, are kept in the annotation's
note ("name: value"), so nothing the other tool recorded is lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Annotation
from annotator.core.scheme import AttributeDef, AttributeKind, Label, RelationType, Scheme, Scope
from annotator.formats.registry import DocumentBundle
from annotator.services.project import Project
from annotator.store import scheme as stored_scheme

NEW, SKIP, ANY = "new", "skip", "*"
_YES_NO = {"yes": True, "no": False, "true": True, "false": False}

_PALETTE = (
    "#76b7b2",
    "#edc948",
    "#ff9da7",
    "#bab0ac",
    "#8cd17d",
    "#d4a6c8",
    "#86bcb6",
    "#f1ce63",
    "#a0cbe8",
    "#ffbe7d",
    "#d37295",
    "#499894",
    "#b6992d",
    "#fabfd2",
    "#79706e",
    "#d7b5a6",
)


@dataclass
class LabelMap:
    entries: dict[str, str] = field(default_factory=dict)

    @property
    def default(self) -> str | None:
        return self.entries.get(ANY)

    def target(self, name: str) -> str | None:
        if name in self.entries:
            return self.entries[name]
        label = name.partition("/")[0]
        if "/" in name and label in self.entries and self.entries[label] not in (NEW,):
            return self.entries[label]
        return None


def parse_label_map(value: str | dict[str, str] | None, source: str = "label map") -> LabelMap:
    """A map from a dict, a JSON file path, or the word 'new' / 'skip' (applied to every unknown label)."""
    if value is None:
        return LabelMap()
    if isinstance(value, dict):
        data: Any = value
    elif value in (NEW, SKIP):
        return LabelMap({ANY: value})
    else:
        path = Path(value)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", str(path), exc.lineno) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the label map: {getattr(exc, 'strerror', None) or exc}", str(path)) from None
        source = str(path)
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise InputError('a label map is a JSON object of names, e.g. {"their label": "claim/statistical"}', source)
    return LabelMap({k.strip(): v.strip() for k, v in data.items()})


def _name(label: str, subtype: str | None) -> str:
    return f"{label}/{subtype}" if subtype else label


def _known(scheme: Scheme, name: str) -> bool:
    label, _, subtype = name.partition("/")
    if not scheme.has_label(label):
        return False
    return not subtype or subtype in {s.name for s in scheme.subtypes(label)}


def unknown_names(scheme: Scheme, bundles: list[DocumentBundle]) -> tuple[list[str], list[str]]:
    """(labels, relation types) used in bundles that the scheme lacks; what an import dialog offers to map."""
    labels = {_name(a.label, a.subtype) for b in bundles for a in b.annotations}
    relations = {r.type for b in bundles for r in b.relations}
    known_relations = {r.name for r in scheme.relation_types}
    return sorted(n for n in labels if not _known(scheme, n)), sorted(relations - known_relations)


def prepare(
    project: Project,
    session: Any,
    bundle: DocumentBundle,
    mapping: LabelMap,
    notes: list[str] | None = None,
    actor: str = "import",
) -> DocumentBundle:
    """The bundle with every label and relation type resolved against the scheme (which may gain labels).
    What was changed on the way (labels added, attributes kept in notes) is added to notes."""
    notes = notes if notes is not None else []
    scheme = project.scheme
    unknown_labels, unknown_relations = unknown_names(scheme, [bundle])
    if not unknown_labels and not unknown_relations and not _needs_attribute_fix(scheme, bundle):
        return bundle
    where = bundle.document.source or bundle.document.title
    plan: dict[str, str] = {}
    missing = []
    for name in unknown_labels + [f"relation {r}" for r in unknown_relations]:
        key = name.removeprefix("relation ")
        target = mapping.target(key) or mapping.default
        if target is None:
            missing.append(name)
        else:
            plan[name] = target
    if missing:
        raise InputError(
            f"the scheme has no {', '.join(repr(m) for m in missing)}; give a label map "
            '(--label-map FILE with {"their label": "claim/statistical" or "new" or "skip"}, '
            "or --label-map new to add them all)",
            where,
        )
    new_scheme = scheme
    annotations: list[Annotation] = []
    dropped: set[str] = set()
    for ann in bundle.annotations:
        name = _name(ann.label, ann.subtype)
        target = plan.get(name, name)
        if target == SKIP:
            dropped.add(ann.uuid)
            continue
        if target == NEW:
            new_scheme = _add_label(new_scheme, ann)
            target = name
        elif not _known(new_scheme, target):
            raise InputError(f"the label map sends '{name}' to '{target}', which the scheme does not have", where)
        label, _, subtype = target.partition("/")
        fitted = _fit_attributes(new_scheme, replace(ann, label=label, subtype=subtype or None))
        if fitted.note != ann.note:
            notes.append(f"{where}: attributes of a '{name}' annotation that '{target}' does not take kept in its note")
        annotations.append(fitted)
    relations = []
    for rel in bundle.relations:
        target = plan.get(f"relation {rel.type}", rel.type)
        if target == SKIP or rel.source in dropped or rel.target in dropped:
            continue
        if target == NEW:
            target = rel.type
            if target not in {r.name for r in new_scheme.relation_types}:
                new_scheme = replace(new_scheme, relation_types=new_scheme.relation_types + (RelationType(target),))
        elif target not in {r.name for r in new_scheme.relation_types}:
            raise InputError(f"the label map sends relation '{rel.type}' to '{target}', which the scheme lacks", where)
        relations.append(replace(rel, type=target))
    if new_scheme is not scheme:
        notes.append(f"{where}: added to the scheme: {', '.join(_added(scheme, new_scheme))}")
        stored_scheme.save(session, new_scheme, actor)
        project.adopt_scheme(new_scheme)
    return DocumentBundle(bundle.document, annotations, relations, dict(bundle.status))


def _added(old: Scheme, new: Scheme) -> list[str]:
    before = {(lab.name, lab.parent) for lab in old.labels} | {("relation " + r.name, None) for r in old.relation_types}
    after = [(lab.name, lab.parent) for lab in new.labels] + [("relation " + r.name, None) for r in new.relation_types]
    return [_name(parent, name) if parent else name for name, parent in after if (name, parent) not in before]


def _needs_attribute_fix(scheme: Scheme, bundle: DocumentBundle) -> bool:
    for ann in bundle.annotations:
        if ann.attributes:
            try:
                scheme.check.kind(ann.label, ann.subtype, dict(ann.attributes))
            except InputError:
                return True
    return False


def _add_label(scheme: Scheme, ann: Annotation) -> Scheme:
    """scheme with ann's label (and sub-type) added, attributes defined from the values ann carries."""
    if not scheme.has_label(ann.label):
        used = {lab.colour for lab in scheme.labels}
        colour = next((c for c in _PALETTE if c not in used), _PALETTE[len(scheme.labels) % len(_PALETTE)])
        scope = Scope.DOCUMENT if ann.is_document_level else Scope.SPAN
        scheme = scheme.with_label(Label(ann.label, colour=colour, scope=scope, guideline="Added by an import."))
    label = scheme.label(ann.label)
    extra = tuple(
        AttributeDef(key, AttributeKind.YES_NO if isinstance(value, bool) else AttributeKind.TEXT)
        for key, value in ann.attributes.items()
        if label.attribute(key) is None and value is not None
    )
    if extra:
        scheme = scheme.with_label(replace(label, attributes=label.attributes + extra), replacing=label.name)
    if ann.subtype and ann.subtype not in {s.name for s in scheme.subtypes(ann.label)}:
        scheme = scheme.with_label(Label(ann.subtype, colour=label.colour, parent=ann.label, scope=label.scope))
    return scheme


def _fit_attributes(scheme: Scheme, ann: Annotation) -> Annotation:
    """Attributes the label accepts stay; the rest move into the note."""
    label = scheme.label(ann.label)
    kept: dict[str, Any] = {}
    moved: list[str] = []
    for key, value in ann.attributes.items():
        definition = label.attribute(key)
        if definition is not None and definition.kind is AttributeKind.TEXT and isinstance(value, int | float):
            value = str(value)
        if definition is not None and definition.kind is AttributeKind.YES_NO and isinstance(value, str):
            value = _YES_NO.get(value.strip().lower(), value)  # tools that only know text write yes and no
        try:
            if definition is None:
                raise InputError("not defined")
            definition.check(value)
            kept[key] = value
        except InputError:
            moved.append(f"{key}: {value}")
    if not moved:
        return ann if kept == ann.attributes else replace(ann, attributes=kept)
    note = "\n".join(([ann.note] if ann.note else []) + moved)
    return replace(ann, attributes=kept, note=note)
