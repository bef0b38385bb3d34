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
    """One query: an annotation's rows (one per fragment) come one after another, in the order stored."""
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(
            "SELECT a.id, a.document_id, a.annotator_id, a.label_id, COALESCE(a.subtype_id, -1), a.uuid, a.attributes,"
            ' COALESCE(f.start, -1), COALESCE(f."end", -1) FROM annotations a LEFT JOIN fragments f ON f.annotation_id'
            f" = a.id WHERE {where.sql()} ORDER BY a.id, f.start"
        )
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return SpanColumns(empty, empty, empty, empty, empty, empty, [], [], {})
    ids, documents, people, labels, subtypes, uuids, attributes, starts, ends = zip(*rows, strict=True)
    owner = np.array(ids, dtype=np.int64)
    first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])  # each annotation's first row
    count = np.diff(np.r_[first, len(owner)])
    start_of, end_of = np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)
    fragments: dict[int, tuple[tuple[int, int], ...]] = {}
    for k in np.flatnonzero(count > 1).tolist():
        lo, hi = int(first[k]), int(first[k] + count[k])
        fragments[k] = tuple(zip(start_of[lo:hi].tolist(), end_of[lo:hi].tolist(), strict=True))
    picked = first.tolist()
    loads = orjson.loads
    decoded = [
        {} if a in (None, "{}") else loads(a) if isinstance(a, str) else dict(a)
        for a in (attributes[k] for k in picked)
    ]
    return SpanColumns(
        np.array(documents, dtype=np.int64)[first],
        np.array(people, dtype=np.int64)[first],
        np.array(labels, dtype=np.int64)[first],
        np.array(subtypes, dtype=np.int64)[first],
        start_of[first],
        np.maximum.reduceat(end_of, first),
        [uuids[k] for k in picked] if len(picked) != len(uuids) else list(uuids),
        decoded,
        fragments,
    )
