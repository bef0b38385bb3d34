"""Reading a project for the analysis of outlets and stories: the one place that asks the store for it.

Rates and their intervals need only how many spans of each label each document has (per annotator), so those
come first and cheaply: as counts grouped in SQL (a few ten thousand rows for a million spans) or, when the
spans are read anyway, counted from them. The spans themselves (offsets, uuids, attributes, relations), which
the evidence views need (spans in context, same story, attribute values, who is quoted), are read with the
counts when the caller asks (`spans=True`: the command line, which reports sources), or on first use
otherwise (the window, whose first table and plot need only the counts).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.core.model import Document, Status
from annotator.services.project import Project
from annotator.store import annotators as stored_annotators
from annotator.store import collections as stored_collections
from annotator.store import documents, relations, scheme, selection, span_columns, statuses
from annotator.store.annotations import Where
from annotator.store.selection import Selection

CODED = (Status.IN_PROGRESS, Status.DONE)
BATCH = 500  # document row ids per IN (...) list
SOURCE = "source"  # the sub-type that marks a quoted source (see review/evidence.py)


@dataclass
class Spans:
    """The chosen layer's spans (document-level labels left out), one entry each, in the order stored."""

    document: np.ndarray  # document index into AnalysisData.documents
    annotator: np.ndarray  # index into AnalysisData.annotators
    start: np.ndarray
    end: np.ndarray
    label_code: np.ndarray  # index into AnalysisData.label_table
    subtype_code: np.ndarray  # ditto; the table's last entry is None (no sub-type)
    uuid: list[str]
    attributes: list[dict[str, Any]]
    fragments: dict[int, tuple[tuple[int, int], ...]]  # spans of several fragments: all of them
    relations: list[tuple[str, str, str]]  # (type, from uuid, to uuid)
    label: list[str | None]
    subtype: list[str | None]


@dataclass
class Counts:
    """Spans per (document, annotator, label, sub-type), as indices like those of Spans; n: how many."""

    document: np.ndarray
    annotator: np.ndarray
    label_code: np.ndarray
    subtype_code: np.ndarray
    n: np.ndarray


@dataclass
class AnalysisData:
    """What the analysis reads from a project: documents, who coded which, span counts, and the spans."""

    documents: list[Document]
    collections: dict[str, list[int]]  # every collection -> indices of its selected documents
    annotators: list[str]  # names the span and coding annotator indices refer to
    coded: set[tuple[int, int]]  # (document, annotator) pairs: the annotator annotated it or set in progress/done
    label_table: list[str | None]  # label row id -> name; the last entry None
    counts: Counts
    _spans: Spans | None = None
    _read_spans: Callable[[str], Spans] | None = field(default=None, repr=False)
    _notable: Spans | None = None
    _notable_only: str = ""  # the SQL condition that picks them
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def spans(self) -> Spans:
        """The spans, read on first use when they were not read with the counts (once, whichever thread asks)."""
        with self._lock:
            if self._spans is None:
                assert self._read_spans is not None
                self._spans = self._read_spans("")
            return self._spans

    @property
    def notable(self) -> Spans:
        """The spans that can say more than their label (attributes, sources, relation ends) and maybe others: all
        spans when they are read, else only those (attribute values and who is quoted need no more)."""
        with self._lock:
            if self._spans is not None:
                return self._spans
            if self._notable is None:
                assert self._read_spans is not None
                self._notable = self._read_spans(self._notable_only)
            return self._notable

    @property
    def spans_read(self) -> bool:
        return self._spans is not None

    def has_all(self, spans: Spans) -> bool:
        """Whether these are all the spans (not the notable ones alone)."""
        return spans is self._spans

    # the spans' columns by the names the evidence functions use
    span_document = property(lambda self: self.spans.document)
    span_annotator = property(lambda self: self.spans.annotator)
    span_start = property(lambda self: self.spans.start)
    span_end = property(lambda self: self.spans.end)
    span_label = property(lambda self: self.spans.label)
    span_subtype = property(lambda self: self.spans.subtype)
    span_uuid = property(lambda self: self.spans.uuid)
    span_attributes = property(lambda self: self.spans.attributes)
    span_fragments = property(lambda self: self.spans.fragments)
    relations = property(lambda self: self.spans.relations)

    def used_pairs(self) -> list[tuple[str, str | None]]:
        """The (label, sub-type) pairs the spans use."""
        width = len(self.label_table)
        found = np.unique(self.counts.label_code * width + self.counts.subtype_code)
        return [(self.label_table[k // width], self.label_table[k % width]) for k in found.tolist()]  # type: ignore[misc]

    def used_labels(self) -> set[str]:
        return {self.label_table[k] for k in np.unique(self.counts.label_code).tolist()}  # type: ignore[misc]


@dataclass
class _Frame:
    """How row ids map to the indices the analysis uses, fixed by the first read."""

    doc_ids: np.ndarray  # sorted document row ids; a document's index is its position
    person_index: np.ndarray  # annotator row id -> index into the chosen annotators, -1: not chosen
    label_table: list[str | None]

    def documents_of(self, row_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(index, known): each row id's document index, and whether it is a selected document at all."""
        ids = self.doc_ids
        at = np.searchsorted(ids, row_ids)
        if not len(ids):
            return at, np.zeros(len(row_ids), dtype=bool)
        return at, (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == row_ids)

    def annotators_of(self, row_ids: np.ndarray) -> np.ndarray:
        return self.person_index[row_ids] if len(row_ids) else row_ids

    def codes(self, subtype_ids: np.ndarray) -> np.ndarray:
        return np.where(subtype_ids >= 0, subtype_ids, len(self.label_table) - 1)


def _read_spans(
    session: Any, where: Where, frame: _Frame, doc_ids: list[int], only: str = ""
) -> tuple[Spans, np.ndarray]:
    """The spans (those passing the SQL condition only, if given), and (document, annotator) index pairs of every
    annotation read (document-level ones too)."""
    columns = span_columns.read(session, where, only)
    links = [
        (r.type, r.source, r.target)
        for start in range(0, len(doc_ids), BATCH)
        for found in relations.of_documents(session, doc_ids[start : start + BATCH], where).values()
        for r in found
    ]
    doc_of, known = frame.documents_of(columns.document)
    who = frame.annotators_of(columns.annotator)
    by_anyone = known & (who >= 0)
    spans = np.flatnonzero(by_anyone & (columns.start >= 0))  # document-level labels: coded, not counted
    position = {int(k): n for n, k in enumerate(spans.tolist())} if columns.fragments else {}
    picked = spans.tolist()
    every = len(picked) == len(columns.uuid)
    table = np.array(frame.label_table, dtype=object)
    label_code, subtype_code = columns.label[spans], frame.codes(columns.subtype[spans])
    found = Spans(
        doc_of[spans],
        who[spans],
        columns.start[spans],
        columns.end[spans],
        label_code,
        subtype_code,
        columns.uuid if every else [columns.uuid[k] for k in picked],
        columns.attributes if every else [columns.attributes[k] for k in picked],
        {position[k]: f for k, f in columns.fragments.items() if k in position},
        links,
        table[label_code].tolist(),
        table[subtype_code].tolist(),
    )
    return found, np.stack([doc_of[by_anyone], who[by_anyone]], axis=1)


def _counted(spans: Spans, width: int) -> Counts:
    """Counts from spans already read: the same as the SQL grouping gives."""
    n_labels, people = width, int(spans.annotator.max(initial=0)) + 1
    key = ((spans.document * people + spans.annotator) * n_labels + spans.label_code) * n_labels + spans.subtype_code
    unique, n = np.unique(key, return_counts=True)
    sub, rest = unique % n_labels, unique // n_labels
    label, rest = rest % n_labels, rest // n_labels
    return Counts(rest // people, rest % people, label, sub, n.astype(np.float64))


def _grouped(session: Any, where: Where, frame: _Frame) -> tuple[Counts, np.ndarray]:
    """Counts grouped in SQL, and the (document, annotator) index pairs that have any annotation."""
    rows = span_columns.counts(session, where)
    doc_of, known = frame.documents_of(rows.document)
    who = frame.annotators_of(rows.annotator)
    kept = known & (who >= 0)
    spans = kept & rows.anchored
    counts = Counts(
        doc_of[spans],
        who[spans],
        rows.label[spans],
        frame.codes(rows.subtype[spans]),
        rows.n[spans].astype(np.float64),
    )
    return counts, np.stack([doc_of[kept], who[kept]], axis=1)


def load_data(project: Project, annotators: list[str], collection: str | None, spans: bool = True) -> AnalysisData:
    """The documents (of the collection, or all), who coded them, and the chosen annotators' span counts; the
    spans themselves too with spans=True, else on first use (read then in a transaction of their own)."""
    with project.transaction() as session:
        chosen = Selection(collections=[collection] if collection else None, annotators=annotators)
        doc_ids = selection.document_ids(session, chosen)
        people = selection.annotator_ids(session, chosen) or []
        docs = [
            doc
            for start in range(0, len(doc_ids), BATCH)
            for _, doc in documents.batch(session, doc_ids[start : start + BATCH])
        ]
        where = Where(documents=doc_ids if collection else None, annotators=people)
        label_names = scheme.label_names(session)
        person = stored_annotators.names(session)
        who_index = {name: k for k, name in enumerate(annotators)}
        person_index = np.full(max(person, default=0) + 1, -1, dtype=np.int64)
        for row_id, name in person.items():
            person_index[row_id] = who_index.get(name, -1)
        table: list[str | None] = [None] * (max(label_names, default=0) + 2)  # the last: None (no sub-type)
        for row_id, name in label_names.items():
            table[row_id] = name
        frame = _Frame(np.asarray(doc_ids, dtype=np.int64), person_index, table)
        read: Spans | None = None
        if spans:
            read, pairs = _read_spans(session, where, frame, doc_ids)
            counts = _counted(read, len(table))
        else:
            counts, pairs = _grouped(session, where, frame)
        states = {
            k: v
            for start in range(0, len(doc_ids), BATCH)
            for k, v in statuses.of_documents(session, doc_ids[start : start + BATCH], people).items()
        }
        member_of = stored_collections.by_document(session)
        members: dict[str, list[int]] = {name: [] for name in stored_collections.names(session)}
    width = max(len(annotators), 1)
    keys = np.unique(pairs[:, 0] * width + pairs[:, 1])  # one per (document, annotator)
    coded = set(zip((keys // width).tolist(), (keys % width).tolist(), strict=True))
    for d, row_id in enumerate(doc_ids):
        coded.update(
            (d, who_index[name])
            for name, state in states.get(row_id, {}).items()
            if state in CODED and name in who_index
        )
        for name in member_of.get(row_id, ()):
            members.setdefault(name, []).append(d)

    def later(only: str) -> Spans:
        with project.transaction() as session:
            return _read_spans(session, where, frame, doc_ids, only)[0]

    sources = [row_id for row_id, name in label_names.items() if name == SOURCE]
    notable = span_columns.notable(sources)
    return AnalysisData(docs, members, list(annotators), coded, table, counts, read, later, _notable_only=notable)
