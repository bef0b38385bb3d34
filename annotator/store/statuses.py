"""Statuses: one annotator's progress on one document (not started, in progress, done).

In the change log a status is keyed "document/annotator"; its payload names the annotator and the status, so
a record says all that was written (an import's and a merge's statuses included)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, String, bindparam, delete, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.model import Status, utc_now
from annotator.store import annotators, change_log, documents
from annotator.store.annotators import AnnotatorRow
from annotator.store.base import Base, chunks
from annotator.store.documents import DocumentRow


class StatusRow(Base):
    __tablename__ = "document_status"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    modified: Mapped[datetime]


def key(document: str, annotator: str) -> str:
    return f"{document}/{annotator}"


def payload(annotator: str, status: Status) -> dict[str, str]:
    return {"annotator": annotator, "status": status.value}


Rule = Callable[[Status, Status], bool]  # (current, new) -> whether to write the new one


def set_many(
    session: Session, items: Sequence[tuple[str, str, Status]], actor: str, rule: Rule | None = None
) -> list[Change]:
    """Set (document uuid, annotator, status) triples, where rule allows (default: any change), in a few
    statements, and log each change; unchanged ones are left alone."""
    if not items:
        return []
    doc_ids = documents.ids(session, [document for document, _, _ in items])
    people = annotators.ids(session, {annotator for _, annotator, _ in items}, actor)
    current: dict[tuple[int, int], str] = {}
    for chunk in chunks(doc_ids.values()):
        query = select(StatusRow.document_id, StatusRow.annotator_id, StatusRow.status)
        current.update(((d, a), s) for d, a, s in session.execute(query.where(StatusRow.document_id.in_(chunk))))
    now, new_rows, changed_rows, records = utc_now(), [], [], []
    for document, annotator, status in items:
        pair = (doc_ids[document], people[annotator])
        was = Status(current[pair]) if pair in current else Status.NOT_STARTED
        if was is status or (rule is not None and not rule(was, status)):
            continue
        values = {"document_id": pair[0], "annotator_id": pair[1], "status": status.value, "modified": now}
        (changed_rows if pair in current else new_rows).append(values)
        current[pair] = status.value
        before, after = payload(annotator, was), payload(annotator, status)
        records.append(changes.updated(changes.STATUS, key(document, annotator), document, before, after, actor))
    if new_rows:
        session.execute(insert(StatusRow), new_rows)
    if changed_rows:
        session.execute(_UPDATE, [{f"new_{k}": v for k, v in row.items()} for row in changed_rows])
    return change_log.append(session, records)


_UPDATE = (
    update(StatusRow.__table__)
    .where(
        StatusRow.__table__.c.document_id == bindparam("new_document_id"),
        StatusRow.__table__.c.annotator_id == bindparam("new_annotator_id"),
    )
    .values(status=bindparam("new_status"), modified=bindparam("new_modified"))
)


def set_one(session: Session, document: str, annotator: str, status: Status, actor: str) -> list[Change]:
    return set_many(session, [(document, annotator, status)], actor)


def delete_of_document(session: Session, document: str, actor: str) -> list[Change]:
    """Remove the document's statuses (before the document itself goes), each logged."""
    found = of_document(session, document)
    doc_id = select(DocumentRow.id).where(DocumentRow.uuid == document).scalar_subquery()
    session.execute(delete(StatusRow).where(StatusRow.document_id == doc_id))
    records = [
        changes.deleted(changes.STATUS, key(document, who), document, payload(who, status), actor)
        for who, status in found.items()
    ]
    return change_log.append(session, records)


# -- reading ------------------------------------------------------------------------------------------------

_NAMED = (
    select(DocumentRow.uuid, AnnotatorRow.name, StatusRow.status)
    .join(DocumentRow, DocumentRow.id == StatusRow.document_id)
    .join(AnnotatorRow, AnnotatorRow.id == StatusRow.annotator_id)
    .order_by(StatusRow.document_id, AnnotatorRow.name)  # exports list them the same way every time
)


def get(session: Session, document: str, annotator: str) -> Status:
    value = session.scalar(
        _NAMED.with_only_columns(StatusRow.status).where(DocumentRow.uuid == document, AnnotatorRow.name == annotator)
    )
    return Status(value) if value else Status.NOT_STARTED


def of_document(session: Session, document: str) -> dict[str, Status]:
    return {who: Status(value) for _, who, value in session.execute(_NAMED.where(DocumentRow.uuid == document))}


def everywhere(session: Session) -> dict[str, dict[str, Status]]:
    """document uuid -> annotator -> status, for every status ever set."""
    found: dict[str, dict[str, Status]] = {}
    for document, who, value in session.execute(_NAMED):
        found.setdefault(document, {})[who] = Status(value)
    return found


def of_documents(
    session: Session, document_ids: list[int], people: Sequence[int] | None
) -> dict[int, dict[str, Status]]:
    """Document row id -> annotator -> status, of the given annotators' row ids (everyone's when None)."""
    query = _NAMED.with_only_columns(StatusRow.document_id, AnnotatorRow.name, StatusRow.status, StatusRow.annotator_id)
    found: dict[int, dict[str, Status]] = {}
    for doc_id, who, value, who_id in session.execute(query.where(StatusRow.document_id.in_(document_ids))):
        if people is None or who_id in people:
            found.setdefault(doc_id, {})[who] = Status(value)
    return found
