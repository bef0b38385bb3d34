"""What a scraped article says about itself: its headline, publication date, byline and outlet.

The text is read as lines (see scraped.py); these guesses look at the lines before the article's first
paragraph, where scrapers leave the headline, captions and datelines, and at short lines elsewhere.
Dates are parsed by dateparser (local forms such as 11.07.2023, "July 11, 2023" or "11 июля 2023") and
bylines cleaned by trafilatura's author normaliser; the patterns here only find where a candidate stands.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

import dateparser
from trafilatura.json_metadata import normalize_authors

from annotator.core.errors import InputError


class Line(NamedTuple):
    """One non-blank line: [start, end) in code points, without its edge spaces, BOM or line break."""

    start: int
    end: int
    text: str


SHORT_LINE = 120  # captions, datelines and bylines are shorter than this; paragraphs usually are not
MAX_HEADLINE = 200
_NAME = r"[A-Z][\w&'’.]*(?:[ \-][A-Z][\w&'’.]*){0,4}"
# "Skyline of Tokyo - Sputnik International, 1920" or "Title | Daily Planet": a name after a separator
_SITE_AFTER_SEPARATOR = re.compile(rf"(?:^|\s)[-–—|]\s*({_NAME})\s*(?:,|$)")
# "© 2024 Daily Planet" (a photo credit reads "© AFP 2023 / name", with the year after the agency)
_SITE_AFTER_COPYRIGHT = re.compile(rf"(?:©|\(c\)|Copyright)\s*\d{{4}}\s+({_NAME})", re.IGNORECASE)
_CREDIT = re.compile(r"©|\(c\)\s|\bcopyright\b|\bphoto\b|\bimage\b", re.IGNORECASE)
_BYLINE = re.compile(
    r"^(?:by|von|par|por|di|door|av|af|przez|автор:?|author:|written by)\s+(\S.{1,80})$", re.IGNORECASE
)
_DATE_CANDIDATES = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"  # 2023-07-11, 2023-07-11T09:30
    r"|\b\d{1,2}[./-]\d{1,2}[./-]\d{4}\b(?:,?\s+\d{1,2}:\d{2})?"  # 11.07.2023, 11/07/2023 14:03
    r"|\b\d{1,2}\.?\s+[^\W\d_]{3,12}\.?,?\s+\d{4}\b"  # 11 July 2023, 11. Juli 2023
    r"|\b[^\W\d_]{3,12}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"  # July 11, 2023
)
_DATE_CUES = re.compile(r"\b(?:published|updated|posted|date|veröffentlicht|publié|publicado)\b", re.IGNORECASE)


def guess_outlet(lines: Sequence[Line], head: int) -> str:
    """The site name the captions repeat ("- Sputnik International, 1920"). A name after a dash must stand on
    two short lines (a headline may end "- Here's Why"); one after a bar before the article ("Title | Daily
    Planet") or in a copyright line ("© 2024 Daily Planet") is enough once."""
    short = [line.text for line in lines if len(line.text) <= SHORT_LINE]
    named: set[str] = set()
    sure: set[str] = set()
    for number, line in enumerate(lines):
        if len(line.text) > SHORT_LINE:
            continue
        for match in _SITE_AFTER_SEPARATOR.finditer(line.text):
            name = match.group(1).strip(" .")
            named.add(name)
            if number < head and "|" in match.group():
                sure.add(name)
        sure.update(m.group(1).strip(" .") for m in _SITE_AFTER_COPYRIGHT.finditer(line.text))
    counts = Counter({name: sum(name in text for text in short) for name in named | sure if len(name) > 2})
    ranked = [name for name, n in counts.most_common() if n >= 2 or name in sure]
    return ranked[0] if ranked else ""


def guess_headline(lines: Sequence[Line], outlet: str) -> int | None:
    """Index of the line that reads as the title among lines (those before the first paragraph), if any.

    Captions, credits, site names, datelines and bylines are passed over; of the rest, the line that looks
    most like a headline (several words, mostly capitalised, no closing full stop) wins, the earlier at a tie.
    """
    best, best_score = None, 0.0
    for number, line in enumerate(lines):
        text = line.text
        words = text.split()
        if not 3 <= len(words) <= 30 or len(text) > MAX_HEADLINE or text[0] in "-–—|•©*":
            continue
        if sum(text.count(c) for c in "|•·") >= 2:  # a row of links
            continue
        if (outlet and outlet in text) or _CREDIT.search(text) or _BYLINE.match(text):
            continue
        if _DATE_CANDIDATES.search(text):
            continue
        capitalised = sum(w[0].isupper() or not w[0].isalpha() for w in words) / len(words)
        score = 1.0 + capitalised + (0.0 if text.endswith((".", "!")) else 0.5)
        if score > best_score:
            best, best_score = number, score
    return best


def guess_published(lines: Sequence[Line], head: int, language: str = "") -> str:
    """ISO date of the first date among the lines before the article, else on a line saying "published"."""
    for number, line in enumerate(lines):
        if number >= head and not (len(line.text) <= SHORT_LINE and _DATE_CUES.search(line.text)):
            continue
        for match in _DATE_CANDIDATES.finditer(line.text):
            found = _parse(match.group(), language)
            if found:
                return found
    return ""


def guess_author(lines: Sequence[Line], head: int) -> str:
    """The byline ("By Lois Lane", "Von Hans Müller") before the article or on a short line, names only."""
    for number, line in enumerate(lines):
        if number >= head and len(line.text) > SHORT_LINE:
            continue
        match = _BYLINE.match(line.text)
        if match:
            name = _DATE_CANDIDATES.sub("", match.group(1)).strip(" ,|-–—")
            authors = normalize_authors(None, name) if name else None
            if authors:
                return authors
    return ""


def parse_date(value: str, where: str = "--published") -> str:
    """A date the user gave (2023-07-11, 11.07.2023, July 11, 2023) as ISO 8601, or a clear error."""
    found = _parse(value.strip(), None)
    if not found:
        raise InputError(f"'{value}' is not a date (try 2023-07-11)", where)
    return found


def _parse(candidate: str, language: str | None) -> str:
    """ISO form of one candidate (date, or date and time when a time was given); '' if it is no date."""
    when = _parser(language or "")(candidate)
    if when is None or not datetime(1900, 1, 1) <= when.replace(tzinfo=None) <= _tomorrow():
        return ""
    has_time = bool(re.search(r"\d:\d\d", candidate))
    return when.replace(tzinfo=None).isoformat(timespec="minutes") if has_time else when.date().isoformat()


def _tomorrow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)


# Month names are looked up in the document's language, else in these (all of dateparser's ~200 locales cost
# some 40 ms for each candidate that turns out to be no date); digits need no language.
NEWS_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "pl", "uk", "tr", "sv", "da", "nb", "fi", "cs")


@lru_cache(maxsize=8)
def _parser(language: str):  # type: ignore[no-untyped-def]
    # Day first for 11.07.2023 (the seed's and most of the world's order); whole dates only, so that a lone
    # "2023" or "In April" is no publication date.
    settings = {
        "DATE_ORDER": "DMY",
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PREFER_DAY_OF_MONTH": "first",
        "PARSERS": ["absolute-time"],  # not "2 days ago" (relative to today, not to the article), nor timestamps
    }
    code = language.split("-")[0].lower()
    languages = [code] if code in _known_languages() else list(NEWS_LANGUAGES)

    def parse(text: str) -> datetime | None:
        try:
            words = _HAS_LETTERS.search(text.replace("T", "", 1))
            return dateparser.parse(text, languages=languages if words else ["en"], settings=settings)
        except (ValueError, OverflowError, TypeError):
            return None

    return parse


_HAS_LETTERS = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _known_languages() -> frozenset[str]:
    from dateparser.languages.loader import LocaleDataLoader

    return frozenset(locale.shortname for locale in LocaleDataLoader().get_locales(use_given_order=False))
