"""Documents: the stored texts (never altered) with their metadata.

One encoder (encode: a Document to row values), one decoder (decode: row values to a Document), and the
document's JSON form in the change log (core.model.document_to_dict); every write logs its records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text, bindparam, column, func, insert, select, text
from sqlalchemy import delete as delete_rows
from sqlalchemy import text as sql_text
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Mapped, Session, mapped_column

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.errors import ConflictError, NotFound
from annotator.core.model import Document, document_to_dict
from annotator.core.search import CLOSE, OPEN, Query, SearchHit, passage_of
from annotator.store import change_log, full_text
from annotator.store.base import Base, chunks, look_up

METADATA_FIELDS = ("title", "outlet", "author", "published", "language", "source")


class DocumentRow(Base):
    __tablename__ = "documents"
    # the navigator sorts by title and filters on title, outlet and date: one index serves both without
    # reading the rows (which hold the texts); an outlet with a date range is found in the second
    __table_args__ = (
        Index("ix_documents_listing", "title", "outlet", "published"),
        Index("ix_documents_outlet_published", "outlet", "published"),
    )
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


full_text.install(DocumentRow.__table__)  # type: ignore[arg-type]  # the search index, kept in step by the database


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


# -- full-text search -------------------------------------------------------------------------------------------


def search(session: Session, query: Query, limit: int) -> list[SearchHit]:
    """The best `limit` documents for query, best first, each with the passage around its first match."""
    if not query:
        return []
    if session.get_bind().dialect.name == "sqlite":
        return _search_sqlite(session, query, limit)
    return _search_postgresql(session, query, limit)


_FTS = full_text.FTS_TABLE
_RANKED = text(
    f"SELECT rowid, bm25({_FTS}, {full_text.TITLE_WEIGHT}, 1.0) AS score FROM {_FTS} "
    f"WHERE {_FTS} MATCH :match ORDER BY score LIMIT :limit"
)
# highlight() only for the few rows kept: in the ranking query it would run for every match before the sort
_MARKED = text(
    f"SELECT d.id, d.uuid, d.title, d.outlet, d.published, d.length, highlight({_FTS}, 1, :open, :close) "
    f"FROM {_FTS} JOIN documents AS d ON d.id = {_FTS}.rowid WHERE {_FTS} MATCH :match AND {_FTS}.rowid IN :ids"
).bindparams(bindparam("ids", expanding=True))


def _search_sqlite(session: Session, query: Query, limit: int) -> list[SearchHit]:
    match = full_text.fts5_match(query)
    ranked = session.execute(_RANKED, {"match": match, "limit": limit}).all()
    if not ranked:
        return []
    scores = {row_id: -score for row_id, score in ranked}  # bm25 is lower for better matches
    rows = session.execute(_MARKED, {"match": match, "ids": list(scores), "open": OPEN, "close": CLOSE})
    hits = {row[0]: _hit(row[1:], scores[row[0]]) for row in rows}
    return [hits[row_id] for row_id, _score in ranked if row_id in hits]


def _search_postgresql(session: Session, query: Query, limit: int) -> list[SearchHit]:
    wanted = full_text.ts_query(query).label("wanted")
    vector = column(full_text.PG_COLUMN)
    best = (
        select(DocumentRow.id, func.ts_rank_cd(vector, wanted).label("score"))
        .select_from(DocumentRow.__table__)
        .where(vector.op("@@")(wanted))
        .order_by(text("score DESC"), DocumentRow.id)
        .limit(limit)
        .subquery()
    )
    options = f"HighlightAll=true, StartSel={OPEN}, StopSel={CLOSE}"
    marked = func.ts_headline("simple", DocumentRow.text, full_text.ts_query(query), options)
    rows = session.execute(
        select(
            DocumentRow.uuid,
            DocumentRow.title,
            DocumentRow.outlet,
            DocumentRow.published,
            DocumentRow.length,
            marked,
            best.c.score,
        )
        .join(best, best.c.id == DocumentRow.id)
        .order_by(best.c.score.desc(), DocumentRow.id)
    )
    return [_hit(row[:-1], float(row[-1])) for row in rows]


def _hit(row: Any, score: float) -> SearchHit:
    uuid, title, outlet, published, length, marked = row
    passage, marks, match = passage_of(marked or "", length)
    return SearchHit(uuid, title, outlet, published, score, passage, marks, match)
