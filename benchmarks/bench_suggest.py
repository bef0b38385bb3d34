"""Suggestion figures: all recommenders on one 5 KB article with trained models, and training the learned
recommender on 10,000 annotations. The articles are generated (news-like sentences with loaded words, numbers,
quotations and reporting verbs), so the figures need no corpus."""

from __future__ import annotations

import random
import re
import statistics
import time

from annotator.core.model import Fragment
from annotator.suggesting import running
from annotator.suggesting.attribution_cues import AttributionCues
from annotator.suggesting.learned_spans import LearnedSpans
from annotator.suggesting.model import AnnotatedDocument, LabelledSpan
from annotator.suggesting.phrase_memory import PhraseMemory
from benchmarks.registry import Measurement, figure

NOUNS = "council minister budget plan union mayor report court tax policy fare border reform vote ruling".split()
VERBS = "approved rejected delayed announced defended attacked reviewed cut raised blocked".split()
LOADED = "reckless shameful disastrous outrageous cruel absurd corrupt radical draconian heartless".split()
NAMES = ["Ilse Barend", "Tomas Reyes", "the ministry", "Acme Bank", "Jane Doe", "the opposition"]


def article(rng: random.Random, size: int = 5000, doc_id: str = "d") -> AnnotatedDocument:
    """A news-like text of about size characters with its loaded words, numbers and sources annotated."""
    parts: list[str] = []
    spans: list[LabelledSpan] = []
    length = 0

    def add(text: str, label: str | None = None, subtype: str | None = None) -> None:
        nonlocal length
        if label:
            spans.append(LabelledSpan(label, (Fragment(length, length + len(text)),), subtype))
        parts.append(text)
        length += len(text)

    while length < size:
        kind = rng.random()
        add(f"The {rng.choice(NOUNS)} {rng.choice(VERBS)} the ")
        if kind < 0.08:
            add(rng.choice(LOADED), "opinion", "loaded_language")
            add(f" {rng.choice(NOUNS)} on Tuesday. ")
        elif kind < 0.14:
            add(f"{rng.choice(NOUNS)}, which rose by ")
            add(f"{rng.randint(2, 90)}%", "claim", "statistical")
            add(" last year. ")
        elif kind < 0.18:
            add(f"{rng.choice(NOUNS)}, and the {rng.choice(NOUNS)} ")
            add(f"will {rng.choice(VERBS[:5])} it next year", "claim", "prediction")
            add(". ")
        elif kind < 0.22:
            add(f"{rng.choice(NOUNS)} over ")
            add(f"the cost of {rng.choice(['fuel', 'housing', 'food', 'transport'])}", "framing", "economic")
            add(". ")
        elif kind < 0.3:
            add(f"{rng.choice(NOUNS)}. “")
            add(f"It is {rng.choice(LOADED)} and wrong", "attribution", "content")
            add(",” ")
            add(rng.choice(NAMES), "attribution", "source")
            add(" ")
            add("said", "attribution", "cue")
            add(".\n")
        else:  # about 20 annotations in 5 KB, as in the PTC articles
            add(f"{rng.choice(NOUNS)} of the {rng.choice(NOUNS)} after {rng.randint(2, 30)} days of talks. ")
    return AnnotatedDocument(doc_id, "".join(parts), tuple(spans), "en")


def corpus(annotations: int, seed: int = 0) -> list[AnnotatedDocument]:
    rng = random.Random(seed)
    docs: list[AnnotatedDocument] = []
    while sum(len(d.spans) for d in docs) < annotations:
        docs.append(article(rng, doc_id=f"d{len(docs)}"))
    return docs


@figure("suggest_document_ms", target="<= 100 ms")
def suggest_document() -> Measurement:
    recommenders = [PhraseMemory(), LearnedSpans(), AttributionCues()]
    running.prepare(recommenders, corpus(2000), None)
    rng = random.Random(1)
    articles = [article(rng, doc_id=f"new{n}") for n in range(21)]
    running.suggest(recommenders, articles[:1])  # warm caches once, as an open window has them
    times, floors, found = [], [], 0
    for doc in articles[1:]:
        blank = AnnotatedDocument(doc.id, doc.text, (), "en")
        start = time.perf_counter()
        found += len(running.suggest(recommenders, [blank]))
        times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        re.findall(r"\w+|[^\w\s]", doc.text)
        floors.append((time.perf_counter() - start) * 1000)
    size = statistics.mean(len(a.text) for a in articles)
    return Measurement(
        statistics.median(times),
        statistics.median(floors),
        "one regex pass splitting the same article into tokens, ms",
        f"median of 20 articles of {size / 1000:.1f} K characters, {found / 20:.0f} suggestions each; "
        "phrase memory and learned spans trained on 2,000 annotations",
    )


@figure("train_10k_annotations_s", target="<= 10 s")
def train_10k_annotations() -> Measurement:
    docs = corpus(10_000)
    model = LearnedSpans()
    start = time.perf_counter()
    model.train(docs)
    value = time.perf_counter() - start
    from sklearn.feature_extraction import FeatureHasher

    words = [[w] for d in docs for w in re.findall(r"\w+|[^\w\s]", d.text)]
    start = time.perf_counter()
    x = FeatureHasher(n_features=2**20, input_type="string").transform(words)
    floor = time.perf_counter() - start
    tokens = x.shape[0]
    return Measurement(
        value,
        floor,
        "scikit-learn's FeatureHasher over the same tokens, one feature each, s",
        f"{sum(len(d.spans) for d in docs)} annotations in {len(docs)} articles ({tokens} tokens), "
        f"{len(model.labels)} labels",
    )
