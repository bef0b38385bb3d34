"""Small builders for review tests: documents and annotations written by code, not copied from anywhere."""

from __future__ import annotations

import numpy as np

from annotator.core.model import Annotation, Fragment
from annotator.review.corpus import ReviewDocument

TEXT = "The minister said taxes will rise. Critics called it a fantasy. 😊 Prices rose by 4%.\r\nMore to come. "


def ann(
    doc: str, who: str, label: str, *spans: tuple[int, int], subtype: str | None = None, uid: str = ""
) -> Annotation:
    return Annotation(
        doc,
        who,
        label,
        tuple(Fragment(s, e) for s, e in spans),
        subtype,
        uuid=uid or f"{doc}-{who}-{label}-{spans}-{subtype}",
    )


def random_documents(
    n_docs: int, annotators: list[str], labels: list[str], seed: int = 0, per_doc: int = 6, text: str = TEXT
) -> list[ReviewDocument]:
    """Documents where annotators start from shared spans and then drift (move, relabel, drop, add)."""
    rng = np.random.default_rng(seed)
    docs = []
    n = len(text)
    for d in range(n_docs):
        uid = f"doc{d}"
        base = []
        for _ in range(per_doc):
            s = int(rng.integers(0, n - 2))
            base.append((s, int(min(n, s + rng.integers(1, 25))), labels[int(rng.integers(0, len(labels)))]))
        anns = []
        for who in annotators:
            for k, (s, e, label) in enumerate(base):
                if rng.random() < 0.15:
                    continue
                if rng.random() < 0.25:
                    s = int(max(0, min(e - 1, s + rng.integers(-3, 4))))
                if rng.random() < 0.15:
                    label = labels[int(rng.integers(0, len(labels)))]
                spans = [(s, e)]
                if rng.random() < 0.1 and e + 5 < n:
                    spans.append((e + 2, e + 5))  # a discontinuous annotation now and then
                anns.append(
                    Annotation(uid, who, label, tuple(Fragment(a, b) for a, b in spans), uuid=f"{uid}-{who}-{k}")
                )
        docs.append(ReviewDocument(uid, text, tuple(anns), frozenset(annotators)))
    return docs
