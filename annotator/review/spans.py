"""Span precision, recall and F1 between two annotators, exact and relaxed.

The first annotator of a pair is the reference (T), the second is compared with it (S); F1 is symmetric.

* Exact: a span counts when the other annotator has a span with the same label and the very same fragments.
  P = matches / |S|, R = matches / |T| (duplicates count once per copy on each side).
* Relaxed, with partial credit, as in the span-identification scorer of SemEval-2020 Task 11 (Da San Martino
  et al., 2020; the formula of their EMNLP 2019 paper): P = sum over s in S, t in T of |s & t| / |s| * [same
  label], divided by |S|; R the same with |t| and |T|. Like that scorer, each annotator's overlapping spans of
  one label are first merged, so no character is credited twice.
* F1 = 2PR / (P + R); 0 when P + R is 0. When neither annotator has a span there is nothing to compare and
  F1 is None (the scorer would say 1.0, which reads as agreement that was never tested).
* Label-blind (unlabeled) F1, as SemEval-2020 Task 11's span-identification scorer and most unitizing studies
  report it: the same sums over all chosen labels taken as one, so a span counts wherever the other annotator
  marked the same text with any label; one annotator's spans over the very same fragments count once.

All sums are kept per document so that resampled documents give their own P, R and F1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotator.review.corpus import Corpus
from annotator.review.unitizing import merge_overlapping


@dataclass
class SpanSums:
    """Per-document sums for one pair and one label (or summed over labels)."""

    exact_matches: np.ndarray
    reference: np.ndarray  # |T| spans of the first annotator
    compared: np.ndarray  # |S|
    relaxed_precision: np.ndarray  # sum |s & t| / |s|
    relaxed_recall: np.ndarray  # sum |s & t| / |t|
    merged_reference: np.ndarray
    merged_compared: np.ndarray

    def __add__(self, other: SpanSums) -> SpanSums:
        return SpanSums(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))

    def scores(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        """precision/recall/f1, exact and relaxed, for each row of weights (NaN where undefined)."""
        w = np.atleast_2d(weights)
        out = {}
        for kind, hits_p, hits_r, n_t, n_s in (
            ("exact", self.exact_matches, self.exact_matches, self.reference, self.compared),
            ("relaxed", self.relaxed_precision, self.relaxed_recall, self.merged_reference, self.merged_compared),
        ):
            t, s = w @ n_t, w @ n_s
            with np.errstate(divide="ignore", invalid="ignore"):
                p = np.where(s > 0, (w @ hits_p) / s, np.nan)
                r = np.where(t > 0, (w @ hits_r) / t, np.nan)
                pz, rz = np.nan_to_num(p), np.nan_to_num(r)
                f1 = np.where(pz + rz > 0, 2 * pz * rz / (pz + rz), 0.0)
            out[f"precision_{kind}"], out[f"recall_{kind}"] = p, r
            out[f"f1_{kind}"] = np.where((t > 0) | (s > 0), f1, np.nan)
        return out


Labels = str | tuple[str, ...]  # one label, or several taken as one (label-blind)


def _fragments(corpus: Corpus, coder: int, labels: Labels) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if isinstance(labels, str):
        return corpus.fragments(coder, labels)
    parts = [corpus.fragments(coder, label) for label in labels]
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    starts, ends, ids = (np.concatenate(column) for column in zip(*parts, strict=True))
    return starts, ends, ids


def _merged_spans(corpus: Corpus, coder: int, label: Labels) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Disjoint intervals of the coder's merged spans of label: starts, ends, merged-span id, size of that span."""
    starts, ends, span_ids = _fragments(corpus, coder, label)
    if len(starts) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    m_starts, m_ends = merge_overlapping(starts, ends)
    # fragments of one annotation are one span: join the intervals they fall in (rare; a small union-find)
    interval_of = np.searchsorted(m_starts, starts, side="right") - 1
    parent = list(range(len(m_starts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_interval: dict[int, int] = {}
    for span, interval in zip(span_ids.tolist(), interval_of.tolist(), strict=True):
        root = first_interval.setdefault(span, interval)
        a, b = find(root), find(interval)
        if a != b:
            parent[max(a, b)] = min(a, b)
    group = np.array([find(i) for i in range(len(m_starts))], dtype=np.int64)
    sizes = np.bincount(group, weights=m_ends - m_starts, minlength=len(m_starts))
    return m_starts, m_ends, group, sizes[group]


def _exact_keys(corpus: Corpus, coder: int, label: Labels) -> tuple[np.ndarray, np.ndarray]:
    """One int64 key per span (same key = same document and same fragments), and each span's document.
    Label-blind, one coder's spans over the same fragments are one span."""
    _, _, ids = _fragments(corpus, coder, label)
    ids = np.unique(ids)
    arr = corpus.span_arrays
    start, end, docs = arr["start"][ids] + corpus.text_starts[arr["doc"][ids]], arr["end"][ids], arr["doc"][ids]
    longest = int(arr["end"].max() - arr["start"].min() + 1) if len(arr["end"]) else 1
    keys = start * longest + (end - arr["start"][ids])  # continuum start and length: unique per place
    for n in np.nonzero(arr["fragments"][ids] > 1)[0]:  # discontinuous: a key of their own, never equal by chance
        keys[n] = -1 - (hash((int(docs[n]), corpus.spans[ids[n]].fragments)) & 0x3FFFFFFFFFFFFFFF)
    if not isinstance(label, str):
        keys, first = np.unique(keys, return_index=True)
        docs = docs[first]
    return keys, docs


def _exact_matches(corpus: Corpus, ref: int, cmp: int, label: Labels) -> tuple[np.ndarray, list[np.ndarray]]:
    n_docs = corpus.n_docs
    (ka, da), (kb, db) = _exact_keys(corpus, ref, label), _exact_keys(corpus, cmp, label)
    counts = [np.bincount(da, minlength=n_docs).astype(np.float64), np.bincount(db, minlength=n_docs).astype(float)]
    ua, ia, na = np.unique(ka, return_index=True, return_counts=True)
    ub, nb = np.unique(kb, return_counts=True)
    _, in_a, in_b = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
    matches = np.bincount(da[ia[in_a]], weights=np.minimum(na[in_a], nb[in_b]), minlength=n_docs)
    return matches.astype(np.float64), counts


def pair_sums(corpus: Corpus, ref: int, cmp: int, label: Labels) -> SpanSums:
    """Sums for one label, or for several labels taken as one (a tuple: label-blind)."""
    n_docs = corpus.n_docs
    matches, counts = _exact_matches(corpus, ref, cmp, label)
    # relaxed: overlapping interval pairs of the two merged, disjoint interval sets
    rs, re_, r_group, r_size = _merged_spans(corpus, ref, label)
    cs, ce, c_group, c_size = _merged_spans(corpus, cmp, label)
    lo = np.searchsorted(ce, rs, side="right")
    hi = np.searchsorted(cs, re_, side="left")
    count = np.maximum(hi - lo, 0)
    r_idx = np.repeat(np.arange(len(rs)), count)
    c_idx = np.repeat(lo, count) + (np.arange(len(r_idx)) - np.repeat(np.cumsum(count) - count, count))
    inter = (np.minimum(re_[r_idx], ce[c_idx]) - np.maximum(rs[r_idx], cs[c_idx])).astype(np.float64)
    docs = np.searchsorted(corpus.doc_starts, rs[r_idx], side="right") - 1
    precision = np.bincount(docs, weights=inter / c_size[c_idx], minlength=n_docs) if len(docs) else np.zeros(n_docs)
    recall = np.bincount(docs, weights=inter / r_size[r_idx], minlength=n_docs) if len(docs) else np.zeros(n_docs)

    def merged_count(starts: np.ndarray, group: np.ndarray) -> np.ndarray:
        first = np.unique(group, return_index=True)[1]
        span_docs = np.searchsorted(corpus.doc_starts, starts[first], side="right") - 1
        return np.bincount(span_docs, minlength=n_docs).astype(np.float64)

    return SpanSums(
        matches, counts[0], counts[1], precision, recall, merged_count(rs, r_group), merged_count(cs, c_group)
    )
