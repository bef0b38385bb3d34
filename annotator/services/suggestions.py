"""Suggestions for a project: train the recommenders on its annotations, ask them, and evaluate them.

Suggestions are not stored yet (that needs the Suggestion entity of the storage redesign): suggest() returns them
for the caller to show. Project data is read in ONE place, read_project() below, through existing public services.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator import paths
from annotator.core.errors import InputError
from annotator.core.scheme import Scheme, Scope
from annotator.services import collections, exporting
from annotator.services.project import Project
from annotator.suggesting import evaluation, plugins, running
from annotator.suggesting.model import (
    AnnotatedDocument,
    LabelledSpan,
    LearningRecord,
    Suggestion,
    best_per_key,
    offsets_of,
)
from annotator.suggesting.plugins import Problems
from annotator.suggesting.running import RunProgress, TrainingReport


# ---- reading the project: the one place to re-point after the storage redesign ------------------------------------
def read_project(project: Project, collection: str | None = None) -> list[AnnotatedDocument]:
    """Every document of the project (or of one collection) with its span annotations, by any annotator.

    The same span and label marked by several annotators counts once; document-level labels are left out.
    """
    filters = None
    if collection is not None:
        collections.get(project, collection)  # a collection that does not exist is the user's error, named
        filters = exporting.ExportFilter(collections=[collection])
    out = []
    for bundle in exporting.bundles(project, filters):
        doc, seen, spans = bundle.document, set(), []
        for a in bundle.annotations:
            key = (a.label, a.subtype, offsets_of(a.fragments))
            if a.fragments and key not in seen:
                seen.add(key)
                spans.append(LabelledSpan(a.label, a.fragments, a.subtype, dict(a.attributes)))
        out.append(AnnotatedDocument(doc.uuid, doc.text, tuple(spans), doc.language))
    return out


# ---------------------------------------------------------------------------------------------------------------------


def model_folder(project: Project) -> Path:
    """Where the project's models live: beside a SQLite file (project.sqlite.models/), else in the data folder."""
    file = project.database.file_path
    if file is not None:
        return file.with_name(file.name + ".models")
    return paths.data_dir() / "models" / re.sub(r"[^\w.@-]+", "_", project.where)


@dataclass
class SuggestRun:
    suggestions: list[Suggestion]
    texts: dict[str, str]  # document id -> text, to show what each suggestion covers
    training: TrainingReport
    notes: list[str] = field(default_factory=list)

    def messages(self) -> list[str]:
        return self.training.notes + self.notes + self.training.problems.messages()


class SchemeFit:
    """Keeps suggestions whose span label and sub-type the scheme has, with only the attributes it defines and allows;
    counts what it leaves out for one note per recommender and label."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.missing: Counter[tuple[str, str]] = Counter()

    def __call__(self, s: Suggestion) -> Suggestion | None:
        scheme = self.scheme
        known = scheme.has_label(s.label) and scheme.label(s.label).scope is not Scope.DOCUMENT
        if not known or (s.subtype and s.subtype not in {t.name for t in scheme.subtypes(s.label)}):
            self.missing[(s.recommender, s.label + (f"/{s.subtype}" if s.subtype else ""))] += 1
            return None
        attributes = {}
        for name, value in s.attributes.items():
            definition = scheme.label(s.label).attribute(name)
            try:
                if definition is not None:
                    definition.check(value)
                    attributes[name] = value
            except InputError:  # a value this project's scheme does not allow: left off, the span kept
                continue
        return s if attributes == s.attributes else replace(s, attributes=attributes)

    def notes(self) -> list[str]:
        out = []
        for (rec, label), n in sorted(self.missing.items()):
            count = f"{n} suggestions" if n > 1 else "1 suggestion"
            out.append(f"{rec}: '{label}' is not a span label of the project's scheme; {count} left out")
        return out


def suggest(
    project: Project,
    recommenders: Sequence[str] | None = None,
    collection: str | None = None,
    train: bool = False,
    folder: Path | None = None,
    records: Sequence[LearningRecord] = (),
    progress: RunProgress | None = None,
) -> SuggestRun:
    """Suggestions for the documents of the project (or of a collection), trained on all its annotations.

    Saved models are used when they can be read; missing or unreadable ones are trained. train=True also
    retrains models trained before the latest annotations. Suggestions repeating an annotation of the same span
    and label, or remembered as rejected by records, are left out, and so are labels the scheme lacks.
    """
    problems = Problems()
    chosen = plugins.discover(recommenders, problems)
    everything = read_project(project)
    targets = read_project(project, collection) if collection is not None else everything
    report = running.prepare(
        chosen, everything, folder or model_folder(project), retrain_stale=train, progress=progress, problems=problems
    )
    fit = SchemeFit(project.scheme)
    found = running.suggest(chosen, targets, records, problems, fit)
    return SuggestRun(found, {d.id: d.text for d in targets}, report, fit.notes())


def _scores(
    suggested: list[Suggestion], test: Sequence[AnnotatedDocument], seed: int, every_label: bool = True
) -> dict[str, dict[str, dict[str, float | int]]]:
    """label -> {"suggested": scores, "random": scores} for every label either side has (or that was suggested)."""
    predicted = evaluation.by_label([(s.label, s.document, s.offsets) for s in suggested])
    gold = evaluation.by_label([(sp.label, d.id, offsets_of(sp.fragments)) for d in test for sp in d.spans])
    lengths = {d.id: len(d.text) for d in test}
    out = {}
    for label in sorted(set(predicted) | set(gold) if every_label else predicted):
        ours, theirs = predicted.get(label, {}), gold.get(label, {})
        out[label] = {
            "suggested": evaluation.score(ours, theirs).as_dict(),
            "random": evaluation.random_baseline(ours, theirs, lengths, seed=seed).as_dict(),
        }
    return out


def evaluate(
    project: Project,
    recommenders: Sequence[str] | None = None,
    collection: str | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
    split: tuple[Sequence[str], Sequence[str]] | None = None,
    progress: RunProgress | None = None,
) -> dict[str, Any]:
    """Train fresh models on part of the annotated documents and score their suggestions on the rest.

    Documents with at least one span annotation take part; split gives (train ids, test ids) instead of a
    seeded random split. Scores per label beside random spans of the same number and lengths (see
    suggesting/evaluation.py): for each recommender the labels it suggested, for all together every label either
    side has. Saved models are neither used nor changed.
    """
    annotated = {d.id: d for d in read_project(project, collection) if d.spans}
    if split is None:
        if len(annotated) < 2:
            raise InputError(
                f"evaluating needs two annotated documents or more; the project has {len(annotated)} with spans"
            )
        split = evaluation.split_documents(list(annotated), test_fraction, seed)
    unknown = [i for i in (*split[0], *split[1]) if i not in annotated]
    if unknown or not split[0] or not split[1]:
        raise InputError(f"a split needs annotated documents on both sides; not annotated here: {unknown or 'none'}")
    train = [annotated[i] for i in split[0]]
    test = [annotated[i] for i in split[1]]
    problems = Problems()
    chosen = plugins.discover(recommenders, problems)
    report = running.prepare(chosen, train, None, progress=progress, problems=problems)
    blind = [replace(d, spans=()) for d in test]  # the held-out annotations must not filter the suggestions out
    per_recommender, together, fit = {}, [], SchemeFit(project.scheme)
    for rec in chosen:
        found = running.suggest([rec], blind, problems=problems, fit=fit)
        together.extend(found)
        if not problems.failed(rec.name):
            per_recommender[rec.name] = _scores(found, test, seed, every_label=False)
    return {
        "train_documents": len(train),
        "test_documents": len(test),
        "seed": seed,
        "recommenders": per_recommender,
        "all": _scores(best_per_key(together), test, seed),
        "notes": report.notes + fit.notes() + problems.messages(),
    }
