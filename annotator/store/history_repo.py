"""Change-log queries for history and recovery: deleted documents, and the last entry of each record."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.core.model import ChangeEntry
from annotator.store.tables import ChangeRow, DocumentRow


def _entry(r: ChangeRow) -> ChangeEntry:
    return ChangeEntry(r.id, r.at, r.actor, r.entity, r.entity_uuid, r.action, r.document_uuid, r.before, r.after)


def deleted_documents(session: Session) -> list[ChangeEntry]:
    """The delete entry of each document that is deleted now (not restored since), newest first."""
    last = (
        select(func.max(ChangeRow.id)).where(ChangeRow.entity == "document").group_by(ChangeRow.entity_uuid)
    ).scalar_subquery()
    query = (
        select(ChangeRow)
        .where(ChangeRow.id.in_(last), ChangeRow.action == "delete")
        .where(ChangeRow.entity_uuid.not_in(select(DocumentRow.uuid)))
        .order_by(ChangeRow.id.desc())
    )
    return [_entry(r) for r in session.scalars(query)]


def entries_before(session: Session, document: str, before_id: int) -> list[ChangeEntry]:
    """The document's log entries older than before_id, newest first."""
    query = (
        select(ChangeRow)
        .where(ChangeRow.document_uuid == document, ChangeRow.id < before_id)
        .order_by(ChangeRow.id.desc())
    )
    return [_entry(r) for r in session.scalars(query)]


def last_entries(session: Session, uuids: list[str]) -> dict[str, ChangeEntry]:
    """The newest log entry of each record."""
    if not uuids:
        return {}
    newest = (
        select(func.max(ChangeRow.id)).where(ChangeRow.entity_uuid.in_(uuids)).group_by(ChangeRow.entity_uuid)
    ).scalar_subquery()
    return {r.entity_uuid: _entry(r) for r in session.scalars(select(ChangeRow).where(ChangeRow.id.in_(newest)))}
