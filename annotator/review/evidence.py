"""Reading the evidence behind the figures: who is quoted (with the cue verbs used) and keyword-in-context rows.

Who is quoted. A source is a span that an attributed_to relation points to (the default scheme's attribution
source), or a span's `speaker` attribute (BASIL marks quotes that way, without relations). Its text is
normalised (Unicode NFKC, case folded, whitespace collapsed, surrounding quotes and punctuation and a final
possessive 's or ' dropped), so "Sen. Warren's", "sen. warren" and " Sen.  Warren " are one source. Each
attributed content counts as one quote; a source with nothing attributed to it counts once. The cue is the cue
span linked to the source (cue_of) where the annotator marked one; otherwise a reporting verb from a fixed list
("said", "claimed", "admitted", "according to", ...) found between the source and its content, else just after
the source, else just before it ("..., said Tomas Reyes"). Cue verbs are a bias signal of their own
("admitted" against "said").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

CONTEXT = 60  # characters of context on each side of a KWIC span
CUE_WINDOW = 80  # characters between a source and its content searched for a reporting verb
REPORTING_VERBS = frozenset(
    "said says say told tells claimed claims claim admitted admits admit stated states argued argues insisted "
    "insists warned warns added adds explained explains noted notes suggested suggests acknowledged acknowledges "
    "conceded concedes alleged alleges asserted asserts declared declares announced announces denied denies "
    "reported reports wrote writes tweeted tweets posted confirmed confirms revealed reveals complained "
    "complains boasted boasts stressed stresses maintained maintains contended contends charged accused accuses "
    "urged urges predicted predicts estimated estimates testified testifies recalled recalls replied replies "
    "responded responds countered counters vowed vows promised promises called".split()
)
_STRIP = " \t\r\n\"'“”‘’«»„‚.,;:!?()[]{}—–-"
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def normalise_source(text: str) -> str:
    """The name a source is counted under: case, whitespace, quotes and possessives evened out."""
    name = " ".join(unicodedata.normalize("NFKC", text).split()).casefold().strip(_STRIP)
    return _POSSESSIVE.sub("", name).strip(_STRIP)


def reporting_verb(text: str) -> str:
    """The first reporting verb (or "according to") in text, lower case; "" when there is none."""
    words = [w.casefold() for w in _WORDS.findall(text)]
    for k, word in enumerate(words):
        if word == "according" and k + 1 < len(words) and words[k + 1] == "to":
            return "according to"
        if word in REPORTING_VERBS:
            return word
    return ""


@dataclass(frozen=True)
class EvidenceSpan:
    uuid: str
    document: int  # index into the texts
    start: int
    end: int
    label: str = ""
    subtype: str | None = None
    annotator: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    fragments: tuple[tuple[int, int], ...] = ()  # all fragments when there are several


@dataclass(frozen=True)
class Quote:
    document: int
    source: str  # normalised name
    cue: str  # normalised cue, "" when none was found
    cue_from: str  # "span" (a cue_of link), "text" (a reporting verb found), "attribute" or ""


def quotes(
    spans: Iterable[EvidenceSpan],
    relations: Iterable[tuple[str, str, str]],
    texts: Sequence[str],
    attributed_to: str = "attributed_to",
    cue_of: str = "cue_of",
) -> list[Quote]:
    """Every quote of the spans: relations are (type, from uuid, to uuid)."""
    by_uuid = {s.uuid: s for s in spans}
    contents: dict[str, list[EvidenceSpan]] = {}
    cues: dict[str, list[EvidenceSpan]] = {}
    for kind, source, target in relations:
        if source in by_uuid and target in by_uuid:
            if kind == attributed_to:
                contents.setdefault(target, []).append(by_uuid[source])
            elif kind == cue_of:
                cues.setdefault(target, []).append(by_uuid[source])
    found = []
    for span in by_uuid.values():
        text = texts[span.document]
        if span.uuid in contents or span.subtype == "source":
            name = normalise_source(text[span.start : span.end])
            linked = [normalise_source(text[c.start : c.end]) for c in cues.get(span.uuid, [])]
            for content in contents.get(span.uuid) or [None]:
                if linked:
                    found.append(Quote(span.document, name, linked[0], "span"))
                    continue
                verb = reporting_verb(_gap(text, span, content)) or reporting_verb(_before(text, span))
                found.append(Quote(span.document, name, verb, "text" if verb else ""))
        speaker = span.attributes.get("speaker")
        if isinstance(speaker, str) and speaker.strip():
            found.append(Quote(span.document, normalise_source(speaker), "", "attribute"))
    return [q for q in found if q.source]


def _gap(text: str, source: EvidenceSpan, content: EvidenceSpan | None) -> str:
    """The text between a source and its content (when near), else the words just after the source."""
    if content is not None:
        lo, hi = (source.end, content.start) if source.end <= content.start else (content.end, source.start)
        if 0 <= hi - lo <= CUE_WINDOW:
            return text[lo:hi]
    return text[source.end : source.end + CUE_WINDOW // 2]


def _before(text: str, source: EvidenceSpan) -> str:
    """The few words just before a source ("..., said Tomas Reyes")."""
    return text[max(0, source.start - CUE_WINDOW // 4) : source.start]


def count_quotes(found: Iterable[Quote], groups_of_document: Sequence[Sequence[str]]) -> dict[str, list[dict]]:
    """Per group, its sources by number of quotes: {source, quotes, documents, cues: {cue: n}}."""
    tally: dict[str, dict[str, tuple[Counter, set[int]]]] = {}
    for quote in found:
        for group in groups_of_document[quote.document]:
            cues, docs = tally.setdefault(group, {}).setdefault(quote.source, (Counter(), set()))
            cues[quote.cue or "(no cue)"] += 1
            docs.add(quote.document)
    out = {}
    for group, sources in tally.items():
        rows = [
            {"source": name, "quotes": sum(cues.values()), "documents": len(docs), "cues": dict(cues.most_common())}
            for name, (cues, docs) in sources.items()
        ]
        out[group] = sorted(rows, key=lambda r: (-r["quotes"], r["source"]))
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


KWIC_COLUMNS = (
    "document",
    "title",
    "outlet",
    "published",
    "annotator",
    "label",
    "subtype",
    "start",
    "end",
    "left",
    "text",
    "right",
)


def kwic_rows(
    spans: Iterable[EvidenceSpan], texts: Sequence[str], documents: Sequence[Mapping[str, Any]], width: int = CONTEXT
) -> list[dict[str, Any]]:
    """One row per span: its document's uuid, title, outlet and date, where it is, and the text around it
    (line breaks shown as spaces; offsets are code points of the stored text)."""
    rows = []
    for span in spans:
        text, doc = texts[span.document], documents[span.document]
        pieces = span.fragments or ((span.start, span.end),)
        rows.append(
            {
                "document": doc.get("uuid", ""),
                "title": doc.get("title", ""),
                "outlet": doc.get("outlet", ""),
                "published": doc.get("published", ""),
                "annotator": span.annotator,
                "label": span.label,
                "subtype": span.subtype or "",
                "start": span.start,
                "end": span.end,
                "left": _flat(text[max(0, span.start - width) : span.start]),
                "text": " … ".join(_flat(text[s:e]) for s, e in pieces),
                "right": _flat(text[span.end : span.end + width]),
            }
        )
    return rows


def sort_kwic(rows: list[dict[str, Any]], by: str = "outlet") -> list[dict[str, Any]]:
    """Rows sorted by a column (then by outlet, date, title and place in the text, so ties read in order)."""
    if by not in KWIC_COLUMNS:
        raise ValueError(f"cannot sort by '{by}'; the columns are {', '.join(KWIC_COLUMNS)}")

    def key(row: dict[str, Any]) -> tuple:
        first = row[by].casefold() if isinstance(row[by], str) else row[by]
        return (first, row["outlet"], row["published"], row["title"], row["document"], row["start"])

    return sorted(rows, key=key)
