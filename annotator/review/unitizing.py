"""Krippendorff's unitizing alpha (alpha-u) over the character continuum, per category and overall.

Follows Krippendorff (1995, "On the reliability of unitizing contiguous data") in the form given in
Krippendorff (2004, Content Analysis, 2nd ed., ch. 12.4), the form DKPro Statistics implements and tests.
For one category c, each coder's continuum is cut into units of c and gaps (everything else). With m coders
and a continuum of length L:

    D_o(c) = sum over ordered coder pairs (i, j), i != j, and segments g of i, h of j, of delta2(g, h)
             / (m (m - 1) L^2)

where delta2 of two overlapping units is (begin difference)^2 + (end difference)^2, of a unit lying inside a gap
of the other coder is the unit's length squared, and 0 otherwise; and

    D_e(c) = 2 / L * sum over units u of c [ (N_c - 1) (2 l^3 - 3 l^2 + l) / 3
                                             + l^2 * sum over gaps g with length >= l of (g - l + 1) ]
             / ( m L (m L - 1) - sum over units u of c of l (l - 1) )

with N_c the number of units of c by all coders. alpha_u(c) = 1 - D_o(c) / D_e(c), and the overall coefficient
is 1 - sum_c D_o(c) / sum_c D_e(c).

Choices made here, each stated because the papers work with one continuum and one unit per place:
* Documents are laid end to end into one continuum, but a gap never runs across a document boundary (a unit
  cannot be placed across two articles). For a single document this is exactly the published computation; for
  many it is what makes resampling documents exact (the bootstrap below reuses the same terms).
* A coder's overlapping units of the same category are merged into one (the measure needs them disjoint);
  touching ones stay separate units. Each fragment of a discontinuous annotation is a unit.
* Only documents coded by every coder in the set take part (alpha-u has no notion of a missing coder).

Everything is computed for a matrix of document weights at once: weights of 0/1 give the point estimate, the
counts of a bootstrap resample give that resample's value (see bootstrap.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

_CHUNK_ELEMENTS = 4_000_000  # gaps x distinct lengths handled together, so memory stays near 32 MB


@dataclass(frozen=True)
class Segments:
    """One coder's units of one category: sorted, disjoint intervals in continuum coordinates, with documents."""

    starts: np.ndarray
    ends: np.ndarray
    docs: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        return self.ends - self.starts


def merge_overlapping(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort intervals and merge those that overlap (share a position); touching intervals stay apart."""
    if len(starts) == 0:
        return starts.astype(np.int64), ends.astype(np.int64)
    order = np.lexsort((ends, starts))
    s, e = starts[order].astype(np.int64), ends[order].astype(np.int64)
    running_end = np.maximum.accumulate(e)
    new_group = np.ones(len(s), dtype=bool)
    new_group[1:] = s[1:] >= running_end[:-1]
    group = np.cumsum(new_group) - 1
    merged_starts = s[new_group]
    merged_ends = np.zeros(len(merged_starts), dtype=np.int64)
    np.maximum.at(merged_ends, group, e)
    return merged_starts, merged_ends


def segments(starts: np.ndarray, ends: np.ndarray, doc_starts: np.ndarray) -> Segments:
    s, e = merge_overlapping(np.asarray(starts), np.asarray(ends))
    docs = np.searchsorted(doc_starts, s, side="right") - 1
    return Segments(s, e, docs.astype(np.int64))


def gaps(units: Segments, doc_starts: np.ndarray, doc_ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lengths and documents of the gaps between a coder's units, cut at document boundaries."""
    opens = np.sort(np.concatenate([doc_starts, units.ends]))
    closes = np.sort(np.concatenate([units.starts, doc_ends]))
    lengths = closes - opens
    keep = lengths > 0
    docs = np.searchsorted(doc_starts, opens[keep], side="right") - 1
    return lengths[keep], docs.astype(np.int64)


def pair_observed(a: Segments, b: Segments, n_docs: int) -> np.ndarray:
    """Per document, the sum of delta2 over the segment pairs of two coders (each unordered pair once)."""
    total = np.zeros(n_docs, dtype=np.float64)
    for one, other in ((a, b), (b, a)):
        lo = np.searchsorted(other.ends, one.starts, side="right")
        hi = np.searchsorted(other.starts, one.ends, side="left")
        count = hi - lo
        alone = count == 0  # overlaps none of the other's units: lies inside one of their gaps
        total += np.bincount(one.docs[alone], weights=one.lengths[alone].astype(np.float64) ** 2, minlength=n_docs)
        if one is a:  # overlapping unit pairs are counted from one side only
            idx_one = np.repeat(np.arange(len(one.starts)), count)
            offsets = np.arange(len(idx_one)) - np.repeat(np.cumsum(count) - count, count)
            idx_other = np.repeat(lo, count) + offsets
            d2 = (one.starts[idx_one] - other.starts[idx_other]).astype(np.float64) ** 2 + (
                one.ends[idx_one] - other.ends[idx_other]
            ).astype(np.float64) ** 2
            total += np.bincount(one.docs[idx_one], weights=d2, minlength=n_docs)
    return total


@dataclass
class CategoryTerms:
    """The per-document pieces of D_o and D_e for one category and every coder, ready for any weights.

    The cross term of D_e pairs every unit with every gap of the whole continuum. Grouped by unit length l it
    is sum over l of (sum_d w_d A[d, l]) (sum_d w_d P[d, l]), with A[d, l] the summed l^2 of document d's units
    of length l and P[d, l] = sum over d's gaps g of max(0, g - l + 1): two matrix products per coder, whatever
    the number of resamples, and exact.
    """

    doc_lengths: np.ndarray  # (D,)
    n_units: list[np.ndarray]  # per coder (D,)
    cubic: list[np.ndarray]  # per coder (D,): sum of (2 l^3 - 3 l^2 + l) / 3
    squares: list[np.ndarray]  # per coder (D,): sum of l (l - 1)
    unit_mass: list[np.ndarray]  # per coder (D, distinct lengths): A
    gap_room: list[np.ndarray]  # per coder (D, distinct lengths): P
    pair_observed: dict[tuple[int, int], np.ndarray]  # (i, j), i < j -> (D,)

    def evaluate(self, coders: Sequence[int], weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """D_o and D_e for each row of weights (B x D); rows where the category is absent give D_e = 0."""
        coders = list(coders)
        m = len(coders)
        w = np.atleast_2d(weights).astype(np.float64)
        length = w @ self.doc_lengths
        pairs = [self.pair_observed[(i, j)] for i, j in combinations(sorted(coders), 2)]
        observed_sum = w @ np.sum(pairs, axis=0) if pairs else np.zeros(len(w))
        n_units = w @ np.sum([self.n_units[c] for c in coders], axis=0)
        within = w @ np.sum([self.cubic[c] for c in coders], axis=0)
        squares = w @ np.sum([self.squares[c] for c in coders], axis=0)
        mass = w @ np.sum([self.unit_mass[c] for c in coders], axis=0)
        room = w @ np.sum([self.gap_room[c] for c in coders], axis=0)
        cross = (mass * room).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            d_o = 2 * observed_sum / (m * (m - 1) * length**2)
            d_e = (2 / length) * ((n_units - 1) * within + cross) / (m * length * (m * length - 1) - squares)
        d_o = np.where(n_units > 0, d_o, 0.0)
        d_e = np.where(n_units > 0, d_e, 0.0)
        return d_o, d_e


def _per_doc(docs: np.ndarray, values: np.ndarray, n_docs: int) -> np.ndarray:
    return np.bincount(docs, weights=values, minlength=n_docs) if len(docs) else np.zeros(n_docs)


def _gap_room(gap_lengths: np.ndarray, gap_docs: np.ndarray, distinct: np.ndarray, n_docs: int) -> np.ndarray:
    """P[d, k] = sum over document d's gaps g of max(0, g - distinct[k] + 1), a chunk of gaps at a time."""
    room = np.zeros((n_docs, len(distinct)))
    rows = max(1, _CHUNK_ELEMENTS // max(len(distinct), 1))
    for lo in range(0, len(gap_lengths), rows):
        g, d = gap_lengths[lo : lo + rows].astype(np.float64), gap_docs[lo : lo + rows]
        part = np.maximum(0.0, g[:, None] - distinct[None, :] + 1)
        order = np.argsort(d, kind="stable")
        bounds = np.flatnonzero(np.r_[True, np.diff(d[order]) != 0])
        room[d[order][bounds]] += np.add.reduceat(part[order], bounds, axis=0)
    return room


def category_terms(
    coder_units: Sequence[tuple[np.ndarray, np.ndarray]], doc_starts: np.ndarray, doc_ends: np.ndarray
) -> CategoryTerms:
    """Terms for one category from each coder's (starts, ends) in continuum coordinates."""
    doc_starts, doc_ends = np.asarray(doc_starts, dtype=np.int64), np.asarray(doc_ends, dtype=np.int64)
    n_docs = len(doc_starts)
    units = [segments(s, e, doc_starts) for s, e in coder_units]
    all_lengths = np.concatenate([u.lengths for u in units]) if units else np.zeros(0, dtype=np.int64)
    distinct = np.unique(all_lengths).astype(np.float64)
    mass, room, counts, cubic, squares = [], [], [], [], []
    for u in units:
        lengths = u.lengths.astype(np.float64)
        counts.append(_per_doc(u.docs, np.ones(len(lengths)), n_docs))
        cubic.append(_per_doc(u.docs, (2 * lengths**3 - 3 * lengths**2 + lengths) / 3, n_docs))
        squares.append(_per_doc(u.docs, lengths * (lengths - 1), n_docs))
        column = np.searchsorted(distinct, lengths)
        flat = np.bincount(u.docs * len(distinct) + column, weights=lengths**2, minlength=n_docs * len(distinct))
        mass.append(flat.reshape(n_docs, len(distinct)))
        gap_lengths, gap_docs = gaps(u, doc_starts, doc_ends)
        room.append(_gap_room(gap_lengths, gap_docs, distinct, n_docs))
    pairs = {(i, j): pair_observed(units[i], units[j], n_docs) for i, j in combinations(range(len(units)), 2)}
    return CategoryTerms((doc_ends - doc_starts).astype(np.float64), counts, cubic, squares, mass, room, pairs)


def alpha_from_disagreements(d_o: np.ndarray, d_e: np.ndarray) -> np.ndarray:
    """1 - D_o / D_e elementwise; NaN where D_e is 0 (nobody used the category in that sample)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d_e > 0, 1 - d_o / np.where(d_e > 0, d_e, 1), np.nan)


def single_continuum_alpha(
    units: Sequence[tuple[int, int, int, str]], raters: int, begin: int, length: int
) -> dict[str, tuple[float, float, float]]:
    """Per category (D_o, D_e, alpha) for one continuum, units given as (rater, offset, length, category).

    The shape of the published examples (and of DKPro Statistics' UnitizingAnnotationStudy); also 'overall'.
    """
    doc_starts, doc_ends = np.array([begin]), np.array([begin + length])
    result: dict[str, tuple[float, float, float]] = {}
    sum_o = sum_e = 0.0
    for category in sorted({c for *_, c in units}):
        coder_units = []
        for r in range(raters):
            mine = [(o, o + n) for rr, o, n, c in units if rr == r and c == category]
            coder_units.append(
                (np.array([s for s, _ in mine], dtype=np.int64), np.array([e for _, e in mine], dtype=np.int64))
            )
        terms = category_terms(coder_units, doc_starts, doc_ends)
        d_o, d_e = terms.evaluate(list(range(raters)), np.ones((1, 1)))
        result[category] = (float(d_o[0]), float(d_e[0]), float(alpha_from_disagreements(d_o, d_e)[0]))
        sum_o, sum_e = sum_o + float(d_o[0]), sum_e + float(d_e[0])
    overall = float(alpha_from_disagreements(np.array([sum_o]), np.array([sum_e]))[0])
    result["overall"] = (sum_o, sum_e, overall)
    return result
