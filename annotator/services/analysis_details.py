"""Beyond the rates: comparing two groups, attribute value distributions, who is quoted, and keyword in
context, all from an `analysis.Analysis` already computed. The spans themselves are read on first use if the
analysis read only their counts; attribute values and who is quoted read only the spans that can tell them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from annotator.core.errors import InputError
from annotator.core.model import Document
from annotator.core.scheme import AttributeKind, Scheme
from annotator.review import analysis as stats
from annotator.review import analysis_report, evidence, significance
from annotator.services.analysis import STORY, Analysis, _field, to_json
from annotator.services.analysis_data import SOURCE, Spans

MAX_TEXT_VALUES = 12  # a text attribute with at most this many distinct values is read as a category


def _number(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def _ci(low: float, high: float) -> dict[str, float] | None:
    low_, high_ = _number(low), _number(high)
    return None if low_ is None or high_ is None else {"low": low_, "high": high_}


# -- comparing two groups ---------------------------------------------------------------------------------------


def story_index(result: Analysis) -> tuple[np.ndarray, list[str]]:
    """Each document's story (index into the returned names; -1 for none), from the metadata field "story"."""
    values = [_field(doc, STORY) for doc in result.data.documents]
    names = sorted({v for v in values if v})
    where = {n: s for s, n in enumerate(names)}
    return np.array([where.get(v, -1) for v in values], dtype=np.int64), names


def compare(
    result: Analysis, a: str, b: str, paired: bool = False, correction: str = "holm", permutations: int = 1000
) -> significance.Comparison:
    """A against B (two groups of result): independent, or paired within stories."""
    for name in (a, b):
        result.check_group(name)
    if a == b:
        raise InputError("--compare needs two different groups")
    if correction not in significance.CORRECTIONS:
        raise InputError(f"unknown correction '{correction}'; known: {', '.join(significance.CORRECTIONS)}")
    if permutations < 1:
        raise InputError("--permutations takes a number, 1 or more")
    options, units = result.options, result.table.units
    if not paired:
        return significance.compare(units, a, b, options.bootstrap, permutations, options.seed, correction)
    if options.by == STORY:
        raise InputError("--paired compares groups within stories; group by outlet (or another field), not story")
    stories, names = story_index(result)
    if not names:
        raise InputError("no document has a story (metadata field 'story'); a paired comparison needs them")
    return significance.compare_paired(units, stories, a, b, options.bootstrap, permutations, options.seed, correction)


def comparison_json(c: significance.Comparison) -> dict[str, Any]:
    labels = {
        key: {
            "difference": _number(c.difference[k]),
            "ci": _ci(c.ci_low[k], c.ci_high[k]),
            "p_value": _number(c.p_value[k]),
            "p_adjusted": _number(c.p_adjusted[k]),
        }
        for k, key in enumerate(c.keys)
    }
    sizes = {"stories": c.n_a} if c.design == "paired" else {"documents": {c.a: c.n_a, c.b: c.n_b}}
    return {
        "a": c.a,
        "b": c.b,
        "design": c.design,
        **sizes,
        "correction": c.correction,
        "permutations": c.permutations,
        "exact": c.exact,
        "reason": c.reason or None,
        "labels": labels,
    }


# -- attribute values -------------------------------------------------------------------------------------------


def _attribute_values(scheme: Scheme, result: Analysis) -> dict[tuple[str, str], list[str]]:
    """(label, attribute) -> its values: the scheme's choices, yes/no, or the few values a text attribute takes."""
    spans = result.data.notable
    labels = [k for k in result.keys if "/" not in k or k.split("/")[0] not in result.keys]
    seen: dict[tuple[str, str], set[str]] = {}
    for label, attrs in zip(spans.label, spans.attributes, strict=True):
        if attrs and label in labels:
            for name, value in attrs.items():
                if value is not None and value != "":
                    seen.setdefault((label, name), set()).add(_value(value))
    out = {}
    for (label, name), values in sorted(seen.items()):
        definition = scheme.label(label).attribute(name) if scheme.has_label(label) else None
        kind = definition.kind if definition else AttributeKind.TEXT
        if kind is AttributeKind.CHOICE:
            out[(label, name)] = list(definition.choices) + sorted(values - set(definition.choices))  # type: ignore[union-attr]
        elif kind is AttributeKind.YES_NO:
            out[(label, name)] = ["yes", "no"]
        elif len(values) <= MAX_TEXT_VALUES:
            out[(label, name)] = sorted(values)
    return out


def _value(value: Any) -> str:
    return ("yes" if value else "no") if isinstance(value, bool) else str(value)


def attribute_distributions(scheme: Scheme, result: Analysis) -> dict[str, Any]:
    """{group: {"label.attribute": {value: {"spans", "share", "ci"}}}}: each value's share of the group's spans of
    that label that have the attribute, with a bootstrap interval over the group's documents."""
    values = _attribute_values(scheme, result)
    keys = [(label, name, v) for (label, name), vs in values.items() for v in vs]
    if not keys:
        return {}
    where = {k: i for i, k in enumerate(keys)}
    table, spans = result.table, result.data.notable  # every span with attributes, and maybe others
    counted = table.counted(spans)
    span_rows, key_rows = [], []
    for s, (label, attrs) in enumerate(zip(spans.label, spans.attributes, strict=True)):
        if attrs and counted[s]:
            for name, value in attrs.items():
                k = where.get((label, name, _value(value))) if value is not None else None
                if k is not None:
                    span_rows.append(s)
                    key_rows.append(k)
    rows = np.array(span_rows, dtype=np.int64)
    units = stats.tabulate(
        table.units.groups,
        [f"{a}.{b}={c}" for a, b, c in keys],
        table.member_group,
        table.member_coding,
        table.coding_document,
        table.words[table.coding_document],
        table.codings(spans)[rows],
        [np.array(key_rows, dtype=np.int64)],
    )
    families = [[where[(label, name, v)] for v in vs] for (label, name), vs in values.items()]
    options = result.options
    found = stats.share_statistics(units, families, options.bootstrap, options.seed)
    out: dict[str, Any] = {}
    for group, (counts, share, low, high) in zip(units.groups, found, strict=True):
        block: dict[str, Any] = {}
        for k, (label, name, value) in enumerate(keys):
            entry = {"spans": int(counts[k]), "share": _number(share[k]), "ci": _ci(low[k], high[k])}
            block.setdefault(f"{label}.{name}", {})[value] = entry
        out[group] = block
    return out


# -- sources and evidence ---------------------------------------------------------------------------------------


def _spans(result: Analysis, rows: np.ndarray, spans: Spans | None = None) -> list[evidence.EvidenceSpan]:
    """Evidence for the rows of spans (all of the data's spans unless given)."""
    found = spans if spans is not None else result.data.spans
    people = result.data.annotators
    return [
        evidence.EvidenceSpan(
            found.uuid[s],
            int(found.document[s]),
            int(found.start[s]),
            int(found.end[s]),
            found.label[s],
            found.subtype[s],
            people[int(found.annotator[s])],
            found.attributes[s],
            found.fragments.get(s, ()),
        )
        for s in rows.tolist()
    ]


def sources(result: Analysis) -> dict[str, list[dict[str, Any]]]:
    """Who is quoted in each group, with the cue verbs used (see review/evidence.py)."""
    notable = result.data.notable  # every source, speaker and relation end, and maybe others
    linked = {uuid for _, a, b in notable.relations for uuid in (a, b)}
    counted = result.table.counted(notable)
    keep = sorted(
        {s for s, sub in enumerate(notable.subtype) if sub == SOURCE}
        | {s for s, attrs in enumerate(notable.attributes) if attrs and "speaker" in attrs}
        | ({s for s, uuid in enumerate(notable.uuid) if uuid in linked} if linked else set())
    )
    keep = [s for s in keep if counted[s]]
    spans = _spans(result, np.array(keep, dtype=np.int64), notable)
    found = evidence.quotes(spans, notable.relations, [d.text for d in result.data.documents])
    return evidence.count_quotes(found, _groups_by_document(result))


def _groups_by_document(result: Analysis) -> list[list[str]]:
    if result.options.by != "annotator":
        return result.table.groups_of_document
    groups: list[list[str]] = [[] for _ in result.data.documents]
    for d, a in zip(result.table.coding_document.tolist(), result.table.coding_annotator.tolist(), strict=True):
        groups[d].append(result.data.annotators[a])
    return groups


def kwic(result: Analysis, key: str, sort: str = "outlet") -> list[dict[str, Any]]:
    """Every counted span of LABEL or LABEL/SUBTYPE with its context, document, outlet and date."""
    label, _, subtype = key.partition("/")
    data = result.data
    labels = sorted(set(data.span_label) | {k.split("/")[0] for k in result.keys})
    if label not in labels:
        raise InputError(f"no label '{label}' to list; the labels are {', '.join(labels)}")
    rows = np.array(
        [
            s
            for s, (lab, sub) in enumerate(zip(data.span_label, data.span_subtype, strict=True))
            if lab == label and (not subtype or sub == subtype) and result.table.span_counted[s]
        ],
        dtype=np.int64,
    )
    documents = [
        {"uuid": d.uuid, "title": d.title, "outlet": d.outlet, "published": d.published} for d in data.documents
    ]
    found = evidence.kwic_rows(_spans(result, rows), [d.text for d in data.documents], documents)
    try:
        return evidence.sort_kwic(found, sort)
    except ValueError as exc:
        raise InputError(str(exc)) from None


# -- rates by month ---------------------------------------------------------------------------------------------


def timeline(result: Analysis, key: str, top: int = 5) -> dict[str, dict[str, Any]]:
    """{group: {month: {"per_1000_words", "ci", "documents"}}} for the `top` largest groups (all documents in one
    line when grouping by month or year); documents without a date are left out."""
    if key not in result.keys:
        raise InputError(f"'{key}' is not among the labels analysed: {', '.join(result.keys)}")
    table, units = result.table, result.table.units
    months = [_field(doc, "month") for doc in result.data.documents]
    by_time = result.options.by in ("month", "year")
    sizes = np.bincount(units.group, minlength=len(units.groups))
    chosen = [0] if by_time else sorted(range(len(units.groups)), key=lambda g: (-sizes[g], units.groups[g]))[:top]
    line_of = {g: i for i, g in enumerate(chosen)}
    names, where, member_group, member_coding = [], {}, [], []
    for g, c in zip(table.member_group.tolist(), table.member_coding.tolist(), strict=True):
        line = 0 if by_time else line_of.get(g)
        month = months[int(table.coding_document[c])]
        if line is None or len(month) != 7:
            continue
        name = ("all documents" if by_time else units.groups[g], month)
        if name not in where:
            where[name] = len(names)
            names.append(name)
        member_group.append(where[name])
        member_coding.append(c)
    coding, key_arrays, weight = table.entries([key])  # from the span counts: the spans need not be read
    monthly = stats.tabulate(
        [f"{g}\x1f{m}" for g, m in names],
        [key],
        np.array(member_group, dtype=np.int64),
        np.array(member_coding, dtype=np.int64),
        table.coding_document,
        table.words[table.coding_document],
        coding,
        key_arrays,
        weight,
    )
    found = stats.group_statistics(monthly, result.options.bootstrap, result.options.seed)
    out: dict[str, dict[str, Any]] = {}
    for (group, month), figures in zip(names, found, strict=True):
        out.setdefault(group, {})[month] = {
            "per_1000_words": None if figures.empty else float(figures.rate[0]),
            "ci": _ci(figures.ci_low[0], figures.ci_high[0]),
            "documents": figures.documents,
        }
    return out


def write_report(project: Any, result: Analysis, comparison: significance.Comparison | None, path: Path) -> Path:
    """The self-contained HTML report (tables, inline SVG pictures, method notes) at path."""
    first = next((k for k in result.keys if "/" not in k), result.keys[0] if result.keys else None)
    page = analysis_report.render(
        to_json(result),
        comparison_json(comparison) if comparison is not None else None,
        attribute_distributions(project.scheme, result),
        sources(result),
        timeline(result, first) if first else None,
        first or "",
    )
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror or exc}", str(path)) from None
    return path


@dataclass(frozen=True)
class StoryArticle:
    """One article of a story, with the counted spans of the analysed labels: (start, end, label, sub-type)."""

    document: Document
    spans: list[tuple[int, int, str, str | None]]


def story_articles(result: Analysis, story: str) -> list[StoryArticle]:
    """The articles of one story (by outlet, then title) with their highlights, for the side-by-side view."""
    stories, names = story_index(result)
    if story not in names:
        raise InputError(f"no story '{story}'; the stories are {', '.join(names[:30]) or 'none'}")
    wanted = {k.split("/")[0] for k in result.keys}
    data, s = result.data, names.index(story)
    docs = np.flatnonzero(stories == s).tolist()
    rows = np.flatnonzero(np.isin(data.span_document, docs) & result.table.span_counted)
    spans: dict[int, list[tuple[int, int, str, str | None]]] = {d: [] for d in docs}
    for r in rows.tolist():
        if data.span_label[r] in wanted:
            pieces = data.span_fragments.get(r) or ((int(data.span_start[r]), int(data.span_end[r])),)
            for start, end in pieces:
                spans[int(data.span_document[r])].append((start, end, data.span_label[r], data.span_subtype[r]))
    ordered = sorted(docs, key=lambda d: (data.documents[d].outlet, data.documents[d].title))
    return [StoryArticle(data.documents[d], sorted(spans[d])) for d in ordered]
