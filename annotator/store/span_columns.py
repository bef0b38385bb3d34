"""Annotations as columns, for statistics over a whole project: one read of the annotation rows and one of their
fragments, turned into numpy arrays (no annotation objects: a million spans in about the time SQLite takes to
hand the rows over). The analysis of outlets and stories reads through here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
from sqlalchemy.orm import Session

from annotator.store.annotations import Where


@dataclass
class SpanColumns:
    """One entry per annotation, in the order they were stored. Document-level annotations have no fragments:
    start and end are -1 there."""

    document: np.ndarray  # document row ids
    annotator: np.ndarray  # annotator row ids
    label: np.ndarray  # label row ids
    subtype: np.ndarray  # sub-type row ids, -1 for none
    start: np.ndarray  # first start
    end: np.ndarray  # last end
    uuid: list[str]
    attributes: list[dict[str, Any]]
    fragments: dict[int, tuple[tuple[int, int], ...]]  # entries of several fragments: all of them


def read(session: Session, where: Where) -> SpanColumns:
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(
            "SELECT a.id, a.document_id, a.annotator_id, a.label_id, COALESCE(a.subtype_id, -1), a.uuid, a.attributes "
            f"FROM annotations a WHERE {where.sql()} ORDER BY a.id"
        )
        rows = cursor.fetchall()
        cursor.execute(
            'SELECT f.annotation_id, f.start, f."end" FROM fragments f JOIN annotations a ON a.id = f.annotation_id '
            f"WHERE {where.sql()} ORDER BY f.annotation_id, f.start"
        )
        parts = cursor.fetchall()
    finally:
        cursor.close()
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return SpanColumns(empty, empty, empty, empty, empty, empty, [], [], {})
    ids, documents, people, labels, subtypes, uuids, attributes = zip(*rows, strict=True)
    order = np.array(ids, dtype=np.int64)
    start = np.full(len(order), -1, dtype=np.int64)
    end = np.full(len(order), -1, dtype=np.int64)
    fragments: dict[int, tuple[tuple[int, int], ...]] = {}
    if parts:
        owner, starts, ends = (np.array(column, dtype=np.int64) for column in zip(*parts, strict=True))
        owners, first, count = np.unique(owner, return_index=True, return_counts=True)
        at = np.searchsorted(order, owners)
        start[at] = starts[first]
        end[at] = np.maximum.reduceat(ends, first)
        for k in np.flatnonzero(count > 1).tolist():
            lo = int(first[k])
            fragments[int(at[k])] = tuple(
                zip(starts[lo : lo + count[k]].tolist(), ends[lo : lo + count[k]].tolist(), strict=True)
            )
    loads = orjson.loads
    decoded = [{} if a in (None, "{}") else loads(a) if isinstance(a, str) else dict(a) for a in attributes]
    return SpanColumns(
        np.array(documents, dtype=np.int64),
        np.array(people, dtype=np.int64),
        np.array(labels, dtype=np.int64),
        np.array(subtypes, dtype=np.int64),
        start,
        end,
        list(uuids),
        decoded,
        fragments,
    )
