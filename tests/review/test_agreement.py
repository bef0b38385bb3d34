"""Coded-item measures against scikit-learn, the krippendorff package and published worked examples."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from annotator.review.agreement import CodingStats, alpha_from_coincidences, cohen_kappa, fleiss_kappa
from annotator.review.corpus import MISSING, CodingTable

# Fleiss (1971) as tabulated on Wikipedia ("Fleiss' kappa", worked example): 10 subjects, 14 raters, 5 categories
FLEISS_EXAMPLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability": four coders, twelve units, missing values
N = MISSING
KRIPPENDORFF_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


def table(codes_by_coder: list[list[int]], docs: list[int] | None = None, k: int | None = None) -> CodingTable:
    codes = np.array(codes_by_coder, dtype=np.int64).T
    item_docs = np.array(docs if docs is not None else [0] * len(codes), dtype=np.int64)
    k = k if k is not None else int(codes.max()) + 1
    return CodingTable(codes, item_docs, [str(c) for c in range(k)], int(item_docs.max()) + 1 if len(codes) else 1)


def test_fleiss_published_example() -> None:
    assert fleiss_kappa(np.array(FLEISS_EXAMPLE)) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_from_codes_matches_the_count_table() -> None:
    # the same study as 14 coders' codes per subject
    codes = [[c for c, n in enumerate(row) for _ in range(n)] for row in FLEISS_EXAMPLE]
    stats = CodingStats(table([list(col) for col in zip(*codes, strict=True)], k=5), [f"r{i}" for i in range(14)])
    value, reason = stats.fleiss_point(np.ones(1))
    assert value == pytest.approx(fleiss_kappa(np.array(FLEISS_EXAMPLE)), abs=1e-12) and reason == ""


def test_krippendorff_published_example_with_missing_values() -> None:
    stats = CodingStats(table(KRIPPENDORFF_EXAMPLE), list("ABCD"))
    value, _ = stats.alpha_point(range(4), np.ones(1))
    assert value == pytest.approx(0.743, abs=5e-4)
    by_sums, _ = stats.alpha_point(range(4), np.ones(1), use_package=False)
    assert by_sums == pytest.approx(value, abs=1e-12)
    assert float(stats.alpha(range(4), np.ones((1, 1)))[0]) == pytest.approx(value, abs=1e-12)


@st.composite
def codings(draw: st.DrawFn) -> tuple[list[list[int]], list[int], int]:
    coders = draw(st.integers(2, 4))
    items = draw(st.integers(2, 60))
    k = draw(st.integers(2, 5))
    missing = draw(st.floats(0, 0.4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    codes = rng.integers(0, k, size=(coders, items))
    codes[rng.random((coders, items)) < missing] = MISSING
    docs = sorted(rng.integers(0, 4, size=items).tolist())
    return codes.tolist(), docs, k


@pytest.mark.filterwarnings("ignore::UserWarning")  # scikit-learn warns where kappa is undefined; we check that too
@settings(max_examples=120, deadline=None)
@given(codings())
def test_cohen_matches_scikit_learn(data: tuple[list[list[int]], list[int], int]) -> None:
    codes, docs, k = data
    stats = CodingStats(table(codes, docs, k), [f"c{i}" for i in range(len(codes))])
    a, b = np.array(codes[0]), np.array(codes[1])
    both = (a != MISSING) & (b != MISSING)
    value, reason = stats.cohen_point(0, 1, np.ones(stats.table.n_docs))
    if both.sum() == 0:
        assert value is None and "no document in common" in reason
        return
    with np.errstate(all="ignore"):
        reference = cohen_kappa_score(a[both], b[both], labels=list(range(k)))
    if np.isnan(reference):
        assert value is None and "undefined" in reason
    else:
        assert value == pytest.approx(reference, abs=1e-9)


@settings(max_examples=120, deadline=None)
@given(codings())
def test_alpha_matches_the_krippendorff_package(data: tuple[list[list[int]], list[int], int]) -> None:
    codes, docs, k = data
    coders = len(codes)
    stats = CodingStats(table(codes, docs, k), [f"c{i}" for i in range(coders)])
    weights = np.ones(stats.table.n_docs)
    value, reason = stats.alpha_point(range(coders), weights)
    by_sums, _ = stats.alpha_point(range(coders), weights, use_package=False)
    data_for_package = np.where(np.array(codes) == MISSING, np.nan, np.array(codes, dtype=float))
    pairable = np.sum(~np.isnan(data_for_package), axis=0) >= 2
    values_used = np.unique(data_for_package[:, pairable][~np.isnan(data_for_package[:, pairable])])
    if len(values_used) < 2:
        assert value is None and reason
        return
    reference = krippendorff.alpha(reliability_data=data_for_package, level_of_measurement="nominal")
    assert value == pytest.approx(reference, abs=1e-9)
    assert by_sums == pytest.approx(reference, abs=1e-9)


def test_weights_count_a_document_as_often_as_it_was_drawn() -> None:
    codes = [[0, 1, 1, 0, 2, 2], [0, 1, 0, 0, 2, 1], [1, 1, 0, 0, 2, 2]]
    docs = [0, 0, 1, 1, 2, 2]
    stats = CodingStats(table(codes, docs, 3), ["a", "b", "c"])
    weights = np.array([[2.0, 0.0, 1.0]])
    # the same data written out: doc 0 twice, doc 2 once
    keep = [0, 1, 0, 1, 4, 5]
    drawn = [[row[i] for i in keep] for row in codes]
    laid_out = CodingStats(table(drawn, [0, 0, 1, 1, 2, 2], 3), ["a", "b", "c"])
    ones = np.ones((1, 3))
    assert stats.cohen(0, 1, weights)[0] == pytest.approx(laid_out.cohen(0, 1, ones)[0])
    assert stats.fleiss(weights)[0] == pytest.approx(laid_out.fleiss(ones)[0])
    assert stats.alpha(range(3), weights)[0] == pytest.approx(laid_out.alpha(range(3), ones)[0])


def test_degenerate_inputs_give_reasons_not_nan() -> None:
    same = CodingStats(table([[1, 1, 1], [1, 1, 1]], k=2), ["a", "b"])
    assert same.cohen_point(0, 1, np.ones(1)) == (
        None,
        "kappa is undefined: both coders gave every unit the same single value",
    )
    assert same.fleiss_point(np.ones(1))[0] is None
    assert same.alpha_point(range(2), np.ones(1))[0] is None
    apart = CodingStats(table([[0, 1, N, N], [N, N, 1, 0]], docs=[0, 0, 1, 1], k=2), ["a", "b"])
    value, reason = apart.cohen_point(0, 1, np.ones(2))
    assert value is None and reason == "a and b coded no document in common"
    assert apart.fleiss_point(np.ones(2)) == (None, "no document was coded by every chosen annotator")
    assert apart.alpha_point(range(2), np.ones(2))[0] is None
    assert np.isnan(cohen_kappa(np.zeros((2, 2))))
    assert np.isnan(alpha_from_coincidences(np.zeros((2, 2))))
