"""Agreement figures of the review issue: every measure for 500 documents by 3 annotators with 40 annotations
each, and 1,000 bootstrap resamples of the same."""

from __future__ import annotations

import time

import numpy as np

from annotator.core.model import Annotation, Fragment
from annotator.review.corpus import Corpus, ReviewDocument
from annotator.review.report import measure
from benchmarks.registry import Measurement, figure

LABELS = ["claim", "opinion", "attribution", "framing"]
WORDS = (
    "the council voted on tuesday to raise the single bus fare critics call the decision a reckless betrayal of "
    "working families according to the transit authority ridership fell by a tenth after the last increase"
).split()


def corpus_500x3(seed: int = 0) -> Corpus:
    """500 articles of about 2,500 characters; three annotators start from shared spans and drift apart."""
    rng = np.random.default_rng(seed)
    annotators = ["alice", "bob", "carol"]
    docs = []
    for d in range(500):
        text = " ".join(WORDS[i] for i in rng.integers(0, len(WORDS), 420)) + "."
        n = len(text)
        base = [
            (int(s), int(s + rng.integers(8, 120)), LABELS[int(rng.integers(0, len(LABELS)))])
            for s in rng.integers(0, n - 130, 40)
        ]
        anns = []
        for who in annotators:
            for k, (s, e, label) in enumerate(base):
                if rng.random() < 0.2:
                    s = int(max(0, s + rng.integers(-6, 7)))
                if rng.random() < 0.1:
                    label = LABELS[int(rng.integers(0, len(LABELS)))]
                anns.append(Annotation(f"d{d}", who, label, (Fragment(s, max(e, s + 1)),), uuid=f"{d}-{who}-{k}"))
        docs.append(ReviewDocument(f"d{d}", text, tuple(anns), frozenset(annotators)))
    return Corpus(docs, annotators)


def _sklearn_floor(corpus: Corpus) -> float:
    from sklearn.metrics import cohen_kappa_score

    codes = corpus.token_table(None, LABELS).codes
    start = time.perf_counter()
    cohen_kappa_score(codes[:, 0], codes[:, 1])
    return time.perf_counter() - start


@figure("agreement_500x3_s", target="< 2 s")
def agreement_500x3() -> Measurement:
    corpus = corpus_500x3()
    start = time.perf_counter()
    result = measure(Corpus(corpus.documents, corpus.annotators), LABELS)
    value = time.perf_counter() - start
    assert result["overall"]["alpha_u"] is not None
    return Measurement(
        value,
        _sklearn_floor(corpus),
        "one scikit-learn Cohen's kappa on the same tokens, s",
        f"{result['tokens']} tokens, {len(corpus.spans)} spans; tokenizing included",
    )


@figure("bootstrap_1000_s", target="< 10 s")
def bootstrap_1000() -> Measurement:
    corpus = corpus_500x3()
    start = time.perf_counter()
    measure(Corpus(corpus.documents, corpus.annotators), LABELS)
    point = time.perf_counter() - start
    start = time.perf_counter()
    result = measure(Corpus(corpus.documents, corpus.annotators), LABELS, resamples=1000)
    value = time.perf_counter() - start
    ci = result["overall"]["ci"]["krippendorff_alpha"]
    detail = f"alpha 95% interval [{ci['low']:.3f}, {ci['high']:.3f}] from {ci['resamples']} resamples"
    return Measurement(value, point, "the same measures without resampling, s", detail)
