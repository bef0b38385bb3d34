"""Aligning annotators' annotations of one document into units: what the compare view, the confusion matrix
and adjudication all look at.

A unit holds at most one annotation per annotator: the annotations that are the same decision about the same
passage. Units are built greedily from the strongest links down: first annotations with the same label, the
larger their overlap (intersection over union of their characters) the stronger, identical sub-types breaking
ties; then annotations with different labels, only where the overlap is at least `min_cross_label_iou`
(a short claim inside a long framing span is two decisions, not one disagreement).

A link joins two groups only if they share no annotator, so a unit never holds two annotations by one person.
In "exact" mode only annotations with identical fragments link. Document-level annotations link when their
labels are equal.
Ties are broken by position and uuid, so the same data always gives the same units.

Each unit says how it disagrees: "missing" (an annotator who coded the document has no annotation in it),
"label" (label or sub-type differ) and "boundary" (fragments differ). A unit with none of these is agreed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.core.model import Annotation

MISSING, LABEL, BOUNDARY = "missing", "label", "boundary"
KIND_ORDER = (MISSING, LABEL, BOUNDARY)


@dataclass(frozen=True)
class AlignedUnit:
    document: str
    members: tuple[Annotation, ...]  # in the order of the annotators given to align()
    coders: tuple[str, ...]  # annotators who coded the document, so whose silence counts
    kinds: frozenset[str]

    @property
    def agreed(self) -> bool:
        return not self.kinds

    @property
    def start(self) -> int:
        return min(a.start for a in self.members)

    @property
    def end(self) -> int:
        return max(a.end for a in self.members)

    @property
    def is_document_level(self) -> bool:
        return self.members[0].is_document_level

    @property
    def uuids(self) -> tuple[str, ...]:
        return tuple(a.uuid for a in self.members)

    def member(self, annotator: str) -> Annotation | None:
        return next((a for a in self.members if a.annotator == annotator), None)

    @property
    def missing(self) -> tuple[str, ...]:
        present = {a.annotator for a in self.members}
        return tuple(c for c in self.coders if c not in present)

    def describe(self) -> str:
        """One line for lists: 'label: alice=claim, bob=opinion' or 'agreed: claim'."""
        parts = [f"{a.annotator}={a.label}{'/' + a.subtype if a.subtype else ''}" for a in self.members]
        parts += [f"{name}=—" for name in self.missing]
        kinds = ", ".join(k for k in KIND_ORDER if k in self.kinds) or "agreed"
        return f"{kinds}: {', '.join(parts)}"


def _chars(ann: Annotation) -> int:
    return sum(f.end - f.start for f in ann.fragments)


def _intersection(a: Annotation, b: Annotation) -> int:
    if len(a.fragments) == 1 and len(b.fragments) == 1:
        return max(0, min(a.fragments[0].end, b.fragments[0].end) - max(a.fragments[0].start, b.fragments[0].start))
    return sum(max(0, min(f.end, g.end) - max(f.start, g.start)) for f in a.fragments for g in b.fragments)


def _same_value(a: Annotation, b: Annotation) -> bool:
    return a.label == b.label and a.subtype == b.subtype


def _links(anns: list[Annotation], exact: bool, min_iou: float) -> list[tuple[tuple[int, float, int], int, int]]:
    """(score, i, j) for every pair of annotations by different annotators that may form a unit."""
    links: list[tuple[tuple[int, float, int], int, int]] = []
    doc_level = [i for i, a in enumerate(anns) if a.is_document_level]
    for x, i in enumerate(doc_level):
        for j in doc_level[x + 1 :]:
            a, b = anns[i], anns[j]
            if a.annotator != b.annotator and a.label == b.label:
                links.append(((1, 1.0, int(_same_value(a, b))), i, j))
    spans = sorted((i for i, a in enumerate(anns) if not a.is_document_level), key=lambda i: anns[i].start)
    for x, i in enumerate(spans):
        a = anns[i]
        for j in spans[x + 1 :]:
            b = anns[j]
            if b.start >= a.end:
                break  # sorted by start: nothing further can overlap a
            if a.annotator == b.annotator:
                continue
            same_label = int(a.label == b.label)
            if a.fragments == b.fragments:
                iou = 1.0
            elif exact:
                continue
            else:
                inter = _intersection(a, b)
                iou = inter / (_chars(a) + _chars(b) - inter) if inter else 0.0
                if iou == 0.0 or (not same_label and iou < min_iou):
                    continue
            links.append(((same_label, iou, int(_same_value(a, b))), i, j))
    return links


def align(
    annotations: Iterable[Annotation],
    annotators: Sequence[str],
    coders: Sequence[str] | None = None,
    mode: str = "overlap",
    min_cross_label_iou: float = 0.5,
) -> list[AlignedUnit]:
    """Units of one document's annotations by the given annotators, in reading order."""
    if mode not in ("overlap", "exact"):
        raise ValueError(f"alignment mode is 'overlap' or 'exact', not {mode!r}")
    order = {name: k for k, name in enumerate(annotators)}
    anns = sorted(
        (a for a in annotations if a.annotator in order),
        key=lambda a: (a.start, -a.end, a.label, a.uuid),  # reading order; Corpus.span_rank uses the same
    )
    links = _links(anns, mode == "exact", min_cross_label_iou)
    # strongest first; ties go to the pair earliest in reading order (confusion.py relies on this exact order)
    links.sort(key=lambda t: (-t[0][0], -t[0][1], -t[0][2], t[1], t[2]))
    group = list(range(len(anns)))
    people: dict[int, set[str]] = {i: {a.annotator} for i, a in enumerate(anns)}

    def find(x: int) -> int:
        while group[x] != x:
            group[x] = group[group[x]]
            x = group[x]
        return x

    for _, i, j in links:
        a, b = find(i), find(j)
        if a != b and not (people[a] & people[b]):
            group[b] = a
            people[a] |= people.pop(b)
    clusters: dict[int, list[Annotation]] = {}
    for i, ann in enumerate(anns):
        clusters.setdefault(find(i), []).append(ann)
    coder_names = tuple(c for c in annotators if c in set(coders)) if coders is not None else tuple(annotators)
    units = [_unit(members, order, coder_names) for members in clusters.values()]
    units.sort(key=lambda u: (not u.is_document_level, u.start, -u.end, u.uuids))
    return units


def _unit(members: list[Annotation], order: dict[str, int], coders: tuple[str, ...]) -> AlignedUnit:
    members = sorted(members, key=lambda a: order[a.annotator])
    kinds = set()
    present = {a.annotator for a in members}
    if any(c not in present for c in coders):
        kinds.add(MISSING)
    if len({(a.label, a.subtype) for a in members}) > 1:
        kinds.add(LABEL)
    if len({a.fragments for a in members}) > 1:
        kinds.add(BOUNDARY)
    coders_all = coders + tuple(sorted(present - set(coders), key=order.__getitem__))
    return AlignedUnit(members[0].document, tuple(members), coders_all, frozenset(kinds))
