"""alpha-u against the worked examples of Krippendorff (1995, 2004) as DKPro Statistics' tests reproduce them,
against a brute-force reading of the formula, and the resampling identity the bootstrap relies on."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.review.unitizing import (
    alpha_from_disagreements,
    category_terms,
    gaps,
    merge_overlapping,
    segments,
    single_continuum_alpha,
)

# Krippendorff (2004), Content Analysis 2nd ed., p. 254: continuum 150..450, two coders, categories c and k
KRIPPENDORFF_2004 = [
    (0, 225, 70, "c"),
    (0, 370, 30, "c"),
    (1, 220, 80, "c"),
    (1, 355, 20, "c"),
    (1, 400, 20, "c"),
    (0, 180, 60, "k"),
    (0, 300, 50, "k"),
    (1, 180, 60, "k"),
    (1, 300, 50, "k"),
]

# Krippendorff (1995: p. 57), four pairs of coders A-D on a continuum of 24, as (offset, length, rater, category)
KRIPPENDORFF_1995 = [
    (2, 8, 0, "A"),
    (14, 6, 0, "A"),
    (4, 4, 1, "A"),
    (15, 2, 1, "A"),
    (0, 18, 0, "B"),
    (0, 2, 1, "B"),
    (2, 1, 1, "B"),
    (3, 1, 1, "B"),
    (4, 1, 1, "B"),
    (5, 1, 1, "B"),
    (6, 3, 1, "B"),
    (9, 1, 1, "B"),
    (2, 6, 0, "C"),
    (10, 2, 0, "C"),
    (14, 4, 0, "C"),
    (20, 2, 0, "C"),
    (0, 2, 1, "C"),
    (4, 4, 1, "C"),
    (10, 4, 1, "C"),
    (16, 2, 1, "C"),
    (20, 2, 1, "C"),
    (0, 2, 0, "D"),
    (2, 8, 0, "D"),
    (10, 4, 0, "D"),
    (14, 6, 0, "D"),
    (20, 4, 0, "D"),
    (0, 4, 1, "D"),
    (4, 4, 1, "D"),
    (8, 7, 1, "D"),
    (15, 2, 1, "D"),
    (17, 7, 1, "D"),
]


def example_1995(stretch: float) -> dict[str, tuple[float, float, float]]:
    units = [(r, int(o * stretch), int(n * stretch), c) for o, n, r, c in KRIPPENDORFF_1995]
    return single_continuum_alpha(units, 2, 0, int(24 * stretch))


def test_krippendorff_2004_example() -> None:
    result = single_continuum_alpha(KRIPPENDORFF_2004, raters=2, begin=150, length=300)
    d_o, d_e, alpha = result["c"]
    assert d_o == pytest.approx(0.0144, abs=1e-4)
    assert d_e == pytest.approx(0.0532, abs=1e-4)
    assert alpha == pytest.approx(0.7286, abs=1e-4)
    assert result["k"] == pytest.approx((0.0, 0.0490, 1.0), abs=1e-4)
    assert result["overall"][2] == pytest.approx(0.8591, abs=5e-4)


def test_krippendorff_1995_observed_disagreement() -> None:
    result = example_1995(1)
    for category, expected in {"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715}.items():
        assert result[category][0] == pytest.approx(expected, abs=1e-5)


def test_krippendorff_1995_expected_disagreement_and_alpha() -> None:
    result = example_1995(1_200_000 / 24)  # the paper's values hold for a long continuum
    for category, (d_e, alpha) in {
        "A": (0.06990, 0.553),
        "B": (1.17731, -0.926),
        "C": (0.08642, 0.679),
        "D": (0.41445, 0.066),
    }.items():
        assert result[category][1] == pytest.approx(d_e, abs=0.005)
        assert result[category][2] == pytest.approx(alpha, abs=0.02)


@pytest.mark.parametrize(
    ("stretch", "d_e", "alpha", "tolerance"),
    [
        (12 / 24, 0.05494, 0.494, 0.00001),
        (120 / 24, 0.08234, 0.663, 0.005),
        (1200 / 24, 0.08600, 0.677, 0.005),
        (12000 / 24, 0.08638, 0.678, 0.005),
    ],
)
def test_krippendorff_1995_varying_lengths(stretch: float, d_e: float, alpha: float, tolerance: float) -> None:
    d_o, got_e, got_alpha = example_1995(stretch)["C"]
    assert d_o == pytest.approx(0.02777, abs=1e-5)
    assert got_e == pytest.approx(d_e, abs=tolerance)
    assert got_alpha == pytest.approx(alpha, abs=0.02)


def test_dkpro_two_rater_example() -> None:
    # r0: -11111111-   r1: --1-1-1---
    result = single_continuum_alpha([(0, 1, 8, "A"), (1, 2, 1, "A"), (1, 4, 1, "A"), (1, 6, 1, "A")], 2, 0, 10)
    assert result["A"] == pytest.approx((0.9100, 0.5351, -0.7003), abs=1e-4)


def test_a_single_unit_gives_zero() -> None:
    assert single_continuum_alpha([(0, 0, 1, "X")], 3, 0, 20)["overall"][2] == pytest.approx(0.0, abs=1e-12)


def test_no_units_is_undefined_not_a_number() -> None:
    assert np.isnan(single_continuum_alpha([], 3, 0, 20)["overall"][2])


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((225, 70), (220, 80), 50),
        ((370, 30), (355, 20), 850),
        ((5, 6), (4, 2), 26),
        ((5, 6), (5, 2), 16),
        ((5, 6), (6, 2), 10),
        ((5, 6), (7, 2), 8),
        ((5, 6), (6, 4), 2),
        ((5, 6), (5, 6), 0),
        ((1, 8), (2, 1), 37),
    ],
)
def test_distance_of_two_overlapping_units(a: tuple[int, int], b: tuple[int, int], expected: int) -> None:
    terms = category_terms(
        [(np.array([a[0]]), np.array([sum(a)])), (np.array([b[0]]), np.array([sum(b)]))],
        np.array([0]),
        np.array([1000]),
    )
    assert terms.pair_observed[(0, 1)][0] == expected


def test_a_unit_inside_the_other_coders_gap_costs_its_length_squared() -> None:
    terms = category_terms(
        [(np.array([400]), np.array([420])), (np.array([0]), np.array([10]))], np.array([0]), np.array([1000])
    )
    assert terms.pair_observed[(0, 1)][0] == 20**2 + 10**2


# -- a brute-force reading of the formula, to check the vectorised one on random data ----------------------


def brute_force(units: dict[int, list[tuple[int, int]]], raters: int, length: int) -> tuple[float, float]:
    def segmentation(r: int) -> list[tuple[int, int, bool]]:
        segs, pos = [], 0
        for s, e in sorted(units.get(r, [])):
            if s > pos:
                segs.append((pos, s, False))
            segs.append((s, e, True))
            pos = e
        if pos < length:
            segs.append((pos, length, False))
        return segs

    def delta2(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> int:
        (b1, e1, u1), (b2, e2, u2) = g, h
        if u1 and u2 and b1 < e2 and b2 < e1:
            return (b1 - b2) ** 2 + (e1 - e2) ** 2
        if u1 and not u2 and b2 <= b1 and e1 <= e2:
            return (e1 - b1) ** 2
        if u2 and not u1 and b1 <= b2 and e2 <= e1:
            return (e2 - b2) ** 2
        return 0

    segs = {r: segmentation(r) for r in range(raters)}
    observed = sum(
        delta2(g, h) for i, j in product(range(raters), repeat=2) if i != j for g in segs[i] for h in segs[j]
    )
    d_o = observed / (raters * (raters - 1) * length**2)
    all_units = [e - b for r in range(raters) for b, e, u in segs[r] if u]
    all_gaps = [e - b for r in range(raters) for b, e, u in segs[r] if not u]
    n_c = len(all_units)
    total = sum(
        (n_c - 1) * (2 * n**3 - 3 * n**2 + n) / 3 + n**2 * sum(g - n + 1 for g in all_gaps if g >= n) for n in all_units
    )
    d_e = 2 / length * total / (raters * length * (raters * length - 1) - sum(n * (n - 1) for n in all_units))
    return d_o, d_e


def disjoint_units(draw: st.DrawFn, length: int) -> list[tuple[int, int]]:
    cuts = sorted(set(draw(st.lists(st.integers(0, length), max_size=8))))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    return [(s, e) for s, e in pairs if e > s]


@st.composite
def studies(draw: st.DrawFn) -> tuple[dict[int, list[tuple[int, int]]], int, int]:
    raters = draw(st.integers(2, 4))
    length = draw(st.integers(5, 60))
    return {r: disjoint_units(draw, length) for r in range(raters)}, raters, length


@settings(max_examples=150, deadline=None)
@given(studies())
def test_matches_a_brute_force_reading_of_the_formula(study: tuple[dict[int, list[tuple[int, int]]], int, int]) -> None:
    units, raters, length = study
    coder_units = [
        (np.array([s for s, _ in units[r]], dtype=np.int64), np.array([e for _, e in units[r]], dtype=np.int64))
        for r in range(raters)
    ]
    terms = category_terms(coder_units, np.array([0]), np.array([length]))
    d_o, d_e = terms.evaluate(range(raters), np.ones((1, 1)))
    if any(units.values()):
        assert (d_o[0], d_e[0]) == pytest.approx(brute_force(units, raters, length), rel=1e-9, abs=1e-12)
    else:
        assert d_e[0] == 0


def test_resample_weights_equal_laying_the_drawn_documents_end_to_end() -> None:
    rng = np.random.default_rng(3)
    lengths = [40, 25, 60]
    docs = []
    for length in lengths:
        docs.append(
            [
                sorted({(int(s), int(s) + int(rng.integers(1, 8))) for s in rng.integers(0, length - 8, 4)})
                for _ in range(3)
            ]
        )

    def terms_for(order: list[int]):  # noqa: ANN202
        starts = np.cumsum([0] + [lengths[d] for d in order])[:-1]
        coder_units = []
        for r in range(3):
            pieces = [(s + starts[k], e + starts[k]) for k, d in enumerate(order) for s, e in docs[d][r]]
            coder_units.append((np.array([s for s, _ in pieces]), np.array([e for _, e in pieces])))
        return category_terms(coder_units, starts, starts + np.array([lengths[d] for d in order]))

    weights = np.array([[2.0, 0.0, 1.0]])  # document 0 drawn twice, document 2 once
    by_weights = terms_for([0, 1, 2]).evaluate(range(3), weights)
    laid_out = terms_for([0, 0, 2]).evaluate(range(3), np.ones((1, 3)))
    assert by_weights[0] == pytest.approx(laid_out[0])
    assert by_weights[1] == pytest.approx(laid_out[1])
    assert alpha_from_disagreements(*by_weights) == pytest.approx(alpha_from_disagreements(*laid_out))


def test_a_gap_never_runs_across_a_document_boundary() -> None:
    units = segments(np.array([8]), np.array([10]), np.array([0, 10]))
    lengths, docs = gaps(units, np.array([0, 10, 30]), np.array([10, 30, 30]))  # the last document is empty
    assert lengths.tolist() == [8, 20] and docs.tolist() == [0, 1]


def test_overlapping_units_of_one_coder_are_merged_touching_ones_are_not() -> None:
    starts, ends = merge_overlapping(np.array([5, 0, 10, 12]), np.array([9, 6, 12, 15]))
    assert starts.tolist() == [0, 10, 12] and ends.tolist() == [9, 12, 15]
