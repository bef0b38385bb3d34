"""Storing annotated documents from an import in batches: the documents, then every annotation, fragment,
relation and change-log entry of the batch in a few bulk statements.

Same rules as storing one annotation at a time (services/annotating.py): each annotation must fit the scheme
(label, sub-type, attributes, span or document scope) and lie within its text; a document whose text is already
in the project takes the annotations instead; annotations already stored (same id) are skipped, so importing a
file twice adds nothing; every new relation gets its change-log entry, and each document one entry listing the
annotations it gained (store/bulk_repo.py says why).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Relation, Status
from annotator.core.scheme import AttributeDef, Scheme, Scope
from annotator.formats.registry import DocumentBundle
from annotator.services.documents import document_to_dict
from annotator.services.project import Project
from annotator.store import bulk_repo, import_repo, repo


class SchemeCheck:
    """scheme.check_annotation with its look-ups made once: at a million annotations the scans add up."""

    def __init__(self, scheme: Scheme):
        self.scope = {lab.name: lab.scope for lab in scheme.top_labels()}
        self.subtypes = {name: {s.name for s in scheme.subtypes(name)} for name in self.scope}
        self.attributes: dict[str, dict[str, AttributeDef]] = {
            lab.name: {a.name: a for a in lab.attributes} for lab in scheme.top_labels()
        }
        # (label, sub-type) pairs that may mark passages: what most imported annotations are
        self.plain_spans = {
            (name, subtype)
            for name, scope in self.scope.items()
            if scope is not Scope.DOCUMENT
            for subtype in (None, *self.subtypes[name])
        }

    def __call__(self, ann: Annotation, text_length: int) -> None:
        if ann.fragments and not ann.attributes and (ann.label, ann.subtype) in self.plain_spans:
            ann.check_within(text_length)  # the common case: one look-up, then the bounds
            return
        scope = self.scope.get(ann.label)
        if scope is None:
            raise InputError(f"the scheme has no label '{ann.label}'")
        if ann.subtype is not None and ann.subtype not in self.subtypes[ann.label]:
            raise InputError(f"label '{ann.label}' has no sub-type '{ann.subtype}'")
        if ann.attributes:
            known = self.attributes[ann.label]
            for key, value in ann.attributes.items():
                definition = known.get(key)
                if definition is None:
                    raise InputError(f"label '{ann.label}' has no attribute '{key}'")
                definition.check(value)
        if ann.fragments:
            if scope is Scope.DOCUMENT:
                raise InputError(f"label '{ann.label}' applies to the whole document, not to a passage")
            ann.check_within(text_length)
        elif scope is Scope.SPAN:
            raise InputError(f"label '{ann.label}' marks passages of text; select the text it applies to")


def store_annotated(project: Project, session: Any, bundles: list[DocumentBundle], actor: str, report: Any) -> None:
    """Store a batch of bundles (documents with annotations) inside the caller's transaction."""
    if not bundles:
        return
    known = import_repo.documents_by_hash(session, (b.document.sha256 for b in bundles))
    new_docs: list[Document] = []
    target_of: list[str] = []
    for bundle in bundles:
        doc = bundle.document
        source = doc.source or doc.title
        hit = known.get(doc.sha256)
        if hit is not None:
            report.duplicates.append((source, hit[0]))
            report.titles[hit[0]] = hit[1]
            target_of.append(hit[0])
            continue
        known[doc.sha256] = (doc.uuid, doc.title)
        new_docs.append(doc)
        report.imported.append((source, doc.uuid))
        target_of.append(doc.uuid)
    import_repo.insert_documents(session, new_docs, [document_to_dict(d) for d in new_docs], actor)
    doc_ids = bulk_repo.document_ids(session, target_of)
    # annotations of a document already stored may be stored themselves (the same file imported again): those are
    # skipped before they are checked; a uuid of a new document that is already taken is left out by the insert
    already = bulk_repo.existing_annotations(
        session,
        [
            a.uuid
            for b, target in zip(bundles, target_of, strict=True)
            if b.document.uuid != target
            for a in b.annotations
        ],
    )
    check = SchemeCheck(project.scheme)
    groups: list[bulk_repo.DocumentAnnotations] = []
    relations: list[tuple[Relation, str]] = []
    for bundle, target in zip(bundles, target_of, strict=True):
        length = len(bundle.document.text)
        kept: list[Annotation] = []
        for ann in bundle.annotations:
            if ann.uuid in already:
                continue
            already.add(ann.uuid)  # the same id twice in one file is stored once
            if ann.document != target:
                ann = replace(ann, document=target)
            try:
                check(ann, length)
            except InputError as exc:
                raise InputError(f"annotation {ann.uuid}: {exc.reason}", bundle.document.source or None) from None
            kept.append(ann)
        groups.append(bulk_repo.DocumentAnnotations(target, doc_ids[target], kept))
        stored = {a.uuid for a in kept}
        relations += [(rel, target) for rel in bundle.relations if rel.source in stored or rel.target in stored]
    ids = bulk_repo.insert_annotations(session, groups, project.label_ids(session), actor)
    offered = sum(len(group.annotations) for group in groups)
    if len(ids) < offered:
        taken = {a.uuid for group in groups for a in group.annotations} - ids.keys()
        report.notes.append(f"{len(taken)} annotations whose ids are already used in this project were not added")
        relations = [(rel, doc) for rel, doc in relations if rel.source not in taken and rel.target not in taken]
    report.annotations += len(ids)
    bulk_repo.insert_relations(session, _first_of_each(session, relations, report), ids, actor)
    for bundle, target in zip(bundles, target_of, strict=True):
        for annotator, status in bundle.status.items():
            if repo.get_status(session, target, annotator) is Status.NOT_STARTED:
                repo.set_status(session, target, annotator, status)


def _first_of_each(session: Any, relations: list[tuple[Relation, str]], report: Any) -> list[tuple[Relation, str]]:
    """Relations whose id is neither stored already nor repeated earlier in this file (the first is kept)."""
    seen = bulk_repo.existing_relations(session, [rel.uuid for rel, _ in relations])
    unique = []
    for rel, target in relations:
        if rel.uuid not in seen:
            seen.add(rel.uuid)
            unique.append((rel, target))
    if len(unique) < len(relations):
        report.notes.append(f"{len(relations) - len(unique)} relations repeating an id already seen were not added")
    return unique
