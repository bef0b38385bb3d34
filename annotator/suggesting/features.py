"""What the learned recommender sees of each token: the word, its stem and shape, its neighbours, and a lexicon.

The lexicon says which labels a word (its stem) is often annotated with. Words of the training spans would all be
in a lexicon built from the very same spans, and the model would learn to trust it blindly; so the lexicon
features of training documents come from the other folds' spans only (cross-fitting), and those of new
documents from all of them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher

from annotator.suggesting.model import AnnotatedDocument
from annotator.suggesting.text import Tokens, normal_form, shape, tokenize

N_FEATURES = 2**20
MIN_IN_SPANS = 2  # a word enters a label's lexicon after this many annotated occurrences ...
MIN_SHARE = 0.2  # ... when at least this share of its occurrences were inside that label's spans
_HASHER = FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False)


@lru_cache(maxsize=1)
def _valences() -> dict[str, float]:
    """Word -> mean sentiment valence (-4..4) from VADER's lexicon (English; read as data, its code not run)."""
    try:
        lines = files("vaderSentiment").joinpath("vader_lexicon.txt").read_text("utf-8").splitlines()
    except (ModuleNotFoundError, OSError):
        return {}
    table: dict[str, float] = {}
    for line in lines:
        word, _, rest = line.partition("\t")
        try:
            table[word] = float(rest.partition("\t")[0])
        except ValueError:
            continue
    for word, value in list(table.items()):  # stems too, so that 'ludicrously' finds 'ludicrous'
        table.setdefault(normal_form(word, "en"), value)
    return table


def valence_feature(word: str, stem: str, language: str) -> str | None:
    if language not in ("", "en") and not language.startswith("en-"):
        return None
    value = _valences().get(word)
    if value is None:
        value = _valences().get(stem)
    if value is None:
        return None
    return f"{'+' if value > 0 else '-'}{min(int(abs(value) + 0.5), 3)}"


@dataclass
class Lexicon:
    """Word (normal form) -> labels it is often annotated with."""

    labels_of: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, documents: Iterable[Prepared], labels: Sequence[str]) -> Lexicon:
        total: Counter[str] = Counter()
        inside: dict[str, Counter[str]] = defaultdict(Counter)
        for doc in documents:
            total.update(doc.normal)
            for label in labels:
                marks = doc.inside.get(label)
                if marks is not None:
                    inside[label].update(w for w, m in zip(doc.normal, marks.tolist(), strict=True) if m)
        found: dict[str, list[str]] = defaultdict(list)
        for label in labels:
            for word, n in inside[label].items():
                if n >= MIN_IN_SPANS and n >= MIN_SHARE * total[word]:
                    found[word].append(label)
        return cls({word: tuple(ls) for word, ls in found.items()})


@dataclass
class Prepared:
    """One document tokenized, with its normal forms and, for training, which tokens lie in each label's spans."""

    document: AnnotatedDocument
    tokens: Tokens
    normal: list[str]
    inside: dict[str, np.ndarray] = field(default_factory=dict)  # label key -> bool per token

    @classmethod
    def of(cls, document: AnnotatedDocument, with_labels: bool = True) -> Prepared:
        tokens = tokenize(document.text)
        normal = [normal_form(w, document.language) for w in tokens.words]
        prepared = cls(document, tokens, normal)
        if with_labels and document.spans and len(tokens):
            starts, ends = np.asarray(tokens.starts), np.asarray(tokens.ends)
            for span in document.spans:
                marks = prepared.inside.setdefault(span.label_key, np.zeros(len(tokens), dtype=bool))
                for f in span.fragments:
                    # a token is inside when it lies within the fragment (a token cut by its edge counts too)
                    marks[(starts < f.end) & (ends > f.start)] = True
        return prepared


def _token_features(doc: Prepared, lexicon: Lexicon) -> list[list[str]]:
    words = [w.casefold() for w in doc.tokens.words]
    normal, breaks = doc.normal, doc.tokens.breaks_before
    n = len(words)
    lex = [lexicon.labels_of.get(w, ()) for w in normal]
    language = doc.document.language
    val = [valence_feature(w, stem, language) for w, stem in zip(words, normal, strict=True)]
    rows = []
    quoted = False
    for i in range(n):
        w, stem = words[i], normal[i]
        prev = words[i - 1] if i and not breaks[i] else "<s>"
        nxt = words[i + 1] if i + 1 < n and not breaks[i + 1] else "</s>"
        prev2 = words[i - 2] if i > 1 and prev != "<s>" and not breaks[i - 1] else "<s>"
        nxt2 = words[i + 2] if i + 2 < n and nxt != "</s>" and not breaks[i + 2] else "</s>"
        if w in '"“”«»„':
            quoted = not quoted if w == '"' else w in "“«„"
        feats = [
            "bias",
            "w=" + w,
            "n=" + stem,
            "s=" + shape(doc.tokens.words[i]),
            "x=" + w[-3:],
            "p=" + prev,
            "f=" + nxt,
            "pp=" + prev2,
            "ff=" + nxt2,
            "pw=" + prev + "|" + w,
            "wf=" + w + "|" + nxt,
        ]
        if quoted:
            feats.append("quoted")
        if val[i]:
            feats.append("v=" + val[i])
        if i and prev != "<s>" and val[i - 1]:
            feats.append("vp=" + val[i - 1])
        if nxt != "</s>" and val[i + 1]:
            feats.append("vf=" + val[i + 1])
        feats.extend("L=" + label for label in lex[i])
        if i and prev != "<s>":
            feats.extend("Lp=" + label for label in lex[i - 1])
        if nxt != "</s>":
            feats.extend("Lf=" + label for label in lex[i + 1])
        rows.append(feats)
    return rows


def matrix(docs: Sequence[Prepared], lexicons: Sequence[Lexicon]) -> sparse.csr_matrix:
    """One row of hashed features per token of each document (document k's lexicon features from lexicons[k])."""
    rows: list[list[str]] = []
    for doc, lexicon in zip(docs, lexicons, strict=True):
        rows.extend(_token_features(doc, lexicon))
    if not rows:
        return sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
    return _HASHER.transform(rows).astype(np.float32)
