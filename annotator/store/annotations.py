"""Annotations with their fragments: the one encoder to rows, the one decoder back, and every write logged
(the bulk path of an import, through the same encoder, is in annotation_imports.py).

A single edit and an import of a million go through the same Encoder; the import only batches the statements
(and on SQLite hands plain tuples to the driver). Reads go through one flat query (an annotation's fragments
joined as rows) and one decoder; rows were checked when stored, so annotations are rebuilt without running
their constructors' checks again (core.model.stored_annotation): a document's 10,000 open in tens of ms.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    bindparam,
    delete,
    insert,
    select,
)
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Mapped, Session, mapped_column

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.errors import ConflictError, NotFound
from annotator.core.model import (
    ORIGINS,
    Annotation,
    Provenance,
    annotation_to_dict,
    stored_annotation,
    stored_fragment,
    utc_now,
)
from annotator.store import annotators, change_log
from annotator.store.base import Base, Times, chunks, look_up, present, sqlite_text
from annotator.store.documents import DocumentRow
from annotator.store.scheme import LabelKey, label_names


class AnnotationRow(Base):
    __tablename__ = "annotations"
    __table_args__ = (Index("ix_annotations_document_annotator", "document_id", "annotator_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"))
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id"))
    subtype_id: Mapped[int | None] = mapped_column(ForeignKey("labels.id"))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(20), default="manual")
    created: Mapped[datetime]
    modified: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)  # raised by every update: concurrent edits clash, never overwrite
    # an accepted suggestion's (Provenance.to_dict()); SQL NULL, not JSON null, for every other annotation
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class FragmentRow(Base):
    __tablename__ = "fragments"
    __table_args__ = (CheckConstraint('start >= 0 AND start < "end"', name="span_order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


# -- the encoder ----------------------------------------------------------------------------------------------

COLUMNS = (
    *("uuid", "document_id", "annotator_id", "label_id", "subtype_id"),
    *("attributes", "note", "origin", "created", "modified", "version", "provenance"),
)


class Encoder:
    """Annotations to row values in COLUMNS order, with the look-ups made once per label and per time.

    raw: values for the sqlite3 driver itself (times and attributes as the text SQLAlchemy stores on SQLite);
    otherwise for SQLAlchemy statements (datetimes, dicts)."""

    def __init__(self, labels: dict[LabelKey, int], people: dict[str, int], raw: bool = False):
        self.labels, self.people, self.raw = labels, people, raw
        self.kinds: dict[tuple[str, str | None], tuple[int, int | None]] = {}
        self.times: dict[datetime, str] = {}

    def kind(self, ann: Annotation) -> tuple[int, int | None]:
        """The row ids of ann's label and sub-type."""
        kind = self.kinds.get((ann.label, ann.subtype))
        if kind is None:
            subtype = self.labels[(ann.subtype, ann.label)] if ann.subtype else None
            kind = self.kinds[(ann.label, ann.subtype)] = (self.labels[(ann.label, None)], subtype)
        return kind

    def row(self, ann: Annotation, document_id: int) -> tuple[Any, ...]:
        kind = self.kinds.get((ann.label, ann.subtype)) or self.kind(ann)
        if not self.raw:
            created, modified, attributes = ann.created, ann.modified, dict(ann.attributes)
        else:  # the import's loop: a million calls, hence the inlined cache
            times = self.times
            created, modified = times.get(ann.created), times.get(ann.modified)
            if created is None:
                created = times[ann.created] = sqlite_text(ann.created)
            if modified is None:
                modified = times[ann.modified] = sqlite_text(ann.modified)
            attributes = orjson.dumps(ann.attributes).decode() if ann.attributes else "{}"
        provenance = ann.provenance and ann.provenance.to_dict()
        if provenance and self.raw:
            provenance = orjson.dumps(provenance).decode()
        who = self.people[ann.annotator]
        return (
            ann.uuid,
            document_id,
            who,
            *kind,
            attributes,
            ann.note,
            ann.origin.value,
            created,
            modified,
            ann.version,
            provenance,
        )


# -- writing one ----------------------------------------------------------------------------------------------

_INSERT = insert(AnnotationRow).returning(AnnotationRow.id)
_ROW_ID = select(AnnotationRow.id).where(AnnotationRow.uuid == bindparam("uuid"))


def insert_one(session: Session, ann: Annotation, document_id: int, labels: dict[LabelKey, int], actor: str) -> Change:
    """Store ann (with its own version number: an undone deletion or a restore keeps it) and log it."""
    people = {ann.annotator: annotators.ensure(session, ann.annotator, actor)}
    row_id = session.scalar(_INSERT, dict(zip(COLUMNS, Encoder(labels, people).row(ann, document_id), strict=True)))
    insert_fragments(session, [(row_id, f.start, f.end) for f in ann.fragments])
    record = changes.created(changes.ANNOTATION, ann.uuid, ann.document, annotation_to_dict(ann), actor)
    return change_log.append(session, [record])[0]


def update(
    session: Session, before: Annotation, after: Annotation, labels: dict[LabelKey, int], actor: str
) -> tuple[Annotation, Change]:
    """Write after over before (as read in this transaction): label, sub-type, attributes, note, origin and
    fragments; modified now, version one up. Returns the stored annotation and its record."""
    stored = replace(after, created=before.created, modified=utc_now(), version=before.version + 1)
    label_id, subtype_id = Encoder(labels, {}).kind(stored)
    changed = session.execute(
        update_rows(AnnotationRow)
        .where(AnnotationRow.uuid == before.uuid, AnnotationRow.version == before.version)
        .values(
            label_id=label_id,
            subtype_id=subtype_id,
            attributes=dict(stored.attributes),
            note=stored.note,
            origin=stored.origin.value,
            modified=stored.modified,
            version=stored.version,
            provenance=stored.provenance and stored.provenance.to_dict(),
        )
    )
    if changed.rowcount == 0:  # type: ignore[attr-defined]
        raise ConflictError("someone else changed this record since it was read; nothing was overwritten")
    if stored.fragments != before.fragments:
        row_id = session.scalar(_ROW_ID, {"uuid": before.uuid})
        session.execute(delete(FragmentRow).where(FragmentRow.annotation_id == row_id))
        insert_fragments(session, [(row_id, f.start, f.end) for f in stored.fragments])
    record = changes.updated(
        changes.ANNOTATION, before.uuid, before.document, annotation_to_dict(before), annotation_to_dict(stored), actor
    )
    return stored, change_log.append(session, [record])[0]


def delete_one(session: Session, ann: Annotation, actor: str) -> Change:
    """Delete ann (its fragments go with it; its relations must be deleted, and logged, first)."""
    if session.execute(delete(AnnotationRow).where(AnnotationRow.uuid == ann.uuid)).rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"no annotation {ann.uuid}")
    record = changes.deleted(changes.ANNOTATION, ann.uuid, ann.document, annotation_to_dict(ann), actor)
    return change_log.append(session, [record])[0]


def delete_many(session: Session, anns: list[Annotation], actor: str) -> list[Change]:
    """Delete annotations (whose relations are deleted, and logged, already), each logged."""
    for chunk in chunks([a.uuid for a in anns]):
        session.execute(delete(AnnotationRow).where(AnnotationRow.uuid.in_(chunk)))
    gone = [changes.deleted(changes.ANNOTATION, a.uuid, a.document, annotation_to_dict(a), actor) for a in anns]
    return change_log.append(session, gone)


def insert_fragments(session: Session, rows: list[tuple[int, int, int]]) -> None:
    if rows:
        session.execute(insert(FragmentRow), [{"annotation_id": a, "start": s, "end": e} for a, s, e in rows])


# -- reading: one query, one decoder ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """Which annotations to read, by row ids only (so the SQL can be written out without bound values).
    None: no restriction; an empty list: nothing."""

    documents: Sequence[int] | None = None
    annotators: Sequence[int] | None = None
    labels: Sequence[int] | None = None  # every annotation of these labels ...
    label_pairs: Sequence[tuple[int, int]] | None = None  # ... or of these (label, sub-type) pairs
    annotations: Sequence[int] | None = None

    def sql(self, table: str = "a") -> str:
        parts = []
        for column, ids in (
            ("document_id", self.documents),
            ("annotator_id", self.annotators),
            ("id", self.annotations),
        ):
            if ids is not None:
                parts.append(f"{table}.{column} IN ({_ints(ids)})" if ids else "1 = 0")
        if self.labels is not None or self.label_pairs is not None:
            kinds = [f"{table}.label_id IN ({_ints(self.labels)})"] if self.labels else []
            kinds += [
                f"({table}.label_id = {int(a)} AND {table}.subtype_id = {int(b)})" for a, b in self.label_pairs or ()
            ]
            parts.append(f"({' OR '.join(kinds)})" if kinds else "1 = 0")
        return " AND ".join(parts) or "1 = 1"


def _ints(ids: Sequence[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


_SELECT = """
SELECT a.id, a.uuid, a.document_id, a.annotator_id, a.label_id, a.subtype_id, a.attributes, a.note, a.origin,
       a.created, a.modified, a.version, a.provenance, f.start, f."end"
FROM annotations a LEFT JOIN fragments f ON f.annotation_id = a.id
WHERE {where}
{order}
"""
# the order of ix_annotations_document_annotator, so free, with an annotation's fragment rows one after another
BY_DOCUMENT = "ORDER BY a.document_id, a.annotator_id, a.id"
BY_ID = "ORDER BY a.id, f.start"


def raw_rows(session: Session, where: Where, order: str = "") -> Iterator[tuple[Any, ...]]:
    """Rows of _SELECT as the driver gives them (plain tuples, values as stored: no per-value processing, a third
    of the time at a million rows), one per fragment: the driver's cursor itself, iterated with no Python step
    per row (faster than fetching chunks); it is closed when dropped, as soon as its reader is done with it."""
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(_SELECT.format(where=where.sql(), order=order))
    return cursor  # type: ignore[no-any-return]


@dataclass
class Names:
    """What decoding turns row ids into: document uuids, annotator names, label names."""

    documents: dict[int, str]
    people: dict[int, str]
    labels: dict[int, str]

    @classmethod
    def read(cls, session: Session, documents: dict[int, str] | None = None) -> Names:
        return cls(documents or {}, annotators.names(session), label_names(session))


def decode(
    rows: Iterator[tuple[Any, ...]] | list[tuple[Any, ...]], names: Names, session: Session | None = None
) -> dict[int, tuple[tuple[int, int, str, str], Annotation]]:
    """Row id -> (reading-order key, annotation), in the rows' order; documents not in names.documents are
    looked up (session needed then). The reading order: first start, longer first, label, uuid."""
    found: dict[int, tuple[tuple[int, int, str, str], Annotation]] = {}
    docs, people, labels = names.documents, names.people, names.labels
    get, times, loads, annotation, fragment = found.get, Times(), orjson.loads, stored_annotation, stored_fragment
    from_iso = datetime.fromisoformat
    for row in rows:
        row_id, uuid, doc, who, label, subtype, attrs, note, origin, created, modified, version, source, start, end = (
            row
        )
        entry = get(row_id)
        if entry is None:  # the loop runs once per annotation and fragment: nothing called that need not be
            if doc not in docs and session is not None:
                docs.update(_document_uuids(session, doc))
            # SQLite's naive UTC text parsed inline (a call per annotation counts when a document opens)
            made = from_iso(created + "+00:00") if type(created) is str else times(created)
            attributes = {} if attrs == "{}" or not attrs else loads(attrs) if isinstance(attrs, str) else dict(attrs)
            ann = annotation(
                docs[doc],
                people[who],
                labels[label],
                (fragment(start, end),) if start is not None else (),
                labels[subtype] if subtype else None,
                attributes,
                note,
                ORIGINS[origin],
                uuid,
                made,
                made
                if modified == created
                else from_iso(modified + "+00:00")
                if type(modified) is str
                else times(modified),
                version,
                source and _provenance(source),
            )
            key = (start, -end, ann.label, uuid) if start is not None else (0, 0, ann.label, uuid)
            found[row_id] = (key, ann)
        elif start is not None:  # a further fragment of a discontinuous annotation
            ann = entry[1]
            spans = ann.__dict__["fragments"] = tuple(sorted((*ann.fragments, fragment(start, end))))
            found[row_id] = ((spans[0].start, -max(f.end for f in spans), ann.label, ann.uuid), ann)
    return found


def _provenance(stored: str | dict[str, Any]) -> Provenance:
    return Provenance.from_dict(orjson.loads(stored) if isinstance(stored, str) else stored)


def in_reading_order(found: dict[int, tuple[tuple[int, int, str, str], Annotation]]) -> list[Annotation]:
    return [ann for _, ann in sorted(found.values())]  # keys end with the unique uuid: never compared further


def by_document(found: dict[int, tuple[tuple[int, int, str, str], Annotation]]) -> dict[str, list[Annotation]]:
    """Document uuid -> its annotations in reading order."""
    grouped: dict[str, list[tuple[tuple[int, int, str, str], Annotation]]] = {}
    for entry in found.values():
        grouped.setdefault(entry[1].document, []).append(entry)
    return {document: [ann for _, ann in sorted(items)] for document, items in grouped.items()}


def _document_uuids(session: Session, row_id: int) -> dict[int, str]:
    return dict(
        session.execute(select(DocumentRow.id, DocumentRow.uuid).where(DocumentRow.id == row_id)).tuples().all()
    )


def read(session: Session, where: Where, names: Names | None = None) -> list[Annotation]:
    """The annotations where says, in the order they were stored."""
    found = decode(raw_rows(session, where, BY_ID), names or Names.read(session), session)
    return [ann for _, ann in found.values()]


def row_id(session: Session, uuid: str) -> int:
    found = session.scalar(_ROW_ID, {"uuid": uuid})
    if found is None:
        raise NotFound(f"no annotation {uuid}")
    return found


def get(session: Session, uuid: str) -> Annotation:
    found = read(session, Where(annotations=[row_id(session, uuid)]))
    return found[0]


def exists(session: Session, uuid: str) -> bool:
    return session.scalar(_ROW_ID, {"uuid": uuid}) is not None


def of_document(
    session: Session, document: str, people: Sequence[int] | None = None, document_id: int | None = None
) -> list[Annotation]:
    """A document's annotations in reading order, of the given annotators' row ids (all when None); the
    document's row id, when the caller knows it, saves a look-up."""
    if document_id is None:
        found = session.scalar(select(DocumentRow.id).where(DocumentRow.uuid == document))
        if found is None:
            return []
        document_id = found
    rows = raw_rows(session, Where(documents=[document_id], annotators=people))
    return in_reading_order(decode(rows, Names.read(session, {document_id: document})))


def existing(session: Session, uuids: list[str]) -> set[str]:
    return present(session, AnnotationRow.uuid, uuids)


def ids_of(session: Session, uuids: set[str]) -> dict[str, int]:
    return look_up(session, AnnotationRow.uuid, AnnotationRow.id, uuids)


def count(session: Session, where: Where) -> int:
    return session.connection().exec_driver_sql(f"SELECT count(*) FROM annotations a WHERE {where.sql()}").scalar() or 0


def kinds_used(session: Session) -> list[tuple[int, int | None]]:
    """Every (label row id, sub-type row id) some annotation uses."""
    return list(session.execute(select(AnnotationRow.label_id, AnnotationRow.subtype_id).distinct()).tuples().all())
