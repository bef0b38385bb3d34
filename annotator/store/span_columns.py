"""Annotations as columns, for statistics over a whole project: the annotation rows joined with their fragments,
turned into numpy arrays (no annotation objects: a million spans in about the time SQLite takes to hand the rows
over). The analysis of outlets and stories reads through here.

Three plain queries in the caller's transaction rather than one wide one: the integer columns go straight into
one numpy array (no per-column tuples), the uuids come as one list, and attributes are read only where an
annotation has any (most have none, and decoding a million empty JSON objects costs more than the whole read).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
from sqlalchemy.orm import Session

from annotator.store.annotations import Where

_INTS = 7  # a.id, document, annotator, label, sub-type, start, end


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


def _fetch(session: Session, sql: str) -> list[tuple[Any, ...]]:
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def notable(subtypes: Sequence[int]) -> str:
    """SQL for the annotations that can say something beyond their label: those with attributes, of the given
    sub-types, or at either end of a relation (a superset: an attribute stored as null passes too)."""
    kinds = f" OR a.subtype_id IN ({','.join(str(int(k)) for k in subtypes)})" if subtypes else ""
    return (
        f"(CAST(a.attributes AS TEXT) <> '{{}}'{kinds} OR a.id IN (SELECT r.source_id FROM relations r)"
        " OR a.id IN (SELECT r.target_id FROM relations r))"
    )


def read(session: Session, where: Where, only: str = "") -> SpanColumns:
    """An annotation's rows (one per fragment) come one after another, annotations in the order stored. only: a
    further condition on the annotations (`notable`)."""
    condition = f"{where.sql()} AND {only}" if only else where.sql()
    rows = _fetch(
        session,
        "SELECT a.id, a.document_id, a.annotator_id, a.label_id, COALESCE(a.subtype_id, -1), COALESCE(f.start, -1),"
        ' COALESCE(f."end", -1) FROM annotations a LEFT JOIN fragments f ON f.annotation_id = a.id'
        f" WHERE {condition} ORDER BY a.id",
    )
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return SpanColumns(empty, empty, empty, empty, empty, empty, [], [], {})
    flat = itertools.chain.from_iterable(rows)
    table = np.fromiter(flat, dtype=np.int64, count=_INTS * len(rows)).reshape(len(rows), _INTS)
    del rows
    owner = table[:, 0]
    same = owner[1:] == owner[:-1]
    if (same & (table[1:, 5] < table[:-1, 5])).any():  # an annotation's fragments by start (SQL left them by row)
        table = table[np.lexsort((table[:, 5], owner))]
        owner = table[:, 0]
        same = owner[1:] == owner[:-1]
    first = np.flatnonzero(np.r_[True, ~same])  # each annotation's first row
    count = np.diff(np.r_[first, len(owner)])
    start_of, end_of = table[:, 5], table[:, 6]
    fragments: dict[int, tuple[tuple[int, int], ...]] = {}
    for k in np.flatnonzero(count > 1).tolist():
        lo, hi = int(first[k]), int(first[k] + count[k])
        fragments[k] = tuple(zip(start_of[lo:hi].tolist(), end_of[lo:hi].tolist(), strict=True))
    ids = owner[first]
    uuids = [u for (u,) in _fetch(session, f"SELECT a.uuid FROM annotations a WHERE {condition} ORDER BY a.id")]
    if len(uuids) != len(ids):
        raise RuntimeError("the annotations changed between two reads of one transaction")
    return SpanColumns(
        table[first, 1],
        table[first, 2],
        table[first, 3],
        table[first, 4],
        start_of[first].copy(),
        np.maximum.reduceat(end_of, first),
        uuids,
        _attributes(session, condition, ids),
        fragments,
    )


def _attributes(session: Session, condition: str, ids: np.ndarray) -> list[dict[str, Any]]:
    """Each annotation's attributes ({} for most), reading and decoding only the non-empty ones."""
    out: list[dict[str, Any]] = [{} for _ in range(len(ids))]
    found = _fetch(
        session,
        f"SELECT a.id, a.attributes FROM annotations a WHERE {condition}"
        " AND CAST(a.attributes AS TEXT) <> '{}' ORDER BY a.id",
    )
    if found:
        at = np.searchsorted(ids, np.fromiter((i for i, _ in found), dtype=np.int64, count=len(found)))
        for k, (_, value) in zip(at.tolist(), found, strict=True):
            out[k] = {} if value in (None, "{}") else orjson.loads(value) if isinstance(value, str) else dict(value)
    return out


@dataclass
class SpanCounts:
    """Annotations counted per (document, annotator, label, sub-type, whether it has fragments): one entry each."""

    document: np.ndarray
    annotator: np.ndarray
    label: np.ndarray
    subtype: np.ndarray  # -1 for none
    anchored: np.ndarray  # bool: spans (with fragments), not document-level labels
    n: np.ndarray


def counts(session: Session, where: Where) -> SpanCounts:
    """The grouping done by the database: tens of thousands of rows handed over instead of a million. Two plain
    groupings (every annotation; those without fragments) cost less than asking each annotation for fragments."""
    select = "SELECT a.document_id, a.annotator_id, a.label_id, COALESCE(a.subtype_id, -1), COUNT(*) FROM annotations a"
    every = _table(_fetch(session, f"{select} WHERE {where.sql()} GROUP BY 1, 2, 3, 4"))
    bare = _table(
        _fetch(
            session,
            f"{select} WHERE {where.sql()} AND NOT EXISTS (SELECT 1 FROM fragments f WHERE f.annotation_id = a.id)"
            " GROUP BY 1, 2, 3, 4",
        )
    )
    both = np.concatenate([every, bare])
    keys, inverse = np.unique(both[:, :4], axis=0, return_inverse=True)
    signed = np.concatenate([every[:, 4], -bare[:, 4]])
    spans = np.bincount(inverse.reshape(-1), weights=signed, minlength=len(keys)).astype(np.int64)
    kept = spans > 0
    table = np.concatenate([keys[kept], bare[:, :4]])
    n = np.concatenate([spans[kept], bare[:, 4]])
    anchored = np.r_[np.ones(int(kept.sum()), dtype=bool), np.zeros(len(bare), dtype=bool)]
    return SpanCounts(table[:, 0], table[:, 1], table[:, 2], table[:, 3], anchored, n)


def _table(rows: list[tuple[Any, ...]], width: int = 5) -> np.ndarray:
    return np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=width * len(rows)).reshape(-1, width)
