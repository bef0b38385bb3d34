"""Bulk writes for imports: many annotations, their fragments, relations and change-log entries in a few
statements per batch instead of several per annotation.

On SQLite the rows go straight to the driver's executemany with ids assigned here (the import's transaction
holds SQLite's write lock, so no one else can take them); elsewhere SQLAlchemy's bulk insert with RETURNING
gives the ids. Values are written in the forms the table types write, so ORM reads see no difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson
from sqlalchemy import func, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from annotator.core.model import Annotation, Origin, Relation
from annotator.store import repo
from annotator.store.tables import AnnotationRow, ChangeRow, DocumentRow, FragmentRow, RelationRow

CHUNK = 500  # ids per IN (...), within every database's limit on bound parameters
BULK_CACHE_KIB = 256 * 1024
SQLITE_DEFAULT_CACHE_SIZE = -2000  # SQLite's own default: 2,000 KiB


class DocumentAnnotations(NamedTuple):
    """The annotations one document gains in an import (their document field names it already)."""

    document: str  # uuid
    document_id: int  # row id
    annotations: list[Annotation]


def existing_annotations(session: Session, uuids: Sequence[str]) -> set[str]:
    return _existing(session, AnnotationRow.uuid, uuids)


def existing_relations(session: Session, uuids: Sequence[str]) -> set[str]:
    return _existing(session, RelationRow.uuid, uuids)


def _existing(session: Session, column: Any, uuids: Sequence[str]) -> set[str]:
    """The uuids already stored in column, asked CHUNK at a time."""
    found: set[str] = set()
    for start in range(0, len(uuids), CHUNK):
        found.update(session.scalars(select(column).where(column.in_(list(uuids[start : start + CHUNK])))))
    return found


def document_ids(session: Session, uuids: Iterable[str]) -> dict[str, int]:
    wanted = list(dict.fromkeys(uuids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        query = select(DocumentRow.uuid, DocumentRow.id).where(DocumentRow.uuid.in_(chunk))
        found.update(session.execute(query).tuples().all())
    return found


def _sqlite_time(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores (UTC, naive, microseconds always shown)."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def bulk_writes_done(session: Session) -> None:
    """Give the connection back its usual page cache: it returns to the pool and would otherwise keep up to
    BULK_CACHE_KIB of pages for the rest of the session."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"PRAGMA cache_size = {SQLITE_DEFAULT_CACHE_SIZE}"))


def _import_entries(groups: list[DocumentAnnotations], stored: dict[str, int]) -> list[tuple[str, dict[str, Any]]]:
    """The change log's record of an import: one entry per document, listing the annotations it gained (the
    rows themselves hold their content). One entry per annotation, with a copy of each, made the log the largest
    part of a large import's writes: its index on entity ids takes them in random order."""
    everything_stored = len(stored) == sum(len(group.annotations) for group in groups)
    entries = []
    for group in groups:
        kept = group.annotations if everything_stored else [a for a in group.annotations if a.uuid in stored]
        if kept:
            annotators = sorted({a.annotator for a in kept})
            entries.append((group.document, {"annotations": [a.uuid for a in kept], "annotators": annotators}))
    return entries


def insert_annotations(
    session: Session,
    groups: list[DocumentAnnotations],
    labels: dict[tuple[str, str | None], int],
    actor: str,
) -> dict[str, int]:
    """Insert annotations with their fragments and one change-log entry per document; returns uuid -> row id
    of those inserted. An annotation whose uuid is already stored is left out (of a uuid repeated in groups, the
    first is kept), found by the insert itself rather than by looking each one up beforehand."""
    if not any(group.annotations for group in groups):
        return {}
    names = set().union(*({a.annotator for a in group.annotations} for group in groups))
    people = {name: repo.annotator_id(session, name) for name in names}
    # in the groups' order: of a uuid repeated there, the first is kept. (Sorting by uuid, so that the uuid index
    # grew at its end, paid off with a small page cache; with the import's large one the sort costs more.)
    ordered = [(a.uuid, group.document_id, a) for group in groups for a in group.annotations]
    if session.get_bind().dialect.name == "sqlite":
        ids = _insert_sqlite(session, ordered, labels, people)
    else:
        ids = _insert_generic(session, ordered, labels, people)
    now = datetime.now(UTC)
    entries = [
        {
            "at": now,
            "actor": actor,
            "entity": "import",
            "entity_uuid": document,
            "action": "create",
            "document_uuid": document,
            "before": None,
            "after": after,
        }
        for document, after in _import_entries(groups, ids)
    ]
    if entries:
        session.execute(insert(ChangeRow.__table__), entries)
    return ids


_Ordered = list[tuple[str, int, Annotation]]  # (uuid, document row id, annotation)


def _insert_sqlite(session: Session, ordered: _Ordered, labels: dict, people: dict[str, int]) -> dict[str, int]:
    session.flush()
    # a bigger page cache for this connection while the import writes (bulk_writes_done puts it back): a million
    # annotations touch several indexes at random places, and SQLite's default 2 MB cache re-reads pages over and
    # over
    session.execute(text(f"PRAGMA cache_size = -{BULK_CACHE_KIB}"))
    first = (session.scalar(select(func.max(AnnotationRow.id))) or 0) + 1
    times: dict[datetime, str] = {}
    label_ids: dict[tuple[str, str | None], tuple[int, int | None]] = {}
    origins = {origin: origin.value for origin in Origin}
    rows, fragments = [], []
    append, add_fragment, dumps = rows.append, fragments.append, orjson.dumps
    # the loop runs once per annotation, hence the look-ups made once and kept in local names
    for row_id, (uuid, document_id, a) in enumerate(ordered, start=first):
        kind = label_ids.get((a.label, a.subtype))
        if kind is None:
            kind = label_ids[(a.label, a.subtype)] = (
                labels[(a.label, None)],
                labels[(a.subtype, a.label)] if a.subtype else None,
            )
        created, modified = times.get(a.created), times.get(a.modified)
        if created is None:
            created = times[a.created] = _sqlite_time(a.created)
        if modified is None:
            modified = times[a.modified] = _sqlite_time(a.modified)
        append(
            (
                row_id,
                uuid,
                document_id,
                people[a.annotator],
                kind[0],
                kind[1],
                dumps(a.attributes).decode() if a.attributes else "{}",
                a.note,
                origins[a.origin],
                created,
                modified,
                a.version,
            )
        )
        for f in a.fragments:
            add_fragment((row_id, f.start, f.end))
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(
            "INSERT OR IGNORE INTO annotations (id, uuid, document_id, annotator_id, label_id, subtype_id, "
            "attributes, note, origin, created, modified, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        if cursor.rowcount == len(rows):  # executemany's rowcount: the rows inserted, of all its statements
            ids = {row[1]: row[0] for row in rows}
        else:  # the rows the insert kept: those with our ids (a uuid already stored was ignored, its id unused)
            ids = dict(cursor.execute("SELECT uuid, id FROM annotations WHERE id >= ?", (first,)).fetchall())
            kept = set(ids.values())
            fragments = [fragment for fragment in fragments if fragment[0] in kept]
        cursor.executemany('INSERT INTO fragments (annotation_id, start, "end") VALUES (?, ?, ?)', fragments)
    finally:
        cursor.close()
    return ids


def _insert_generic(session: Session, ordered: _Ordered, labels: dict, people: dict[str, int]) -> dict[str, int]:
    ids: dict[str, int] = {}
    values = [
        {
            "uuid": uuid,
            "document_id": document_id,
            "annotator_id": people[a.annotator],
            "label_id": labels[(a.label, None)],
            "subtype_id": labels[(a.subtype, a.label)] if a.subtype else None,
            "attributes": dict(a.attributes),
            "note": a.note,
            "origin": a.origin.value,
            "created": a.created,
            "modified": a.modified,
            "version": a.version,
        }
        for uuid, document_id, a in ordered
    ]
    # PostgreSQL: a uuid already stored (or repeated in this batch) is skipped, and RETURNING names the rows kept
    statement = (
        postgresql.insert(AnnotationRow.__table__)
        .on_conflict_do_nothing(index_elements=["uuid"])
        .returning(AnnotationRow.id, AnnotationRow.uuid)
    )
    for start in range(0, len(values), CHUNK):
        returned = session.execute(statement, values[start : start + CHUNK])
        ids.update((uuid, row_id) for row_id, uuid in returned)
    fragments, done = [], set()
    for uuid, _document_id, a in ordered:
        if uuid in ids and uuid not in done:  # of a repeated uuid, the first one was kept
            done.add(uuid)
            fragments += [{"annotation_id": ids[uuid], "start": f.start, "end": f.end} for f in a.fragments]
    if fragments:
        session.execute(insert(FragmentRow.__table__), fragments)
    return ids


def insert_relations(session: Session, relations: list[tuple[Relation, str]], ids: dict[str, int], actor: str) -> None:
    """Insert relations (each with its document's uuid) whose ends are in ids or already stored."""
    if not relations:
        return
    missing = {end for rel, _ in relations for end in (rel.source, rel.target) if end not in ids}
    if missing:
        ids = {
            **ids,
            **dict(
                session.execute(select(AnnotationRow.uuid, AnnotationRow.id).where(AnnotationRow.uuid.in_(missing)))
                .tuples()
                .all()
            ),
        }
    people = {name: repo.annotator_id(session, name) for name in {rel.annotator for rel, _ in relations}}
    now = datetime.now(UTC)
    session.execute(
        insert(RelationRow.__table__),
        [
            {
                "uuid": rel.uuid,
                "type": rel.type,
                "source_id": ids[rel.source],
                "target_id": ids[rel.target],
                "annotator_id": people[rel.annotator],
                "created": rel.created,
            }
            for rel, _ in relations
        ],
    )
    session.execute(
        insert(ChangeRow.__table__),
        [
            {
                "at": now,
                "actor": actor,
                "entity": "relation",
                "entity_uuid": rel.uuid,
                "action": "create",
                "document_uuid": document,
                "before": None,
                "after": _relation_after(rel),
            }
            for rel, document in relations
        ],
    )


def _relation_after(rel: Relation) -> dict[str, Any]:
    return {
        "uuid": rel.uuid,
        "type": rel.type,
        "source": rel.source,
        "target": rel.target,
        "annotator": rel.annotator,
        "created": rel.created.isoformat(),
    }
