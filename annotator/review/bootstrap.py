"""95% bootstrap confidence intervals by resampling documents (Efron's percentile interval).

Documents, not tokens, are resampled: tokens of one article are not independent, so resampling them would give
intervals far too narrow. Each resample draws as many documents as there are, with replacement; a document
drawn k times counts k times. Every measure in this package is a function of per-document sums, so a resample
is a row of weights and all resamples are evaluated together as one matrix product.

A resample in which a measure is undefined (say, no shared document drawn) is left out of that measure's
interval, and the interval says how many resamples it rests on.
"""

from __future__ import annotations

import numpy as np

DEFAULT_SEED = 20_201_111  # fixed so that the same data give the same interval every time


def resample_weights(n_docs: int, resamples: int, seed: int = DEFAULT_SEED) -> np.ndarray:
    """(resamples x n_docs) counts: how often each resample drew each document."""
    if n_docs == 0 or resamples <= 0:
        return np.zeros((0, n_docs))
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_docs, np.full(n_docs, 1 / n_docs), size=resamples).astype(np.float64)


def percentile_interval(values: np.ndarray, level: float = 0.95) -> dict[str, object] | None:
    """{"low", "high", "resamples"} from resampled values (NaN ignored); None when fewer than 2 are defined."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if len(finite) < 2:
        return None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return {"low": float(low), "high": float(high), "resamples": int(len(finite))}
