"""Differences between two groups that hold up: the difference of rates with a bootstrap interval, a permutation
p-value, and Holm or Benjamini-Hochberg correction across the labels compared. Pure numpy.

Two designs:
* independent (`compare`): the documents of A and B are shuffled between the groups (a permutation test of the
  difference of rates, each rate a ratio of sums); the interval resamples each group's documents on its own.
* paired (`compare_paired`): documents sharing a story are paired, the statistic is the mean over stories of
  (rate in A - rate in B), which takes the story's own topic out of the comparison; the test flips A and B
  within stories, the interval resamples stories.

The p-values are computed as scipy.stats.permutation_test computes them (two-sided: twice the smaller one-sided
p, at most 1; +1 in numerator and denominator unless every arrangement was enumerated, which is done when
there are no more arrangements than permutations asked for), and with the same random stream, so the two agree
exactly for the same generator. A group too small for a test gets a reason instead of a p-value.
"""

from __future__ import annotations

import itertools
import math
import zlib
from dataclasses import dataclass, field

import numpy as np

from annotator.review.analysis import LEVEL, Units, resample_counts

MIN_FOR_TEST = 2  # documents per group (or stories, paired) below which no test is run


def pair_rng(seed: int, a: str, b: str, purpose: str) -> np.random.Generator:
    words = (a, b, purpose)
    return np.random.default_rng([seed, *(zlib.crc32(w.encode("utf-8")) for w in words)])


@dataclass
class Comparison:
    a: str
    b: str
    keys: tuple[str, ...]
    design: str  # "independent" or "paired"
    n_a: int  # documents (paired: stories) in A
    n_b: int
    difference: np.ndarray  # (K,) rate A - rate B (paired: mean over stories), per 1,000 words
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_value: np.ndarray  # NaN where no test was possible
    p_adjusted: np.ndarray
    correction: str
    permutations: int  # arrangements the p-values rest on
    exact: bool  # every arrangement enumerated
    reason: str = ""  # why there is no test at all
    notes: list[str] = field(default_factory=list)


def _untested(keys: tuple[str, ...], a: str, b: str, design: str, n_a: int, n_b: int, correction: str) -> Comparison:
    """A comparison with every figure still NaN (filled in as far as the data allow)."""
    nan = [np.full(len(keys), np.nan) for _ in range(5)]
    return Comparison(a, b, keys, design, n_a, n_b, *nan, correction=correction, permutations=0, exact=False)


def _rates(counts: np.ndarray, words: np.ndarray) -> np.ndarray:
    """1000 * counts / words row by row ((..., K) / (...,)), NaN where words are 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(words[..., None] > 0, 1000.0 * counts / words[..., None], np.nan)


def two_sided_p(null: np.ndarray, observed: np.ndarray, exact: bool) -> np.ndarray:
    """scipy.stats.permutation_test's two-sided p-value from a null distribution (rows) and the observed value."""
    gamma = np.abs(np.finfo(np.float64).eps * 100 * observed)
    adjustment = 0 if exact else 1
    n = null.shape[0]
    less = ((null <= observed + gamma).sum(axis=0) + adjustment) / (n + adjustment)
    greater = ((null >= observed - gamma).sum(axis=0) + adjustment) / (n + adjustment)
    p = np.minimum(np.minimum(less, greater) * 2, 1.0)
    return np.where(np.isfinite(observed), p, np.nan)


def _partitions(n_a: int, n: int, permutations: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """(rows, n) masks: which of the pooled documents go to A in each arrangement; exact when all are listed."""
    if math.comb(n, n_a) <= permutations:
        combos = list(itertools.combinations(range(n), n_a))
        masks = np.zeros((len(combos), n), dtype=np.float64)
        masks[np.repeat(np.arange(len(combos)), n_a), np.array(combos, dtype=np.int64).ravel()] = 1.0
        return masks, True
    masks = np.zeros((permutations, n), dtype=np.float64)
    for r in range(permutations):  # one rng.permutation per arrangement: scipy's stream
        masks[r, rng.permutation(n)[:n_a]] = 1.0
    return masks, False


def compare(
    units: Units,
    a: str,
    b: str,
    resamples: int = 1000,
    permutations: int = 1000,
    seed: int = 0,
    correction: str = "holm",
    level: float = LEVEL,
) -> Comparison:
    """A against B, documents as the units: difference of rates, its interval, permutation p-values."""
    rows_a, rows_b = units.rows(units.groups.index(a)), units.rows(units.groups.index(b))
    counts_a, counts_b = units.counts[rows_a], units.counts[rows_b]
    words_a, words_b = units.words[rows_a], units.words[rows_b]
    result = _untested(units.keys, a, b, "independent", len(rows_a), len(rows_b), correction)
    small = [name for name, rows in ((a, rows_a), (b, rows_b)) if len(rows) < MIN_FOR_TEST]
    if small or words_a.sum() <= 0 or words_b.sum() <= 0:
        result.reason = (
            f"too few documents to compare: {', '.join(small)} has fewer than {MIN_FOR_TEST}"
            if small
            else "a group has no words"
        )
        return result
    observed = _rates(counts_a.sum(0), words_a.sum()) - _rates(counts_b.sum(0), words_b.sum())
    result.difference = observed
    if resamples > 0:
        rng = pair_rng(seed, a, b, "bootstrap")
        wa, wb = resample_counts(rng, len(rows_a), resamples), resample_counts(rng, len(rows_b), resamples)
        diff = _rates(wa @ counts_a, wa @ words_a) - _rates(wb @ counts_b, wb @ words_b)
        tail = (1 - level) / 2 * 100
        with np.errstate(invalid="ignore"):
            result.ci_low, result.ci_high = np.nanpercentile(diff, [tail, 100 - tail], axis=0)
    counts, words = np.vstack([counts_a, counts_b]), np.concatenate([words_a, words_b])
    masks, exact = _partitions(len(rows_a), len(words), permutations, pair_rng(seed, a, b, "permutation"))
    null = _rates(masks @ counts, masks @ words) - _rates((1 - masks) @ counts, (1 - masks) @ words)
    result.p_value = two_sided_p(null, observed, exact)
    result.permutations, result.exact = len(masks), exact
    result.p_adjusted = adjust(result.p_value, correction)
    return result


def compare_paired(
    units: Units,
    story_of_document: np.ndarray,
    a: str,
    b: str,
    resamples: int = 1000,
    permutations: int = 1000,
    seed: int = 0,
    correction: str = "holm",
    level: float = LEVEL,
) -> Comparison:
    """A against B within stories: story_of_document gives each document's story index (-1: none)."""
    k = len(units.keys)
    per_story = []
    for name in (a, b):
        rows = units.rows(units.groups.index(name))
        story = story_of_document[units.document[rows]]
        keep = story >= 0
        n_stories = int(story_of_document.max()) + 1 if len(story_of_document) else 0
        counts = np.zeros((n_stories, k))
        np.add.at(counts, story[keep], units.counts[rows][keep])
        words = np.bincount(story[keep], weights=units.words[rows][keep], minlength=n_stories)
        per_story.append((counts, words))
    (counts_a, words_a), (counts_b, words_b) = per_story
    both = (words_a > 0) & (words_b > 0)
    diffs = _rates(counts_a[both], words_a[both]) - _rates(counts_b[both], words_b[both])  # (S, K)
    n = len(diffs)
    result = _untested(units.keys, a, b, "paired", n, n, correction)
    if n < MIN_FOR_TEST:
        result.reason = f"{n} stories have documents of both {a} and {b}; a paired test needs {MIN_FOR_TEST}"
        return result
    observed = diffs.mean(axis=0)
    result.difference = observed
    if resamples > 0:
        weights = resample_counts(pair_rng(seed, a, b, "paired bootstrap"), n, resamples)
        means = weights @ diffs / n
        tail = (1 - level) / 2 * 100
        result.ci_low, result.ci_high = np.percentile(means, [tail, 100 - tail], axis=0)
    if 2**n <= permutations:
        signs = 1.0 - 2.0 * np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.float64)
        exact = True
    else:
        signs = np.where(pair_rng(seed, a, b, "sign flips").random((permutations, n)) < 0.5, -1.0, 1.0)
        exact = False
    null = signs @ diffs / n
    result.p_value = two_sided_p(null, observed, exact)
    result.permutations, result.exact = len(signs), exact
    result.p_adjusted = adjust(result.p_value, correction)
    return result


CORRECTIONS = ("holm", "bh", "none")


def adjust(p_values: np.ndarray, method: str = "holm") -> np.ndarray:
    """p-values corrected for testing several labels at once: Holm (family-wise error) or Benjamini-Hochberg
    (false discovery rate); NaN entries are not tests and stay NaN."""
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full_like(p, np.nan)
    tested = np.flatnonzero(np.isfinite(p))
    m = len(tested)
    if m == 0 or method == "none":
        return p.copy()
    order = tested[np.argsort(p[tested], kind="stable")]
    ranked = p[order]
    if method == "holm":
        adjusted = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * ranked))
    elif method == "bh":
        adjusted = np.minimum.accumulate(np.minimum(1.0, m / np.arange(1, m + 1) * ranked)[::-1])[::-1]
    else:
        raise ValueError(f"unknown correction '{method}'; known: {', '.join(CORRECTIONS)}")
    out[order] = adjusted
    return out
