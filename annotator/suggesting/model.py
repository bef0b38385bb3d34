"""What recommenders read and what they propose: plain, immutable records with no store behind them.

A Suggestion is never an annotation: it becomes one only when a person accepts it. What the person did with it is a
LearningRecord, keyed like the suggestion by document, offsets and label, so that a rejected span and label is not
offered again after the models are retrained (the suggestion's own id changes with the recommender's version).
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from annotator.core.model import AttributeValue, Fragment, utc_now

Offsets = tuple[tuple[int, int], ...]  # a span's fragments as (start, end) pairs, sorted
SpanKey = tuple[str, Offsets, str]  # (document, offsets, label): what learning records and duplicates match on

# uuid5 namespace of suggestion ids: the same proposal from the same recommender gets the same id on every run
_SUGGESTION_IDS = uuid_module.UUID("6f1c2a4e-93b5-4d0e-8f57-1b6a0c9e2d41")


def offsets_of(fragments: Iterable[Fragment]) -> Offsets:
    return tuple(sorted((f.start, f.end) for f in fragments))


@dataclass(frozen=True)
class LabelledSpan:
    """An existing annotation as recommenders see it: where, which label and sub-type, and its attributes."""

    label: str
    fragments: tuple[Fragment, ...]
    subtype: str | None = None
    attributes: dict[str, AttributeValue] = field(default_factory=dict)

    @property
    def label_key(self) -> str:
        return label_key(self.label, self.subtype)


@dataclass(frozen=True)
class AnnotatedDocument:
    """A document's id (the project's document uuid), its stored text, its language and its span annotations."""

    id: str
    text: str
    spans: tuple[LabelledSpan, ...] = ()
    language: str = ""  # ISO 639-1 code when known; chooses the stemmer


def label_key(label: str, subtype: str | None) -> str:
    """'claim/statistical', or 'claim' without a sub-type: how labels are counted and trained."""
    return f"{label}/{subtype}" if subtype else label


def split_label_key(key: str) -> tuple[str, str | None]:
    label, _, subtype = key.partition("/")
    return label, subtype or None


def suggestion_id(document: str, offsets: Offsets, label: str, subtype: str | None, recommender: str) -> str:
    return str(uuid_module.uuid5(_SUGGESTION_IDS, repr((document, offsets, label, subtype, recommender))))


@dataclass(frozen=True)
class ProposedRelation:
    """A typed link from the suggestion that holds it to another suggestion of the same document.

    target is that suggestion's id; target_offsets and target_label say where it is, so that when the target is
    not offered (the span was annotated already) the link can go to the annotation there instead.
    """

    type: str
    target: str
    target_offsets: Offsets = ()
    target_label: str = ""


@dataclass(frozen=True)
class Suggestion:
    document: str  # document uuid
    fragments: tuple[Fragment, ...]
    label: str
    subtype: str | None
    score: float  # 0..1, higher is more confident; comparable within one recommender
    recommender: str
    recommender_version: str
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    relations: tuple[ProposedRelation, ...] = ()
    uuid: str = ""  # derived from the fields above when not given (see suggestion_id)
    created: datetime = field(default_factory=utc_now, compare=False)  # the same proposal made later is equal

    def __post_init__(self) -> None:
        object.__setattr__(self, "fragments", tuple(sorted(self.fragments)))
        if not self.uuid:
            key = suggestion_id(self.document, self.offsets, self.label, self.subtype, self.recommender)
            object.__setattr__(self, "uuid", key)

    @property
    def offsets(self) -> Offsets:
        return offsets_of(self.fragments)

    @property
    def key(self) -> SpanKey:
        return (self.document, self.offsets, self.label)

    @property
    def start(self) -> int:
        return self.fragments[0].start

    @property
    def end(self) -> int:
        return max(f.end for f in self.fragments)


class Feedback(StrEnum):
    """What a person did with a suggestion."""

    ACCEPTED = "accepted"  # it became their annotation as it was
    REJECTED = "rejected"  # wrong: never offer this span and label again
    CORRECTED = "corrected"  # they made another span or label of it: the original is not offered again
    SKIPPED = "skipped"  # passed over without a decision: may be offered again


# what a learning record keeps out of later suggestions
SUPPRESSING = frozenset({Feedback.REJECTED, Feedback.CORRECTED})


@dataclass(frozen=True)
class LearningRecord:
    document: str
    fragments: tuple[Fragment, ...]
    label: str
    action: Feedback
    annotator: str
    subtype: str | None = None
    suggestion: str | None = None  # the suggestion's id, when it still exists
    recommender: str = ""
    recommender_version: str = ""
    score: float | None = None
    annotation: str | None = None  # the annotation made by accepting or correcting (its uuid)
    created: datetime = field(default_factory=utc_now)

    @property
    def key(self) -> SpanKey:
        return (self.document, offsets_of(self.fragments), self.label)


def record_for(
    suggestion: Suggestion, action: Feedback, annotator: str, annotation: str | None = None
) -> LearningRecord:
    """The learning record of what annotator did with suggestion."""
    return LearningRecord(
        suggestion.document,
        suggestion.fragments,
        suggestion.label,
        action,
        annotator,
        suggestion.subtype,
        suggestion.uuid,
        suggestion.recommender,
        suggestion.recommender_version,
        suggestion.score,
        annotation,
    )


def without_remembered(suggestions: Iterable[Suggestion], records: Iterable[LearningRecord]) -> list[Suggestion]:
    """The suggestions whose span and label were not rejected or corrected away.

    Per key the latest record decides: a span rejected and later accepted (or skipped) is no longer held back.
    """
    latest: dict[SpanKey, LearningRecord] = {}
    for record in records:
        kept = latest.get(record.key)
        if kept is None or record.created >= kept.created:
            latest[record.key] = record
    blocked = {key for key, record in latest.items() if record.action in SUPPRESSING}
    return [s for s in suggestions if s.key not in blocked]


def without_existing(suggestions: Iterable[Suggestion], documents: Sequence[AnnotatedDocument]) -> list[Suggestion]:
    """The suggestions that do not repeat an annotation of the same span and label (any sub-type)."""
    existing = {(d.id, offsets_of(s.fragments), s.label) for d in documents for s in d.spans}
    return [s for s in suggestions if s.key not in existing]


def best_per_key(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """One suggestion per span and label: the highest score wins (ties: the earlier one), in document order.

    A relation to a suggestion that lost is moved to the one that won (same span and label).
    """
    given = list(suggestions)
    best: dict[SpanKey, Suggestion] = {}
    for s in given:
        if s.key not in best or s.score > best[s.key].score:
            best[s.key] = s
    winner = {s.uuid: best[s.key].uuid for s in given}
    kept = []
    for s in best.values():
        relations = tuple(
            replace(r, target=winner.get(r.target, r.target))
            for r in s.relations
            if winner.get(r.target, r.target) != s.uuid
        )
        kept.append(s if relations == s.relations else replace(s, relations=relations))
    return sorted(kept, key=lambda s: (s.document, s.start, s.end, s.label, s.subtype or ""))


def suggestion_to_dict(s: Suggestion, text: str | None = None) -> dict[str, Any]:
    """The plain-JSON form (`annotator suggest --json`); text is the document's, to add the covered text."""
    data: dict[str, Any] = {
        "id": s.uuid,
        "document": s.document,
        "start": s.start,
        "end": s.end,
        "label": s.label,
        "subtype": s.subtype,
        "score": round(s.score, 4),
        "recommender": s.recommender,
        "recommender_version": s.recommender_version,
    }
    if len(s.fragments) > 1:
        data["fragments"] = [[f.start, f.end] for f in s.fragments]
    if text is not None:
        data["text"] = " … ".join(f.covered(text) for f in s.fragments)
    if s.attributes:
        data["attributes"] = dict(s.attributes)
    if s.relations:
        data["relations"] = [
            {
                "type": r.type,
                "to": r.target,
                "to_offsets": [list(o) for o in r.target_offsets],
                "to_label": r.target_label,
            }
            for r in s.relations
        ]
    return data
