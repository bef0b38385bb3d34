"""Media-bias analysis of a project: spans per label in groups of documents (outlet, collection, author, month,
year, story, annotator or any metadata field), with bootstrap intervals, comparisons of two groups (independent
or paired within stories), attribute value distributions, who is quoted, and keyword-in-context rows.

The statistics are pure functions in annotator/review/ (analysis, significance, evidence); this module chooses
what to count, reads the project in ONE function (`load_data`, marked below), and shapes the results.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.core.errors import InputError
from annotator.core.model import AnnotatorKind, Document, Status
from annotator.core.scheme import Scope
from annotator.review import analysis
from annotator.review.bootstrap import DEFAULT_SEED
from annotator.services import collections
from annotator.services.project import Project
from annotator.store import annotators as stored_annotators
from annotator.store import collections as stored_collections
from annotator.store import documents, relations, scheme, selection, span_columns, statuses
from annotator.store.annotations import Where
from annotator.store.selection import Selection

GROUPINGS = ("outlet", "collection", "author", "month", "year", "story", "annotator")
CODED = (Status.IN_PROGRESS, Status.DONE)
STORY = "story"  # the metadata field that says which story a document covers


@dataclass
class AnalysisOptions:
    by: str = "outlet"  # one of GROUPINGS or a metadata field (dotted for nested ones: basil.source)
    annotators: list[str] | None = None  # None: every person (the gold layer with gold=True)
    gold: bool = False
    collection: str | None = None  # only the documents of this collection
    labels: list[str] | None = None  # None: every span label of the scheme
    subtypes: bool = False
    bootstrap: int = 1000
    seed: int = DEFAULT_SEED
    boilerplate: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # document uuid -> ranges left out


# ======== reading the project: the one function to re-point after the storage redesign ========================


@dataclass
class AnalysisData:
    """What the analysis reads from a project: documents, and the chosen layer's spans as columns."""

    documents: list[Document]
    collections: dict[str, list[int]]  # every collection -> indices of its selected documents
    annotators: list[str]  # names the span and coding annotator indices refer to
    coded: set[tuple[int, int]]  # (document, annotator) pairs: the annotator annotated it or set in progress/done
    span_document: np.ndarray
    span_annotator: np.ndarray
    span_start: np.ndarray
    span_end: np.ndarray
    span_label: list[str]
    span_subtype: list[str | None]
    span_uuid: list[str]
    span_attributes: list[dict[str, Any]]
    span_fragments: dict[int, tuple[tuple[int, int], ...]]  # spans of several fragments: all of them
    relations: list[tuple[str, str, str]]  # (type, from uuid, to uuid)
    # the labels again as integer codes into label_table (span_label[s] == label_table[span_label_code[s]]), so
    # that grouping a million spans by label is integer work, not string comparisons
    span_label_code: np.ndarray
    span_subtype_code: np.ndarray
    label_table: list[str | None]

    def used_pairs(self) -> list[tuple[str, str | None]]:
        """The (label, sub-type) pairs the spans use."""
        width = len(self.label_table)
        found = np.unique(self.span_label_code * width + self.span_subtype_code)
        return [(self.label_table[k // width], self.label_table[k % width]) for k in found.tolist()]  # type: ignore[misc]

    def used_labels(self) -> set[str]:
        return {self.label_table[k] for k in np.unique(self.span_label_code).tolist()}  # type: ignore[misc]


def load_data(project: Project, annotators: list[str], collection: str | None) -> AnalysisData:
    """The documents (of the collection, or all) and the chosen annotators' spans as columns: one read of the
    annotation rows and one of their fragments (store/span_columns.py), no annotation objects."""
    with project.transaction() as session:
        chosen = Selection(collections=[collection] if collection else None, annotators=annotators)
        doc_ids = selection.document_ids(session, chosen)
        people = selection.annotator_ids(session, chosen) or []
        docs = [
            doc
            for start in range(0, len(doc_ids), 500)
            for _, doc in documents.batch(session, doc_ids[start : start + 500])
        ]
        where = Where(documents=doc_ids if collection else None, annotators=people)
        columns = span_columns.read(session, where)
        label_names = scheme.label_names(session)
        person = stored_annotators.names(session)
        states = {
            k: v
            for start in range(0, len(doc_ids), 500)
            for k, v in statuses.of_documents(session, doc_ids[start : start + 500], people).items()
        }
        links = [
            (r.type, r.source, r.target)
            for start in range(0, len(doc_ids), 500)
            for found in relations.of_documents(session, doc_ids[start : start + 500], where).values()
            for r in found
        ]
        member_of = stored_collections.by_document(session)
        members: dict[str, list[int]] = {name: [] for name in stored_collections.names(session)}
    ids = np.asarray(doc_ids, dtype=np.int64)
    who_index = {name: k for k, name in enumerate(annotators)}
    person_index = np.full(max(person, default=0) + 1, -1, dtype=np.int64)
    for row_id, name in person.items():
        person_index[row_id] = who_index.get(name, -1)
    doc_of = np.searchsorted(ids, columns.document)  # ids are sorted: the documents in the order added
    known = (
        (doc_of < len(ids)) & (ids[np.minimum(doc_of, len(ids) - 1)] == columns.document) if len(ids) else doc_of < 0
    )
    who = person_index[columns.annotator] if len(columns.annotator) else columns.annotator
    by_anyone = known & (who >= 0)
    pairs = np.unique(doc_of[by_anyone] * max(len(annotators), 1) + who[by_anyone])  # one per (document, annotator)
    coded = set(
        zip((pairs // max(len(annotators), 1)).tolist(), (pairs % max(len(annotators), 1)).tolist(), strict=True)
    )
    for d, row_id in enumerate(doc_ids):
        coded.update(
            (d, who_index[name])
            for name, state in states.get(row_id, {}).items()
            if state in CODED and name in who_index
        )
    spans = np.flatnonzero(known & (columns.start >= 0) & (who >= 0))  # document-level labels: coded, not counted
    position = {int(k): n for n, k in enumerate(spans.tolist())} if columns.fragments else {}
    at = {k: position[k] for k in columns.fragments if k in position}
    for d, row_id in enumerate(doc_ids):
        for name in member_of.get(row_id, ()):
            members.setdefault(name, []).append(d)
    picked = spans.tolist()
    names = np.empty(max(label_names, default=0) + 2, dtype=object)  # label row id -> name; the last: None
    for row_id, name in label_names.items():
        names[row_id] = name
    subtype_ids = np.where(columns.subtype[spans] >= 0, columns.subtype[spans], len(names) - 1)
    return AnalysisData(
        docs,
        members,
        list(annotators),
        coded,
        doc_of[spans],
        who[spans],
        columns.start[spans],
        columns.end[spans],
        names[columns.label[spans]].tolist(),
        names[subtype_ids].tolist(),
        [columns.uuid[k] for k in picked] if len(picked) != len(columns.uuid) else columns.uuid,
        [columns.attributes[k] for k in picked] if len(picked) != len(columns.uuid) else columns.attributes,
        {at[k]: columns.fragments[k] for k in at},
        links,
        columns.label[spans],
        subtype_ids,
        names.tolist(),
    )


# ==============================================================================================================


def chosen_annotators(project: Project, options: AnalysisOptions) -> list[str]:
    """The layer analysed: the named annotators, the gold layer, or every person; unknown names listed."""
    people = project.annotators()
    if options.annotators:
        known = [a.name for a in people]
        for name in options.annotators:
            if name not in known:
                raise InputError(f"no annotator named '{name}'; the project has {', '.join(known) or 'none yet'}")
        return list(dict.fromkeys(options.annotators))
    kind = AnnotatorKind.GOLD if options.gold else AnnotatorKind.PERSON
    found = [a.name for a in people if a.kind is kind]
    if options.gold and not found:
        raise InputError("the project has no gold layer yet (see 'annotator adjudicate')")
    return found


def check_collection(project: Project, name: str | None) -> None:
    if name is None:
        return
    known = [c.name for c in collections.list_collections(project)]
    if name not in known:
        raise InputError(f"no collection named '{name}'; the project has {', '.join(known) or 'none'}")


def label_keys(project: Project, data: AnalysisData, labels: list[str] | None, subtypes: bool) -> list[str]:
    """The keys counted: each label, and with sub-types each label/sub-type (the scheme's and those used)."""
    scheme = project.scheme
    span_labels = [lab.name for lab in scheme.top_labels(Scope.SPAN)]
    pairs = data.used_pairs()
    used = {lab for lab, _ in pairs}
    if labels is None:
        labels = span_labels + sorted(used - set(span_labels) - {lab.name for lab in scheme.top_labels()})
    for name in labels:
        if name not in span_labels and name not in used:
            doc_level = [lab.name for lab in scheme.top_labels(Scope.DOCUMENT)]
            why = " is a document-level label (rates count spans)" if name in doc_level else ""
            raise InputError(f"'{name}'{why or ' is not a label'}; the span labels are {', '.join(span_labels)}")
    keys = []
    for name in labels:
        keys.append(name)
        if subtypes:
            seen = {s for lab, s in pairs if lab == name and s}
            listed = [s.name for s in scheme.subtypes(name)] if scheme.has_label(name) else []
            keys += [f"{name}/{s}" for s in listed + sorted(seen - set(listed))]
    return keys


_MONTH = re.compile(r"^(\d{4})-(\d{2})")


def _field(doc: Document, by: str) -> str:
    if by in ("outlet", "author"):
        return getattr(doc, by).strip() or f"(no {by})"
    if by in ("month", "year"):
        found = _MONTH.match(doc.published.strip()) or re.match(r"^(\d{4})", doc.published.strip())
        if not found:
            return "(no date)"
        return found.group(0)[:7] if by == "month" and found.re is _MONTH else found.group(1)
    value: Any = doc.metadata
    for part in by.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return "" if value is None or value == "" else str(value)


def metadata_fields(documents: Sequence[Document]) -> list[str]:
    """Metadata fields (one level of nesting, dotted) that documents have: what --by can take beyond GROUPINGS."""
    found: set[str] = set()
    for doc in documents:
        for key, value in doc.metadata.items():
            found.add(key)
            if isinstance(value, dict):
                found.update(f"{key}.{inner}" for inner in value)
    return sorted(found)


def document_groups(data: AnalysisData, by: str) -> list[list[str]]:
    """Each document's group names (several for collections, none for annotator: that is per coding)."""
    if by == "collection":
        groups: list[list[str]] = [[] for _ in data.documents]
        for name, members in data.collections.items():
            for d in members:
                groups[d].append(name)
        return [g or ["(no collection)"] for g in groups]
    if by in ("outlet", "author", "month", "year"):
        return [[_field(doc, by)] for doc in data.documents]
    if by == "annotator":
        return [[] for _ in data.documents]
    values = [_field(doc, by) for doc in data.documents]
    if data.documents and not any(values):
        fields = ", ".join([*GROUPINGS, *metadata_fields(data.documents)])
        raise InputError(f"no document has a field '{by}'; --by takes {fields}")
    return [[v or f"(no {by})"] for v in values]


def _sorted_groups(names: set[str]) -> list[str]:
    return sorted(names, key=lambda n: (n.startswith("(no "), n.casefold()))


@dataclass
class Tabulated:
    units: analysis.Units
    words: np.ndarray  # per document, article words (boilerplate left out)
    coding_document: np.ndarray
    coding_annotator: np.ndarray
    groups_of_document: list[list[str]]
    uncoded: int  # selected documents that no chosen annotator coded
    member_group: np.ndarray  # group memberships of codings, as analysis.tabulate takes them
    member_coding: np.ndarray
    span_coding: np.ndarray  # each span's coding (document, annotator)
    span_counted: np.ndarray  # False for spans left out as boilerplate


def tabulate(data: AnalysisData, by: str, keys: Sequence[str], boilerplate: dict[str, list]) -> Tabulated:
    """Units (document x group) with their words and spans of each key."""
    words = np.array([analysis.count_words(d.text, boilerplate.get(d.uuid, ())) for d in data.documents], float)
    pairs = np.array(sorted(data.coded), dtype=np.int64).reshape(-1, 2)
    coding_document, coding_annotator = pairs[:, 0], pairs[:, 1]
    doc_groups = document_groups(data, by)
    if by == "annotator":
        names = _sorted_groups({data.annotators[a] for a in coding_annotator})
        where = {n: g for g, n in enumerate(names)}
        member_group = np.array([where[data.annotators[a]] for a in coding_annotator], dtype=np.int64)
        member_coding = np.arange(len(pairs))
    else:
        every = set(data.collections) if by == "collection" else set()  # an empty collection is shown as empty
        names = _sorted_groups({g for gs in doc_groups for g in gs} | every)
        where = {n: g for g, n in enumerate(names)}
        links = np.array(
            [(where[g], c) for c, d in enumerate(coding_document.tolist()) for g in doc_groups[d]], dtype=np.int64
        ).reshape(-1, 2)
        member_group, member_coding = links[:, 0], links[:, 1]
    width = max(len(data.annotators), 1)
    coding_keys = pairs[:, 0] * width + pairs[:, 1]  # sorted, as pairs are
    span_coding = np.searchsorted(coding_keys, data.span_document * width + data.span_annotator).astype(np.int64)
    label_key, sub_key = _span_keys(data, keys)
    dropped = _in_boilerplate(data, boilerplate)
    label_key[dropped], sub_key[dropped] = -1, -1
    units = analysis.tabulate(
        names,
        keys,
        member_group,
        member_coding,
        coding_document,
        words[coding_document],
        span_coding,
        [label_key, sub_key],
    )
    uncoded = len(data.documents) - len(set(coding_document.tolist()))
    return Tabulated(
        units,
        words,
        coding_document,
        coding_annotator,
        doc_groups,
        uncoded,
        member_group,
        member_coding,
        span_coding,
        ~dropped,
    )


def _span_keys(data: AnalysisData, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each span's key index as a label and as label/sub-type (-1: not counted), through the integer codes."""
    key_index = {k: i for i, k in enumerate(keys)}
    table = data.label_table
    width = len(table)
    label_key = np.array([key_index.get(n, -1) if n is not None else -1 for n in table], dtype=np.int64)
    pairs, pair_of = np.unique(data.span_label_code * width + data.span_subtype_code, return_inverse=True)
    named = [(table[p // width], table[p % width]) for p in pairs.tolist()]
    sub_key = np.array([key_index.get(f"{lab}/{sub}", -1) if sub else -1 for lab, sub in named], dtype=np.int64)
    return label_key[data.span_label_code], sub_key[pair_of].reshape(-1)


def _in_boilerplate(data: AnalysisData, boilerplate: dict[str, list]) -> np.ndarray:
    dropped = np.zeros(len(data.span_document), dtype=bool)
    for d, doc in enumerate(data.documents):
        ranges = boilerplate.get(doc.uuid)
        if ranges:
            rows = np.flatnonzero(data.span_document == d)
            dropped[rows] = analysis.in_ranges(data.span_start[rows], data.span_end[rows], ranges)
    return dropped


@dataclass
class Analysis:
    """What `run` found: the per-group figures and everything needed to compare groups or show evidence."""

    options: AnalysisOptions
    annotators: list[str]
    keys: list[str]
    data: AnalysisData
    table: Tabulated
    stats: list[analysis.GroupStats]
    notes: list[str] = field(default_factory=list)

    @property
    def groups(self) -> list[str]:
        return list(self.table.units.groups)

    def group(self, name: str) -> analysis.GroupStats:
        self.check_group(name)
        return self.stats[self.groups.index(name)]

    def check_group(self, name: str) -> None:
        if name not in self.groups:
            shown = ", ".join(self.groups[:40]) + (", ..." if len(self.groups) > 40 else "")
            raise InputError(f"no {self.options.by} '{name}' among the groups; they are: {shown or 'none'}")


def prepare(project: Project, options: AnalysisOptions) -> tuple[list[str], AnalysisData]:
    """The chosen layer's data, with the options checked first (so bad input never waits for a load)."""
    if options.bootstrap < 0:
        raise InputError("--bootstrap takes a number of resamples, 0 or more")
    names = chosen_annotators(project, options)
    check_collection(project, options.collection)
    return names, load_data(project, names, options.collection)


def run(project: Project, options: AnalysisOptions, loaded: tuple[list[str], AnalysisData] | None = None) -> Analysis:
    """Group statistics for the options; pass `loaded` (from prepare) to analyse data already read again."""
    names, data = loaded or prepare(project, options)
    keys = label_keys(project, data, options.labels, options.subtypes)
    marked = {d.uuid: list(d.boilerplate) for d in data.documents if d.boilerplate}
    table = tabulate(data, options.by, keys, {**marked, **options.boilerplate})
    stats = analysis.group_statistics(table.units, options.bootstrap, options.seed)
    result = Analysis(options, names, keys, data, table, stats)
    if table.uncoded:
        result.notes.append(f"{table.uncoded} documents were not coded by the chosen annotators and are left out")
    empty = [s.name for s in stats if s.empty]
    if empty:
        result.notes.append(f"no words, so no rates: {', '.join(empty)}")
    small = [s.name for s in stats if s.small and not s.empty]
    if small and options.bootstrap:
        result.notes.append(f"intervals on fewer than {analysis.MIN_DOCUMENTS} documents: {', '.join(small)}")
    return result


def _number(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def to_json(result: Analysis) -> dict[str, Any]:
    """{"groups": {NAME: {"documents", "words", "labels": {KEY: {"spans", "documents_with", "per_1000_words",
    "ci": {"low", "high"}}}}}, ...}; an empty group's rates and intervals are null, as are intervals without
    resamples; groups whose interval rests on fewer than 5 documents are listed under "small_groups"."""
    groups = {}
    for stats in result.stats:
        labels = {}
        for k, key in enumerate(result.keys):
            low, high = _number(stats.ci_low[k]), _number(stats.ci_high[k])
            labels[key] = {
                "spans": int(stats.spans[k]),
                "documents_with": int(stats.documents_with[k]),
                "per_1000_words": None if stats.empty else float(stats.rate[k]),
                "ci": None if low is None or high is None else {"low": low, "high": high},
            }
        groups[stats.name] = {"documents": stats.documents, "words": int(stats.words), "labels": labels}
    options = result.options
    return {
        "groups": groups,
        "by": options.by,
        "annotators": result.annotators,
        "collection": options.collection,
        "keys": result.keys,
        "bootstrap": {"resamples": options.bootstrap, "seed": options.seed, "level": analysis.LEVEL},
        "empty_groups": [s.name for s in result.stats if s.empty],
        "small_groups": [s.name for s in result.stats if s.small and not s.empty],
        "notes": result.notes,
    }
