"""What interchange files bring besides documents and annotations, placed in the project during an import:

* a code book (REFI-QDA): labels and sub-types with colours and descriptions (shown as guidelines), added to the
  scheme when the label map says "new" for them, whether or not anything is coded with them;
* groups of documents (REFI-QDA sets): the documents are put in collections of those names;
* format data for a document the project already has (a second annotator's export of the same text): merged
  into the stored document's metadata (formats/fidelity.merge_format_data), so no annotator's ids are lost.

All of it runs inside the import's transaction for the file (services/importing.py), so a failed file leaves
none of it behind.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from annotator.core.scheme import AttributeDef, AttributeKind, Label, Scheme
from annotator.formats.fidelity import FORMAT_NAMES, Fidelity, merge_format_data
from annotator.formats.registry import DocumentBundle
from annotator.services.label_mapping import NEW, LabelMap
from annotator.services.project import Project
from annotator.store import collections, documents
from annotator.store import scheme as stored_scheme


def adopt_codebook(
    project: Project, session: Any, fmt: str, labels: list[Label], mapping: LabelMap, fidelity: Fidelity, actor: str
) -> None:
    """Add the file's labels that the scheme lacks and the label map marks "new" (or "*": "new"); count them."""
    scheme = project.scheme
    added = scheme
    for label in labels:
        name = f"{label.parent}/{label.name}" if label.parent else label.name
        if in_scheme(added, label):
            fidelity.keep(fmt, "code already in the scheme")
            continue
        if (mapping.target(name) or mapping.default) != NEW or (label.parent and not added.has_label(label.parent)):
            fidelity.leave_out(fmt, "code the scheme lacks (give --label-map new)")
            continue
        added = added.with_label(replace(label, colour=label.colour or _parent_colour(added, label)))
        fidelity.keep(fmt, "code added to the scheme")
    if added is not scheme:
        _save_scheme(project, session, added, actor)


def widen_added_labels(project: Project, session: Any, bundle: DocumentBundle, added: set[str], actor: str) -> None:
    """Labels this import added to the scheme (label map "new") take every attribute the file gives them, not only
    those of the first document that brought the label in (later ones would otherwise go into notes)."""
    wanted = [a for a in bundle.annotations if a.attributes and a.label in added]
    if not wanted:
        return
    scheme = project.scheme
    known = {lab.name: {a.name for a in lab.attributes} for lab in scheme.top_labels() if lab.name in added}
    missing: dict[str, dict[str, AttributeKind]] = {}
    for ann in wanted:
        for key, value in ann.attributes.items():
            if value is not None and ann.label in known and key not in known[ann.label]:
                kind = AttributeKind.YES_NO if isinstance(value, bool) else AttributeKind.TEXT
                missing.setdefault(ann.label, {}).setdefault(key, kind)
    widened = scheme
    for name, attributes in missing.items():
        label = widened.label(name)
        extra = tuple(AttributeDef(key, kind) for key, kind in attributes.items())
        widened = widened.with_label(replace(label, attributes=label.attributes + extra), replacing=label.name)
    if widened is not scheme:
        _save_scheme(project, session, widened, actor)


def labels_added(before: Scheme, after: Scheme) -> set[str]:
    return {lab.name for lab in after.top_labels()} - {lab.name for lab in before.top_labels()}


def in_scheme(scheme: Scheme, label: Label) -> bool:
    if label.parent is None:
        return scheme.has_label(label.name)
    return any(s.name == label.name for s in scheme.subtypes(label.parent))


def _parent_colour(scheme: Scheme, label: Label) -> str:
    return scheme.label(label.parent).colour if label.parent and scheme.has_label(label.parent) else "#9e9e9e"


def place(session: Any, bundles: list[DocumentBundle], actor: str, fidelity: Fidelity) -> None:
    """After bundles are stored: put their documents in the collections they name, and merge the format data of
    those whose text the project already had into the stored document."""
    wanted = [b for b in bundles if b.collections or _format_data(b)]
    if not wanted:
        return
    stored = documents.by_hash(session, [b.document.sha256 for b in wanted])
    for bundle in wanted:
        target = stored.get(bundle.document.sha256, (bundle.document.uuid, ""))[0]
        for name in bundle.collections:
            collections.add_members(session, name, [target], actor)
            fidelity.keep(_format_of(bundle), "document set as a collection")
        if target != bundle.document.uuid and _format_data(bundle):
            _merge_metadata(session, target, _format_data(bundle), actor)


def _format_data(bundle: DocumentBundle) -> dict[str, Any]:
    return {k: v for k, v in bundle.document.metadata.items() if k in FORMAT_NAMES}


def _format_of(bundle: DocumentBundle) -> str:
    return next(iter(_format_data(bundle)), "import")


# -- writes (each logged by the store) -------------------------------------------------------------------------


def _save_scheme(project: Project, session: Any, scheme: Scheme, actor: str) -> None:
    stored_scheme.save(session, scheme, actor)
    project.adopt_scheme(scheme)


def _merge_metadata(session: Any, uuid: str, incoming: dict[str, Any], actor: str) -> None:
    """Merge incoming format data into a stored document's metadata, logged as a document update."""
    before, version = documents.get_versioned(session, uuid)
    merged = merge_format_data(dict(before.metadata), incoming)
    if merged != before.metadata:
        documents.update(session, before, version, replace(before, metadata=merged), actor)
