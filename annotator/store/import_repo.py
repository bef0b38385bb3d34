"""Queries the import service uses to store many plain documents at once (one transaction per file)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.store.tables import DocumentRow

CHUNK = 500  # within SQLite's limit on bound parameters


def documents_by_hash(session: Session, hashes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """sha256 -> (uuid, title) of the stored documents with any of these texts."""
    wanted = list(dict.fromkeys(hashes))
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(wanted), CHUNK):
        query = select(DocumentRow.sha256, DocumentRow.uuid, DocumentRow.title).where(
            DocumentRow.sha256.in_(wanted[start : start + CHUNK])
        )
        found.update((sha, (uuid, title)) for sha, uuid, title in session.execute(query))
    return found
