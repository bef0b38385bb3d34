"""Learned spans: one linear token classifier per label, trained on the project's annotations, on the CPU.

Each token gets hashed features (features.py); a logistic-loss SGD classifier per label says how likely the token
lies in a span of that label. Runs of likely tokens within a sentence become one suggestion, trimmed to start
and end on words, scored by their mean probability. A label with fewer than MIN_EXAMPLES spans is skipped with a
note: a handful of examples teaches a classifier nothing it should repeat.

The model is saved without pickle (numpy arrays and JSON), so a file from another version of scikit-learn or of
this recommender is read or refused, never executed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import SGDClassifier

from annotator.core.model import Fragment
from annotator.suggesting.features import N_FEATURES, Lexicon, Prepared, WordCounts, matrix
from annotator.suggesting.model import AnnotatedDocument, Suggestion, split_label_key
from annotator.suggesting.recommender import ModelFileError, Progress, Recommender, report

MIN_EXAMPLES = 8
FOLDS = 5
THRESHOLD = 0.6
MAX_ROWS = 60_000  # tokens per label before the sentences without it are sampled (see _sample)
EPOCHS = 5  # as good as 20 on the PTC sample, and four times quicker
ALPHA = 3e-3  # L2 strength: strong, because a project's first few hundred spans are few
FORMAT = 1  # bump it, and the version, whenever features.py hashes or names its features differently
ARRAYS, META = "weights.npz", "model.json"


class LearnedSpans(Recommender):
    name = "learned_spans"
    version = "1"

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.labels: list[str] = []
        self.weights = sparse.csr_matrix((N_FEATURES, 0), dtype=np.float32)
        self.intercepts = np.zeros(0, dtype=np.float32)
        self.lexicon = Lexicon()
        self._trained = False

    @property
    def trained(self) -> bool:
        return self._trained

    def train(self, documents: Sequence[AnnotatedDocument], progress: Progress | None = None) -> list[str]:
        counts: Counter[str] = Counter(s.label_key for d in documents for s in d.spans if s.fragments)
        labels = sorted(k for k, n in counts.items() if n >= MIN_EXAMPLES)
        notes = [
            f"learned spans: '{k}' skipped, {n} example{'s' if n > 1 else ''} (at least {MIN_EXAMPLES} needed)"
            for k, n in sorted(counts.items())
            if n < MIN_EXAMPLES
        ]
        steps = len(documents) + len(labels) + 1
        prepared = []
        for n, doc in enumerate(documents):
            report(progress, n, steps)
            prepared.append(Prepared.of(doc))
        folds = [n % FOLDS for n in range(len(prepared))]
        per_fold = [WordCounts.of(p for p, f in zip(prepared, folds, strict=True) if f == k) for k in range(FOLDS)]
        words = sum(per_fold, WordCounts())
        x = matrix(prepared, [Lexicon.of(words - per_fold[f], labels) for f in folds])
        sentence = np.cumsum(np.concatenate([p.tokens.breaks_before for p in prepared] or [[]])) - 1
        report(progress, len(documents) + 1, steps)
        columns, intercepts = [], []
        for n, label in enumerate(labels):
            y = np.concatenate([p.inside.get(label, np.zeros(len(p.tokens), dtype=bool)) for p in prepared])
            rows, weights = _sample(sentence, y, np.random.default_rng(n))
            # balanced: rare labels weigh as much as common ones, so one threshold fits them all
            classifier = SGDClassifier(
                loss="log_loss", alpha=ALPHA, class_weight="balanced", max_iter=EPOCHS, tol=None, random_state=0
            )
            classifier.fit(x[rows], y[rows], sample_weight=weights)
            columns.append(sparse.csr_matrix(classifier.coef_.astype(np.float32)).T)
            intercepts.append(float(classifier.intercept_[0]))
            report(progress, len(documents) + 2 + n, steps)
        self.labels, self.lexicon = labels, Lexicon.of(words, labels)
        self.weights = sparse.hstack(columns, format="csr") if columns else sparse.csr_matrix((N_FEATURES, 0))
        self.intercepts = np.asarray(intercepts, dtype=np.float32)
        self._trained = True
        return notes

    def probabilities(self, doc: Prepared) -> np.ndarray:
        """tokens x labels: how likely each token lies in a span of each label."""
        if not self.labels or not len(doc.tokens):
            return np.zeros((len(doc.tokens), len(self.labels)), dtype=np.float32)
        scores = (matrix([doc], [self.lexicon]) @ self.weights).toarray() + self.intercepts
        return 1.0 / (1.0 + np.exp(-scores))

    def suggest(self, document: AnnotatedDocument) -> list[Suggestion]:
        doc = Prepared.of(document, with_labels=False)
        probs = self.probabilities(doc)
        out = []
        tokens = doc.tokens
        for column, label_key in enumerate(self.labels):
            label, subtype = split_label_key(label_key)
            for first, last in _runs(probs[:, column] >= self.threshold, tokens.breaks_before):
                while first <= last and not tokens.is_word(first):
                    first += 1
                while last >= first and not tokens.is_word(last):
                    last -= 1
                if first > last:
                    continue
                score = float(probs[first : last + 1, column].mean())
                fragment = Fragment(tokens.starts[first], tokens.ends[last])
                out.append(Suggestion(document.id, (fragment,), label, subtype, score, self.name, self.version))
        return out

    def save(self, folder: Path) -> None:
        w = self.weights.tocsr()
        np.savez_compressed(
            folder / ARRAYS, data=w.data, indices=w.indices, indptr=w.indptr, intercepts=self.intercepts
        )
        meta = {"format": FORMAT, "features": N_FEATURES, "labels": self.labels, "lexicon": self.lexicon.labels_of}
        (folder / META).write_text(json.dumps(meta, ensure_ascii=False), "utf-8")

    def load(self, folder: Path) -> None:
        try:
            meta = json.loads((folder / META).read_text("utf-8"))
            if meta.get("format") != FORMAT or meta.get("features") != N_FEATURES:
                raise ModelFileError(f"{folder / META}: written for another model layout")
            labels = [str(label) for label in meta["labels"]]
            lexicon = Lexicon({str(w): tuple(ls) for w, ls in meta["lexicon"].items()})
            with np.load(folder / ARRAYS, allow_pickle=False) as arrays:
                shape = (N_FEATURES, len(labels))
                weights = sparse.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=shape)
                intercepts = arrays["intercepts"].astype(np.float32)
            weights.check_format(full_check=True)
            if intercepts.shape != (len(labels),):
                raise ModelFileError(f"{folder / ARRAYS}: {len(intercepts)} intercepts for {len(labels)} labels")
        except ModelFileError:
            raise
        except Exception as exc:  # a damaged file can fail in json, zip, numpy or scipy: all mean "train again"
            raise ModelFileError(f"{folder}: the saved model cannot be read ({type(exc).__name__}: {exc})") from exc
        self.labels, self.lexicon, self.weights, self.intercepts = labels, lexicon, weights, intercepts
        self._trained = True


def _sample(sentence: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The rows one label trains on, and their weights: every token of a sentence that holds the label, and of
    the others as many as that (at least MAX_ROWS in all), drawn at random and weighted up to stand for the rest.
    A rare label in a large project then costs a fraction of the whole, and learns the same thing on average."""
    holding = np.isin(sentence, np.unique(sentence[y]))
    near, far = np.flatnonzero(holding), np.flatnonzero(~holding)
    budget = max(MAX_ROWS - len(near), len(near))
    if len(far) <= budget:
        return np.arange(len(y)), np.ones(len(y))
    rate = budget / len(far)
    drawn = far[rng.random(len(far)) < rate]
    rows = np.sort(np.concatenate([near, drawn]))
    return rows, np.where(holding[rows], 1.0, 1.0 / rate)


def _runs(positive: np.ndarray, breaks: list[bool]) -> list[tuple[int, int]]:
    """(first, last) token of each run of positive tokens that no sentence or line break interrupts."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, on in enumerate(positive.tolist()):
        if start is not None and (not on or breaks[i]):
            runs.append((start, i - 1))
            start = None
        if on and start is None:
            start = i
    if start is not None:
        runs.append((start, len(positive) - 1))
    return runs
