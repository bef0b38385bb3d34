"""Who is quoted and keyword in context: normalised source names, cue verbs, context around spans."""

from __future__ import annotations

from annotator.review.evidence import EvidenceSpan, count_quotes, kwic_rows, normalise_source, quotes, sort_kwic


def test_source_names_are_evened_out() -> None:
    assert normalise_source(" Sen.  Warren's") == "sen. warren"
    assert normalise_source("SEN. WARREN’S") == "sen. warren"
    assert normalise_source("“the Ministry”,") == "the ministry"
    assert normalise_source("James'") == "james"
    assert normalise_source("Ｔｈｅ UN") == "the un"  # NFKC: full-width letters


def _span(uuid: str, text: str, quote: str, subtype: str | None = None, **attributes) -> EvidenceSpan:
    start = text.index(quote)
    return EvidenceSpan(uuid, 0, start, start + len(quote), "attribution", subtype, "alice", attributes)


def test_quotes_take_cues_from_linked_spans_or_from_the_text() -> None:
    text = "\ufeffThe Minister's office admitted that fares rise. 😀 Critics, said Tomas Reyes, call it theft.\r\n"
    minister = _span("s1", text, "The Minister's office", "source")
    admitted = _span("c1", text, "admitted", "cue")
    fares = _span("q1", text, "fares rise", "content")
    reyes = _span("s2", text, "Tomas Reyes", "source")
    theft = _span("q2", text, "call it theft", "content")
    relations = [
        ("attributed_to", "q1", "s1"),
        ("cue_of", "c1", "s1"),
        ("attributed_to", "q2", "s2"),
    ]
    found = quotes([minister, admitted, fares, reyes, theft], relations, [text])
    by_source = {q.source: q for q in found}
    assert (
        by_source["the minister's office"].cue == "admitted" and by_source["the minister's office"].cue_from == "span"
    )
    assert (by_source["tomas reyes"].cue, by_source["tomas reyes"].cue_from) == ("said", "text")
    counted = count_quotes(found + found, [["Harbour Courier"]])
    top = counted["Harbour Courier"][0]
    assert top["quotes"] == 2 and top["documents"] == 1


def test_a_reporting_verb_between_source_and_content_is_the_cue() -> None:
    text = "Tomas Reyes claimed that the fares are unfair."
    found = quotes(
        [_span("s", text, "Tomas Reyes", "source"), _span("q", text, "the fares are unfair", "content")],
        [("attributed_to", "q", "s")],
        [text],
    )
    assert [(q.source, q.cue, q.cue_from) for q in found] == [("tomas reyes", "claimed", "text")]


def test_a_speaker_attribute_is_a_source() -> None:
    text = "It was a disgrace, he said."
    found = quotes([_span("b", text, "a disgrace", None, speaker="Donald Trump")], [], [text])
    assert [(q.source, q.cue_from) for q in found] == [("donald trump", "attribute")]


def test_kwic_rows_show_context_with_line_breaks_flattened() -> None:
    text = "\ufeffHeadline 😀 here\r\n\r\nThe minister said that taxes will rise.\r\nCritics 👩\u200d🔬 disagree."
    start = text.index("taxes will rise")
    span = EvidenceSpan("a", 0, start, start + 15, "claim", "prediction", "alice")
    [row] = kwic_rows([span], [text], [{"uuid": "d1", "title": "T", "outlet": "O", "published": "2024-01"}], width=20)
    assert text[row["start"] : row["end"]] == "taxes will rise" == row["text"]
    assert row["left"] == "The minister said that"[-len(row["left"]) :] and "\r" not in row["left"]
    assert row["right"] == ". Critics 👩\u200d🔬 disagre"[: len(row["right"])]
    rows = [dict(row, outlet="B"), dict(row, outlet="a")]
    assert [r["outlet"] for r in sort_kwic(rows, "outlet")] == ["a", "B"]
