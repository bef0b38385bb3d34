"""Media-bias analysis, the pure part: spans per label in groups of documents (outlets, stories, months, ...),
rates per 1,000 words, and bootstrap intervals that resample documents. numpy only: no Qt, no database.

The unit everything is counted on is a *document in a group*. A document coded by several of the chosen
annotators is one unit whose spans and words add up over them (words counted once per annotator who coded it,
so a rate stays "spans per 1,000 words read"); with one annotator or the gold layer, words are the article's.
A document can sit in several groups (collections, annotators): it is then one unit in each.

Words are whitespace-separated tokens, as a word processor counts them (CJK text without spaces counts as few
words; the method notes say so). Boilerplate, once known, is passed as [start, end) code-point ranges per
document; the words inside are not counted (a word cut by a range's edge counts in the part that is kept), and
spans lying wholly inside a range are not counted either (see `in_ranges`).

Intervals are percentile bootstrap intervals (Efron): each resample draws the group's documents with
replacement, as many as it has, and the statistic is a ratio of sums (spans / words). Each group draws from its
own generator seeded by (seed, CRC-32 of the group's name), so a group's interval does not move when another
group comes or goes, and the draw is exactly the one scipy.stats.bootstrap makes with that generator.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LEVEL = 0.95
MIN_DOCUMENTS = 5  # an interval resting on fewer documents is flagged
CHUNK_CELLS = 4_000_000  # resampled cells held at once (memory stays near 32 MB whatever the group size)


def count_words(text: str, excluded: Sequence[tuple[int, int]] = ()) -> int:
    """Whitespace-separated words of text, leaving out the [start, end) ranges in excluded."""
    if not excluded:
        return len(text.split())
    words, at = 0, 0
    for start, end in merge_ranges(excluded):
        words += len(text[at:start].split())
        at = max(at, end)
    return words + len(text[at:].split())


def merge_ranges(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ranges covering the same code points (empty and reversed ranges dropped)."""
    merged: list[list[int]] = []
    for start, end in sorted((int(s), int(e)) for s, e in ranges if e > s):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def in_ranges(starts: np.ndarray, ends: np.ndarray, ranges: Sequence[tuple[int, int]]) -> np.ndarray:
    """Which spans [starts, ends) lie wholly inside one of the ranges."""
    merged = merge_ranges(ranges)
    if not merged:
        return np.zeros(len(starts), dtype=bool)
    lo = np.array([s for s, _ in merged], dtype=np.int64)
    hi = np.array([e for _, e in merged], dtype=np.int64)
    k = np.searchsorted(lo, starts, side="right") - 1  # the last range starting at or before the span
    inside = k >= 0
    inside[inside] = ends[inside] <= hi[k[inside]]
    return inside


def group_rng(seed: int, name: str) -> np.random.Generator:
    """The generator a group's resamples come from: the same for the same seed and name, whatever else changes."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


@dataclass(frozen=True)
class Units:
    """One row per document in a group: its group, document, words and spans of each key."""

    groups: tuple[str, ...]
    keys: tuple[str, ...]
    group: np.ndarray  # (n,) index into groups
    document: np.ndarray  # (n,) document index
    words: np.ndarray  # (n,) float64
    counts: np.ndarray  # (n, len(keys)) float64

    def rows(self, g: int) -> np.ndarray:
        return np.flatnonzero(self.group == g)


def tabulate(
    groups: Sequence[str],
    keys: Sequence[str],
    member_group: np.ndarray,
    member_coding: np.ndarray,
    coding_document: np.ndarray,
    coding_words: np.ndarray,
    span_coding: np.ndarray,
    span_keys: Sequence[np.ndarray],
    span_weights: np.ndarray | None = None,
) -> Units:
    """Units from codings (a document as coded by one annotator) and their group memberships.

    member_group[i], member_coding[i]: coding member_coding[i] belongs to group member_group[i].
    span_coding: each span's coding; span_keys: arrays of key indices (-1: none), one per key a span counts in
    (its label, and with sub-types its label/sub-type). span_weights: how many spans each entry stands for (1 each
    when None), so that spans already counted per coding and key can be passed as one entry per count."""
    n_keys, n_codings = len(keys), len(coding_document)
    per_coding = np.zeros(n_codings * n_keys, dtype=np.float64)
    for key in span_keys:
        kept = key >= 0
        weights = None if span_weights is None else span_weights[kept]
        per_coding += np.bincount(span_coding[kept] * n_keys + key[kept], weights, minlength=n_codings * n_keys)
    per_coding = per_coding.reshape(n_codings, n_keys)
    n_docs = int(coding_document.max()) + 1 if n_codings else 1
    unit_key = member_group.astype(np.int64) * n_docs + coding_document[member_coding]
    unique, inverse = np.unique(unit_key, return_inverse=True)
    counts = np.zeros((len(unique), n_keys), dtype=np.float64)
    np.add.at(counts, inverse, per_coding[member_coding])
    words = np.bincount(inverse, weights=coding_words[member_coding], minlength=len(unique)).astype(np.float64)
    return Units(tuple(groups), tuple(keys), unique // n_docs, unique % n_docs, words, counts)


def resample_counts(rng: np.random.Generator, n: int, resamples: int) -> np.ndarray:
    """(resamples, n) how often each resample drew each of n items; the draws scipy.stats.bootstrap makes."""
    out = np.empty((resamples, n), dtype=np.float64)
    step = max(1, CHUNK_CELLS // max(n, 1))
    for lo in range(0, resamples, step):
        hi = min(resamples, lo + step)
        drawn = rng.integers(0, n, (hi - lo, n))  # drawn in chunks: the same stream as one draw of all
        flat = drawn + (np.arange(hi - lo)[:, None] * n)
        out[lo:hi] = np.bincount(flat.ravel(), minlength=(hi - lo) * n).reshape(hi - lo, n)
    return out


def ratio_interval(
    numerators: np.ndarray, denominators: np.ndarray, weights: np.ndarray, scale: float = 1.0, level: float = LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of scale * sum(w * num) / sum(w * den) over resamples (rows of weights).

    numerators (n, K); denominators (n,) or (n, K). Resamples whose denominator is 0 are left out (NaN)."""
    num = weights @ numerators
    den = weights @ denominators
    if den.ndim == 1:
        den = den[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(den > 0, scale * num / den, np.nan)
    tail = (1 - level) / 2 * 100
    if not np.isfinite(values).any():
        nan = np.full(numerators.shape[1], np.nan)
        return nan, nan.copy()
    with np.errstate(invalid="ignore"):
        low, high = np.nanpercentile(values, [tail, 100 - tail], axis=0)
    return low, high


@dataclass
class GroupStats:
    """A group's figures; rates and intervals are NaN where the group has no words (an empty group)."""

    name: str
    documents: int
    words: float
    spans: np.ndarray  # (K,)
    documents_with: np.ndarray  # (K,)
    rate: np.ndarray  # (K,) per 1,000 words
    share: np.ndarray  # (K,) of documents with at least one
    ci_low: np.ndarray
    ci_high: np.ndarray

    @property
    def empty(self) -> bool:
        return self.documents == 0 or self.words <= 0

    @property
    def small(self) -> bool:
        """Too few documents for an interval to mean much."""
        return self.documents < MIN_DOCUMENTS


def group_statistics(units: Units, resamples: int = 1000, seed: int = 0, level: float = LEVEL) -> list[GroupStats]:
    """Every group's figures, in the order of units.groups, with bootstrap intervals when resamples > 0."""
    out = []
    n_keys = len(units.keys)
    for g, name in enumerate(units.groups):
        rows = units.rows(g)
        counts, words = units.counts[rows], units.words[rows]
        total_words = float(words.sum())
        spans = counts.sum(axis=0)
        with_any = (counts > 0).sum(axis=0)
        nan = np.full(n_keys, np.nan)
        rate = 1000.0 * spans / total_words if total_words > 0 else nan.copy()
        share = with_any / len(rows) if len(rows) else nan.copy()
        low, high = nan.copy(), nan.copy()
        if resamples > 0 and total_words > 0:
            weights = resample_counts(group_rng(seed, name), len(rows), resamples)
            low, high = ratio_interval(counts, words, weights, 1000.0, level)
        out.append(GroupStats(name, len(rows), total_words, spans, with_any, rate, share, low, high))
    return out


def share_statistics(
    units: Units, families: Sequence[Sequence[int]], resamples: int = 1000, seed: int = 0, level: float = LEVEL
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Per group: (counts, shares, low, high) of each key within its family of keys (an attribute's values).

    A family's denominator is the sum of its keys' counts, so each value's share is of the spans that have the
    attribute at all; the interval resamples the group's documents, as for rates."""
    n_keys = len(units.keys)
    family_of = np.zeros((n_keys, n_keys))
    for family in families:
        for a in family:
            family_of[a, list(family)] = 1.0
    out = []
    for g, name in enumerate(units.groups):
        rows = units.rows(g)
        counts = units.counts[rows]
        denominators = counts @ family_of.T  # (n, K): the family total beside each key
        total, den = counts.sum(axis=0), denominators.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(den > 0, total / den, np.nan)
        low = high = np.full(n_keys, np.nan)
        if resamples > 0 and len(rows):
            weights = resample_counts(group_rng(seed, name), len(rows), resamples)
            low, high = ratio_interval(counts, denominators, weights, 1.0, level)
        out.append((total, share, low, high))
    return out
