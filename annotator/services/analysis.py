"""Media-bias analysis of a project: spans per label in groups of documents (outlet, collection, author, month,
year, story, annotator or any metadata field), with bootstrap intervals, comparisons of two groups (independent
or paired within stories), attribute value distributions, who is quoted, and keyword-in-context rows.

The statistics are pure functions in annotator/review/ (analysis, significance, evidence); this module chooses
what to count and shapes the results. The project is read in one place, services/analysis_data.py: span counts
first, the spans themselves with them or when first needed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.core.errors import InputError
from annotator.core.model import AnnotatorKind, Document
from annotator.core.scheme import Scope
from annotator.review import analysis
from annotator.review.bootstrap import DEFAULT_SEED
from annotator.services import collections
from annotator.services.analysis_data import CODED, AnalysisData, Spans, load_data
from annotator.services.project import Project

__all__ = ["CODED", "AnalysisData", "load_data"]  # read here by the window and the benchmarks

GROUPINGS = ("outlet", "collection", "author", "month", "year", "story", "annotator")
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
    data: AnalysisData = field(repr=False)
    boilerplate: dict[str, list] = field(repr=False)

    @functools.cached_property
    def span_coding(self) -> np.ndarray:
        """Each span's coding (document, annotator); reads the spans if they are not read yet."""
        return self._codings(self.data.spans)

    @functools.cached_property
    def span_counted(self) -> np.ndarray:
        """False for spans left out as boilerplate."""
        return self._counted(self.data.spans)

    def codings(self, spans: Spans) -> np.ndarray:
        """span_coding for these spans (all of them, kept once worked out, or some)."""
        return self.span_coding if self.data.has_all(spans) else self._codings(spans)

    def counted(self, spans: Spans) -> np.ndarray:
        """span_counted for these spans (all of them, kept once worked out, or some)."""
        return self.span_counted if self.data.has_all(spans) else self._counted(spans)

    def _codings(self, spans: Spans) -> np.ndarray:
        width = max(len(self.data.annotators), 1)
        return _codings_of(width, self.coding_document, self.coding_annotator, spans.document, spans.annotator)

    def _counted(self, spans: Spans) -> np.ndarray:
        counted = np.ones(len(spans.document), dtype=bool)
        counted[_boilerplate_spans(self.data, self.boilerplate, spans)] = False
        return counted

    def entries(self, keys: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
        """The span counts as analysis.tabulate takes them for these keys: (coding, key arrays, weights)."""
        return _entries(self.data, self.boilerplate, self.coding_document, self.coding_annotator, keys)


def _codings_of(
    width: int, coding_document: np.ndarray, coding_annotator: np.ndarray, document: np.ndarray, annotator: np.ndarray
) -> np.ndarray:
    """The coding (index into the sorted (document, annotator) pairs) of each (document, annotator)."""
    keys = coding_document * width + coding_annotator  # sorted, as the pairs are
    return np.searchsorted(keys, document * width + annotator).astype(np.int64)


def tabulate(data: AnalysisData, by: str, keys: Sequence[str], boilerplate: dict[str, list]) -> Tabulated:
    """Units (document x group) with their words and spans of each key, from the span counts (the spans
    themselves are read only where boilerplate must be taken out of them)."""
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
    coding, key_arrays, weight = _entries(data, boilerplate, coding_document, coding_annotator, keys)
    units = analysis.tabulate(
        names, keys, member_group, member_coding, coding_document, words[coding_document], coding, key_arrays, weight
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
        data,
        boilerplate,
    )


def _entries(
    data: AnalysisData,
    boilerplate: dict[str, list],
    coding_document: np.ndarray,
    coding_annotator: np.ndarray,
    keys: Sequence[str],
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """(coding, [label key, label/sub-type key], weight) per entry of the span counts: what analysis.tabulate
    counts. Spans inside boilerplate are entries once more with weight -1, so they count not at all."""
    counts = data.counts
    coding_of = functools.partial(_codings_of, max(len(data.annotators), 1), coding_document, coding_annotator)
    coding = coding_of(counts.document, counts.annotator)
    label_key, sub_key = _span_keys(data.label_table, keys, counts.label_code, counts.subtype_code)
    weight = counts.n
    dropped = _boilerplate_spans(data, boilerplate)
    if len(dropped):
        spans = data.spans
        out_label, out_sub = _span_keys(data.label_table, keys, spans.label_code[dropped], spans.subtype_code[dropped])
        coding = np.concatenate([coding, coding_of(spans.document[dropped], spans.annotator[dropped])])
        label_key, sub_key = np.concatenate([label_key, out_label]), np.concatenate([sub_key, out_sub])
        weight = np.concatenate([weight, np.full(len(dropped), -1.0)])
    return coding, [label_key, sub_key], weight


def _span_keys(
    table: list[str | None], keys: Sequence[str], label_code: np.ndarray, subtype_code: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Key indices as a label and as label/sub-type (-1: not counted) of label codes, through the integer codes."""
    key_index = {k: i for i, k in enumerate(keys)}
    width = len(table)
    by_label = np.array([key_index.get(n, -1) if n is not None else -1 for n in table], dtype=np.int64)
    pairs, pair_of = np.unique(label_code * width + subtype_code, return_inverse=True)
    named = [(table[p // width], table[p % width]) for p in pairs.tolist()]
    by_pair = np.array([key_index.get(f"{lab}/{sub}", -1) if sub else -1 for lab, sub in named], dtype=np.int64)
    return by_label[label_code], by_pair[pair_of].reshape(-1)


def _boilerplate_spans(data: AnalysisData, boilerplate: dict[str, list], spans: Spans | None = None) -> np.ndarray:
    """Indices of the spans (data.spans unless given) lying wholly inside their document's boilerplate; data.spans
    are read only if some document has boilerplate."""
    marked = [(d, ranges) for d, doc in enumerate(data.documents) if (ranges := boilerplate.get(doc.uuid))]
    if not marked:
        return np.zeros(0, dtype=np.int64)
    spans = spans if spans is not None else data.spans
    order = np.argsort(spans.document, kind="stable")  # each document's spans in one slice
    bounds = np.searchsorted(spans.document[order], [d for d, _ in marked] + [d + 1 for d, _ in marked])
    found = []
    for (_, ranges), lo, hi in zip(marked, bounds[: len(marked)], bounds[len(marked) :], strict=True):
        rows = order[lo:hi]
        found.append(rows[analysis.in_ranges(spans.start[rows], spans.end[rows], ranges)])
    return np.sort(np.concatenate(found)).astype(np.int64)


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


def prepare(project: Project, options: AnalysisOptions, spans: bool = True) -> tuple[list[str], AnalysisData]:
    """The chosen layer's data, with the options checked first (so bad input never waits for a load); with
    spans=False the spans are read when first needed (rates and intervals need only their counts)."""
    if options.bootstrap < 0:
        raise InputError("--bootstrap takes a number of resamples, 0 or more")
    names = chosen_annotators(project, options)
    check_collection(project, options.collection)
    return names, load_data(project, names, options.collection, spans)


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
