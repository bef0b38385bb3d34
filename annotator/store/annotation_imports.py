"""The annotations entity's bulk path: an import's annotations, fragments and per-document change records in a
few statements per batch, through the same Encoder as a single edit (annotations.py).

On SQLite the rows go straight to the driver's executemany with ids assigned here; elsewhere SQLAlchemy's bulk
insert with RETURNING gives the ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.model import Annotation
from annotator.store import annotators, change_log
from annotator.store.annotations import COLUMNS, AnnotationRow, Encoder, insert_fragments
from annotator.store.scheme import LabelKey

BULK_CACHE_KIB = 256 * 1024
SQLITE_DEFAULT_CACHE_SIZE = -2000  # SQLite's own default: 2,000 KiB


@dataclass
class DocumentAnnotations:
    """The annotations one document gains in an import (their document field names it already)."""

    document: str  # uuid
    document_id: int  # row id
    annotations: list[Annotation]


def insert_many(
    session: Session, groups: list[DocumentAnnotations], labels: dict[LabelKey, int], actor: str
) -> tuple[dict[str, int], list[Change]]:
    """Insert annotations with their fragments, and log one record per document listing the annotations it
    gained (the rows hold their content: a copy of each in the log was most of a large import's writes).
    Returns uuid -> row id of those inserted, and the records. An annotation whose uuid is stored already is
    left out (of a uuid repeated in groups, the first is kept), found by the insert itself."""
    ordered = [(group.document_id, a) for group in groups for a in group.annotations]
    if not ordered:
        return {}, []
    people = annotators.ids(session, {a.annotator for _, a in ordered}, actor)
    if session.get_bind().dialect.name == "sqlite":
        ids = _insert_sqlite(session, ordered, Encoder(labels, people, raw=True))
    else:
        ids = _insert_generic(session, ordered, Encoder(labels, people))
    records = []
    everything_stored = len(ids) == len(ordered)
    for group in groups:
        kept = group.annotations if everything_stored else [a for a in group.annotations if a.uuid in ids]
        if kept:
            after = {"annotations": [a.uuid for a in kept], "annotators": sorted({a.annotator for a in kept})}
            records.append(changes.created(changes.IMPORT, group.document, group.document, after, actor))
    return ids, change_log.append(session, records)


def bulk_writes_done(session: Session) -> None:
    """Give the connection back its usual page cache: it returns to the pool and would otherwise keep up to
    BULK_CACHE_KIB of pages for the rest of the session."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql(f"PRAGMA cache_size = {SQLITE_DEFAULT_CACHE_SIZE}")


def _insert_sqlite(session: Session, ordered: list[tuple[int, Annotation]], encoder: Encoder) -> dict[str, int]:
    """Rows straight to the driver's executemany, with ids assigned here (the import's transaction holds
    SQLite's write lock, so nobody else can take them)."""
    session.flush()
    connection = session.connection()
    # a bigger page cache while the import writes (bulk_writes_done puts it back): a million annotations touch
    # several indexes at random places, and SQLite's default 2 MB cache re-reads pages over and over
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    first = (session.scalar(select(AnnotationRow.id).order_by(AnnotationRow.id.desc()).limit(1)) or 0) + 1
    rows, fragments = [], []
    append, add_fragment, encode = rows.append, fragments.append, encoder.row
    for row_id, (document_id, ann) in enumerate(ordered, start=first):
        append((row_id, *encode(ann, document_id)))
        for f in ann.fragments:
            add_fragment((row_id, f.start, f.end))
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        marks = ", ".join("?" * (len(COLUMNS) + 1))
        cursor.executemany(f"INSERT OR IGNORE INTO annotations (id, {', '.join(COLUMNS)}) VALUES ({marks})", rows)
        if cursor.rowcount == len(rows):  # executemany's rowcount: the rows inserted, of all its statements
            ids = {row[1]: row[0] for row in rows}
        else:  # the rows kept: those with our ids (a uuid already stored was ignored, its id unused)
            ids = dict(cursor.execute("SELECT uuid, id FROM annotations WHERE id >= ?", (first,)).fetchall())
            kept = set(ids.values())
            fragments = [fragment for fragment in fragments if fragment[0] in kept]
        cursor.executemany('INSERT INTO fragments (annotation_id, start, "end") VALUES (?, ?, ?)', fragments)
    finally:
        cursor.close()
    return ids


def _insert_generic(session: Session, ordered: list[tuple[int, Annotation]], encoder: Encoder) -> dict[str, int]:
    """PostgreSQL: a uuid already stored (or repeated in this batch) is skipped, and RETURNING names the rows kept."""
    from sqlalchemy.dialects import postgresql

    statement = (
        postgresql.insert(AnnotationRow.__table__)
        .on_conflict_do_nothing(index_elements=["uuid"])
        .returning(AnnotationRow.id, AnnotationRow.uuid)
    )
    values = [dict(zip(COLUMNS, encoder.row(ann, document_id), strict=True)) for document_id, ann in ordered]
    ids: dict[str, int] = {}
    for start in range(0, len(values), 500):
        ids.update((uuid, row_id) for row_id, uuid in session.execute(statement, values[start : start + 500]))
    fragments, done = [], set()
    for _document_id, ann in ordered:
        if ann.uuid in ids and ann.uuid not in done:  # of a repeated uuid, the first one was kept
            done.add(ann.uuid)
            fragments += [(ids[ann.uuid], f.start, f.end) for f in ann.fragments]
    insert_fragments(session, fragments)
    return ids
