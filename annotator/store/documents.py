"""Documents: the stored texts (never altered) with their metadata.

One encoder (encode: a Document to row values), one decoder (decode: row values to a Document), and the
document's JSON form in the change log (core.model.document_to_dict); every write logs its records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text, bindparam, func, insert, select
from sqlalchemy import delete as delete_rows
from sqlalchemy import text as sql_text
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Mapped, Session, mapped_column

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.errors import ConflictError, NotFound
from annotator.core.model import Document, document_to_dict
from annotator.store import change_log
from annotator.store.base import Base, chunks, look_up

METADATA_FIELDS = ("title", "outlet", "author", "published", "language", "source")


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    length: Mapped[int]  # code points, so lists need not load the text
    encoding: Mapped[str] = mapped_column(String(40), default="utf-8")
    newline: Mapped[str] = mapped_column(String(10), default="none")
    source: Mapped[str] = mapped_column(Text, default="")
    outlet: Mapped[str] = mapped_column(String(300), default="", index=True)
    author: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[str] = mapped_column(String(40), default="", index=True)
    language: Mapped[str] = mapped_column(String(20), default="")
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)  # raised by every metadata change: concurrent edits clash
    boilerplate: Mapped[list[Any]] = mapped_column(
        JSON, default=list, server_default=sql_text("'[]'")
    )  # [[start, end]]


# the fields a Document and its row share under one name (and a row's column order when read)
_SAME = (
    *("uuid", "sha256", "title", "text", "encoding", "newline"),
    *("source", "outlet", "author", "published", "language"),
)


def encode(doc: Document) -> dict[str, Any]:
    same = {name: getattr(doc, name) for name in _SAME}
    extra = {"meta": dict(doc.metadata), "created": doc.created, "boilerplate": _ranges_out(doc.boilerplate)}
    return {**same, **extra, "length": len(doc.text), "version": 1}


_COLUMNS = (
    DocumentRow.id,
    *(getattr(DocumentRow, name) for name in _SAME),
    DocumentRow.meta,
    DocumentRow.created,
    DocumentRow.boilerplate,
)


def decode(row: Any) -> tuple[int, Document]:
    """A row of _COLUMNS as (row id, Document)."""
    row_id, *same, meta, created, boilerplate = row
    ranges = tuple((start, end) for start, end in boilerplate or ())
    doc = Document(
        **dict(zip(_SAME, same, strict=True)), metadata=dict(meta or {}), created=created, boilerplate=ranges
    )
    return row_id, doc


def _ranges_out(ranges: tuple[tuple[int, int], ...]) -> list[list[int]]:
    return [list(pair) for pair in ranges]


# -- writing ------------------------------------------------------------------------------------------------


def insert_many(session: Session, docs: list[Document], actor: str) -> list[Change]:
    """Store new documents (one statement) and log each one's creation with its text."""
    if not docs:
        return []
    session.execute(insert(DocumentRow), [encode(doc) for doc in docs])
    return change_log.append(
        session, [changes.created(changes.DOCUMENT, d.uuid, d.uuid, document_to_dict(d), actor) for d in docs]
    )


def update(session: Session, before: Document, version: int, after: Document, actor: str) -> Change:
    """Write what differs between before (read with its version by get_versioned) and after: metadata fields
    and boilerplate ranges, never the text. ConflictError if the row changed since it was read."""
    if after.text != before.text or after.uuid != before.uuid:
        raise ValueError("a document's text never changes")
    values: dict[str, Any] = {f: getattr(after, f) for f in METADATA_FIELDS if getattr(after, f) != getattr(before, f)}
    if after.boilerplate != before.boilerplate:
        values["boilerplate"] = _ranges_out(after.boilerplate)
    if after.metadata != before.metadata:
        values["meta"] = dict(after.metadata)
    result = session.execute(
        update_rows(DocumentRow)
        .where(DocumentRow.uuid == before.uuid, DocumentRow.version == version)
        .values(**values, version=version + 1)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise ConflictError("someone else changed this record since it was read; nothing was overwritten")
    record = changes.updated(
        changes.DOCUMENT,
        before.uuid,
        before.uuid,
        document_to_dict(before, with_text=False),
        document_to_dict(after, with_text=False),
        actor,
    )
    return change_log.append(session, [record])[0]


def delete(session: Session, doc: Document, went_with: dict[str, Any], actor: str) -> Change:
    """Delete the document's row, logged with its text and what went with it (went_with: the annotations,
    relations, statuses and collections deleted with it, already logged by their own modules)."""
    session.execute(delete_rows(DocumentRow).where(DocumentRow.uuid == doc.uuid))
    logged = {**document_to_dict(doc), **went_with}
    return change_log.append(session, [changes.deleted(changes.DOCUMENT, doc.uuid, doc.uuid, logged, actor)])[0]


# -- reading ------------------------------------------------------------------------------------------------

# run on every single edit: a statement built once costs less than building it each time
_ID_AND_LENGTH = select(DocumentRow.id, DocumentRow.length).where(DocumentRow.uuid == bindparam("uuid"))


def get(session: Session, uuid: str) -> Document:
    row = session.execute(select(*_COLUMNS).where(DocumentRow.uuid == uuid)).first()
    if row is None:
        raise NotFound(f"no document {uuid}")
    return decode(row)[1]


def get_versioned(session: Session, uuid: str) -> tuple[Document, int]:
    """The document with its version (what update checks nobody changed since)."""
    row = session.execute(select(*_COLUMNS, DocumentRow.version).where(DocumentRow.uuid == uuid)).first()
    if row is None:
        raise NotFound(f"no document {uuid}")
    return decode(row[:-1])[1], row[-1]


def exists(session: Session, uuid: str) -> bool:
    return session.execute(_ID_AND_LENGTH, {"uuid": uuid}).first() is not None


def id_and_length(session: Session, uuid: str) -> tuple[int, int]:
    """Row id and length in code points, without loading the text."""
    found = session.execute(_ID_AND_LENGTH, {"uuid": uuid}).first()
    if found is None:
        raise NotFound(f"no document {uuid}")
    return found[0], found[1]


def length(session: Session, uuid: str) -> int:
    return id_and_length(session, uuid)[1]


def ids(session: Session, uuids: list[str]) -> dict[str, int]:
    """uuid -> row id of the stored ones."""
    return look_up(session, DocumentRow.uuid, DocumentRow.id, uuids)


def by_hash(session: Session, hashes: list[str]) -> dict[str, tuple[str, str]]:
    """sha256 -> (uuid, title) of the stored documents with any of these texts."""
    found: dict[str, tuple[str, str]] = {}
    for chunk in chunks(hashes):
        query = select(DocumentRow.sha256, DocumentRow.uuid, DocumentRow.title).where(DocumentRow.sha256.in_(chunk))
        found.update((sha, (uuid, title)) for sha, uuid, title in session.execute(query))
    return found


def find_by_hash(session: Session, sha256: str) -> Document | None:
    row = session.execute(select(*_COLUMNS).where(DocumentRow.sha256 == sha256)).first()
    return decode(row)[1] if row else None


def batch(session: Session, row_ids: list[int]) -> list[tuple[int, Document]]:
    """The documents with these row ids, in the order they were added."""
    rows = session.execute(select(*_COLUMNS).where(DocumentRow.id.in_(row_ids)).order_by(DocumentRow.id))
    return [decode(row) for row in rows]


def all_ids(session: Session) -> list[int]:
    return list(session.scalars(select(DocumentRow.id).order_by(DocumentRow.id)))


def all_uuids(session: Session) -> list[str]:
    return list(session.scalars(select(DocumentRow.uuid).order_by(DocumentRow.id)))


def uuids_query() -> Any:
    """A select of every stored document's uuid, to use inside other queries."""
    return select(DocumentRow.uuid)


def resolve(session: Session, key: str) -> str:
    """The uuid of the one document whose uuid starts with key, or whose title is key."""
    found = session.scalars(select(DocumentRow.uuid).where(DocumentRow.uuid.startswith(key)).limit(2)).all()
    if not found:
        found = session.scalars(select(DocumentRow.uuid).where(DocumentRow.title == key).limit(2)).all()
    if not found:
        raise NotFound(f"no document matches '{key}'")
    if len(found) > 1:
        raise NotFound(f"'{key}' matches several documents; give more of the id")
    return found[0]


def containing(session: Session, words: list[str]) -> set[str]:
    query = select(DocumentRow.uuid)
    for word in words:
        query = query.where(func.lower(DocumentRow.text).contains(word.lower(), autoescape=True))
    return set(session.scalars(query))
