"""Relations: typed, directed links between two annotations of one document (an attribution's content to its
source). One encoder, one decoder, the JSON form core.model.relation_to_dict in the log; every write logged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, delete, insert, select, text
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.errors import NotFound
from annotator.core.model import Relation, relation_to_dict
from annotator.store import annotations, annotators, change_log
from annotator.store.annotations import AnnotationRow
from annotator.store.base import Base, chunks, present
from annotator.store.documents import DocumentRow


class RelationRow(Base):
    __tablename__ = "relations"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"), index=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    created: Mapped[datetime]


def encode(rel: Relation, ids: dict[str, int], people: dict[str, int]) -> dict[str, Any]:
    """Row values; ids: annotation uuid -> row id of both ends, people: annotator name -> row id."""
    return {
        "uuid": rel.uuid,
        "type": rel.type,
        "source_id": ids[rel.source],
        "target_id": ids[rel.target],
        "annotator_id": people[rel.annotator],
        "created": rel.created,
    }


def decode(row: Any) -> Relation:
    """A row of _COLUMNS (uuid, type, source uuid, target uuid, annotator name, created)."""
    uuid, kind, source, target, who, created = row[:6]
    return Relation(type=kind, source=source, target=target, annotator=who, uuid=uuid, created=created)


# -- writing ------------------------------------------------------------------------------------------------


def insert_many(
    session: Session, relations: Sequence[tuple[Relation, str]], actor: str, ids: dict[str, int] | None = None
) -> list[Change]:
    """Store relations (each with its document's uuid) whose ends are stored (ids: those known already) and log
    each one's creation."""
    if not relations:
        return []
    ids = dict(ids or {})
    missing = {end for rel, _ in relations for end in (rel.source, rel.target) if end not in ids}
    ids.update(annotations.ids_of(session, missing))
    people = annotators.ids(session, {rel.annotator for rel, _ in relations}, actor)
    session.execute(insert(RelationRow), [encode(rel, ids, people) for rel, _ in relations])
    records = [changes.created(changes.RELATION, r.uuid, doc, relation_to_dict(r), actor) for r, doc in relations]
    return change_log.append(session, records)


def insert_one(session: Session, rel: Relation, document: str, actor: str) -> Change:
    return insert_many(session, [(rel, document)], actor)[0]


def delete_many(session: Session, relations: Sequence[Relation], document: str, actor: str) -> list[Change]:
    for chunk in chunks([r.uuid for r in relations]):
        session.execute(delete(RelationRow).where(RelationRow.uuid.in_(chunk)))
    records = [changes.deleted(changes.RELATION, r.uuid, document, relation_to_dict(r), actor) for r in relations]
    return change_log.append(session, records)


def delete_one(session: Session, rel: Relation, document: str, actor: str) -> Change:
    if not exists(session, rel.uuid):
        raise NotFound(f"no relation {rel.uuid}")
    return delete_many(session, [rel], document, actor)[0]


# -- reading ------------------------------------------------------------------------------------------------

_SOURCE, _TARGET = aliased(AnnotationRow, name="source_annotation"), aliased(AnnotationRow, name="target_annotation")
_COLUMNS = (
    RelationRow.uuid,
    RelationRow.type,
    _SOURCE.uuid,
    _TARGET.uuid,
    annotators.AnnotatorRow.name,
    RelationRow.created,
    _SOURCE.document_id,
)
_SELECT = (
    select(*_COLUMNS)
    .join(_SOURCE, _SOURCE.id == RelationRow.source_id)
    .join(_TARGET, _TARGET.id == RelationRow.target_id)
    .join(annotators.AnnotatorRow, annotators.AnnotatorRow.id == RelationRow.annotator_id)
    .order_by(RelationRow.id)
)


def of_document(session: Session, document: str) -> list[Relation]:
    """Relations whose source annotation lies in the document, in the order they were made."""
    doc_id = select(DocumentRow.id).where(DocumentRow.uuid == document).scalar_subquery()
    return [decode(row) for row in session.execute(_SELECT.where(_SOURCE.document_id == doc_id))]


def touching(session: Session, annotation: str) -> list[Relation]:
    """Relations from or to the annotation."""
    query = _SELECT.where((_SOURCE.uuid == annotation) | (_TARGET.uuid == annotation))
    return [decode(row) for row in session.execute(query)]


def of_documents(
    session: Session, document_ids: list[int], kept: annotations.Where | None = None
) -> dict[int, list[Relation]]:
    """Document row id -> its relations whose two ends both pass kept (the annotator and label filters), in the
    order they were made."""
    query = _SELECT.where(_SOURCE.document_id.in_(document_ids), _TARGET.document_id.in_(document_ids))
    if kept is not None:  # both ends by their aliases' names
        query = query.where(text(kept.sql("source_annotation")), text(kept.sql("target_annotation")))
    found: dict[int, list[Relation]] = {}
    for row in session.execute(query):
        found.setdefault(row[6], []).append(decode(row))
    return found


def exists(session: Session, uuid: str) -> bool:
    return session.scalar(select(RelationRow.id).where(RelationRow.uuid == uuid)) is not None


def existing(session: Session, uuids: list[str]) -> set[str]:
    return present(session, RelationRow.uuid, uuids)
