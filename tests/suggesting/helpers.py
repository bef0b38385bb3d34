"""Hand-written documents for the recommender tests: spans given by their text, found in the document."""

from __future__ import annotations

from annotator.core.model import Fragment
from annotator.suggesting.model import AnnotatedDocument, LabelledSpan, Suggestion


def span(text: str, phrase: str, label: str, subtype: str | None = None, nth: int = 0) -> LabelledSpan:
    """A span over the nth occurrence of phrase in text."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return LabelledSpan(label, (Fragment(start, start + len(phrase)),), subtype)


def doc(id: str, text: str, *marks: tuple[str, str] | tuple[str, str, str], language: str = "") -> AnnotatedDocument:
    """A document with spans over (phrase, label[, subtype]) marks."""
    return AnnotatedDocument(id, text, tuple(span(text, *m) for m in marks), language)


def covered(document: AnnotatedDocument, suggestions: list[Suggestion]) -> list[tuple[str, str]]:
    """(covered text, label/subtype) of each suggestion, in document order."""
    return [
        (document.text[s.start : s.end], s.label + (f"/{s.subtype}" if s.subtype else ""))
        for s in sorted(suggestions, key=lambda s: (s.start, s.end, s.label))
    ]
