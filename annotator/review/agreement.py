"""Chance-corrected agreement on coded items: Cohen's kappa per pair, Fleiss' kappa, Krippendorff's alpha (nominal).

Items are tokens (or documents, for document-level labels); each coder gives each item one category code or
MISSING. Every measure is written as a function of per-document sums, so the same code gives the point estimate
(document weights 0/1) and each bootstrap resample (weights = how often the resample drew each document):

* Cohen (1960): kappa = (p_o - p_e) / (1 - p_e) from the pair's confusion matrix over items both coded.
* Fleiss (1971): over items coded by every coder; P_bar = (sum_i sum_j n_ij^2 - N n) / (N n (n - 1)),
  p_j = sum_i n_ij / (N n), P_e = sum_j p_j^2, kappa = (P_bar - P_e) / (1 - P_e).
* Krippendorff's alpha, nominal, missing data allowed: from the coincidence matrix o (each item with m_u >= 2
  values adds n_uc n_uk / (m_u - 1), minus the diagonal self-pairs): alpha = 1 - (n - 1)(n - trace o) /
  (n^2 - sum_c n_c^2). The point estimate is the `krippendorff` package's; the coincidence form is the same
  number (the tests check both on the same data) and is what resamples use.

Undefined values (no shared items, every item in one category) are NaN in arrays and None with a reason in
point estimates: never a silent NaN in a report.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from itertools import combinations

import krippendorff
import numpy as np

from annotator.review.corpus import MISSING, CodingTable

Point = tuple[float | None, str]  # a value, or None and the reason it is undefined

_PACKAGE_LIMIT = 8_000_000  # the package holds an (items x values x values) array; above this, same sums by hand


def cohen_kappa(confusion: np.ndarray) -> np.ndarray:
    """Cohen's kappa of confusion matrices (..., K, K); NaN where there are no items or p_e is 1."""
    total = confusion.sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_o = np.trace(confusion, axis1=-2, axis2=-1) / total
        p_e = (confusion.sum(axis=-1) * confusion.sum(axis=-2)).sum(axis=-1) / total**2
        kappa = (p_o - p_e) / (1 - p_e)
    return np.where((total > 0) & (p_e < 1 - 1e-12), kappa, np.nan)


def fleiss_kappa(counts: np.ndarray) -> float:
    """Fleiss' kappa of an (items x categories) table of how many raters chose each category (same n per item)."""
    counts = np.asarray(counts, dtype=np.float64)
    n = counts.sum(axis=1)
    if len(counts) == 0 or not np.all(n == n[0]) or n[0] < 2:
        raise ValueError("Fleiss' kappa needs the same number (two or more) of ratings for every item")
    return float(_fleiss(len(counts), (counts**2).sum(), counts.sum(axis=0), n[0]))


def _fleiss(
    n_items: np.ndarray | float, sum_squares: np.ndarray | float, totals: np.ndarray, raters: float
) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        p_bar = (sum_squares - n_items * raters) / (n_items * raters * (raters - 1))
        p_j = totals / (np.asarray(n_items)[..., None] * raters)
        p_e = (p_j**2).sum(axis=-1)
        kappa = (p_bar - p_e) / (1 - p_e)
    return np.where((np.asarray(n_items) > 0) & (p_e < 1 - 1e-12), kappa, np.nan)


def alpha_from_coincidences(o: np.ndarray) -> np.ndarray:
    """Nominal Krippendorff's alpha of coincidence matrices (..., K, K); NaN when expected disagreement is 0."""
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    expected = n**2 - (n_c**2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (n - 1) * (n - np.trace(o, axis1=-2, axis2=-1)) / expected
    return np.where(expected > 1e-9, alpha, np.nan)


def _weighted(weights: np.ndarray, per_doc: np.ndarray) -> np.ndarray:
    """(B x D) weights times (D x K x K) per-document matrices, as one BLAS product: (B x K x K)."""
    d, k, _ = per_doc.shape
    return (np.atleast_2d(weights) @ per_doc.reshape(d, k * k)).reshape(-1, k, k)


class CodingStats:
    """Per-document sufficient statistics of a coding table, evaluated for any rows of document weights."""

    def __init__(self, table: CodingTable, coder_names: Sequence[str]):
        self.table = table
        self.names = list(coder_names)
        self.k = max(table.n_categories, 1)
        self._confusions: dict[tuple[int, int], np.ndarray] = {}

    def _per_doc(self, keys: np.ndarray, docs: np.ndarray, weights: np.ndarray | None, size: int) -> np.ndarray:
        flat = np.bincount(docs * size + keys, weights=weights, minlength=self.table.n_docs * size)
        return flat.reshape(self.table.n_docs, size)

    # -- Cohen -------------------------------------------------------------------------------------------------

    def confusion(self, i: int, j: int) -> np.ndarray:
        """(D, K, K) counts of (code of i, code of j) over items both coded."""
        if (i, j) not in self._confusions:
            self._confusions[(i, j)] = self._confusion(i, j)
        return self._confusions[(i, j)]

    def _confusion(self, i: int, j: int) -> np.ndarray:
        a, b = self.table.codes[:, i], self.table.codes[:, j]
        both = (a != MISSING) & (b != MISSING)
        keys = a[both] * self.k + b[both]
        return self._per_doc(keys, self.table.item_docs[both], None, self.k * self.k).reshape(-1, self.k, self.k)

    def cohen(self, i: int, j: int, weights: np.ndarray) -> np.ndarray:
        return cohen_kappa(_weighted(weights, self.confusion(i, j)))

    def cohen_point(self, i: int, j: int, weights: np.ndarray) -> Point:
        confusion = _weighted(weights, self.confusion(i, j))[0]
        if confusion.sum() == 0:
            return None, f"{self.names[i]} and {self.names[j]} coded no document in common"
        value = float(cohen_kappa(confusion))
        if np.isnan(value):
            return None, "kappa is undefined: both coders gave every unit the same single value"
        return value, ""

    # -- Fleiss ------------------------------------------------------------------------------------------------

    @staticmethod
    def _counts(codes: np.ndarray, k: int) -> np.ndarray:
        """(items x k) how many coders chose each category for each item (MISSING codes are skipped)."""
        counts = np.zeros(len(codes) * k, dtype=np.int64)
        base = np.arange(len(codes), dtype=np.int64) * k
        for c in range(codes.shape[1]):
            coded = codes[:, c] != MISSING
            counts += np.bincount(base[coded] + codes[coded, c], minlength=len(counts))
        return counts.reshape(len(codes), k)

    @cached_property
    def _fleiss_parts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        codes = self.table.codes
        complete = np.all(codes != MISSING, axis=1)
        rows, docs = codes[complete], self.table.item_docs[complete]
        n_docs, r = self.table.n_docs, codes.shape[1]
        # sum_j n_ij^2 = r + 2 * (pairs of coders agreeing on item i): no items x categories table needed
        agreeing = sum((rows[:, x] == rows[:, y]).astype(np.float64) for x, y in combinations(range(r), 2))
        n_items = np.bincount(docs, minlength=n_docs).astype(np.float64)
        squares = np.bincount(
            docs, weights=r + 2 * np.asarray(agreeing, dtype=np.float64) * np.ones(len(rows)), minlength=n_docs
        )
        totals = sum(np.bincount(docs * self.k + rows[:, c], minlength=n_docs * self.k) for c in range(r))
        return n_items, squares, np.asarray(totals, dtype=np.float64).reshape(n_docs, self.k)

    def fleiss(self, weights: np.ndarray) -> np.ndarray:
        n_items, squares, totals = self._fleiss_parts
        raters = self.table.codes.shape[1]
        return _fleiss(weights @ n_items, weights @ squares, weights @ totals, raters)

    def fleiss_point(self, weights: np.ndarray) -> Point:
        if self.table.codes.shape[1] < 2:
            return None, "Fleiss' kappa needs two or more annotators"
        if float(weights @ self._fleiss_parts[0]) == 0:
            return None, "no document was coded by every chosen annotator"
        value = float(self.fleiss(weights[None])[0])
        if np.isnan(value):
            return None, "kappa is undefined: every unit got the same single value"
        return value, ""

    # -- Krippendorff --------------------------------------------------------------------------------------

    def coincidences(self, coders: Sequence[int]) -> np.ndarray:
        """(D, K, K) coincidence matrices over the given coders (items with fewer than two values add nothing)."""
        coders = list(coders)
        if len(coders) == 2:  # every pairable item has m_u = 2: the pair's confusion matrix, both ways round
            confusion = self.confusion(*coders)
            return confusion + confusion.transpose(0, 2, 1)
        codes = self.table.codes[:, coders]
        present = codes != MISSING
        m = present.sum(axis=1)
        out = np.zeros((self.table.n_docs, self.k * self.k))
        for x, y in combinations(range(codes.shape[1]), 2):
            both = present[:, x] & present[:, y] & (m >= 2)
            weight = 1.0 / (m[both] - 1)
            docs = self.table.item_docs[both]
            for a, b in ((codes[both, x], codes[both, y]), (codes[both, y], codes[both, x])):
                out += self._per_doc(a * self.k + b, docs, weight, self.k * self.k)
        return out.reshape(-1, self.k, self.k)

    def alpha(self, coders: Sequence[int], weights: np.ndarray) -> np.ndarray:
        return alpha_from_coincidences(_weighted(weights, self.coincidences(coders)))

    def alpha_point(self, coders: Sequence[int], weights: np.ndarray, use_package: bool = True) -> Point:
        """The point estimate, by the krippendorff package on the pairable items of the chosen documents.

        use_package=False gives the same number from the coincidence sums (the per-pair, per-label breakdown
        uses it: dozens of package calls over every token would dominate the run time)."""
        codes = self.table.codes[:, list(coders)]
        keep = (weights[self.table.item_docs] > 0) & ((codes != MISSING).sum(axis=1) >= 2)
        if not keep.any():
            return None, "no unit was coded by two or more of the chosen annotators"
        codes = codes[keep]
        used = np.nonzero(np.bincount(codes[codes != MISSING], minlength=self.k))[0]
        if len(used) < 2:
            return None, "alpha is undefined: every unit got the same single value"
        if use_package and len(codes) * len(used) ** 2 <= _PACKAGE_LIMIT:
            compact = np.full(self.k, MISSING, dtype=np.int64)
            compact[used] = np.arange(len(used))
            counts = self._counts(np.where(codes == MISSING, MISSING, compact[codes]), len(used))
            value = float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))
        else:  # the package would hold gigabytes here; the coincidence form is the same sum, done per document
            chosen = (weights > 0).astype(np.float64)
            value = float(alpha_from_coincidences(_weighted(chosen, self.coincidences(coders))[0]))
        return (value, "") if np.isfinite(value) else (None, "alpha is undefined for these data")
