"""Adjudication rules: what a curator's decision on an aligned unit puts into the gold layer (pure functions).

The service (services/adjudication.py) stores the result and the provenance record; the rules live here so
they can be tested without a database and reused by scripts.

* agreed: every annotator who coded the document marked the unit with the same label, sub-type and fragments.
* majority: more than half of the annotators who coded the document chose the same version (label, sub-type,
  fragments); if more than half marked nothing there, the majority says "no annotation" (a rejection).
* merge: the union of the candidates' fragments (overlapping or touching ones joined) under the label most of
  them used (ties: the first annotator's), with that candidate's attributes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from annotator.core.model import Annotation, Fragment, new_uuid, utc_now
from annotator.review.alignment import AlignedUnit

GOLD = "gold"


class Decision(StrEnum):
    ACCEPT = "accept"
    EDIT = "edit"
    MERGE = "merge"
    REJECT = "reject"
    AGREED = "agreed"
    MAJORITY = "majority"


@dataclass(frozen=True)
class AdjudicationRecord:
    """Provenance of one gold decision: who decided what, when, from which candidates, and why."""

    document: str
    decision: Decision
    sources: tuple[str, ...]  # uuids of the candidate annotations the decision was made from
    curator: str
    gold_annotation: str | None = None  # None when the unit was rejected
    reason: str = ""
    at: datetime = field(default_factory=utc_now)
    uuid: str = field(default_factory=new_uuid)

    def to_dict(self) -> dict[str, object]:
        return {
            "uuid": self.uuid,
            "document": self.document,
            "decision": self.decision.value,
            "sources": list(self.sources),
            "curator": self.curator,
            "gold_annotation": self.gold_annotation,
            "reason": self.reason,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> AdjudicationRecord:
        return cls(
            document=str(data["document"]),
            decision=Decision(data["decision"]),
            sources=tuple(data.get("sources") or ()),  # type: ignore[arg-type]
            curator=str(data["curator"]),
            gold_annotation=data.get("gold_annotation"),  # type: ignore[arg-type]
            reason=str(data.get("reason", "")),
            at=datetime.fromisoformat(str(data["at"])),
            uuid=str(data["uuid"]),
        )


def version(ann: Annotation) -> tuple[str, str | None, tuple[Fragment, ...]]:
    return ann.label, ann.subtype, ann.fragments


def gold_copy(source: Annotation, **changes: object) -> Annotation:
    """A new gold-layer annotation from a candidate (new uuid, annotator 'gold', fresh times)."""
    now = utc_now()
    base = replace(source, annotator=GOLD, uuid=new_uuid(), created=now, modified=now, version=1, note="")
    return replace(base, **changes) if changes else base  # type: ignore[arg-type]


def agreed_candidate(unit: AlignedUnit) -> Annotation | None:
    """The candidate to accept when everybody who coded the document agrees on it, else None."""
    if not unit.agreed or len(unit.members) < 2:
        return None
    return unit.members[0]


def majority(unit: AlignedUnit) -> tuple[Annotation | None, tuple[str, ...]] | None:
    """(candidate, supporting uuids) for a strict majority version; (None, uuids) when a strict majority marked
    nothing; None when there is no majority either way."""
    voters = len(unit.coders)
    if voters < 2:
        return None
    counts = Counter(version(a) for a in unit.members)
    best, votes = max(counts.items(), key=lambda kv: (kv[1], -unit.members.index(_first(unit, kv[0]))))
    if votes * 2 > voters:
        chosen = _first(unit, best)
        return chosen, tuple(a.uuid for a in unit.members if version(a) == best)
    if (voters - len(unit.members)) * 2 > voters:
        return None, unit.uuids
    return None


def _first(unit: AlignedUnit, wanted: tuple[str, str | None, tuple[Fragment, ...]]) -> Annotation:
    return next(a for a in unit.members if version(a) == wanted)


def merged_fragments(candidates: list[Annotation]) -> tuple[Fragment, ...]:
    spans = sorted((f.start, f.end) for a in candidates for f in a.fragments)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple(Fragment(s, e) for s, e in merged)


def merge(candidates: list[Annotation]) -> Annotation:
    """One gold annotation covering every candidate's text, under the label most of them used."""
    if not candidates:
        raise ValueError("merging needs at least one candidate")
    if any(a.is_document_level for a in candidates):
        raise ValueError("document-level labels cannot be merged; accept one of them instead")
    counts = Counter((a.label, a.subtype) for a in candidates)
    top = max(counts.values())
    label, subtype = next((a.label, a.subtype) for a in candidates if counts[(a.label, a.subtype)] == top)
    base = next(a for a in candidates if (a.label, a.subtype) == (label, subtype))
    return gold_copy(base, fragments=merged_fragments(candidates))
