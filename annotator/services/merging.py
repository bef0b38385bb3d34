"""Merging another project database into this one (`annotator merge OTHER.db`).

* The target is backed up first (SQLite online backup, verified), and the whole merge is one transaction.
* The other database is never touched: it is copied with the online backup API and the copy is read (and
  upgraded, if it is older).
* Documents are matched by the SHA-256 of their text; a new text comes in with its metadata and collections.
* Annotations, relations and adjudication records are matched by uuid, so repeating a merge changes nothing.
  When both sides hold the same uuid with different content, both are kept: the incoming version is stored
  under a new uuid derived from the old uuid and its content (so a second merge finds it) with a note, and the
  conflict is reported.
* Statuses move forward only (not started < in progress < done).
"""

from __future__ import annotations

import tempfile
import uuid as uuid_module
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.core import changes
from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import Annotation, AnnotatorKind, Relation, Status, annotation_to_dict
from annotator.review.adjudication import AdjudicationRecord
from annotator.services.annotating import store_annotation
from annotator.services.documents import add_document
from annotator.services.project import Project
from annotator.services.review import ReviewFacts, read_annotations, read_documents
from annotator.store import adjudications, annotations, annotators, collections, documents, relations, statuses
from annotator.store.database import Database

_CONFLICT_NAMESPACE = uuid_module.UUID("6d3f6c1e-57a4-4f0e-9a53-0d1c2b7e9a11")
_STATUS_RANK = {Status.NOT_STARTED: 0, Status.IN_PROGRESS: 1, Status.DONE: 2}


def _forward(current: Status, new: Status) -> bool:
    return _STATUS_RANK[new] > _STATUS_RANK[current]


@dataclass
class MergeReport:
    source: str = ""
    backup: str | None = None
    documents_added: int = 0
    documents_matched: int = 0
    annotations_added: int = 0
    annotations_unchanged: int = 0
    relations_added: int = 0
    statuses_updated: int = 0
    memberships_added: int = 0
    adjudications_added: int = 0
    conflicts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.documents_added,
                self.annotations_added,
                self.relations_added,
                self.statuses_updated,
                self.memberships_added,
                self.adjudications_added,
            )
        )

    def summary(self) -> str:
        return (
            f"merged {self.source}: {self.documents_added} documents added, {self.documents_matched} matched; "
            f"{self.annotations_added} annotations added, {self.annotations_unchanged} already here, "
            f"{len(self.conflicts)} conflicting versions kept side by side; {self.relations_added} relations, "
            f"{self.statuses_updated} statuses, {self.memberships_added} collection memberships, "
            f"{self.adjudications_added} adjudication records"
        )


def _content(ann: Annotation) -> dict[str, Any]:
    data = annotation_to_dict(ann)
    for key in ("uuid", "created", "modified", "version"):
        data.pop(key)
    return data


def merge_database(project: Project, other: str | Path, actor: str) -> MergeReport:
    path = Path(other)
    if not path.exists():
        raise InputError("no such file", str(path))
    own = project.database.file_path
    if own is not None and own.exists() and own.resolve() == path.resolve():
        raise InputError("a project cannot be merged into itself", str(path))
    report = MergeReport(source=str(path))
    with tempfile.TemporaryDirectory(prefix="annotator-merge-") as tmp:
        source_db = Database(path)
        try:
            snapshot = source_db.backup(Path(tmp), reason="merge-source")
        finally:
            source_db.close()
        source = Project(Database.open(snapshot, backup_dir=Path(tmp)))
        try:
            incoming = _read(source)
        finally:
            source.close()
    if project.database.is_sqlite and project.database.file_path is not None:
        report.backup = str(project.database.backup(reason="before-merge"))
    else:
        report.skipped.append("no backup taken: the target is not a SQLite file (back up the server first)")
    with project.transaction() as session:
        _write(project, session, incoming, actor, report)
    return report


@dataclass
class _Incoming:
    facts: list[ReviewFacts]
    annotations: list[Annotation]
    relations: list[tuple[str, Relation]]  # (document uuid, relation)
    statuses: dict[str, dict[str, Status]]
    adjudications: list[AdjudicationRecord]
    kinds: dict[str, AnnotatorKind]


def _read(source: Project) -> _Incoming:
    facts = read_documents(source)
    with source.transaction() as session:
        links = [(f.document.uuid, r) for f in facts for r in relations.of_document(session, f.document.uuid)]
        return _Incoming(
            facts,
            read_annotations(source),
            links,
            statuses.everywhere(session),
            adjudications.of_documents(session),
            annotators.kinds(session),
        )


def _write(project: Project, session: Any, incoming: _Incoming, actor: str, report: MergeReport) -> None:
    for name, kind in incoming.kinds.items():
        if kind is AnnotatorKind.GOLD:
            annotators.ensure(session, name, actor, kind)
    doc_map: dict[str, str] = {}
    for fact in incoming.facts:
        doc = fact.document
        existing = documents.find_by_hash(session, doc.sha256)
        if existing is not None:
            doc_map[doc.uuid] = existing.uuid
            report.documents_matched += 1
        else:
            if documents.exists(session, doc.uuid):
                doc = replace(doc, uuid=str(uuid_module.uuid4()))
            add_document(project, doc, actor, session)
            doc_map[fact.document.uuid] = doc.uuid
            report.documents_added += 1
        for name in fact.collections:
            joined = collections.add_members(session, name, [doc_map[fact.document.uuid]], actor)
            report.memberships_added += sum(r.entity == changes.MEMBERSHIP for r in joined)
    ann_map = _merge_annotations(project, session, incoming.annotations, doc_map, actor, report)
    for document, rel in incoming.relations:
        if relations.exists(session, rel.uuid):
            continue
        ends = (ann_map.get(rel.source), ann_map.get(rel.target))
        if None in ends:
            report.skipped.append(f"relation {rel.uuid}: one of its annotations did not come in")
            continue
        relations.insert_one(session, replace(rel, source=ends[0], target=ends[1]), doc_map[document], actor)
        report.relations_added += 1
    states = [(doc_map[doc], who, status) for doc, by in incoming.statuses.items() for who, status in by.items()]
    report.statuses_updated += len(statuses.set_many(session, states, actor, rule=_forward))
    for record in incoming.adjudications:
        if adjudications.exists(session, record.uuid):
            continue
        moved = replace(
            record,
            document=doc_map[record.document],
            sources=tuple(ann_map.get(s, s) for s in record.sources),
            gold_annotation=ann_map.get(record.gold_annotation or "", None),
        )
        adjudications.insert_one(session, moved, actor)
        report.adjudications_added += 1


def _merge_annotations(
    project: Project,
    session: Any,
    incoming: list[Annotation],
    doc_map: dict[str, str],
    actor: str,
    report: MergeReport,
) -> dict[str, str]:
    """Store incoming annotations; returns incoming uuid -> uuid it has here (for relations and records)."""
    ann_map: dict[str, str] = {}
    for ann in incoming:
        ann = replace(ann, document=doc_map[ann.document])
        if not annotations.exists(session, ann.uuid):
            if _store(project, session, ann, actor, report):
                ann_map[ann.uuid] = ann.uuid
            continue
        here = annotations.get(session, ann.uuid)
        if _content(here) == _content(ann):
            report.annotations_unchanged += 1
            ann_map[ann.uuid] = ann.uuid
            continue
        fingerprint = repr(sorted(_content(ann).items()))
        twin = str(uuid_module.uuid5(_CONFLICT_NAMESPACE, f"{ann.uuid}|{fingerprint}"))
        ann_map[ann.uuid] = twin
        if annotations.exists(session, twin):
            report.annotations_unchanged += 1  # this conflicting version came in with an earlier merge
            continue
        note = f"merged from {report.source}: a different version of {ann.uuid}"
        incoming = replace(ann, uuid=twin, note=f"{ann.note}\n{note}".strip())
        if _store(project, session, incoming, actor, report):
            report.conflicts.append(
                f"annotation {ann.uuid} ({ann.annotator}, {ann.label}) differs here and in "
                f"{report.source}; the incoming version is kept as {twin}"
            )
    return ann_map


def _store(project: Project, session: Any, ann: Annotation, actor: str, report: MergeReport) -> bool:
    try:
        store_annotation(project, session, ann, actor)
    except AnnotatorError as exc:  # a label this project's scheme lacks, a span beyond the text, ...
        report.skipped.append(f"annotation {ann.uuid} ({ann.annotator}, {ann.label}): {exc}")
        return False
    report.annotations_added += 1
    return True
