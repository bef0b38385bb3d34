"""Tokens with code-point offsets over awkward text, and the suggestion records: ids, duplicates, rejections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from annotator.core.model import Fragment
from annotator.suggesting.model import (
    Feedback,
    LearningRecord,
    ProposedRelation,
    Suggestion,
    best_per_key,
    record_for,
    suggestion_to_dict,
    without_existing,
    without_remembered,
)
from annotator.suggesting.text import normal_form, shape, tokenize
from tests.suggesting.helpers import doc


def test_tokens_are_code_point_offsets_over_bom_crlf_emoji_marks_and_rtl() -> None:
    text = "\ufeffHe said:\r\n“Taxes 👍🏽 rise” Cafe\u0301 हिन्दी שלום, עולם 👨\u200d👩\u200d👧 end"
    tokens = tokenize(text)
    pieces = [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)]
    assert pieces == tokens.words
    assert pieces == [
        "\ufeff",
        "He",
        "said",
        ":",
        "“",
        "Taxes",
        "👍🏽",
        "rise",
        "”",
        "Cafe\u0301",
        "हिन्दी",
        "שלום",
        ",",
        "עולם",
        "👨\u200d👩\u200d👧",
        "end",
    ]
    quote = pieces.index("“")
    assert tokens.breaks_before[quote] and not tokens.breaks_before[quote + 1]  # the CRLF ends a line
    assert not tokens.is_word(0) and tokens.is_word(1) and tokens.is_word(pieces.index("עולם"))


def test_normal_forms_fold_case_and_endings_per_language() -> None:
    assert normal_form("Claimed") == normal_form("claims") == "claim"
    assert normal_form("Terrorists", "en") == normal_form("terrorist", "en")
    assert normal_form("Häuser", "de") == normal_form("häuser", "de")
    assert normal_form("שלום", "he") == "שלום"  # no Hebrew stemmer: case-folded only
    assert shape("Obama") == "Xx" and shape("NATO") == "X" and shape("2020") == "d"


def _s(doc_id: str, start: int, end: int, label: str = "opinion", score: float = 0.5, rec: str = "r") -> Suggestion:
    return Suggestion(doc_id, (Fragment(start, end),), label, None, score, rec, "1")


def test_suggestion_ids_are_stable_across_runs_and_differ_per_recommender() -> None:
    assert _s("d", 1, 4).uuid == _s("d", 1, 4).uuid
    assert _s("d", 1, 4).uuid != _s("d", 1, 4, rec="other").uuid != _s("d", 1, 5).uuid


def test_rejected_and_corrected_are_held_back_skipped_is_not_and_the_latest_record_decides() -> None:
    first, second, third = _s("d", 0, 3), _s("d", 5, 9), _s("d", 10, 12)
    earlier = datetime(2026, 1, 1, tzinfo=UTC)
    records = [
        record_for(first, Feedback.REJECTED, "alice"),
        record_for(second, Feedback.SKIPPED, "alice"),
        LearningRecord("d", (Fragment(10, 12),), "opinion", Feedback.REJECTED, "bob", created=earlier),
        LearningRecord("d", (Fragment(10, 12),), "opinion", Feedback.ACCEPTED, "bob", created=earlier + timedelta(1)),
    ]
    assert without_remembered([first, second, third], records) == [second, third]
    # the key is document, offsets and label: another recommender's same span and label is held back too
    assert without_remembered([_s("d", 0, 3, rec="other")], records) == []
    assert without_remembered([_s("d", 0, 3, label="claim")], records) != []
    corrected = [record_for(second, Feedback.CORRECTED, "alice", annotation="ann-1")]
    assert without_remembered([second], corrected) == [] and corrected[0].annotation == "ann-1"


def test_existing_annotations_of_the_same_span_and_label_are_not_suggested_again() -> None:
    text = "A reckless plan."
    annotated = doc("d", text, ("reckless", "opinion", "loaded_language"))
    same = _s("d", 2, 10)
    other_label = _s("d", 2, 10, label="claim")
    assert without_existing([same, other_label], [annotated]) == [other_label]


def test_best_per_key_keeps_the_higher_score_and_moves_relations_to_the_winner() -> None:
    low, high = _s("d", 0, 5, score=0.3, rec="a"), _s("d", 0, 5, score=0.9, rec="b")
    to_low = ProposedRelation("cue_of", low.uuid, ((0, 5),), "opinion")
    elsewhere = ProposedRelation("cue_of", "annotated-already", ((20, 25),), "attribution")
    pointing = Suggestion("d", (Fragment(8, 12),), "attribution", "cue", 0.5, "a", "1", relations=(to_low, elsewhere))
    kept = best_per_key([low, pointing, high])
    assert [k.uuid for k in kept] == [high.uuid, pointing.uuid]
    # moved to the winner; a link to a span offered by nobody stays, for the annotation that is there
    assert kept[1].relations == (ProposedRelation("cue_of", high.uuid, ((0, 5),), "opinion"), elsewhere)


def test_json_form_carries_covered_text_relations_and_attributes() -> None:
    text = "“Fares rise 👍”, she said"
    s = Suggestion("d", (Fragment(1, 13),), "attribution", "content", 0.81234, "cues", "2", {"quote": "direct"})
    data = suggestion_to_dict(s, text)
    assert data["text"] == "Fares rise 👍" and data["score"] == 0.8123 and data["attributes"] == {"quote": "direct"}
    assert (data["start"], data["end"], data["recommender"], data["recommender_version"]) == (1, 13, "cues", "2")
