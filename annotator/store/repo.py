"""Queries that take a session and return core dataclasses (never live rows)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, text
from sqlalchemy.orm import Session

from annotator.core.errors import NotFound
from annotator.core.model import (
    Annotation,
    Annotator,
    AnnotatorKind,
    ChangeEntry,
    Document,
    DocumentSummary,
    Origin,
    Relation,
    Status,
    stored_annotation,
    stored_fragment,
    utc_now,
)
from annotator.store.tables import (
    AnnotationRow,
    AnnotatorRow,
    ChangeRow,
    CollectionMemberRow,
    CollectionRow,
    DocumentRow,
    FragmentRow,
    LabelRow,
    RelationRow,
    StatusRow,
)

# -- annotators ------------------------------------------------------------------------------------------


# Statements run on every single edit are built once: making a select costs more than running it on SQLite.
_ANNOTATOR_ID = select(AnnotatorRow.id).where(AnnotatorRow.name == bindparam("name"))
_DOCUMENT_ID_AND_LENGTH = select(DocumentRow.id, DocumentRow.length).where(DocumentRow.uuid == bindparam("uuid"))


def annotator_id(session: Session, name: str, create: bool = True, kind: AnnotatorKind = AnnotatorKind.PERSON) -> int:
    row_id = session.scalar(_ANNOTATOR_ID, {"name": name})
    if row_id is not None:
        return row_id
    if not create:
        raise NotFound(f"no annotator named '{name}'")
    row = AnnotatorRow(uuid=Annotator(name).uuid, name=name, kind=kind.value, created=utc_now())
    session.add(row)
    session.flush()
    return row.id


def list_annotators(session: Session) -> list[Annotator]:
    rows = session.scalars(select(AnnotatorRow).order_by(AnnotatorRow.name))
    return [Annotator(name=r.name, uuid=r.uuid, kind=AnnotatorKind(r.kind)) for r in rows]


# -- documents -------------------------------------------------------------------------------------------


def document_to_row(doc: Document) -> DocumentRow:
    return DocumentRow(
        uuid=doc.uuid,
        sha256=doc.sha256,
        title=doc.title,
        text=doc.text,
        length=len(doc.text),
        encoding=doc.encoding,
        newline=doc.newline,
        source=doc.source,
        outlet=doc.outlet,
        author=doc.author,
        published=doc.published,
        language=doc.language,
        meta=dict(doc.metadata),
        created=doc.created,
    )


def row_to_document(row: DocumentRow) -> Document:
    return Document(
        text=row.text,
        title=row.title,
        uuid=row.uuid,
        sha256=row.sha256,
        encoding=row.encoding,
        newline=row.newline,
        source=row.source,
        outlet=row.outlet,
        author=row.author,
        published=row.published,
        language=row.language,
        metadata=dict(row.meta or {}),
        created=row.created,
    )


def document_row(session: Session, uuid: str) -> DocumentRow:
    row = session.scalar(select(DocumentRow).where(DocumentRow.uuid == uuid))
    if row is None:
        raise NotFound(f"no document {uuid}")
    return row


def document_length(session: Session, uuid: str) -> int:
    """Length in code points, without loading the text."""
    return document_id_and_length(session, uuid)[1]


def document_id_and_length(session: Session, uuid: str) -> tuple[int, int]:
    """Row id and length in code points, without loading the text."""
    found = session.execute(_DOCUMENT_ID_AND_LENGTH, {"uuid": uuid}).first()
    if found is None:
        raise NotFound(f"no document {uuid}")
    return found[0], found[1]


def find_document_by_hash(session: Session, sha256: str) -> Document | None:
    row = session.scalar(select(DocumentRow).where(DocumentRow.sha256 == sha256))
    return row_to_document(row) if row else None


def resolve_document(session: Session, key: str) -> str:
    """The uuid of the one document whose uuid starts with key, or whose title is key."""
    uuids = session.scalars(select(DocumentRow.uuid).where(DocumentRow.uuid.startswith(key)).limit(2)).all()
    if not uuids:
        uuids = session.scalars(select(DocumentRow.uuid).where(DocumentRow.title == key).limit(2)).all()
    if not uuids:
        raise NotFound(f"no document matches '{key}'")
    if len(uuids) > 1:
        raise NotFound(f"'{key}' matches several documents; give more of the id")
    return uuids[0]


def documents_containing(session: Session, words: list[str]) -> set[str]:
    query = select(DocumentRow.uuid)
    for word in words:
        query = query.where(func.lower(DocumentRow.text).contains(word.lower(), autoescape=True))
    return set(session.scalars(query))


def document_summaries(session: Session, annotator: str | None) -> list[DocumentSummary]:
    """Every document with the annotator's annotation count and status (all annotators' count if None)."""
    ann_id = session.scalar(select(AnnotatorRow.id).where(AnnotatorRow.name == annotator)) if annotator else None
    counts = select(AnnotationRow.document_id, func.count().label("n")).group_by(AnnotationRow.document_id)
    if annotator:
        counts = counts.where(AnnotationRow.annotator_id == ann_id)
    counts_sq = counts.subquery()
    status_sq = select(StatusRow.document_id, StatusRow.status).where(StatusRow.annotator_id == ann_id).subquery()
    query = (
        select(
            DocumentRow.uuid,
            DocumentRow.title,
            DocumentRow.outlet,
            DocumentRow.published,
            DocumentRow.sha256,
            DocumentRow.length,
            func.coalesce(counts_sq.c.n, 0),
            status_sq.c.status,
        )
        .outerjoin(counts_sq, counts_sq.c.document_id == DocumentRow.id)
        .outerjoin(status_sq, status_sq.c.document_id == DocumentRow.id)
        .order_by(DocumentRow.id)
    )
    return [
        DocumentSummary(uuid, title, outlet, published, sha, length, n, Status(status or Status.NOT_STARTED))
        for uuid, title, outlet, published, sha, length, n, status in session.execute(query)
    ]


# -- labels ----------------------------------------------------------------------------------------------


def label_ids(session: Session) -> dict[tuple[str, str | None], int]:
    """(name, parent name) -> row id for every label and sub-type."""
    rows = session.execute(select(LabelRow.id, LabelRow.name, LabelRow.parent_id)).all()
    names = {row_id: name for row_id, name, _ in rows}
    return {(name, names.get(parent) if parent else None): row_id for row_id, name, parent in rows}


def label_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(LabelRow.id, LabelRow.name)).tuples().all())


# -- annotations -----------------------------------------------------------------------------------------


def insert_annotation(
    session: Session, ann: Annotation, labels: dict[tuple[str, str | None], int], doc_id: int | None = None
) -> None:
    """Insert ann into its document (whose row id the caller may know already)."""
    if doc_id is None:
        doc_id = document_id_and_length(session, ann.document)[0]
    row = AnnotationRow(
        uuid=ann.uuid,
        document_id=doc_id,
        annotator_id=annotator_id(session, ann.annotator),
        label_id=labels[(ann.label, None)],
        subtype_id=labels[(ann.subtype, ann.label)] if ann.subtype else None,
        attributes=dict(ann.attributes),
        note=ann.note,
        origin=ann.origin.value,
        created=ann.created,
        modified=ann.modified,
        version=ann.version,
        fragments=[FragmentRow(start=f.start, end=f.end) for f in ann.fragments],
    )
    session.add(row)
    session.flush()


def annotation_exists(session: Session, uuid: str) -> bool:
    return session.scalar(select(AnnotationRow.id).where(AnnotationRow.uuid == uuid)) is not None


def annotation_row(session: Session, uuid: str) -> AnnotationRow:
    row = session.scalar(select(AnnotationRow).where(AnnotationRow.uuid == uuid))
    if row is None:
        raise NotFound(f"no annotation {uuid}")
    return row


def update_annotation_row(
    session: Session, row: AnnotationRow, ann: Annotation, labels: dict[tuple[str, str | None], int]
) -> None:
    row.label_id = labels[(ann.label, None)]
    row.subtype_id = labels[(ann.subtype, ann.label)] if ann.subtype else None
    row.attributes = dict(ann.attributes)
    row.note = ann.note
    row.origin = ann.origin.value
    row.modified = ann.modified
    if [(f.start, f.end) for f in row.fragments] != [(f.start, f.end) for f in ann.fragments]:
        row.fragments = [FragmentRow(start=f.start, end=f.end) for f in ann.fragments]
    session.flush()


def get_annotation(session: Session, uuid: str) -> Annotation:
    found = _annotations(session, select(AnnotationRow).where(AnnotationRow.uuid == uuid))
    if not found:
        raise NotFound(f"no annotation {uuid}")
    return found[0]


def annotations_of(session: Session, document: str, annotators: Iterable[str] | None = None) -> list[Annotation]:
    """A document's annotations in reading order, of the given annotators (all when None)."""
    doc_id = session.scalar(select(DocumentRow.id).where(DocumentRow.uuid == document))
    if doc_id is None:
        return []
    where, params = "a.document_id = :doc", {"doc": doc_id}
    if annotators is not None:
        people = session.scalars(select(AnnotatorRow.id).where(AnnotatorRow.name.in_(list(annotators)))).all()
        where, params = where + " AND a.annotator_id IN :people", {**params, "people": list(people) or [-1]}
    return _load_annotations(session, where, params, {doc_id: document}, in_reading_order=True)


def _annotations(session: Session, query: Any) -> list[Annotation]:
    ids = [r.id for r in session.scalars(query)]
    return _load_annotations(session, "a.id IN :ids", {"ids": ids}, None) if ids else []


_LOAD_SQL = """
SELECT a.id, a.uuid, a.document_id, a.annotator_id, a.label_id, a.subtype_id, a.attributes, a.note, a.origin,
       a.created, a.modified, a.version, f.start, f."end"
FROM annotations a LEFT JOIN fragments f ON f.annotation_id = a.id
WHERE {where}
{order}
"""
_ORIGINS = {o.value: o for o in Origin}


def _load_annotations(
    session: Session, where: str, params: dict[str, Any], docs: dict[int, str] | None, in_reading_order: bool = False
) -> list[Annotation]:
    """Annotations read with one flat query and no per-value type processing, and built without the
    constructors' checks (stored rows were checked when written): a document's 10,000 annotations load in tens
    of milliseconds. In reading order the database need not sort: rows are grouped here and sorted once."""
    names = label_names(session)
    people = dict(session.execute(select(AnnotatorRow.id, AnnotatorRow.name)).tuples().all())
    statement = text(_LOAD_SQL.format(where=where, order="" if in_reading_order else "ORDER BY a.id, f.start"))
    for name, value in params.items():
        if isinstance(value, list):
            statement = statement.bindparams(bindparam(name, expanding=True))
    rows = session.execute(statement, params).all()
    if docs is None:
        doc_ids = {r[2] for r in rows}
        docs = dict(
            session.execute(select(DocumentRow.id, DocumentRow.uuid).where(DocumentRow.id.in_(doc_ids))).tuples().all()
        )
    found: dict[int, Annotation] = {}
    order: dict[int, tuple[int, int, str, str]] = {}  # reading order: first start, longer first, label, uuid
    get, origins, annotation, fragment, parse = found.get, _ORIGINS, stored_annotation, stored_fragment, _utc
    for row_id, uuid, doc, who, label, subtype, attrs, note, origin, created, modified, version, start, end in rows:
        ann = get(row_id)
        if ann is None:
            # _utc inlined for SQLite's text: this loop runs once per annotation of the document
            made = datetime.fromisoformat(created + "+00:00") if type(created) is str else parse(created)
            ann = found[row_id] = annotation(
                docs[doc],
                people[who],
                names[label],
                (fragment(start, end),) if start is not None else (),
                names[subtype] if subtype else None,
                _json(attrs) if attrs != "{}" else {},
                note,
                origins[origin],
                uuid,
                made,
                made if modified == created else parse(modified),
                version,
            )
            order[row_id] = (start, -end, ann.label, uuid) if start is not None else (0, 0, ann.label, uuid)
        else:  # a further fragment of a discontinuous annotation
            fragments = ann.__dict__["fragments"] = tuple(sorted((*ann.fragments, fragment(start, end))))
            order[row_id] = (fragments[0].start, -max(f.end for f in fragments), ann.label, uuid)
    if not in_reading_order:
        return list(found.values())
    return [found[row_id] for row_id in sorted(order, key=order.__getitem__)]


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    return json.loads(value) if value and value != "{}" else {}


def _utc(value: Any) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite gives text, PostgreSQL a datetime)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value + "+00:00")  # SQLite keeps naive UTC (see tables.UTCDateTime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# -- relations -------------------------------------------------------------------------------------------


def insert_relation(session: Session, rel: Relation) -> None:
    source, target = annotation_row(session, rel.source), annotation_row(session, rel.target)
    session.add(
        RelationRow(
            uuid=rel.uuid,
            type=rel.type,
            source_id=source.id,
            target_id=target.id,
            annotator_id=annotator_id(session, rel.annotator),
            created=rel.created,
        )
    )
    session.flush()


def relations_of(session: Session, document: str) -> list[Relation]:
    """Relations whose source annotation lies in the document."""
    source = select(AnnotationRow.id, AnnotationRow.uuid).subquery()
    query = (
        select(RelationRow, AnnotationRow.uuid, source.c.uuid, AnnotatorRow.name)
        .join(AnnotationRow, AnnotationRow.id == RelationRow.target_id)
        .join(source, source.c.id == RelationRow.source_id)
        .join(AnnotatorRow, AnnotatorRow.id == RelationRow.annotator_id)
        .join(DocumentRow, DocumentRow.id == AnnotationRow.document_id)
        .where(DocumentRow.uuid == document)
        .order_by(RelationRow.id)
    )
    return [
        Relation(type=row.type, source=src, target=tgt, annotator=who, uuid=row.uuid, created=row.created)
        for row, tgt, src, who in session.execute(query)
    ]


def relations_touching(session: Session, annotation_uuid: str) -> list[Relation]:
    row = annotation_row(session, annotation_uuid)
    doc_uuid = session.scalar(select(DocumentRow.uuid).where(DocumentRow.id == row.document_id))
    return [r for r in relations_of(session, doc_uuid or "") if annotation_uuid in (r.source, r.target)]


def delete_relation_row(session: Session, uuid: str) -> None:
    if session.execute(delete(RelationRow).where(RelationRow.uuid == uuid)).rowcount == 0:
        raise NotFound(f"no relation {uuid}")


# -- status ----------------------------------------------------------------------------------------------


def get_status(session: Session, document: str, annotator: str) -> Status:
    value = session.scalar(
        select(StatusRow.status)
        .join(DocumentRow, DocumentRow.id == StatusRow.document_id)
        .join(AnnotatorRow, AnnotatorRow.id == StatusRow.annotator_id)
        .where(DocumentRow.uuid == document, AnnotatorRow.name == annotator)
    )
    return Status(value) if value else Status.NOT_STARTED


def add_to_collection(session: Session, name: str, documents: list[str]) -> int:
    """Add documents (uuids) to the named collection, creating it; returns how many were new to it."""
    coll_id = session.scalar(select(CollectionRow.id).where(CollectionRow.name == name))
    if coll_id is None:
        row = CollectionRow(name=name)
        session.add(row)
        session.flush()
        coll_id = row.id
    doc_ids = session.scalars(select(DocumentRow.id).where(DocumentRow.uuid.in_(documents))).all()
    present = set(
        session.scalars(select(CollectionMemberRow.document_id).where(CollectionMemberRow.collection_id == coll_id))
    )
    new = [d for d in doc_ids if d not in present]
    session.add_all(CollectionMemberRow(collection_id=coll_id, document_id=d) for d in new)
    session.flush()
    return len(new)


def statuses_of(session: Session, document: str) -> dict[str, Status]:
    query = (
        select(AnnotatorRow.name, StatusRow.status)
        .join(StatusRow, StatusRow.annotator_id == AnnotatorRow.id)
        .join(DocumentRow, DocumentRow.id == StatusRow.document_id)
        .where(DocumentRow.uuid == document)
    )
    return {name: Status(value) for name, value in session.execute(query)}


def set_status(session: Session, document: str, annotator: str, status: Status) -> None:
    doc_id = document_row(session, document).id
    who = annotator_id(session, annotator)
    row = session.get(StatusRow, (doc_id, who))
    if row is None:
        session.add(StatusRow(document_id=doc_id, annotator_id=who, status=status.value, modified=utc_now()))
    else:
        row.status, row.modified = status.value, utc_now()
    session.flush()


# -- change log ------------------------------------------------------------------------------------------


def log_change(
    session: Session,
    actor: str,
    entity: str,
    uuid: str,
    action: str,
    document: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    session.add(
        ChangeRow(
            at=utc_now(),
            actor=actor,
            entity=entity,
            entity_uuid=uuid,
            action=action,
            document_uuid=document,
            before=before,
            after=after,
        )
    )


def changes(
    session: Session, document: str | None = None, entity_uuid: str | None = None, limit: int | None = None
) -> list[ChangeEntry]:
    query = select(ChangeRow).order_by(ChangeRow.id.desc())
    if document:
        query = query.where(ChangeRow.document_uuid == document)
    if entity_uuid:
        query = query.where(ChangeRow.entity_uuid == entity_uuid)
    if limit:
        query = query.limit(limit)
    return [
        ChangeEntry(r.id, r.at, r.actor, r.entity, r.entity_uuid, r.action, r.document_uuid, r.before, r.after)
        for r in session.scalars(query)
    ]
