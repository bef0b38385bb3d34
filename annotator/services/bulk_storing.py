"""Storing annotated documents from an import in batches: the documents, then every annotation, fragment,
relation and change-log entry of the batch in a few bulk statements.

Same rules as storing one annotation at a time (services/annotating.py): each annotation must fit the scheme
(label, sub-type, attributes, span or document scope) and lie within its text; a document whose text is already
in the project takes the annotations instead; annotations already stored (same id) are skipped, so importing a
file twice adds nothing; every new relation gets its change-log entry, and each document one entry listing the
annotations it gained (store/annotations.py says why).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Relation, Status
from annotator.formats.registry import DocumentBundle
from annotator.services.project import Project
from annotator.store import annotations, documents, relations, statuses
from annotator.store.annotation_imports import DocumentAnnotations, insert_many


def store_annotated(project: Project, session: Any, bundles: list[DocumentBundle], actor: str, report: Any) -> None:
    """Store a batch of bundles (documents with annotations) inside the caller's transaction."""
    if not bundles:
        return
    known = documents.by_hash(session, [b.document.sha256 for b in bundles])
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
    documents.insert_many(session, new_docs, actor)
    doc_ids = documents.ids(session, target_of)
    # annotations of a document already stored may be stored themselves (the same file imported again): those are
    # skipped before they are checked; a uuid of a new document that is already taken is left out by the insert
    already = annotations.existing(
        session,
        [
            a.uuid
            for b, target in zip(bundles, target_of, strict=True)
            if b.document.uuid != target
            for a in b.annotations
        ],
    )
    check = project.scheme.check
    groups: list[DocumentAnnotations] = []
    links: list[tuple[Relation, str]] = []
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
        groups.append(DocumentAnnotations(target, doc_ids[target], kept))
        stored = {a.uuid for a in kept}
        links += [(rel, target) for rel in bundle.relations if rel.source in stored or rel.target in stored]
    ids, _ = insert_many(session, groups, project.label_ids(session), actor)
    offered = sum(len(group.annotations) for group in groups)
    if len(ids) < offered:
        taken = {a.uuid for group in groups for a in group.annotations} - ids.keys()
        report.notes.append(f"{len(taken)} annotations whose ids are already used in this project were not added")
        links = [(rel, doc) for rel, doc in links if rel.source not in taken and rel.target not in taken]
    report.annotations += len(ids)
    relations.insert_many(session, _first_of_each(session, links, report), actor, ids)
    states = [
        (target, who, status) for b, target in zip(bundles, target_of, strict=True) for who, status in b.status.items()
    ]
    statuses.set_many(session, states, actor, rule=_only_where_not_started)


def _only_where_not_started(current: Status, _new: Status) -> bool:
    """An import sets a status nobody has set yet; it never overrides one a person chose."""
    return current is Status.NOT_STARTED


def _first_of_each(session: Any, links: list[tuple[Relation, str]], report: Any) -> list[tuple[Relation, str]]:
    """Relations whose id is neither stored already nor repeated earlier in this file (the first is kept)."""
    seen = relations.existing(session, [rel.uuid for rel, _ in links])
    unique = []
    for rel, target in links:
        if rel.uuid not in seen:
            seen.add(rel.uuid)
            unique.append((rel, target))
    if len(unique) < len(links):
        report.notes.append(f"{len(links) - len(unique)} relations repeating an id already seen were not added")
    return unique
