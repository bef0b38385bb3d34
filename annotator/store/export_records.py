"""The export's fast path on SQLite: annotations as plain records built straight from the driver's rows, for
the JSONL and CSV writers, with no annotation objects in between (several times faster at a million).

Only on SQLite, whose stored forms of dates ('2026-01-02 03:04:05.000000', UTC) and JSON are known here; the
export service falls back to export_repo's annotation objects elsewhere. Tests check both paths write the same
bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from annotator.core.model import Document, Relation, Status
from annotator.store.export_repo import (
    BATCH_DOCUMENTS,
    Selection,
    Times,
    annotation_filter,
    annotator_ids,
    batch_documents,
    batch_relations,
    batch_statuses,
    by_key,
    label_rows,
    selected_document_ids,
)
from annotator.store.tables import AnnotatorRow


class AnnotationRecord(NamedTuple):
    """An annotation as plain values, for writers that need no annotation objects (the fast export path)."""

    uuid: str
    annotator: str
    label: str
    subtype: str | None
    spans: list[tuple[int, int]]  # sorted
    attributes: dict[str, Any]
    note: str
    origin: str
    created: str  # datetime.isoformat() of the UTC time
    modified: str


@dataclass
class PreparedDocument:
    """A document with its annotations as plain records, in reading order."""

    document: Document
    annotations: list[AnnotationRecord]
    relations: list[Relation]
    statuses: dict[str, Status]


def records_supported(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


_NATIVE_SQL = """
SELECT annotations.id, annotations.document_id, annotations.uuid, annotations.annotator_id, annotations.label_id,
       annotations.subtype_id, annotations.attributes, annotations.note, annotations.origin, annotations.created,
       annotations.modified, fragments.start, fragments."end"
FROM annotations LEFT OUTER JOIN fragments ON fragments.annotation_id = annotations.id
WHERE annotations.document_id IN ({ids}) AND {conditions}
"""  # a LEFT JOIN keeps annotations as SQLite's outer loop: an annotation's fragments come one after another


class _IsoTimes:
    """Stored SQLite timestamps ('2026-01-02 03:04:05.000000', UTC) as datetime.isoformat() writes them."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}
        self._parse = Times()

    def __call__(self, stored: str) -> str:
        found = self._seen.get(stored)
        if found is None:
            found = self._parse(stored).isoformat()
            if len(self._seen) < 100_000:
                self._seen[stored] = found
        return found


def iter_records(session: Session, sel: Selection, batch: int = BATCH_DOCUMENTS) -> Iterator[list[PreparedDocument]]:
    """The selected documents, a batch at a time, with their annotations as plain records built straight from the
    driver's rows: at a million annotations several times faster than annotation objects. Only on SQLite, whose
    stored forms of dates and JSON are known here."""
    doc_ids = selected_document_ids(session, sel)
    conditions = annotation_filter(session, sel)
    dialect = session.get_bind().dialect
    where = (
        str(and_(*conditions).compile(dialect=dialect, compile_kwargs={"literal_binds": True})) if conditions else "1"
    )
    people = dict(session.execute(select(AnnotatorRow.id, AnnotatorRow.name)).tuples().all())
    labels: dict[int | None, str | None] = {row_id: name for row_id, name, _ in label_rows(session)}
    labels[None] = None
    keep_people = annotator_ids(session, sel)
    connection = session.connection().connection.dbapi_connection
    for start in range(0, len(doc_ids), batch):
        ids = doc_ids[start : start + batch]
        docs = batch_documents(session, ids)
        uuid_of = {row_id: doc.uuid for row_id, doc in docs}
        keyed: dict[int, list[tuple[tuple[int, int, str, str], AnnotationRecord]]] = defaultdict(list)
        cursor = connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(_NATIVE_SQL.format(ids=",".join(str(i) for i in ids), conditions=where))
            records = _Records(people, labels, keyed)
            while rows := cursor.fetchmany(5000):
                records.add(rows)
            records.close()
        finally:
            cursor.close()
        for items in keyed.values():
            items.sort(key=by_key)
        annotation_uuid = records.uuids
        relations = batch_relations(session, annotation_uuid, uuid_of, people, ids)
        statuses = batch_statuses(session, ids, uuid_of, people, keep_people)
        yield [
            PreparedDocument(
                doc,
                [record for _, record in keyed.get(row_id, [])],
                relations.get(doc.uuid, []),
                statuses.get(doc.uuid, {}),
            )  # fmt: skip
            for row_id, doc in docs
        ]


class _Records:
    """Rows (one per fragment, an annotation's fragments in a row) to records keyed for reading order."""

    def __init__(self, people: dict, labels: dict, keyed: dict) -> None:
        self.people, self.labels, self.keyed = people, labels, keyed
        self.uuids: dict[int, str] = {}
        self.iso = _IsoTimes()
        self.current: Any = None
        self.spans: list[tuple[int, int]] = []

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        current, spans = self.current, self.spans
        for row in rows:
            if current is None or row[0] != current[0]:
                if current is not None:
                    self._emit(current, spans)
                current, spans = row, []
            if row[11] is not None:
                spans.append((row[11], row[12]))
        self.current, self.spans = current, spans

    def close(self) -> None:
        if self.current is not None:
            self._emit(self.current, self.spans)
            self.current = None

    def _emit(self, row: tuple[Any, ...], spans: list[tuple[int, int]]) -> None:
        row_id, doc_id, uuid, who, label_id, subtype_id, attributes, note, origin, created, modified = row[:11]
        label = self.labels[label_id]
        if row_id in self.uuids:  # more fragments of an annotation already emitted (SQLite does not do this)
            earlier = next(r for _, r in self.keyed[doc_id] if r.uuid == uuid)
            spans = [*earlier.spans, *spans]
            self.keyed[doc_id] = [item for item in self.keyed[doc_id] if item[1].uuid != uuid]
        self.uuids[row_id] = uuid
        if len(spans) > 1:
            spans.sort()
            key = (spans[0][0], -max(e for _, e in spans), label, uuid)
        else:
            key = (spans[0][0], -spans[0][1], label, uuid) if spans else (0, 0, label, uuid)
        record = AnnotationRecord(
            uuid, self.people[who], label, self.labels[subtype_id], spans,
            {} if attributes == "{}" or not attributes else orjson.loads(attributes), note, origin,
            self.iso(created), self.iso(modified),
        )  # fmt: skip
        self.keyed[doc_id].append((key, record))
