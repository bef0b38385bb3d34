"""Queries for reviewing: bulk reads of documents and annotations for the agreement measures, and the
adjudication records (the provenance of the gold layer). Each takes a session and returns plain dataclasses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from annotator.core.errors import NotFound
from annotator.core.model import Annotation, AnnotatorKind, Document, Fragment, Origin, Status
from annotator.review.adjudication import AdjudicationRecord, Decision
from annotator.store import repo
from annotator.store.tables import (
    AdjudicationRow,
    AnnotationRow,
    AnnotatorRow,
    CollectionMemberRow,
    CollectionRow,
    DocumentRow,
    FragmentRow,
    RelationRow,
    StatusRow,
)


@dataclass(frozen=True)
class ReviewFacts:
    """A document with what grouping needs: its collections."""

    document: Document
    collections: tuple[str, ...]


def documents_for_review(session: Session, uuids: Sequence[str] | None = None) -> list[ReviewFacts]:
    query = select(DocumentRow).order_by(DocumentRow.id)
    if uuids is not None:
        query = query.where(DocumentRow.uuid.in_(list(uuids)))
    rows = session.scalars(query).all()
    members: dict[int, list[str]] = {}
    for doc_id, name in session.execute(
        select(CollectionMemberRow.document_id, CollectionRow.name)
        .join(CollectionRow, CollectionRow.id == CollectionMemberRow.collection_id)
        .order_by(CollectionRow.name)
    ):
        members.setdefault(doc_id, []).append(name)
    return [ReviewFacts(repo.row_to_document(r), tuple(members.get(r.id, ()))) for r in rows]


def annotations_for_review(
    session: Session, annotators: Sequence[str] | None = None, documents: Sequence[str] | None = None
) -> list[Annotation]:
    """Every annotation of the given annotators (all when None) in the given documents, in three queries."""
    query = (
        select(
            AnnotationRow.id,
            AnnotationRow.uuid,
            DocumentRow.uuid,
            AnnotatorRow.name,
            AnnotationRow.label_id,
            AnnotationRow.subtype_id,
            AnnotationRow.attributes,
            AnnotationRow.note,
            AnnotationRow.origin,
            AnnotationRow.created,
            AnnotationRow.modified,
            AnnotationRow.version,
        )
        .join(DocumentRow, DocumentRow.id == AnnotationRow.document_id)
        .join(AnnotatorRow, AnnotatorRow.id == AnnotationRow.annotator_id)
        .order_by(AnnotationRow.id)
    )
    if annotators is not None:
        query = query.where(AnnotatorRow.name.in_(list(annotators)))
    if documents is not None:
        query = query.where(DocumentRow.uuid.in_(list(documents)))
    rows = session.execute(query).all()
    if not rows:
        return []
    fragments: dict[int, list[Fragment]] = {}
    chosen = query.with_only_columns(AnnotationRow.id).order_by(None)
    for ann_id, start, end in session.execute(
        select(FragmentRow.annotation_id, FragmentRow.start, FragmentRow.end)
        .where(FragmentRow.annotation_id.in_(chosen))
        .order_by(FragmentRow.start)
    ):
        fragments.setdefault(ann_id, []).append(Fragment(start, end))
    names = repo.label_names(session)
    return [
        Annotation(
            document=doc,
            annotator=who,
            label=names[label],
            subtype=names[subtype] if subtype else None,
            fragments=tuple(fragments.get(ann_id, ())),
            attributes=dict(attributes or {}),
            note=note,
            origin=Origin(origin),
            uuid=uuid,
            created=created,
            modified=modified,
            version=version,
        )
        for ann_id, uuid, doc, who, label, subtype, attributes, note, origin, created, modified, version in rows
    ]


def statuses_for_review(session: Session) -> dict[str, dict[str, Status]]:
    """document uuid -> annotator -> status, for every status ever set."""
    out: dict[str, dict[str, Status]] = {}
    query = (
        select(DocumentRow.uuid, AnnotatorRow.name, StatusRow.status)
        .join(DocumentRow, DocumentRow.id == StatusRow.document_id)
        .join(AnnotatorRow, AnnotatorRow.id == StatusRow.annotator_id)
    )
    for doc, who, status in session.execute(query):
        out.setdefault(doc, {})[who] = Status(status)
    return out


def annotator_kinds(session: Session) -> dict[str, AnnotatorKind]:
    return {name: AnnotatorKind(kind) for name, kind in session.execute(select(AnnotatorRow.name, AnnotatorRow.kind))}


def relation_exists(session: Session, uuid: str) -> bool:
    return session.scalar(select(RelationRow.id).where(RelationRow.uuid == uuid)) is not None


# -- adjudication records -----------------------------------------------------------------------------------


def insert_adjudication(session: Session, record: AdjudicationRecord) -> None:
    session.add(
        AdjudicationRow(
            uuid=record.uuid,
            document_id=repo.document_row(session, record.document).id,
            gold_annotation=record.gold_annotation,
            decision=record.decision.value,
            sources=list(record.sources),
            curator_id=repo.annotator_id(session, record.curator),
            reason=record.reason,
            at=record.at,
        )
    )
    session.flush()


def adjudication_exists(session: Session, uuid: str) -> bool:
    return session.scalar(select(AdjudicationRow.id).where(AdjudicationRow.uuid == uuid)) is not None


def adjudications(session: Session, documents: Sequence[str] | None = None) -> list[AdjudicationRecord]:
    """Records in the order they were made, of the given documents (all when None)."""
    query = (
        select(AdjudicationRow, DocumentRow.uuid, AnnotatorRow.name)
        .join(DocumentRow, DocumentRow.id == AdjudicationRow.document_id)
        .join(AnnotatorRow, AnnotatorRow.id == AdjudicationRow.curator_id)
        .order_by(AdjudicationRow.at, AdjudicationRow.id)
    )
    if documents is not None:
        query = query.where(DocumentRow.uuid.in_(list(documents)))
    return [
        AdjudicationRecord(
            document=doc,
            decision=Decision(row.decision),
            sources=tuple(row.sources or ()),
            curator=curator,
            gold_annotation=row.gold_annotation,
            reason=row.reason,
            at=row.at,
            uuid=row.uuid,
        )
        for row, doc, curator in session.execute(query)
    ]


def delete_adjudication(session: Session, uuid: str) -> None:
    if session.execute(delete(AdjudicationRow).where(AdjudicationRow.uuid == uuid)).rowcount == 0:
        raise NotFound(f"no adjudication {uuid}")
