"""Version numbers of records two people can edit (optimistic concurrency; see tables.py version_id_col)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from annotator.store.tables import AnnotationRow


def keep_annotation_version(session: Session, uuid: str, version: int) -> int:
    """Give a re-inserted annotation (an undone delete, a restore) back its version number.

    SQLAlchemy starts every inserted row at version 1; a restored annotation must not, or a client that still
    shows an old version 1 could write over it without a conflict. Returns the stored version."""
    if version > 1:
        session.execute(
            update(AnnotationRow).where(AnnotationRow.uuid == uuid).values(version=version),
            execution_options={"synchronize_session": False},
        )
        for row in session.identity_map.values():
            if isinstance(row, AnnotationRow) and row.uuid == uuid:
                session.expire(row, ["version"])
    return session.scalar(select(AnnotationRow.version).where(AnnotationRow.uuid == uuid)) or version
