"""Recommenders a lab might register, some of them broken, for the plugin tests (found through entry points)."""

from __future__ import annotations

from annotator.core.model import Fragment
from annotator.suggesting.model import AnnotatedDocument, Suggestion
from annotator.suggesting.recommender import Recommender


class FirstWord(Recommender):
    """Suggests the first word of every document as a claim: a working plugin."""

    name = "first_word"
    version = "7"
    trainable = False

    def suggest(self, document: AnnotatedDocument) -> list[Suggestion]:
        end = document.text.find(" ")
        return [Suggestion(document.id, (Fragment(0, end),), "claim", None, 0.5, self.name, self.version)]


class FailsToSuggest(FirstWord):
    name = "fails_to_suggest"

    def suggest(self, document: AnnotatedDocument) -> list[Suggestion]:
        raise RuntimeError(f"cannot read {document.id}")


class FailsToTrain(FirstWord):
    name = "fails_to_train"
    trainable = True

    def __init__(self) -> None:
        self.ready = False

    @property
    def trained(self) -> bool:
        return self.ready

    def train(self, documents, progress=None) -> list[str]:
        raise MemoryError("out of memory")


class FailsToStart(FirstWord):
    def __init__(self) -> None:
        raise ImportError("needs a GPU library")


class OutOfBounds(FirstWord):
    name = "out_of_bounds"

    def suggest(self, document: AnnotatedDocument) -> list[Suggestion]:
        n = len(document.text)
        return [Suggestion(document.id, (Fragment(n, n + 5),), "claim", None, 0.5, self.name, self.version)]


class OffScheme(FirstWord):
    """Proposes a label the default scheme lacks, and attributes it does not define or allow."""

    name = "off_scheme"

    def suggest(self, document: AnnotatedDocument) -> list[Suggestion]:
        span = (Fragment(0, document.text.find(" ")),)
        return [
            Suggestion(document.id, span, "propaganda", None, 0.5, self.name, self.version),
            Suggestion(document.id, span, "genre", "opinion", 0.5, self.name, self.version),  # a document label
            Suggestion(document.id, span, "opinion", "hyperbole", 0.5, self.name, self.version),
            Suggestion(
                document.id,
                span,
                "opinion",
                "loaded_language",
                0.5,
                self.name,
                self.version,
                attributes={"polarity": "negative", "intensity": "extreme", "colour": "red"},
            ),
        ]


class StumblesOnEmoji(FirstWord):
    """Works, except on a text with an emoji in it."""

    name = "stumbles_on_emoji"

    def suggest(self, document: AnnotatedDocument) -> list[Suggestion]:
        if "😀" in document.text:
            raise UnicodeError("emoji")
        return [
            Suggestion(document.id, s.fragments, "opinion", None, 0.4, self.name, self.version)
            for s in super().suggest(document)
        ]
