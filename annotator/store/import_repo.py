"""Queries the import service uses to store many plain documents at once (one transaction per file)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from annotator.core.model import Document, utc_now
from annotator.store.tables import ChangeRow, DocumentRow

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


def insert_documents(session: Session, documents: list[Document], changes: list[dict[str, Any]], actor: str) -> None:
    """Insert new documents and their change-log entries in two bulk statements (no ORM objects to track).

    changes[i] is the change log's "after" record of documents[i]."""
    if not documents:
        return
    now = utc_now()
    session.execute(insert(DocumentRow), [_document_values(doc) for doc in documents])
    session.execute(
        insert(ChangeRow),
        [
            {
                "at": now,
                "actor": actor,
                "entity": "document",
                "entity_uuid": doc.uuid,
                "action": "create",
                "document_uuid": doc.uuid,
                "before": None,
                "after": after,
            }
            for doc, after in zip(documents, changes, strict=True)
        ],
    )


def _document_values(doc: Document) -> dict[str, Any]:
    return {
        "uuid": doc.uuid,
        "sha256": doc.sha256,
        "title": doc.title,
        "text": doc.text,
        "length": len(doc.text),
        "encoding": doc.encoding,
        "newline": doc.newline,
        "source": doc.source,
        "outlet": doc.outlet,
        "author": doc.author,
        "published": doc.published,
        "language": doc.language,
        "meta": dict(doc.metadata),
        "created": doc.created,
        "version": 1,
    }
