"""Adjudication records: the provenance of the gold layer (who decided what, when, from which candidates, why).

The JSON form in the change log is AdjudicationRecord.to_dict (review/adjudication.py); every write is logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.errors import NotFound
from annotator.review.adjudication import AdjudicationRecord, Decision
from annotator.store import annotators, change_log, documents
from annotator.store.annotators import AnnotatorRow
from annotator.store.base import Base
from annotator.store.documents import DocumentRow


class AdjudicationRow(Base):
    __tablename__ = "adjudications"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    gold_annotation: Mapped[str | None] = mapped_column(String(36))  # uuid; none when the unit was rejected
    decision: Mapped[str] = mapped_column(String(20))  # accept, edit, merge, reject, agreed, majority
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)  # uuids of the candidate annotations used
    curator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


def encode(record: AdjudicationRecord, document_id: int, curator_id: int) -> dict[str, object]:
    return {
        "uuid": record.uuid,
        "document_id": document_id,
        "gold_annotation": record.gold_annotation,
        "decision": record.decision.value,
        "sources": list(record.sources),
        "curator_id": curator_id,
        "reason": record.reason,
        "at": record.at,
    }


def insert_one(session: Session, record: AdjudicationRecord, actor: str) -> Change:
    document_id = documents.id_and_length(session, record.document)[0]
    curator = annotators.ensure(session, record.curator, actor)
    session.execute(insert(AdjudicationRow), [encode(record, document_id, curator)])
    made = changes.created(changes.ADJUDICATION, record.uuid, record.document, record.to_dict(), actor)
    return change_log.append(session, [made])[0]


def delete_one(session: Session, record: AdjudicationRecord, actor: str) -> Change:
    if session.execute(delete(AdjudicationRow).where(AdjudicationRow.uuid == record.uuid)).rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"no adjudication {record.uuid}")
    gone = changes.deleted(changes.ADJUDICATION, record.uuid, record.document, record.to_dict(), actor)
    return change_log.append(session, [gone])[0]


def of_documents(session: Session, uuids: Sequence[str] | None = None) -> list[AdjudicationRecord]:
    """Records in the order they were made, of the given documents (all when None)."""
    return _records(session, *([DocumentRow.uuid.in_(list(uuids))] if uuids is not None else []))


def get(session: Session, uuid: str) -> AdjudicationRecord:
    found = _records(session, AdjudicationRow.uuid == uuid)
    if not found:
        raise NotFound(f"no adjudication {uuid}")
    return found[0]


def _records(session: Session, *conditions: object) -> list[AdjudicationRecord]:
    query = (
        select(AdjudicationRow, DocumentRow.uuid, AnnotatorRow.name)
        .join(DocumentRow, DocumentRow.id == AdjudicationRow.document_id)
        .join(AnnotatorRow, AnnotatorRow.id == AdjudicationRow.curator_id)
        .where(*conditions)
        .order_by(AdjudicationRow.at, AdjudicationRow.id)
    )
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


def exists(session: Session, uuid: str) -> bool:
    return session.scalar(select(AdjudicationRow.id).where(AdjudicationRow.uuid == uuid)) is not None


def delete_of_document(session: Session, document: str, actor: str) -> list[Change]:
    return [delete_one(session, record, actor) for record in of_documents(session, [document])]
