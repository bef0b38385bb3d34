"""Attribution cues: quotations and reporting verbs proposing a source, a cue and a content, linked.

Three patterns, each within one paragraph:

* a quotation with a reporting verb right after it or right before it:
  “The plan will fail,” Smith said. / “…,” said Smith. / Smith warned: “…”
* according to: According to the ministry, the plan will fail. / The plan will fail, according to Smith.
* reported speech: The minister said (that) the plan would fail. / He told reporters that …

The content is linked to its source by `attributed_to` and the cue by `cue_of`, the default scheme's relations.
The names of the label, its sub-types and the relations are parameters, so another scheme can use it too. Rules,
not learning: it needs no training and knows English reporting verbs (others can be given).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from annotator.core.model import Fragment
from annotator.suggesting.model import AnnotatedDocument, ProposedRelation, Suggestion
from annotator.suggesting.recommender import Recommender
from annotator.suggesting.text import Tokens, tokenize

REPORTING_VERBS = frozenset(
    "said says say told tells claimed claims stated states added adds explained explains argued argues insisted "
    "insists warned warns noted notes wrote writes announced announces reported asserted asserts alleged alleges "
    "suggested suggests denied denies admitted admits acknowledged acknowledges replied asked asks confirmed "
    "confirms declared declares maintained maintains testified tweeted posted stressed emphasized emphasised "
    "conceded concedes predicted predicts estimated estimates recalled recalls".split()
)
SAY = frozenset({"said", "says", "say"})  # reported speech without 'that' only after these
STOP = frozenset("and but or that which who whom as when because while if so then also after before".split())
QUOTES = {"“": "”", "„": "“”", "«": "»", "»": "«", "「": "」", '"': '"'}
MIN_QUOTE_WORDS = 3  # fewer are scare quotes ('so-called “moderates”'), not speech
MAX_SOURCE_WORDS = 6

SCORES = {"quote": 0.8, "according": 0.7, "that": 0.6, "said": 0.4, "unsourced": 0.5}


@dataclass(frozen=True)
class Found:
    """One attribution: token ranges (first, last) of its parts; source None when none was found."""

    cue: tuple[int, int]
    content: tuple[int, int]
    source: tuple[int, int] | None
    quote: str  # direct or indirect
    kind: str  # a key of SCORES


class AttributionCues(Recommender):
    name = "attribution_cues"
    version = "1"
    trainable = False

    def __init__(
        self,
        label: str = "attribution",
        source: str = "source",
        cue: str = "cue",
        content: str = "content",
        attributed_to: str = "attributed_to",
        cue_of: str = "cue_of",
        verbs: Iterable[str] = REPORTING_VERBS,
    ) -> None:
        self.label, self.parts = label, {"source": source, "cue": cue, "content": content}
        self.attributed_to, self.cue_of = attributed_to, cue_of
        self.verbs = frozenset(v.casefold() for v in verbs)

    def suggest(self, document: AnnotatedDocument) -> list[Suggestion]:
        tokens = tokenize(document.text)
        folded = [w.casefold() for w in tokens.words]
        found = list(_quotations(document.text, tokens, folded, self.verbs))
        used = {f.cue for f in found}
        found += [f for f in _according_to(tokens, folded) if f.cue not in used]
        used = {i for f in found for i in range(f.cue[0], f.cue[1] + 1)}
        found += [f for f in _reported(tokens, folded, self.verbs) if f.cue[0] not in used]
        out: list[Suggestion] = []
        for f in found:
            out.extend(self._suggestions(document.id, tokens, f))
        return out

    def _make(self, doc: str, tokens: Tokens, part: str, span: tuple[int, int], score: float, **extra) -> Suggestion:
        fragment = Fragment(tokens.starts[span[0]], tokens.ends[span[1]])
        subtype = self.parts[part]
        return Suggestion(doc, (fragment,), self.label, subtype, score, self.name, self.version, **extra)

    def _suggestions(self, doc: str, tokens: Tokens, f: Found) -> list[Suggestion]:
        score = SCORES[f.kind] if f.source is not None else SCORES["unsourced"]
        attributes = {"quote": f.quote}
        if f.source is None:
            return [
                self._make(doc, tokens, "cue", f.cue, score),
                self._make(doc, tokens, "content", f.content, score, attributes=attributes),
            ]
        source = self._make(doc, tokens, "source", f.source, score)
        link = (ProposedRelation(self.cue_of, source.uuid, source.offsets, source.label),)
        cue = self._make(doc, tokens, "cue", f.cue, score, relations=link)
        link = (ProposedRelation(self.attributed_to, source.uuid, source.offsets, source.label),)
        content = self._make(doc, tokens, "content", f.content, score, attributes=attributes, relations=link)
        return [source, cue, content]


def _words_between(tokens: Tokens, first: int, last: int) -> tuple[int, int] | None:
    """(first, last) trimmed to start and end on words, or None when no word lies between."""
    while first <= last and not tokens.is_word(first):
        first += 1
    while last >= first and not tokens.is_word(last):
        last -= 1
    return (first, last) if first <= last else None


def _source_before(tokens: Tokens, folded: list[str], verb: int) -> tuple[int, int] | None:
    """The noun phrase ending right before the verb: words back to punctuation, a conjunction or 6 words."""
    first = verb
    while first > 0 and verb - first < MAX_SOURCE_WORDS and not tokens.breaks_before[first]:
        i = first - 1
        if not tokens.is_word(i) and tokens.words[i] not in "-'’.":
            break
        if folded[i] in STOP:
            break
        first = i
    return _words_between(tokens, first, verb - 1) if first < verb else None


def _source_after(tokens: Tokens, folded: list[str], verb: int) -> tuple[int, int] | None:
    """The noun phrase right after the verb ('…,” said Smith.'): words up to punctuation or 6 words."""
    last, n = verb, len(tokens)
    while last + 1 < n and last - verb < MAX_SOURCE_WORDS and not tokens.breaks_before[last + 1]:
        i = last + 1
        if (not tokens.is_word(i) and tokens.words[i] not in "-'’") or folded[i] in STOP:
            break
        last = i
    return _words_between(tokens, verb + 1, last) if last > verb else None


def _token_at(tokens: Tokens, offset: int) -> int:
    """The index of the token that starts at offset (quotation marks are tokens of their own)."""
    lo, hi = 0, len(tokens)
    while lo < hi:
        mid = (lo + hi) // 2
        if tokens.starts[mid] < offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _quotations(text: str, tokens: Tokens, folded: list[str], verbs: frozenset[str]) -> Iterable[Found]:
    for opening, closing in _quote_pairs(text):
        open_tok, close_tok = _token_at(tokens, opening), _token_at(tokens, closing)
        content = _words_between(tokens, open_tok + 1, close_tok - 1)
        if content is None or sum(tokens.is_word(i) for i in range(content[0], content[1] + 1)) < MIN_QUOTE_WORDS:
            continue
        # after: “…,” Smith said.  /  “…,” said Smith.
        j = close_tok + 1
        window = [i for i in range(j, min(j + MAX_SOURCE_WORDS + 1, len(tokens))) if not tokens.breaks_before[i]]
        window = window[: next((k for k, i in enumerate(window) if i != j + k), len(window))]  # stop at a break
        verb = next((i for i in window if folded[i] in verbs), None)
        if verb is not None:
            source = _source_before(tokens, folded, verb) if verb > j else None
            if source is not None and source[0] <= close_tok:
                source = None
            source = source or _source_after(tokens, folded, verb)
            yield Found((verb, verb), content, source, "direct", "quote")
            continue
        # before: Smith warned: “…”  /  Smith said, “…”
        k = open_tok - 1
        while k >= 0 and tokens.words[k] in ":,":
            k -= 1
        if k >= 0 and folded[k] in verbs and tokens.ends[k] <= opening:
            yield Found((k, k), content, _source_before(tokens, folded, k), "direct", "quote")


def _quote_pairs(text: str) -> Iterable[tuple[int, int]]:
    """(opening, closing) offsets of quotation marks paired within one paragraph, outermost only."""
    for paragraph in re.finditer(r"[^\r\n\u2028\u2029]+", text):
        i, end = paragraph.start(), paragraph.end()
        while i < end:
            closers = QUOTES.get(text[i])
            if closers is None:
                i += 1
                continue
            close = next((k for k in range(i + 1, end) if text[k] in closers), None)
            if close is None:
                i += 1
                continue
            yield i, close
            i = close + 1


def _sentence_end(tokens: Tokens, i: int) -> int:
    """The last token of the sentence token i is in."""
    while i + 1 < len(tokens) and not tokens.breaks_before[i + 1]:
        i += 1
    return i


def _sentence_start(tokens: Tokens, i: int) -> int:
    while i > 0 and not tokens.breaks_before[i]:
        i -= 1
    return i


def _according_to(tokens: Tokens, folded: list[str]) -> Iterable[Found]:
    for i in range(len(tokens) - 1):
        if folded[i] != "according" or folded[i + 1] != "to" or tokens.breaks_before[i + 1]:
            continue
        end = _sentence_end(tokens, i)
        comma = next((k for k in range(i + 2, end + 1) if tokens.words[k] == ","), None)
        if comma is not None and (content := _words_between(tokens, comma + 1, end)):
            # According to the ministry, the plan will fail.
            source = _words_between(tokens, i + 2, comma - 1)
            yield Found((i, i + 1), content, source, "indirect", "according")
            continue
        # The plan will fail, according to Smith.
        start = _sentence_start(tokens, i)
        content = _words_between(tokens, start, i - 1)
        source = _words_between(tokens, i + 2, end)
        if content is not None and source is not None:
            yield Found((i, i + 1), content, source, "indirect", "according")


def _reported(tokens: Tokens, folded: list[str], verbs: frozenset[str]) -> Iterable[Found]:
    for i, word in enumerate(folded):
        if word not in verbs or tokens.breaks_before[i]:
            continue
        source = _source_before(tokens, folded, i)
        if source is None:
            continue
        end = _sentence_end(tokens, i)
        that = next((k for k in range(i + 1, min(i + 5, end + 1)) if folded[k] == "that"), None)
        if that is None and (word not in SAY or i + 1 > end or not tokens.is_word(i + 1)):
            continue
        content = _words_between(tokens, (that if that is not None else i) + 1, end)
        if content is None or sum(tokens.is_word(k) for k in range(content[0], content[1] + 1)) < MIN_QUOTE_WORDS:
            continue
        if any(tokens.words[k] in QUOTES for k in range(content[0], content[1] + 1)):
            continue  # a quotation: the quotation pattern had its chance
        yield Found((i, i), content, source, "indirect", "that" if that is not None else "said")
