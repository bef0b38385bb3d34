"""The analysis statistics against independent computations: pandas for counts and rates, scipy.stats for the
bootstrap and permutation tests (same generator, so the same draws), statsmodels for Holm and BH."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats
from statsmodels.stats.multitest import multipletests

from annotator.review import analysis, significance

KEYS = ("claim", "claim/statistical", "opinion")


def generated(seed: int = 7, sizes: dict[str, int] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, analysis.Units]:
    """Documents in groups with random words, and spans with labels; the same data as pandas frames and Units."""
    rng = np.random.default_rng(seed)
    sizes = sizes or {"Daily A": 14, "Daily B": 17, "Weekly C": 3}
    groups = list(sizes)
    docs = pd.DataFrame(
        {
            "group": np.repeat(np.arange(len(groups)), list(sizes.values())),
            "words": rng.integers(80, 900, sum(sizes.values())),
        }
    )
    n_spans = 400
    spans = pd.DataFrame(
        {
            "doc": rng.integers(0, len(docs), n_spans),
            "label": rng.choice(["claim", "opinion", "framing"], n_spans),
            "statistical": rng.random(n_spans) < 0.4,
        }
    )
    label_key = spans["label"].map({"claim": 0, "opinion": 2}).fillna(-1).astype(np.int64).to_numpy()
    sub_key = np.where((spans["label"] == "claim") & spans["statistical"], 1, -1)
    units = analysis.tabulate(
        groups,
        KEYS,
        docs["group"].to_numpy(),
        np.arange(len(docs)),
        np.arange(len(docs)),
        docs["words"].to_numpy(float),
        spans["doc"].to_numpy(),
        [label_key, sub_key],
    )
    return docs.assign(name=[groups[g] for g in docs["group"]]), spans, units


def pandas_counts(docs: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """Per document and key, the number of spans (independent of analysis.tabulate)."""
    rows = []
    for key in KEYS:
        if key == "claim/statistical":
            chosen = spans[(spans["label"] == "claim") & spans["statistical"]]
        else:
            chosen = spans[spans["label"] == key]
        per_doc = chosen.groupby("doc").size().reindex(docs.index, fill_value=0)
        rows.append(per_doc.rename(key))
    return pd.concat(rows, axis=1)


def test_counts_rates_and_shares_match_pandas() -> None:
    docs, spans, units = generated()
    per_doc = pandas_counts(docs, spans)
    found = analysis.group_statistics(units, resamples=0)
    for stats in found:
        mine = docs[docs["name"] == stats.name]
        counts = per_doc.loc[mine.index]
        assert stats.documents == len(mine) and stats.words == mine["words"].sum()
        for k, key in enumerate(KEYS):
            assert stats.spans[k] == counts[key].sum()
            assert stats.documents_with[k] == (counts[key] > 0).sum()
            assert stats.rate[k] == pytest.approx(1000 * counts[key].sum() / mine["words"].sum(), rel=1e-12, abs=1e-12)
            assert stats.share[k] == pytest.approx((counts[key] > 0).mean(), abs=1e-12)
    assert [s.small for s in found] == [False, False, True]  # Weekly C has 3 documents


def test_bootstrap_interval_is_scipys_percentile_interval_with_the_same_generator() -> None:
    docs, spans, units = generated()
    per_doc = pandas_counts(docs, spans)
    found = analysis.group_statistics(units, resamples=600, seed=11)
    for stats in found[:2]:
        mine = docs[docs["name"] == stats.name]
        for k, key in enumerate(KEYS):
            reference = scipy_stats.bootstrap(
                (per_doc.loc[mine.index, key].to_numpy(float), mine["words"].to_numpy(float)),
                lambda s, w, axis: 1000 * s.sum(axis=axis) / w.sum(axis=axis),
                paired=True,
                vectorized=True,
                n_resamples=600,
                method="percentile",
                rng=analysis.group_rng(11, stats.name),
            )
            assert stats.ci_low[k] == pytest.approx(reference.confidence_interval.low, rel=1e-12)
            assert stats.ci_high[k] == pytest.approx(reference.confidence_interval.high, rel=1e-12)


def test_resampling_in_chunks_draws_the_same_as_at_once(monkeypatch) -> None:
    _, _, units = generated()
    whole = analysis.group_statistics(units, resamples=300, seed=3)
    monkeypatch.setattr(analysis, "CHUNK_CELLS", 50)  # a few resamples per chunk
    chunked = analysis.group_statistics(units, resamples=300, seed=3)
    for a, b in zip(whole, chunked, strict=True):
        np.testing.assert_array_equal(a.ci_low, b.ci_low)
        np.testing.assert_array_equal(a.ci_high, b.ci_high)
    again = analysis.group_statistics(units, resamples=300, seed=3)
    np.testing.assert_array_equal(again[0].ci_low, whole[0].ci_low)  # the same seed, the same interval
    other = analysis.group_statistics(units, resamples=300, seed=4)
    assert not np.array_equal(other[0].ci_low, whole[0].ci_low)


def _rate_statistic(units: analysis.Units, k: int):
    def statistic(x, y, axis=-1):
        x, y = x.astype(np.int64), y.astype(np.int64)
        rate = lambda i: 1000 * units.counts[i, k].sum(axis=-1) / units.words[i].sum(axis=-1)  # noqa: E731
        return rate(x) - rate(y)

    return statistic


@pytest.mark.parametrize("sizes", [{"A": 12, "B": 15}, {"A": 4, "B": 5}])
def test_permutation_p_values_and_difference_interval_are_scipys(sizes) -> None:
    _, _, units = generated(seed=5, sizes=sizes)
    found = significance.compare(units, "A", "B", resamples=400, permutations=999, seed=9)
    rows_a, rows_b = units.rows(0).astype(float), units.rows(1).astype(float)
    assert found.exact == (sizes["A"] == 4)  # C(9, 4) = 126 arrangements are all listed
    for k in range(len(KEYS)):
        reference = scipy_stats.permutation_test(
            (rows_a, rows_b),
            _rate_statistic(units, k),
            permutation_type="independent",
            vectorized=True,
            n_resamples=999,
            alternative="two-sided",
            rng=significance.pair_rng(9, "A", "B", "permutation"),
        )
        assert found.difference[k] == pytest.approx(reference.statistic, rel=1e-12)
        assert found.p_value[k] == pytest.approx(reference.pvalue, rel=1e-12)
        interval = scipy_stats.bootstrap(
            (rows_a, rows_b),
            _rate_statistic(units, k),
            vectorized=True,
            n_resamples=400,
            method="percentile",
            rng=significance.pair_rng(9, "A", "B", "bootstrap"),
        )
        assert found.ci_low[k] == pytest.approx(interval.confidence_interval.low, rel=1e-12)
        assert found.ci_high[k] == pytest.approx(interval.confidence_interval.high, rel=1e-12)


def test_paired_comparison_is_scipys_sign_flip_test_and_bootstrap_of_the_mean() -> None:
    rng = np.random.default_rng(2)
    n_stories = 6
    # two outlets, one article each per story; story s has its own topic level, so pairing matters
    words = rng.integers(300, 900, 2 * n_stories).astype(float)
    level = np.repeat(rng.integers(1, 20, n_stories), 2)
    counts = (rng.poisson(level) + np.tile([3, 0], n_stories)).astype(float)[:, None]
    units = analysis.Units(("A", "B"), ("claim",), np.tile([0, 1], n_stories), np.arange(2 * n_stories), words, counts)
    story = np.repeat(np.arange(n_stories), 2)
    found = significance.compare_paired(units, story, "A", "B", resamples=500, permutations=1000, seed=1)
    diffs = 1000 * counts[0::2, 0] / words[0::2] - 1000 * counts[1::2, 0] / words[1::2]
    reference = scipy_stats.permutation_test(
        (diffs,),
        lambda d, axis=-1: d.mean(axis=axis),
        permutation_type="samples",
        vectorized=True,
        n_resamples=1000,
        alternative="two-sided",
    )
    assert found.exact and found.permutations == 2**n_stories
    assert found.difference[0] == pytest.approx(diffs.mean(), rel=1e-12)
    assert found.p_value[0] == pytest.approx(reference.pvalue, rel=1e-12)
    interval = scipy_stats.bootstrap(
        (diffs,),
        np.mean,
        n_resamples=500,
        method="percentile",
        rng=significance.pair_rng(1, "A", "B", "paired bootstrap"),
    )
    assert found.ci_low[0] == pytest.approx(interval.confidence_interval.low, rel=1e-12)
    assert found.ci_high[0] == pytest.approx(interval.confidence_interval.high, rel=1e-12)


def test_a_group_too_small_for_a_test_says_so() -> None:
    _, _, units = generated(sizes={"A": 1, "B": 6})
    found = significance.compare(units, "A", "B")
    assert "fewer than 2" in found.reason and "A" in found.reason
    assert np.isnan(found.p_value).all()
    single = analysis.Units(("A", "B"), ("claim",), np.array([0, 1]), np.array([0, 1]), np.ones(2), np.ones((2, 1)))
    paired = significance.compare_paired(single, np.array([0, 0]), "A", "B")
    assert "1 stories" in paired.reason


@pytest.mark.parametrize("method, reference", [("holm", "holm"), ("bh", "fdr_bh")])
def test_corrections_match_statsmodels(method, reference) -> None:
    p = np.array([0.01, 0.04, 0.03, 0.2, np.nan, 0.005, 0.04])
    tested = np.isfinite(p)
    expected = multipletests(p[tested], method=reference)[1]
    adjusted = significance.adjust(p, method)
    np.testing.assert_allclose(adjusted[tested], expected, rtol=1e-12)
    assert np.isnan(adjusted[4])


def test_holm_by_hand() -> None:
    # sorted 0.01, 0.02, 0.03 with m = 3: 0.03, 0.04, 0.04 (monotone), then back in the given order
    np.testing.assert_allclose(significance.adjust(np.array([0.03, 0.01, 0.02]), "holm"), [0.04, 0.03, 0.04])


def test_empty_group_has_no_rates() -> None:
    units = analysis.Units(
        ("none", "some"),
        ("claim",),
        np.array([0, 1]),
        np.array([0, 1]),
        np.array([0.0, 100.0]),
        np.array([[0.0], [2.0]]),
    )
    empty, some = analysis.group_statistics(units, resamples=50)
    assert empty.empty and np.isnan(empty.rate).all() and np.isnan(empty.ci_low).all()
    assert not some.empty and some.rate[0] == 20.0


def test_words_leave_out_boilerplate_ranges() -> None:
    text = "Subscribe now! The minister said taxes rise. Share this article\r\nMore 😀 news"
    assert analysis.count_words(text) == 13
    boiler = [(0, 15), (45, 64)]  # "Subscribe now! " and "Share this article"
    assert text[0:15] == "Subscribe now! " and text[45:64] == "Share this article\r"
    assert analysis.count_words(text, boiler) == 13 - 2 - 3
    assert analysis.count_words(text, [(45, 64), (0, 15), (3, 10)]) == 8  # unsorted and overlapping ranges
    starts, ends = np.array([0, 15, 46, 50]), np.array([9, 27, 51, 70])
    assert analysis.in_ranges(starts, ends, boiler).tolist() == [True, False, True, False]
