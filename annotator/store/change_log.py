"""The change log: every change record, append-only, with who, when, what, before and after.

Every write in the store adds its records here in its own transaction (append), so the log always agrees with
the tables: history shows it, recovery restores from it, live updates read it from a position, and
`annotator db check --log` replays it against the tables (log_check.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from annotator.core import changes
from annotator.core.changes import Change
from annotator.store.base import Base, chunks


class ChangeRow(Base):
    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(40))
    entity_uuid: Mapped[str] = mapped_column(String(200), index=True)  # the record's key (Change.key)
    action: Mapped[str] = mapped_column(String(20))
    document_uuid: Mapped[str | None] = mapped_column(String(36), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


_COLUMNS = ("at", "actor", "entity", "entity_uuid", "action", "document_uuid", "before", "after")


def encode(c: Change) -> dict[str, Any]:
    return dict(zip(_COLUMNS, (c.at, c.actor, c.entity, c.key, c.action, c.document, c.before, c.after), strict=True))


def decode(row: ChangeRow) -> Change:
    return Change(
        row.entity, row.entity_uuid, row.action, row.document_uuid, row.before, row.after, row.actor, row.at, row.id
    )


_APPEND = insert(ChangeRow).returning(ChangeRow.id, sort_by_parameter_order=True)


def append(session: Session, records: Sequence[Change]) -> list[Change]:
    """Store the records (one statement for any number) and return them with their positions in the log."""
    if not records:
        return []
    rows = [encode(record) for record in records]
    if len(rows) > 1 and session.get_bind().dialect.name == "sqlite":
        # SQLite answers RETURNING one row at a time; the transaction holds the write lock, so the ids a plain
        # executemany takes are the next ones after the largest
        first = (session.scalar(select(func.max(ChangeRow.id))) or 0) + 1
        session.execute(insert(ChangeRow), rows)
        ids = list(range(first, first + len(rows)))
    else:
        ids = list(session.scalars(_APPEND, rows).all())
    stored = [replace(record, log_id=log_id) for record, log_id in zip(records, ids, strict=True)]
    session.info.setdefault(_WRITTEN, []).extend(stored)
    return stored


_WRITTEN = "change_records"


def written(session: Session) -> list[Change]:
    """Every record this session's transaction has logged so far (an annotator made on the way included)."""
    return list(session.info.get(_WRITTEN, ()))


# -- reading ------------------------------------------------------------------------------------------------


def entries(
    session: Session, document: str | None = None, key: str | None = None, limit: int | None = None
) -> list[Change]:
    """Records, newest first: of one document, of one entity, or all."""
    query = select(ChangeRow).order_by(ChangeRow.id.desc())
    if document:
        query = query.where(ChangeRow.document_uuid == document)
    if key:
        query = query.where(ChangeRow.entity_uuid == key)
    if limit:
        query = query.limit(limit)
    return [decode(row) for row in session.scalars(query)]


def latest_id(session: Session) -> int:
    return session.scalar(select(func.max(ChangeRow.id))) or 0


def after(session: Session, log_id: int, limit: int = 2000) -> list[Change]:
    """Records with a position after log_id, oldest first."""
    rows = session.scalars(select(ChangeRow).where(ChangeRow.id > log_id).order_by(ChangeRow.id).limit(limit))
    return [decode(row) for row in rows]


def in_order(session: Session, batch: int = 5000) -> Iterator[Change]:
    """Every record, oldest first, read a batch at a time."""
    last = 0
    while found := after(session, last, batch):
        yield from found
        last = found[-1].log_id or last


def earlier(session: Session, document: str, log_id: int) -> list[Change]:
    """The document's records older than log_id, newest first."""
    query = (
        select(ChangeRow)
        .where(ChangeRow.document_uuid == document, ChangeRow.id < log_id)
        .order_by(ChangeRow.id.desc())
    )
    return [decode(row) for row in session.scalars(query)]


def last_of(session: Session, keys: list[str]) -> dict[str, Change]:
    """The newest record of each key."""
    found: dict[str, Change] = {}
    for chunk in chunks(keys):
        newest = (
            select(func.max(ChangeRow.id)).where(ChangeRow.entity_uuid.in_(chunk)).group_by(ChangeRow.entity_uuid)
        ).scalar_subquery()
        found.update(
            (row.entity_uuid, decode(row)) for row in session.scalars(select(ChangeRow).where(ChangeRow.id.in_(newest)))
        )
    return found


def deleted_documents(session: Session, present: Any) -> list[Change]:
    """The deletion record of each document deleted and not restored since (present: a select of the uuids of the
    documents there now), newest first."""
    last = (
        select(func.max(ChangeRow.id)).where(ChangeRow.entity == changes.DOCUMENT).group_by(ChangeRow.entity_uuid)
    ).scalar_subquery()
    query = (
        select(ChangeRow)
        .where(ChangeRow.id.in_(last), ChangeRow.action == changes.DELETE)
        .where(ChangeRow.entity_uuid.not_in(present))
        .order_by(ChangeRow.id.desc())
    )
    return [decode(row) for row in session.scalars(query)]
