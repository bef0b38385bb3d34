"""Reviewing colleagues' work: load their annotations, measure agreement (overall, per label, per pair, and
broken down by outlet, collection, document, label or date), write the report, and align one document's
annotations for the compare view. The measures themselves are pure functions in annotator/review/.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Annotation, AnnotatorKind, Document, Origin, Status
from annotator.core.scheme import Scope
from annotator.review import figures
from annotator.review.alignment import AlignedUnit, align
from annotator.review.bootstrap import DEFAULT_SEED
from annotator.review.corpus import Corpus, ReviewDocument, category
from annotator.review.report import measure
from annotator.services.project import Project
from annotator.store import annotations, annotators, collections, documents, statuses

GROUPINGS = ("outlet", "collection", "document", "label", "date")
CODED = (Status.IN_PROGRESS, Status.DONE)


@dataclass
class AgreementOptions:
    annotators: list[str] | None = None  # None: every person (not the gold layer) who annotated something
    labels: list[str] | None = None  # None: every label of the scheme
    documents: list[str] | None = None  # uuids; None: all
    by: str | None = None  # one of GROUPINGS
    bootstrap: int = 0  # resamples for 95% intervals; 0 for none
    seed: int = DEFAULT_SEED
    subtypes: bool = False  # compare label/sub-type rather than labels
    alignment: str = "overlap"  # or "exact": how spans are paired for the confusion matrix
    exclude_suggested: bool = False  # leave out accepted suggestions (annotations of origin "suggestion")


@dataclass(frozen=True)
class ReviewFacts:
    """A document with what grouping needs: its collections."""

    document: Document
    collections: tuple[str, ...]


def read_documents(project: Project, uuids: Sequence[str] | None = None) -> list[ReviewFacts]:
    """The documents (all, or these) with their collections, in the order they were added."""
    with project.transaction() as session:
        found = documents.ids(session, list(uuids)) if uuids is not None else None
        row_ids = sorted(found.values()) if found is not None else documents.all_ids(session)
        member_of = collections.by_document(session)
        return [
            ReviewFacts(doc, tuple(member_of.get(row_id, ())))
            for start in range(0, len(row_ids), 500)
            for row_id, doc in documents.batch(session, row_ids[start : start + 500])
        ]


def read_annotations(
    project: Project, people: Sequence[str] | None = None, uuids: Sequence[str] | None = None
) -> list[Annotation]:
    """Every annotation of these annotators (all when None) in these documents (all when None), as stored."""
    with project.transaction() as session:
        who = annotators.ids_named(session, list(people)) if people is not None else None
        docs = documents.ids(session, list(uuids)) if uuids is not None else None
        where = annotations.Where(documents=sorted(docs.values()) if docs is not None else None, annotators=who)
        return annotations.read(session, where)


@dataclass
class LoadedCorpus:
    corpus: Corpus
    facts: list[ReviewFacts]
    span_labels: list[str]
    document_labels: list[str]
    notes: list[str] = field(default_factory=list)
    from_suggestions: dict[str, int] = field(default_factory=dict)  # annotator -> accepted suggestions among theirs


def reviewable_annotators(project: Project) -> list[str]:
    """People (not the gold layer) who have at least one annotation, by name."""
    with project.transaction() as session:
        kinds = annotators.kinds(session)
    used = {a.annotator for a in read_annotations(project)}
    return sorted(name for name in used if kinds.get(name) is not AnnotatorKind.GOLD)


def _check_annotators(project: Project, chosen: list[str] | None) -> list[str]:
    known = [a.name for a in project.annotators()]
    people = reviewable_annotators(project)
    whose = "the choice has" if chosen is not None else "the project has"
    if chosen is None:
        chosen = people
    unknown = [a for a in chosen if a not in known]
    if unknown:
        raise InputError(f"no annotator named '{unknown[0]}'; the project has {', '.join(known) or 'none yet'}")
    if len(chosen) != len(set(chosen)):
        raise InputError("an annotator is named twice")
    if len(chosen) < 2:
        have = f"only {chosen[0]}" if chosen else "no annotations yet" if whose == "the project has" else "nobody"
        raise InputError(f"agreement needs two or more annotators; {whose} {have}")
    return list(chosen)


def _check_labels(project: Project, labels: list[str] | None) -> tuple[list[str], list[str]]:
    scheme = project.scheme
    if labels is None:
        return [x.name for x in scheme.top_labels(Scope.SPAN)], [x.name for x in scheme.top_labels(Scope.DOCUMENT)]
    for name in labels:
        scheme.label(name)  # raises InputError naming the label
    return (
        [x for x in labels if scheme.label(x).scope is Scope.SPAN],
        [x for x in labels if scheme.label(x).scope is Scope.DOCUMENT],
    )


def load_corpus(project: Project, options: AgreementOptions) -> LoadedCorpus:
    people = _check_annotators(project, options.annotators)
    span_labels, document_labels = _check_labels(project, options.labels)
    if options.by is not None and options.by not in GROUPINGS:
        raise InputError(f"--by takes one of {', '.join(GROUPINGS)}; got '{options.by}'")
    facts = read_documents(project, options.documents)
    chosen = read_annotations(project, people, options.documents)
    with project.transaction() as session:
        states = statuses.everywhere(session)
    if options.documents is not None and len(facts) < len(set(options.documents)):
        raise InputError("some of the chosen documents are not in the project")
    wanted = set(span_labels) | set(document_labels)
    by_doc: dict[str, list[Any]] = {}
    coded: dict[str, set[str]] = {}
    suggested = dict.fromkeys(people, 0)
    for ann in chosen:
        coded.setdefault(ann.document, set()).add(ann.annotator)  # any annotation means the document was coded
        if ann.origin is Origin.SUGGESTION:
            suggested[ann.annotator] += 1
            if options.exclude_suggested:
                continue
        if ann.label in wanted:
            by_doc.setdefault(ann.document, []).append(ann)
    docs = []
    for fact in facts:
        uuid = fact.document.uuid
        who = coded.get(uuid, set()) | {a for a, s in states.get(uuid, {}).items() if s in CODED}
        docs.append(
            ReviewDocument(
                uuid,
                fact.document.text,
                tuple(by_doc.get(uuid, ())),
                frozenset(who),
                fact.document.title,
                fact.document.boilerplate,
            )
        )
    corpus = Corpus(docs, people, use_subtypes=options.subtypes)
    if options.subtypes:  # each label/sub-type used becomes a label of its own; unused labels stay listed
        present = {category(a, True): a.label for a in corpus.spans if a.label in span_labels}
        span_labels = sorted(set(present) | (set(span_labels) - set(present.values())))
    return LoadedCorpus(corpus, facts, span_labels, document_labels, from_suggestions=suggested)


def agreement(project: Project, options: AgreementOptions | None = None) -> dict[str, Any]:
    """Every measure as one JSON-ready dict (see annotator/review/report.py for its shape)."""
    options = options or AgreementOptions()
    loaded = load_corpus(project, options)
    result = _measure(loaded.corpus, loaded.span_labels, loaded.document_labels, options)
    result["from_suggestions"] = loaded.from_suggestions
    result["suggestions_excluded"] = options.exclude_suggested
    if options.by:
        result["groups"] = {"by": options.by, "results": _groups(loaded, options)}
    return result


def _measure(corpus: Corpus, labels: list[str], doc_labels: list[str], options: AgreementOptions) -> dict[str, Any]:
    return measure(corpus, labels, doc_labels, options.bootstrap, options.seed, options.alignment)


def _groups(loaded: LoadedCorpus, options: AgreementOptions) -> dict[str, Any]:
    corpus = loaded.corpus
    if options.by == "label":
        return {label: _measure(corpus, [label], [], options) for label in loaded.span_labels}
    members: dict[str, list[int]] = {}
    seen_titles: dict[str, int] = {}
    for d, fact in enumerate(loaded.facts):
        doc = fact.document
        if options.by == "outlet":
            keys = [doc.outlet or "(no outlet)"]
        elif options.by == "date":
            keys = [doc.published[:7] or "(no date)"]  # year and month: sources give partial dates
        elif options.by == "collection":
            keys = list(fact.collections) or ["(no collection)"]
        else:
            title = doc.title or doc.uuid[:8]
            seen_titles[title] = seen_titles.get(title, 0) + 1
            keys = [title if seen_titles[title] == 1 else f"{title} ({doc.uuid[:8]})"]
        for key in keys:
            members.setdefault(key, []).append(d)
    out = {}
    for key in sorted(members):
        sub = Corpus([corpus.documents[d] for d in members[key]], corpus.annotators, corpus.use_subtypes)
        out[key] = _measure(sub, loaded.span_labels, loaded.document_labels, options)
        out[key]["document_ids"] = [corpus.documents[d].uuid for d in members[key]]
    return out


def write_report(result: dict[str, Any], folder: Path) -> list[Path]:
    """The report folder: report.html, agreement.json, measures.csv, pairs.csv, and each figure as PNG, SVG,
    CSV and JSON."""
    try:
        return figures.write_report(result, folder)
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror or exc}", str(folder)) from None


# -- comparing one document -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    document: Document
    annotators: list[str]
    coders: list[str]  # those who coded the document (silence of the others is not disagreement)
    units: list[AlignedUnit]

    @property
    def disagreements(self) -> list[AlignedUnit]:
        return [u for u in self.units if not u.agreed]


def compare(
    project: Project,
    document: str,
    people: Sequence[str],
    labels: Sequence[str] | None = None,
    mode: str = "overlap",
) -> Comparison:
    """The aligned units of one document's annotations by the given annotators (optionally only some labels)."""
    if not people:
        raise InputError("choose at least one annotator to compare")
    with project.transaction() as session:
        doc = documents.get(session, document)
        states = statuses.of_document(session, document)
    found = read_annotations(project, list(people), [document])
    coders = {a.annotator for a in found} | {a for a, s in states.items() if s in CODED}
    chosen = [a for a in found if labels is None or a.label in labels]
    units = align(chosen, list(people), coders=[a for a in people if a in coders], mode=mode)
    return Comparison(doc, list(people), [a for a in people if a in coders], units)
