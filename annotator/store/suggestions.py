"""Suggestions: what the recommenders proposed for a document, stored until the next run replaces them.

A suggestion is never an annotation (it becomes one only when a person accepts it, see the learning records in
learning_records.py). A run replaces the open suggestions of each document it covered and logs one record per
document carrying every suggestion written, so the change log says what each run proposed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.model import Fragment
from annotator.store import change_log
from annotator.store.base import Base, chunks
from annotator.store.documents import DocumentRow
from annotator.suggesting.model import ProposedRelation, Suggestion


class SuggestionRow(Base):
    __tablename__ = "suggestions"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))  # names, not label rows: a suggestion outlives no scheme edit
    subtype: Mapped[str | None] = mapped_column(String(200))
    fragments: Mapped[list[list[int]]] = mapped_column(JSON)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    relations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    score: Mapped[float] = mapped_column(Float)
    recommender: Mapped[str] = mapped_column(String(200))
    recommender_version: Mapped[str] = mapped_column(String(100))
    created: Mapped[datetime]


# -- the encoder, the decoder, the payload --------------------------------------------------------------------


def encode(s: Suggestion, document_id: int) -> dict[str, Any]:
    return {
        "uuid": s.uuid,
        "document_id": document_id,
        "label": s.label,
        "subtype": s.subtype,
        "fragments": [[f.start, f.end] for f in s.fragments],
        "attributes": dict(s.attributes),
        "relations": [
            {
                "type": r.type,
                "to": r.target,
                "to_offsets": [list(o) for o in r.target_offsets],
                "to_label": r.target_label,
            }
            for r in s.relations
        ],
        "score": s.score,
        "recommender": s.recommender,
        "recommender_version": s.recommender_version,
        "created": s.created,
    }


def _relation(r: ProposedRelation) -> dict[str, Any]:
    return {
        "type": r.type,
        "to": r.target,
        "to_offsets": [list(o) for o in r.target_offsets],
        "to_label": r.target_label,
    }


def _proposed(data: dict[str, Any]) -> ProposedRelation:
    offsets = tuple((int(s), int(e)) for s, e in data.get("to_offsets", ()))
    return ProposedRelation(data["type"], data["to"], offsets, data.get("to_label", ""))


def decode(row: SuggestionRow, document: str) -> Suggestion:
    return Suggestion(
        document,
        tuple(Fragment(start, end) for start, end in row.fragments),
        row.label,
        row.subtype,
        row.score,
        row.recommender,
        row.recommender_version,
        dict(row.attributes or {}),
        tuple(
            ProposedRelation(
                r["type"], r["to"], tuple(tuple(o) for o in r.get("to_offsets", ())), r.get("to_label", "")
            )  # type: ignore[misc]
            for r in row.relations or ()
        ),
        row.uuid,
        row.created,
    )


def payload(s: Suggestion) -> dict[str, Any]:
    """A suggestion's JSON form in the change log (as `annotator suggest --json` writes it, fragments always)."""
    values = encode(s, 0)
    del values["document_id"]
    return {**values, "created": s.created.isoformat()}


# -- writing --------------------------------------------------------------------------------------------------


def replace_for_documents(
    session: Session, document_ids: dict[str, int], found: Iterable[Suggestion], actor: str
) -> list[Change]:
    """Make found the open suggestions of these documents (uuid -> row id), in place of what they had; one
    record per document whose suggestions changed, listing every suggestion it now has."""
    fresh: dict[str, list[Suggestion]] = {uuid: [] for uuid in document_ids}
    for s in found:
        fresh[s.document].append(s)
    old = _uuids_by_document(session, list(document_ids.values()))
    records = []
    for uuid, row_id in document_ids.items():
        before, now = old.get(row_id, []), fresh[uuid]
        if sorted(before) == sorted(s.uuid for s in now):
            continue  # the same proposals as before: nothing written, nothing logged
        session.execute(delete(SuggestionRow).where(SuggestionRow.document_id == row_id))
        if now:
            session.execute(insert(SuggestionRow), [encode(s, row_id) for s in now])
        after = {"suggestions": [payload(s) for s in now]}
        records.append(changes.updated(changes.SUGGESTIONS, uuid, uuid, {"suggestions": before}, after, actor))
    return change_log.append(session, records)


# -- reading --------------------------------------------------------------------------------------------------


def _uuids_by_document(session: Session, document_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for chunk in chunks(document_ids):
        query = select(SuggestionRow.document_id, SuggestionRow.uuid).where(SuggestionRow.document_id.in_(chunk))
        for row_id, uuid in session.execute(query):
            found.setdefault(row_id, []).append(uuid)
    return found


def of_document(session: Session, document: str) -> list[Suggestion]:
    """The document's open suggestions, in reading order."""
    query = (
        select(SuggestionRow)
        .join(DocumentRow, DocumentRow.id == SuggestionRow.document_id)
        .where(DocumentRow.uuid == document)
    )
    found = [decode(row, document) for row in session.scalars(query)]
    return sorted(found, key=lambda s: (s.start, -s.end, s.label, s.uuid))


def get(session: Session, uuid: str) -> Suggestion | None:
    row = session.execute(
        select(SuggestionRow, DocumentRow.uuid)
        .join(DocumentRow, DocumentRow.id == SuggestionRow.document_id)
        .where(SuggestionRow.uuid == uuid)
    ).first()
    return None if row is None else decode(row[0], row[1])


def uuids_by_document(session: Session) -> dict[str, list[str]]:
    """Document uuid -> its open suggestions' ids (for the change log's check)."""
    query = select(DocumentRow.uuid, SuggestionRow.uuid).join(DocumentRow, DocumentRow.id == SuggestionRow.document_id)
    found: dict[str, list[str]] = {}
    for document, uuid in session.execute(query):
        found.setdefault(document, []).append(uuid)
    return found
