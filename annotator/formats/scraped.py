"""Scraped articles: the page furniture around them found and marked, never cut, and what the text says about
itself (headline, date, byline, outlet) read from it.

A saved or pasted news page holds the article and, around it, the site's navigation words, "Subscribe",
image credits and comment prompts. jusText classifies each line as one paragraph (by length and stop-word
density, then by its neighbours in its revision step). Plain text lacks the markup jusText reads in a page, so
three shapes stand in for it: a row of short items separated by bars is a menu (what link density says), a
short line naming the site is a caption, and the headline starts the article (what stands before it is
furniture; during the revision it is a boundary, so captions between it and the text are judged on their own).
The text itself is never changed: furniture is a list of [start, end) code-point ranges, each a run of whole
lines without their edge spaces.

Readers put the ranges in Document.boilerplate (stored with the document, editable in the window) and the names
of the fields they guessed in metadata["guessed"]. ReadOptions.extra["keep_boilerplate"] turns the marking off;
extra["outlet"] and extra["published"] set those fields for a whole batch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from justext.core import PathInfo, classify_paragraphs, revise_paragraph_classification
from justext.paragraph import Paragraph
from justext.utils import get_stoplist, get_stoplists
from trafilatura.settings import JUSTEXT_LANGUAGES

from annotator.core.model import Document
from annotator.formats import article_fields
from annotator.formats.article_fields import Line
from annotator.formats.registry import ReadOptions

_LINE = re.compile(r"[^\r\n]+")
_EDGE = " \t\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u3000\ufeff"
_GAP = re.compile(r"[\s\ufeff]*")
_MENU = re.compile(r"^[^|•·]{1,30}(?:\s[|•·]\s[^|•·]{1,30}){2,}$")  # three or more short items in a row
# jusText's defaults for a line as a paragraph; LENGTH_LOW lower than its 70 (trafilatura uses 50), so that a
# short closing sentence of a clean article is judged by its words rather than called furniture for its length
LENGTH_LOW, LENGTH_HIGH = 50, 150
STOPWORDS_LOW, STOPWORDS_HIGH = 0.20, 0.25


def lines_of(text: str) -> list[Line]:
    """The non-blank lines of text, split at CR, LF and CRLF only (as the reading view does)."""
    found = []
    for match in _LINE.finditer(text):
        raw = match.group()
        stripped = raw.strip(_EDGE)
        if stripped:
            start = match.start() + len(raw) - len(raw.lstrip(_EDGE))
            found.append(Line(start, start + len(stripped), stripped))
    return found


@dataclass
class Analysis:
    boilerplate: list[tuple[int, int]] = field(default_factory=list)
    headline: str = ""
    published: str = ""
    author: str = ""
    outlet: str = ""


def analyse(text: str, language: str = "", mark: bool = True) -> Analysis:
    """Furniture ranges (when mark) and the guessed headline, date, byline and outlet of a scraped text."""
    lines = lines_of(text)
    paragraphs = [_LineParagraph(line.text) for line in lines]
    classify_paragraphs(paragraphs, _stoplist(language), LENGTH_LOW, LENGTH_HIGH, STOPWORDS_LOW, STOPWORDS_HIGH)
    for line, paragraph in zip(lines, paragraphs, strict=True):
        if _MENU.search(line.text):  # "Home | World | Politics": what link density tells jusText in a page
            paragraph.cf_class = "bad"
    if not any(p.cf_class == "good" for p in paragraphs):
        return Analysis()  # no line reads as prose: nothing to tell an article from its surroundings by
    revise_paragraph_classification(paragraphs)
    head = _article_start(paragraphs)
    outlet = article_fields.guess_outlet(lines, head)
    headline = article_fields.guess_headline(lines[:head], outlet)
    found = Analysis(
        headline=lines[headline].text.lstrip("#").strip() if headline is not None else "",
        published=article_fields.guess_published(lines, head, language),
        author=article_fields.guess_author(lines, head),
        outlet=outlet,
    )
    if mark:
        found.boilerplate = _furniture(text, lines, paragraphs, headline, outlet)
    return found


def boilerplate_ranges(text: str, language: str = "") -> list[tuple[int, int]]:
    return analyse(text, language).boilerplate


def _article_start(paragraphs: list[Paragraph]) -> int:
    """Where the article's prose starts: the first run of article lines holding at least a quarter of the prose
    of the longest run (a cookie notice long enough to read as prose may stand alone before the headline), at
    its first line of prose (captions and buttons at its edge were drawn in by their neighbours)."""
    runs: list[tuple[int, int]] = []  # (first line, characters)
    for number, paragraph in enumerate(paragraphs):
        if paragraph.class_type != "good":
            continue
        if runs and number > 0 and paragraphs[number - 1].class_type == "good":
            runs[-1] = (runs[-1][0], runs[-1][1] + len(paragraph.text))
        else:
            runs.append((number, len(paragraph.text)))
    largest = max(size for _, size in runs)
    first = next(start for start, size in runs if 4 * size >= largest)
    prose = (n for n in range(first, len(paragraphs)) if paragraphs[n].cf_class == "good")
    return next(prose, first)


def _furniture(
    text: str, lines: list[Line], paragraphs: list[Paragraph], headline: int | None, outlet: str
) -> list[tuple[int, int]]:
    if headline is not None:
        # The article starts at its headline. During the revision the headline itself counts as furniture: as
        # a paragraph of the article it would pull the captions, datelines and share buttons between it and
        # the text into the article with it.
        for paragraph in paragraphs[: headline + 1]:
            paragraph.cf_class = "bad"
    for line, paragraph in zip(lines, paragraphs, strict=True):
        # a short line naming the site is a caption or a site banner, wherever it stands
        if outlet and outlet in line.text and len(line.text) <= article_fields.SHORT_LINE:
            paragraph.cf_class = "bad"
    revise_paragraph_classification(paragraphs)
    if headline is not None:
        paragraphs[headline].class_type = "good"  # and it belongs to the article, wherever it stands
    ranges: list[tuple[int, int]] = []
    for line, paragraph in zip(lines, paragraphs, strict=True):
        if paragraph.class_type != "good":
            _extend(ranges, text, line)
    return ranges


_BODY_PATH = PathInfo().append("body").append("p")
_SPACES = re.compile(r"\s+")


class _LineParagraph(Paragraph):
    """A line as jusText's paragraph, its text normalised once (jusText's own does it on every access)."""

    def __init__(self, text: str):
        super().__init__(_BODY_PATH)
        self.text_nodes = [text]
        self._text = _SPACES.sub(" ", text)

    @property
    def text(self) -> str:
        return self._text


@lru_cache(maxsize=16)
def _stoplist(language: str) -> frozenset[str]:
    """The stop words of the document's language; of every language jusText knows when that is not known
    (as trafilatura does), which leans towards keeping a line rather than calling it furniture."""
    name = JUSTEXT_LANGUAGES.get(language.split("-")[0].lower()) if language else None
    if name:
        return frozenset(get_stoplist(name))
    return frozenset(word for each in get_stoplists() for word in get_stoplist(each))


# -- the readers' hook ------------------------------------------------------------------------------------


def keep_boilerplate(options: ReadOptions) -> bool:
    return bool(options.extra.get("keep_boilerplate"))


def outside_article(text: str, article: str) -> list[tuple[int, int]]:
    """Ranges of the lines of a page's full text that are not in its extracted article (trafilatura's)."""
    kept = {_SPACES.sub(" ", line).strip() for line in article.splitlines()}
    whole = _SPACES.sub(" ", article)
    ranges: list[tuple[int, int]] = []
    for line in lines_of(text):
        said = _SPACES.sub(" ", line.text)
        if said in kept or (len(said) >= 40 and said in whole):  # a line the extraction joined to another
            continue
        _extend(ranges, text, line)
    return ranges


def _extend(ranges: list[tuple[int, int]], text: str, line: Line) -> None:
    """Add a furniture line; lines with only spaces and line breaks between them make one range."""
    if ranges and _GAP.fullmatch(text, ranges[-1][1], line.start):
        ranges[-1] = (ranges[-1][0], line.end)
    else:
        ranges.append((line.start, line.end))


def apply(
    doc: Document, options: ReadOptions, known: tuple[str, ...] = (), ranges: list[tuple[int, int]] | None = None
) -> Document:
    """doc with its furniture ranges in its boilerplate (unless the options keep it) and the fields the
    text names filled in where the source gave none. known: fields the source itself stated (an HTML page's
    metadata), which are neither guessed over nor listed as guessed; ranges: the furniture when the caller
    knows it already (a page's lines outside its article). The batch overrides win over both."""
    keep = keep_boilerplate(options)
    found = analyse(doc.text, doc.language, mark=not keep and ranges is None)
    if ranges is not None:
        found.boilerplate = ranges
    guesses = {"title": found.headline, "published": found.published, "author": found.author}
    guesses["outlet"] = found.outlet
    values, guessed = {}, []
    for name, value in guesses.items():
        if value and name not in known:
            values[name] = value
            guessed.append(name)
    for name in ("outlet", "published"):
        override = options.extra.get(name)
        if override:
            values[name] = override
            guessed = [g for g in guessed if g != name]
    metadata = dict(doc.metadata)
    if guessed:
        metadata["guessed"] = guessed
    marked = doc.boilerplate if keep else tuple((start, end) for start, end in found.boilerplate)
    return replace(doc, metadata=metadata, boilerplate=marked, **values)
