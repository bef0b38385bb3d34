"""Learning records: what a person did with a suggestion (accepted, rejected, corrected, skipped).

Keyed like the suggestion by document, offsets and label, not by the suggestion's id, so that a span and label
rejected once is not offered again after the models are retrained (suggesting/model.without_remembered). Each
record is its own change-log entry; undoing an acceptance deletes its record, logged too.
"""

from __future__ import annotations

import uuid as uuid_module
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.errors import NotFound
from annotator.core.model import Fragment
from annotator.store import annotators, change_log, documents
from annotator.store.annotators import AnnotatorRow
from annotator.store.base import Base
from annotator.store.documents import DocumentRow
from annotator.suggesting.model import Feedback, LearningRecord


class LearningRecordRow(Base):
    __tablename__ = "learning_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    fragments: Mapped[list[list[int]]] = mapped_column(JSON)
    label: Mapped[str] = mapped_column(String(200))
    subtype: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    suggestion: Mapped[str | None] = mapped_column(String(36))
    recommender: Mapped[str] = mapped_column(String(200), default="")
    recommender_version: Mapped[str] = mapped_column(String(100), default="")
    score: Mapped[float | None] = mapped_column(Float)
    annotation: Mapped[str | None] = mapped_column(String(36))  # the annotation accepting or correcting made
    created: Mapped[datetime]


# -- the encoder, the decoder, the payload --------------------------------------------------------------------


def payload(r: LearningRecord) -> dict[str, Any]:
    return {
        "document": r.document,
        "annotator": r.annotator,
        "fragments": [[f.start, f.end] for f in r.fragments],
        "label": r.label,
        "subtype": r.subtype,
        "action": r.action.value,
        "suggestion": r.suggestion,
        "recommender": r.recommender,
        "recommender_version": r.recommender_version,
        "score": r.score,
        "annotation": r.annotation,
        "created": r.created.isoformat(),
    }


def _encode(r: LearningRecord, key: str, document_id: int, annotator_id: int) -> dict[str, Any]:
    values: dict[str, Any] = {**payload(r), "uuid": key, "document_id": document_id, "annotator_id": annotator_id}
    values.update(action=r.action.value, created=r.created)
    del values["document"], values["annotator"]
    return values


def _decode(row: LearningRecordRow, document: str, annotator: str) -> LearningRecord:
    return LearningRecord(
        document,
        tuple(Fragment(s, e) for s, e in row.fragments),
        row.label,
        Feedback(row.action),
        annotator,
        row.subtype,
        row.suggestion,
        row.recommender,
        row.recommender_version,
        row.score,
        row.annotation,
        row.created,
    )


# -- writing --------------------------------------------------------------------------------------------------


def add(session: Session, records: list[LearningRecord], actor: str) -> list[Change]:
    """Store the records (each keyed by a new id) and log each."""
    rows, logged = [], []
    document_ids = documents.ids(session, [r.document for r in records])
    for r in records:
        key = str(uuid_module.uuid4())
        rows.append(_encode(r, key, document_ids[r.document], annotators.ensure(session, r.annotator, actor)))
        logged.append(changes.created(changes.FEEDBACK, key, r.document, payload(r), actor))
    if rows:
        session.execute(insert(LearningRecordRow), rows)
    return change_log.append(session, logged)


def remove(session: Session, key: str, actor: str) -> Change:
    """Delete one record (undoing what the person did with a suggestion), logged."""
    found = _rows(session, LearningRecordRow.uuid == key)
    if not found:
        raise NotFound(f"no learning record {key}")
    session.execute(delete(LearningRecordRow).where(LearningRecordRow.uuid == key))
    record = found[0][1]
    return change_log.append(
        session, [changes.deleted(changes.FEEDBACK, key, record.document, payload(record), actor)]
    )[0]


# -- reading --------------------------------------------------------------------------------------------------


def _rows(session: Session, *where: Any) -> list[tuple[str, LearningRecord]]:
    query = (
        select(LearningRecordRow, DocumentRow.uuid, AnnotatorRow.name)
        .join(DocumentRow, DocumentRow.id == LearningRecordRow.document_id)
        .join(AnnotatorRow, AnnotatorRow.id == LearningRecordRow.annotator_id)
        .where(*where)
        .order_by(LearningRecordRow.id)
    )
    return [(row.uuid, _decode(row, document, who)) for row, document, who in session.execute(query)]


def all_records(session: Session) -> list[LearningRecord]:
    return [r for _, r in _rows(session)]


def of_document(session: Session, document: str, annotator: str | None = None) -> list[tuple[str, LearningRecord]]:
    """(key, record) of the document's learning records (of one annotator when given), oldest first."""
    where = [DocumentRow.uuid == document]
    if annotator is not None:
        where.append(AnnotatorRow.name == annotator)
    return _rows(session, *where)


def keys(session: Session) -> dict[str, dict[str, Any]]:
    """Every record's key -> its payload (for the change log's check)."""
    return {key: payload(r) for key, r in _rows(session)}
