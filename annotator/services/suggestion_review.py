"""Reviewing stored suggestions: refresh them, offer a document's to one annotator, accept, correct, reject or
skip them, and keep suggestions hidden from blind annotators until they have marked the document done.

A suggestion never becomes an annotation unless a person accepts it; the annotation is then theirs, of origin
"suggestion", with the suggestion's id, recommender and score kept on it (Provenance). What the person did is a
learning record, so a rejected span and label is not offered again after the models are retrained.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.changes import Change
from annotator.core.errors import InputError, NotFound
from annotator.core.model import Annotation, AttributeValue, Fragment, Origin, Provenance, Relation, Status
from annotator.services.annotating import remove_annotation, store_annotation
from annotator.services.project import Project
from annotator.services.suggestions import SuggestRun, suggest
from annotator.store import (
    annotations,
    annotators,
    blinding,
    change_log,
    collections,
    documents,
    learning_records,
    relations,
    statuses,
    suggestions,
)
from annotator.suggesting.model import Feedback, LearningRecord, Suggestion, offsets_of, record_for
from annotator.suggesting.running import RunProgress


def refresh(
    project: Project,
    actor: str,
    recommenders: Sequence[str] | None = None,
    collection: str | None = None,
    train: bool = False,
    progress: RunProgress | None = None,
    folder: Path | None = None,
    store: bool = True,
) -> tuple[SuggestRun, list[Change]]:
    """Run the recommenders (training what is missing, or stale with train) and store what they propose as the
    open suggestions of the documents they covered (unless not store); rejected and corrected spans are not
    proposed again. Cancelling through progress raises TrainingCancelled with nothing stored."""
    with project.transaction() as session:
        remembered = learning_records.all_records(session)
    run = suggest(project, recommenders, collection, train, folder, remembered, progress)
    if not store:
        return run, []
    with project.transaction() as session:
        ids = documents.ids(session, list(run.texts))
        records = suggestions.replace_for_documents(session, ids, run.suggestions, actor)
    return run, records


# -- offering ---------------------------------------------------------------------------------------------------


@dataclass
class Offer:
    """What the window shows of a document's suggestions to one annotator."""

    suggestions: list[Suggestion]  # open for them (see open_for); none while blind
    blind: bool  # a blind rule applies and the document is not done: nothing is shown
    comparison: BlindComparison | None = None  # a blind rule applies and the document is done


def offer(project: Project, document: str, annotator: str) -> Offer:
    """The document's suggestions for the annotator, blind state and comparison included, in one transaction
    (the window asks on every document it opens)."""
    with project.transaction() as session:
        named = _named_blind(session, document, annotator)
        if named and statuses.get(session, document, annotator) is not Status.DONE:
            return Offer([], blind=True)
        proposed = suggestions.of_document(session, document)
        if not proposed and not named:
            return Offer([], False)  # the common case when a document opens: two small queries
        decided = {r.key for _, r in learning_records.of_document(session, document, annotator)}
        made = _annotations_of(session, document, annotator)
    have = {(document, offsets_of(a.fragments), a.label) for a in made}
    open_ = [s for s in proposed if s.key not in decided and s.key not in have]
    return Offer(open_, False, _compared(proposed, made) if named else None)


def is_blind(project: Project, document: str, annotator: str) -> bool:
    """Whether the annotator must not see this document's suggestions yet: a blind rule names them or one of the
    document's collections, and they have not marked it done."""
    return offer(project, document, annotator).blind


def open_for(project: Project, document: str, annotator: str) -> list[Suggestion]:
    """The document's suggestions the annotator has not decided on and has not annotated already (same span and
    label), in reading order; none while they annotate it blind."""
    return offer(project, document, annotator).suggestions


def _named_blind(session: Any, document: str, annotator: str) -> bool:
    """Whether a blind rule names the annotator or one of the document's collections (done or not)."""
    rules = blinding.rules(session)
    if not rules:
        return False
    return ("annotator", annotator) in rules or any(
        ("collection", name) in rules for name in collections.of_document(session, document)
    )


def all_of_document(project: Project, document: str) -> list[Suggestion]:
    with project.transaction() as session:
        return suggestions.of_document(session, document)


def _annotations_of(session: Any, document: str, annotator: str) -> list[Annotation]:
    return annotations.of_document(session, document, annotators.ids_named(session, [annotator]))


# -- deciding ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """What the annotator made of a suggestion instead (None: as suggested)."""

    fragments: tuple[Fragment, ...] | None = None
    label: str | None = None
    subtype: str | None = None
    attributes: dict[str, AttributeValue] | None = None


def accept(project: Project, annotator: str, uuid: str, correction: Correction | None = None) -> list[Change]:
    """Make the suggestion the annotator's annotation (corrected, when given), with its provenance; link it to
    annotations the annotator made of suggestions it proposes relations with. One transaction; returns its
    records (the annotation's, its relations', the learning record's)."""
    with project.transaction() as session:
        _accept(project, session, annotator, _suggestion(session, uuid), correction or Correction())
        return change_log.written(session)


def accept_many(project: Project, annotator: str, uuids: Sequence[str]) -> list[Change]:
    """Accept each suggestion as it is, in one transaction: one that does not fit the scheme stops the whole
    batch with its reason, and nothing is stored."""
    with project.transaction() as session:
        for uuid in uuids:
            _accept(project, session, annotator, _suggestion(session, uuid), Correction())
        return change_log.written(session)


def _accept(project: Project, session: Any, annotator: str, s: Suggestion, c: Correction) -> None:
    ann = Annotation(
        s.document,
        annotator,
        c.label or s.label,
        c.fragments or s.fragments,
        c.subtype if c.label or c.subtype else s.subtype,
        dict(s.attributes if c.attributes is None else c.attributes),
        origin=Origin.SUGGESTION,
        provenance=Provenance(s.uuid, s.recommender, s.recommender_version, s.score),
    )
    corrected = (ann.label, ann.subtype, ann.fragments) != (s.label, s.subtype, s.fragments)
    store_annotation(project, session, ann, annotator)
    _link(project, session, s, ann)
    action = Feedback.CORRECTED if corrected else Feedback.ACCEPTED
    learning_records.add(session, [record_for(s, action, annotator, ann.uuid)], annotator)


def reject(
    project: Project, annotator: str, uuids: Sequence[str], action: Feedback = Feedback.REJECTED
) -> list[Change]:
    """Record that the annotator rejected (or skipped) these suggestions; a rejected span and label is not
    offered to anyone again after the next run."""
    with project.transaction() as session:
        found = [_suggestion(session, uuid) for uuid in uuids]
        return learning_records.add(session, [record_for(s, action, annotator) for s in found], annotator)


def withdraw(project: Project, annotator: str, feedback: str, annotation: str | None = None) -> list[Change]:
    """Undo a decision: delete its learning record and, for an acceptance, the annotation it made (with its
    relations). The suggestion is offered again."""
    with project.transaction() as session:
        records = []
        if annotation is not None and annotations.exists(session, annotation):
            records += remove_annotation(session, annotations.get(session, annotation), annotator)
        records.append(learning_records.remove(session, feedback, annotator))
        return records


def _suggestion(session: Any, uuid: str) -> Suggestion:
    found = suggestions.get(session, uuid)
    if found is None:
        raise NotFound(f"no open suggestion {uuid} (a later run of the recommenders may have replaced it)")
    return found


def _link(project: Project, session: Any, accepted: Suggestion, ann: Annotation) -> None:
    """Relations the recommender proposed between this suggestion and others the annotator has accepted."""
    pointing = [o for o in suggestions.of_document(session, accepted.document) if accepted.uuid in _targets(o)]
    if not accepted.relations and not pointing:
        return  # nothing proposed links it (most recommenders propose no relations): no annotations to read
    types = {r.name for r in project.scheme.relation_types}
    mine = {(offsets_of(a.fragments), a.label): a.uuid for a in _annotations_of(session, ann.document, ann.annotator)}
    wanted: list[tuple[str, str, str]] = []
    for r in accepted.relations:  # from the accepted one to another
        target = mine.get((r.target_offsets, r.target_label))
        if target is not None and target != ann.uuid:
            wanted.append((r.type, ann.uuid, target))
    for other in pointing:  # from another to the accepted one
        source = mine.get((other.offsets, other.label))
        for r in other.relations:
            if source is not None and source != ann.uuid and r.target == accepted.uuid:
                wanted.append((r.type, source, ann.uuid))
    for kind, source, target in dict.fromkeys(wanted):
        if kind in types:
            relations.insert_one(session, Relation(kind, source, target, ann.annotator), ann.document, ann.annotator)


def _targets(s: Suggestion) -> set[str]:
    return {r.target for r in s.relations}


# -- blind annotation -------------------------------------------------------------------------------------------


def blind_rules(project: Project) -> set[tuple[str, str]]:
    """(kind, name) of every rule: ("annotator", NAME) or ("collection", NAME)."""
    with project.transaction() as session:
        return blinding.rules(session)


def set_blind(project: Project, kind: str, name: str, blind: bool, actor: str) -> list[Change]:
    """Turn blind annotation on or off for an annotator (who may not have annotated yet) or a collection."""
    if kind not in blinding.KINDS:
        raise InputError(f"blind mode is set per {' or '.join(blinding.KINDS)}, not per '{kind}'")
    with project.transaction() as session:
        if kind == "collection" and name not in collections.names(session):
            raise NotFound(f"no collection named '{name}'")
        if not name.strip():
            raise InputError(f"blind mode needs the {kind}'s name")
        change = blinding.add if blind else blinding.remove
        return change(session, kind, name, actor)


@dataclass
class BlindComparison:
    """After a blind document is done: what the annotator found beside what the recommenders proposed."""

    both: list[tuple[Annotation, Suggestion]] = field(default_factory=list)  # same label, overlapping spans
    only_annotator: list[Annotation] = field(default_factory=list)
    only_suggested: list[Suggestion] = field(default_factory=list)


def compare_blind(project: Project, document: str, annotator: str) -> BlindComparison:
    """Pair the annotator's span annotations with the document's suggestions: same label and overlapping, each
    used once, in reading order."""
    with project.transaction() as session:
        return _compared(suggestions.of_document(session, document), _annotations_of(session, document, annotator))


def _compared(proposed: list[Suggestion], made: list[Annotation]) -> BlindComparison:
    out, left = BlindComparison(), list(proposed)
    for ann in (a for a in made if a.fragments):
        match = next((s for s in left if s.label == ann.label and _overlap(s.fragments, ann.fragments)), None)
        if match is None:
            out.only_annotator.append(ann)
        else:
            left.remove(match)
            out.both.append((ann, match))
    out.only_suggested = left
    return out


def _overlap(a: Sequence[Fragment], b: Sequence[Fragment]) -> bool:
    return any(x.start < y.end and y.start < x.end for x in a for y in b)


def learning_history(project: Project, document: str, annotator: str | None = None) -> list[tuple[str, LearningRecord]]:
    with project.transaction() as session:
        return learning_records.of_document(session, document, annotator)
