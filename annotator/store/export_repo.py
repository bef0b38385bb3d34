"""Batched reads for exporting: documents with their annotations, fragments, relations and statuses,
a few hundred documents per query instead of several queries per document.

Rows read here were checked when they were stored, so annotations and fragments are built without running
their constructors' checks again (a plain dataclass build costs more than the query for a million rows).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from annotator.core.model import Annotation, AnnotatorKind, Document, Fragment, Origin, Relation, Status
from annotator.store.tables import (
    AnnotationRow,
    AnnotatorRow,
    CollectionMemberRow,
    CollectionRow,
    DocumentRow,
    FragmentRow,
    LabelRow,
    RelationRow,
    StatusRow,
)

BATCH_DOCUMENTS = 200


@dataclass(frozen=True)
class Selection:
    """What to export, in database terms. None means no restriction."""

    documents: Sequence[str] | None = None  # uuids
    collections: Sequence[str] | None = None  # names
    annotators: Sequence[str] | None = None  # names
    labels: Sequence[str] | None = None  # "label" or "label/subtype"
    statuses: Sequence[Status] | None = None
    gold_only: bool = False


@dataclass
class ExportBatch:
    documents: list[Document]
    annotations: dict[str, list[Annotation]]  # document uuid -> annotations in reading order
    relations: dict[str, list[Relation]]
    statuses: dict[str, dict[str, Status]]


# -- what is selected ------------------------------------------------------------------------------------


def annotator_ids(session: Session, sel: Selection) -> list[int] | None:
    if sel.annotators is None and not sel.gold_only:
        return None
    query = select(AnnotatorRow.id)
    if sel.annotators is not None:
        query = query.where(AnnotatorRow.name.in_(list(sel.annotators)))
    if sel.gold_only:
        query = query.where(AnnotatorRow.kind == AnnotatorKind.GOLD.value)
    return list(session.scalars(query))


def _label_conditions(session: Session, sel: Selection, table: Any) -> list[Any]:
    if sel.labels is None:
        return []
    ids = {(name, parent): row_id for row_id, name, parent in label_rows(session)}
    whole, pairs = set(), []
    for item in sel.labels:
        label, _, subtype = item.partition("/")
        top = ids.get((label, None))
        if top is None:
            continue
        if subtype:
            sub = ids.get((subtype, top))
            if sub is not None:
                pairs.append((top, sub))
        else:
            whole.add(top)
    c = table.c
    conditions = [c.label_id.in_(whole)] if whole else []
    conditions += [(c.label_id == top) & (c.subtype_id == sub) for top, sub in pairs]
    return conditions or [c.id < 0]  # labels asked for but none known: nothing matches


def label_rows(session: Session) -> list[tuple[int, str, int | None]]:
    return [tuple(r) for r in session.execute(select(LabelRow.id, LabelRow.name, LabelRow.parent_id))]  # type: ignore[misc]


def annotation_filter(session: Session, sel: Selection, table: Any = None) -> list[Any]:
    """Conditions on the annotations table (or on an alias of it) that keep the selected annotators and labels."""
    table = AnnotationRow.__table__ if table is None else table
    conditions: list[Any] = []
    people = annotator_ids(session, sel)
    if people is not None:
        conditions.append(table.c.annotator_id.in_(people))
    label_conditions = _label_conditions(session, sel, table)
    if label_conditions:
        conditions.append(or_(*label_conditions))
    return conditions


def selected_document_ids(session: Session, sel: Selection) -> list[int]:
    """Row ids of the documents to export, in the order they were added."""
    query = select(DocumentRow.id).order_by(DocumentRow.id)
    if sel.documents is not None:
        query = query.where(DocumentRow.uuid.in_(list(sel.documents)))
    if sel.collections is not None:
        members = (
            select(CollectionMemberRow.document_id)
            .join(CollectionRow, CollectionRow.id == CollectionMemberRow.collection_id)
            .where(CollectionRow.name.in_(list(sel.collections)))
        )
        query = query.where(DocumentRow.id.in_(members))
    if sel.statuses is not None:
        # kept when any chosen annotator (everyone, without an annotator filter) has it in one of these states;
        # not_started also matches documents that annotator never touched
        people = annotator_ids(session, sel)
        if people is None:
            people = list(session.scalars(select(AnnotatorRow.id)))
        wanted = {s.value for s in sel.statuses}
        having = select(StatusRow.document_id).where(StatusRow.annotator_id.in_(people), StatusRow.status.in_(wanted))
        if Status.NOT_STARTED.value in wanted:
            touched = select(StatusRow.document_id).where(StatusRow.annotator_id.in_(people))
            count = (
                select(func.count())
                .select_from(StatusRow)
                .where(StatusRow.annotator_id.in_(people), StatusRow.document_id == DocumentRow.id)
                .scalar_subquery()
            )
            query = query.where(DocumentRow.id.in_(having) | DocumentRow.id.not_in(touched) | (count < len(people)))
        else:
            query = query.where(DocumentRow.id.in_(having))
    return list(session.scalars(query))


def count_selected(session: Session, sel: Selection) -> tuple[int, int]:
    """(documents, annotations) that an export with this selection writes."""
    doc_ids = selected_document_ids(session, sel)
    total = 0
    conditions = annotation_filter(session, sel)
    for start in range(0, len(doc_ids), 5000):
        chunk = doc_ids[start : start + 5000]
        query = select(func.count()).select_from(AnnotationRow).where(AnnotationRow.document_id.in_(chunk))
        total += session.scalar(query.where(*conditions)) or 0
    return len(doc_ids), total


# -- reading in batches ----------------------------------------------------------------------------------


def iter_batches(session: Session, sel: Selection, batch: int = BATCH_DOCUMENTS) -> Iterator[ExportBatch]:
    doc_ids = selected_document_ids(session, sel)
    conditions = annotation_filter(session, sel)
    people = dict(session.execute(select(AnnotatorRow.id, AnnotatorRow.name)).tuples().all())
    labels = {row_id: name for row_id, name, _ in label_rows(session)}
    keep_people = annotator_ids(session, sel)
    for start in range(0, len(doc_ids), batch):
        yield _read_batch(session, doc_ids[start : start + batch], conditions, people, labels, keep_people)


def _read_batch(
    session: Session,
    doc_ids: list[int],
    conditions: list[Any],
    people: dict[int, str],
    labels: dict[int, str],
    keep_people: list[int] | None,
) -> ExportBatch:
    docs = batch_documents(session, doc_ids)
    uuid_of = {row_id: doc.uuid for row_id, doc in docs}
    found = _build_annotations(_raw_rows(session, _annotation_query(doc_ids, conditions)), uuid_of, people, labels)
    annotations: dict[str, list[Annotation]] = {doc.uuid: [] for _, doc in docs}
    for document, keyed in _in_reading_order(found.values()).items():
        annotations[document] = keyed
    annotation_uuid = {row_id: entry[0].uuid for row_id, entry in found.items()}
    return ExportBatch(
        documents=[doc for _, doc in docs],
        annotations=annotations,
        relations=batch_relations(session, annotation_uuid, uuid_of, people, doc_ids),
        statuses=batch_statuses(session, doc_ids, uuid_of, people, keep_people),
    )


def _annotation_query(doc_ids: list[int], conditions: list[Any]) -> Any:
    """Annotations with their fragments (one row per fragment, in no particular order), raw: dates and JSON come
    back as stored and are parsed here, much faster than the generic type handlers (seconds per million rows)."""
    a = AnnotationRow.__table__.c
    f = FragmentRow.__table__.c
    return (
        select(
            a.id,
            a.uuid,
            a.document_id,
            a.annotator_id,
            a.label_id,
            a.subtype_id,
            type_coerce(a.attributes, String),
            a.note,
            a.origin,
            type_coerce(a.created, String),
            type_coerce(a.modified, String),
            a.version,
            f.start,
            f.end,
        )
        .select_from(AnnotationRow.__table__.outerjoin(FragmentRow.__table__, f.annotation_id == a.id))
        .where(a.document_id.in_(doc_ids), *conditions)
    )


def _raw_rows(session: Session, query: Any) -> Any:
    """Rows as the database driver gives them: plain tuples, no per-row wrapping (a third of the time at a million
    rows). Safe to render the values into the SQL text: the query compares only integer ids."""
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(5000):
            yield from rows
    finally:
        cursor.close()


class Times:
    """Stored timestamps to aware datetimes; many rows share one (an import's rows do), so each is parsed once."""

    def __init__(self) -> None:
        self._seen: dict[Any, datetime] = {}

    def __call__(self, value: Any) -> datetime:
        found = self._seen.get(value)
        if found is None:  # parsed once per distinct stored value
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
            found = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
            if len(self._seen) < 100_000:
                self._seen[value] = found
        return found


def _json(value: Any) -> dict[str, Any]:
    if value == "{}" or not value:
        return {}
    return dict(json.loads(value) if isinstance(value, str) else value)


def _fragment(start: int, end: int) -> Fragment:
    fragment = object.__new__(Fragment)
    fragment.__dict__.update(start=start, end=end)
    return fragment


def _build_annotations(
    rows: Iterator[tuple[Any, ...]], uuid_of: dict[int, str], people: dict[int, str], labels: dict[int, str]
) -> dict[int, list[Any]]:
    """Annotation row id -> [annotation, first start, first end, *(start, end) of further fragments].

    The hot loop of every export (once per annotation and fragment): annotations are built without running
    their constructor's checks (the rows were checked when stored), with names looked up once per loop."""
    found: dict[int, list[Any]] = {}
    get, new, make = found.get, object.__new__, Annotation
    origins = {o.value: o for o in Origin}
    times = Times()
    for row_id, uuid, doc_id, who, label, subtype, attrs, note, origin, created, modified, version, start, end in rows:
        entry = get(row_id)
        if entry is None:
            ann = new(make)
            ann.__dict__.update(
                document=uuid_of[doc_id],
                annotator=people[who],
                label=labels[label],
                fragments=(),
                subtype=labels[subtype] if subtype else None,
                attributes=_json(attrs),
                note=note,
                origin=origins[origin],
                uuid=uuid,
                created=times(created),
                modified=times(modified),
                version=version,
            )
            found[row_id] = [ann, start, end]
        elif start is not None:
            entry.append((start, end))
    return found


def _in_reading_order(entries: Iterable[list[Any]]) -> dict[str, list[Annotation]]:
    """Fragments set on each annotation, and each document's annotations sorted by (start, longer first, label,
    id), with the sort keys computed here rather than through the annotation's properties."""
    keyed: dict[str, list[tuple[tuple[int, int, str, str], Annotation]]] = defaultdict(list)
    new = object.__new__
    for entry in entries:
        ann, start, end = entry[0], entry[1], entry[2]
        if start is None:
            key = (0, 0, ann.label, ann.uuid)
        elif len(entry) == 3:
            fragment = new(Fragment)
            fragment.__dict__.update(start=start, end=end)
            ann.__dict__["fragments"] = (fragment,)
            key = (start, -end, ann.label, ann.uuid)
        else:
            spans = sorted([(start, end), *entry[3:]])
            ann.__dict__["fragments"] = tuple(_fragment(s, e) for s, e in spans)
            key = (spans[0][0], -max(e for _, e in spans), ann.label, ann.uuid)
        keyed[ann.document].append((key, ann))
    ordered = {}
    for document, items in keyed.items():
        items.sort(key=by_key)
        ordered[document] = [ann for _, ann in items]
    return ordered


def by_key(item: tuple[Any, Any]) -> Any:
    return item[0]


_DOC_COLUMNS = (
    DocumentRow.id,
    DocumentRow.text,
    DocumentRow.title,
    DocumentRow.uuid,
    DocumentRow.sha256,
    DocumentRow.encoding,
    DocumentRow.newline,
    DocumentRow.source,
    DocumentRow.outlet,
    DocumentRow.author,
    DocumentRow.published,
    DocumentRow.language,
    DocumentRow.meta,
    DocumentRow.created,
)


def batch_documents(session: Session, doc_ids: list[int]) -> list[tuple[int, Document]]:
    rows = session.execute(select(*_DOC_COLUMNS).where(DocumentRow.id.in_(doc_ids)).order_by(DocumentRow.id))
    found = []
    for row in rows:
        row_id, text, title, uuid, sha, encoding, newline, source, outlet, author, published, language, meta, at = row
        doc = Document(
            text=text,
            title=title,
            uuid=uuid,
            sha256=sha,
            encoding=encoding,
            newline=newline,
            source=source,
            outlet=outlet,
            author=author,
            published=published,
            language=language,
            metadata=dict(meta or {}),
            created=at,
        )
        found.append((row_id, doc))
    return found


_ORIGINS = {o.value: o for o in Origin}


def _annotation(
    uuid: str,
    document: str,
    annotator: str,
    label: str,
    subtype: str | None,
    attributes: dict[str, Any],
    note: str,
    origin: str,
    created: datetime,
    modified: datetime,
    version: int,
) -> Annotation:
    ann = object.__new__(Annotation)
    ann.__dict__.update(
        document=document,
        annotator=annotator,
        label=label,
        fragments=(),
        subtype=subtype,
        attributes=attributes,
        note=note,
        origin=_ORIGINS[origin],
        uuid=uuid,
        created=created,
        modified=modified,
        version=version,
    )
    return ann


def batch_relations(
    session: Session, kept: dict[int, str], uuid_of: dict[int, str], people: dict[int, str], doc_ids: list[int]
) -> dict[str, list[Relation]]:
    """Relations whose two ends were both exported."""
    found: dict[str, list[Relation]] = defaultdict(list)
    source = AnnotationRow.__table__.alias("source_annotation")
    query = (
        select(
            RelationRow.uuid,
            RelationRow.type,
            RelationRow.source_id,
            RelationRow.target_id,
            RelationRow.annotator_id,
            RelationRow.created,
            source.c.document_id,
        )
        .join(source, source.c.id == RelationRow.source_id)
        .where(source.c.document_id.in_(doc_ids))
        .order_by(RelationRow.id)
    )
    for uuid, kind, src, tgt, who, created, doc_id in session.execute(query):
        if src in kept and tgt in kept:
            found[uuid_of[doc_id]].append(
                Relation(
                    type=kind, source=kept[src], target=kept[tgt], annotator=people[who], uuid=uuid, created=created
                )
            )
    return found


def batch_statuses(
    session: Session, doc_ids: list[int], uuid_of: dict[int, str], people: dict[int, str], keep: list[int] | None
) -> dict[str, dict[str, Status]]:
    found: dict[str, dict[str, Status]] = defaultdict(dict)
    query = select(StatusRow.document_id, StatusRow.annotator_id, StatusRow.status).where(
        StatusRow.document_id.in_(doc_ids)
    )
    for doc_id, who, status in session.execute(query):
        if keep is None or who in keep:
            found[uuid_of[doc_id]][people[who]] = Status(status)
    return found


def collection_names(session: Session) -> list[str]:
    return list(session.scalars(select(CollectionRow.name).order_by(CollectionRow.name)))


def used_labels(session: Session) -> list[str]:
    """Every 'label' and 'label/subtype' that some annotation uses, sorted."""
    rows = {row_id: (name, parent) for row_id, name, parent in label_rows(session)}
    pairs = session.execute(select(AnnotationRow.label_id, AnnotationRow.subtype_id).distinct())
    names: set[str] = set()
    for label, subtype in pairs:
        names.add(rows[label][0])
        if subtype is not None:
            names.add(f"{rows[label][0]}/{rows[subtype][0]}")
    return sorted(names)
