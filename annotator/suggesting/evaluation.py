"""Scoring suggestions against held-out annotations, as SemEval-2020 Task 11's span-identification scorer does.

The scorer (task-SI_scorer.py of Da San Martino et al., run with -m), applied to one label at a time:

* Each side's spans of the label in one document are merged when they share a character (touching spans are
  not merged), so no character is credited twice.
* With S the suggested and T the reference spans (after merging), summed over documents:
  P = sum over s in S, t in T of |s & t| / |s|, divided by |S|;  R = the same with |t|, divided by |T|.
  P is 0 when S is empty and R is 0 when T is empty.
* F1 = 2PR / (P + R) when both are positive, 0 otherwise, and 1 when neither side has a span at all.

A span is the set of characters its fragments cover, so a discontinuous span is scored like the scorer's
character sets would score it.

The baseline puts random spans in the same documents, as many and as long as the suggestions of each label
there, and averages its scores over several draws.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Span = tuple[tuple[int, int], ...]  # sorted, disjoint (start, end) fragments


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    suggested: int  # |S| after merging
    reference: int  # |T| after merging

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "suggested": self.suggested,
            "reference": self.reference,
        }


def _size(span: Span) -> int:
    return sum(e - s for s, e in span)


def _overlap(a: Span, b: Span) -> int:
    return sum(max(0, min(ae, be) - max(a_s, b_s)) for a_s, ae in a for b_s, be in b)


def _union(a: Span, b: Span) -> Span:
    merged: list[list[int]] = []
    for s, e in sorted(a + b):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return tuple((s, e) for s, e in merged)


def merge_overlapping(spans: Iterable[Span]) -> list[Span]:
    """Spans that share a character become one (transitively); touching ones stay apart."""
    merged: list[Span] = []
    for span in spans:
        span = tuple(sorted(span))
        keep = []
        for other in merged:
            if _overlap(span, other) > 0:
                span = _union(span, other)
            else:
                keep.append(other)
        merged = keep + [span]
    return sorted(merged)


def score(suggested: Mapping[str, Sequence[Span]], reference: Mapping[str, Sequence[Span]]) -> Scores:
    """P, R and F1 of one label: document id -> that label's spans, on each side."""
    prec_sum = rec_sum = 0.0
    n_s = n_t = 0
    for doc in set(suggested) | set(reference):
        s_spans = merge_overlapping(suggested.get(doc, ()))
        t_spans = merge_overlapping(reference.get(doc, ()))
        n_s, n_t = n_s + len(s_spans), n_t + len(t_spans)
        for s in s_spans:
            for t in t_spans:
                inter = _overlap(s, t)
                if inter:
                    prec_sum += inter / _size(s)
                    rec_sum += inter / _size(t)
    p = prec_sum / n_s if n_s else 0.0
    r = rec_sum / n_t if n_t else 0.0
    f1 = 1.0 if not n_s and not n_t else 2 * p * r / (p + r) if p > 0 and r > 0 else 0.0
    return Scores(p, r, f1, n_s, n_t)


def random_spans(
    suggested: Mapping[str, Sequence[Span]], lengths_of_texts: Mapping[str, int], rng: random.Random
) -> dict[str, list[Span]]:
    """As many spans per document as suggested, each as long (in characters) as one of them, placed at random."""
    out: dict[str, list[Span]] = defaultdict(list)
    for doc, spans in suggested.items():
        n = lengths_of_texts[doc]
        for span in spans:
            length = min(_size(span), n)
            start = rng.randint(0, n - length)
            out[doc].append(((start, start + length),))
    return out


def random_baseline(
    suggested: Mapping[str, Sequence[Span]],
    reference: Mapping[str, Sequence[Span]],
    lengths_of_texts: Mapping[str, int],
    draws: int = 20,
    seed: int = 0,
) -> Scores:
    """The scores of random spans like the suggestions, averaged over draws (fixed seed: the same every run)."""
    rng = random.Random(seed)
    runs = [score(random_spans(suggested, lengths_of_texts, rng), reference) for _ in range(draws)]
    return Scores(
        sum(r.precision for r in runs) / draws,
        sum(r.recall for r in runs) / draws,
        sum(r.f1 for r in runs) / draws,
        runs[0].suggested,
        runs[0].reference,
    )


def by_label(spans: Iterable[tuple[str, str, Span]]) -> dict[str, dict[str, list[Span]]]:
    """(label, document, span) triples -> label -> document -> spans."""
    out: dict[str, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for label, doc, span in spans:
        out[label][doc].append(span)
    return out


def split_documents(ids: Sequence[str], test_fraction: float, seed: int) -> tuple[list[str], list[str]]:
    """(train, test) ids: a seeded shuffle, at least one document on each side when there are two or more."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"the test fraction must lie between 0 and 1, got {test_fraction}")
    shuffled = sorted(ids)
    random.Random(seed).shuffle(shuffled)
    n_test = min(max(1, round(len(shuffled) * test_fraction)), len(shuffled) - 1)
    return sorted(shuffled[n_test:]), sorted(shuffled[:n_test])
