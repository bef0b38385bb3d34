"""Phrase memory: the spans already annotated in the project, found again wherever their words recur.

A phrase is the words of an annotated span, compared case-folded and stemmed ('Radical Islamists' matches
'radical islamist'). Its score for a label is how often it was annotated with that label among all the places it
occurs in the training texts, smoothed by one (annotated 4 times in 4 places: 0.8); a match that differs from
every annotated form in case or ending scores a tenth less than an exact one.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model import Fragment
from annotator.suggesting.model import AnnotatedDocument, Suggestion, split_label_key
from annotator.suggesting.recommender import ModelFileError, Progress, Recommender, report
from annotator.suggesting.text import Tokens, normal_form, tokenize

FILE = "phrases.json"
FORMAT = 1
MAX_WORDS = 30  # longer spans (whole paragraphs) are not phrases that recur
INEXACT = 0.9  # a match differing in case or word endings from every annotated form


@dataclass
class Phrase:
    labels: Counter[str] = field(default_factory=Counter)  # label key -> times annotated
    surfaces: set[str] = field(default_factory=set)  # the annotated forms, as written
    occurrences: int = 0  # places in the training texts where the words occur


def _normal(tokens: Tokens, language: str) -> list[str]:
    return [normal_form(w, language) for w in tokens.words]


class PhraseMemory(Recommender):
    name = "phrase_memory"
    version = "1"

    def __init__(self) -> None:
        self.phrases: dict[tuple[str, ...], Phrase] = {}
        self._lengths: dict[str, set[int]] = {}  # first word -> phrase lengths starting with it
        self._trained = False

    @property
    def trained(self) -> bool:
        return self._trained

    def train(self, documents: Sequence[AnnotatedDocument], progress: Progress | None = None) -> list[str]:
        phrases: dict[tuple[str, ...], Phrase] = defaultdict(Phrase)
        skipped = 0
        tokenized = []
        for n, doc in enumerate(documents):
            report(progress, n, 2 * len(documents))
            tokens = tokenize(doc.text)
            tokenized.append((tokens, _normal(tokens, doc.language)))
            for span in doc.spans:
                if len(span.fragments) != 1:
                    skipped += 1
                    continue
                surface = span.fragments[0].covered(doc.text)
                words = tokenize(surface)
                if not 0 < len(words) <= MAX_WORDS or not any(words.is_word(i) for i in range(len(words))):
                    continue
                phrase = phrases[tuple(_normal(words, doc.language))]
                phrase.labels[span.label_key] += 1
                phrase.surfaces.add(surface)
        self._index(dict(phrases))
        for n, (_, normal) in enumerate(tokenized):
            report(progress, len(documents) + n, 2 * len(documents))
            for key, _ in self._matches(normal):
                self.phrases[key].occurrences += 1
        self._trained = True
        return [f"phrase memory: {skipped} discontinuous spans are not phrases and were left out"] if skipped else []

    def _index(self, phrases: dict[tuple[str, ...], Phrase]) -> None:
        self.phrases = phrases
        self._lengths = defaultdict(set)
        for key in phrases:
            self._lengths[key[0]].add(len(key))

    def _matches(self, normal: list[str]) -> list[tuple[tuple[str, ...], int]]:
        """(phrase, first token) of every place a known phrase occurs in a text's normal forms."""
        found = []
        for i, word in enumerate(normal):
            for length in self._lengths.get(word, ()):
                key = tuple(normal[i : i + length])
                if key in self.phrases:
                    found.append((key, i))
        return found

    def suggest(self, document: AnnotatedDocument) -> list[Suggestion]:
        tokens = tokenize(document.text)
        out = []
        for key, i in self._matches(_normal(tokens, document.language)):
            phrase = self.phrases[key]
            start, end = tokens.starts[i], tokens.ends[i + len(key) - 1]
            exact = 1.0 if document.text[start:end] in phrase.surfaces else INEXACT
            for label_key, times in phrase.labels.items():
                label, subtype = split_label_key(label_key)
                score = exact * times / (max(phrase.occurrences, times) + 1)
                out.append(
                    Suggestion(document.id, (Fragment(start, end),), label, subtype, score, self.name, self.version)
                )
        return out

    def save(self, folder: Path) -> None:
        rows = [[list(k), dict(p.labels), sorted(p.surfaces), p.occurrences] for k, p in self.phrases.items()]
        (folder / FILE).write_text(json.dumps({"format": FORMAT, "phrases": rows}, ensure_ascii=False), "utf-8")

    def load(self, folder: Path) -> None:
        path = folder / FILE
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("format") != FORMAT:
                raise ModelFileError(f"{path}: format {data.get('format')!r}, this version reads {FORMAT}")
            phrases = {
                tuple(words): Phrase(Counter(labels), set(surfaces), int(occurrences))
                for words, labels, surfaces, occurrences in data["phrases"]
            }
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ModelFileError(f"{path}: cannot be read ({exc})") from exc
        self._index(phrases)
        self._trained = True
