"""The built-in recommenders on hand-written texts, emoji, CRLF and right-to-left text among them."""

from __future__ import annotations

import json

import pytest

from annotator.core.model import Fragment
from annotator.suggesting.attribution_cues import AttributionCues
from annotator.suggesting.learned_spans import MIN_EXAMPLES, LearnedSpans
from annotator.suggesting.model import AnnotatedDocument, LabelledSpan
from annotator.suggesting.phrase_memory import INEXACT, PhraseMemory
from annotator.suggesting.recommender import ModelFileError, TrainingCancelled
from annotator.suggesting.running import suggest
from tests.suggesting.helpers import covered, doc

LOADED = ["reckless", "shameful", "disastrous", "outrageous", "cruel", "absurd"]
NEUTRAL = ["council", "budget", "meeting", "report", "plan", "vote"]


def training_set() -> list[AnnotatedDocument]:
    """Twelve short articles; the loaded words are marked opinion/loaded_language wherever they occur."""
    docs = []
    for n in range(12):
        bad, other = LOADED[n % len(LOADED)], LOADED[(n + 2) % len(LOADED)]
        noun, noun2 = NEUTRAL[n % len(NEUTRAL)], NEUTRAL[(n + 3) % len(NEUTRAL)]
        text = (
            f"The {noun} was {bad}, critics said on day {n}.\n"
            f"Officials called the {noun2} {other} and walked out.\n"
            f"The {noun} met again on Tuesday to review the {noun2}."
        )
        docs.append(doc(f"train{n}", text, (bad, "opinion", "loaded_language"), (other, "opinion", "loaded_language")))
    return docs


def test_phrase_memory_finds_exact_and_case_or_ending_insensitive_matches() -> None:
    memory = PhraseMemory()
    memory.train(
        [
            doc("a", "Radical Islamists attacked. The radical Islamists fled.", ("Radical Islamists", "opinion")),
            doc("b", "A witch hunt, they said.", ("witch hunt", "opinion", "loaded_language")),
        ]
    )
    target = AnnotatedDocument("t", "😀 More radical islamist claims.\r\nAnother Witch Hunts story ‏witch hunt.")
    found = memory.suggest(target)
    assert covered(target, found) == [
        ("radical islamist", "opinion"),
        ("Witch Hunts", "opinion/loaded_language"),
        ("witch hunt", "opinion/loaded_language"),
    ]
    by_text = {target.text[s.start : s.end]: s for s in found}
    # 'Radical Islamists' was annotated once among two occurrences: 1 / (2 + 1), less a tenth for the inexact form
    assert by_text["radical islamist"].score == pytest.approx(INEXACT / 3)
    assert by_text["witch hunt"].score == pytest.approx(1 / 2)  # exact form, once in one place
    assert by_text["Witch Hunts"].score == pytest.approx(INEXACT / 2)


def test_phrase_memory_never_proposes_a_span_and_label_the_document_already_has() -> None:
    annotated = doc("a", "Sham trial. Another sham trial.", ("Sham trial", "opinion"), ("sham trial", "opinion"))
    memory = PhraseMemory()
    memory.train([annotated])
    assert covered(annotated, memory.suggest(annotated)) == [("Sham trial", "opinion"), ("sham trial", "opinion")]
    assert suggest([memory], [annotated]) == []  # the runner leaves out what is already annotated


def test_phrase_memory_matches_right_to_left_text_with_exact_offsets() -> None:
    memory = PhraseMemory()
    memory.train([doc("a", "הממשלה הפקירה את התושבים.", ("הפקירה", "opinion"))], None)
    text = "אמש 👍🏽 הממשלה שוב הפקירה\r\nאת כולם"
    found = memory.suggest(AnnotatedDocument("t", text, language="he"))
    assert [(text[s.start : s.end], s.start) for s in found] == [("הפקירה", text.index("הפקירה"))]


def test_phrase_memory_saves_and_loads_and_refuses_a_damaged_file(tmp_path) -> None:
    memory = PhraseMemory()
    memory.train(training_set())
    memory.save(tmp_path)
    again = PhraseMemory()
    again.load(tmp_path)
    target = AnnotatedDocument("t", "A reckless and absurd idea.")
    assert again.suggest(target) == memory.suggest(target) != []
    (tmp_path / "phrases.json").write_text('{"format": 1, "phrases": [["a"]]')
    with pytest.raises(ModelFileError, match="cannot be read"):
        PhraseMemory().load(tmp_path)
    (tmp_path / "phrases.json").write_text(json.dumps({"format": 99, "phrases": []}))
    with pytest.raises(ModelFileError, match="format 99"):
        PhraseMemory().load(tmp_path)


def test_learned_spans_find_learned_words_in_new_sentences_with_exact_offsets() -> None:
    model = LearnedSpans()
    notes = model.train(training_set())
    assert notes == [] and model.labels == ["opinion/loaded_language"]
    text = (
        "😀 Résumé:\r\nThe senator called the vote absurd and left.\r\nThe budget meeting was cruel to families, שלום."
    )
    target = AnnotatedDocument("t", text)
    found = covered(target, model.suggest(target))
    assert ("absurd", "opinion/loaded_language") in found and ("cruel", "opinion/loaded_language") in found
    assert all(t in LOADED for t, _ in found), found
    for s in model.suggest(target):
        assert 0 < s.score <= 1 and s.recommender == "learned_spans" and s.recommender_version == model.version


def test_learned_spans_skip_labels_with_too_few_examples_with_a_note() -> None:
    docs = training_set()
    docs[0] = AnnotatedDocument(docs[0].id, docs[0].text, docs[0].spans + (LabelledSpan("claim", (Fragment(0, 3),)),))
    notes = LearnedSpans().train(docs)
    assert notes == [f"learned spans: 'claim' skipped, 1 example (at least {MIN_EXAMPLES} needed)"]


def test_learned_spans_round_trip_and_refuse_damaged_files(tmp_path) -> None:
    model = LearnedSpans()
    model.train(training_set())
    model.save(tmp_path)
    again = LearnedSpans()
    again.load(tmp_path)
    target = AnnotatedDocument("t", "The plan was shameful and the vote outrageous.")
    assert again.suggest(target) == model.suggest(target) != []
    (tmp_path / "weights.npz").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(ModelFileError, match="cannot be read"):
        LearnedSpans().load(tmp_path)


def test_training_stops_when_progress_says_cancel() -> None:
    calls = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return len(calls) < 3

    model = LearnedSpans()
    with pytest.raises(TrainingCancelled):
        model.train(training_set(), progress)
    assert not model.trained and len(calls) == 3


ATTRIBUTIONS = (
    "“The plan will fail,” Smith said on Tuesday.\r\n"
    "“We are ready 👍🏽 for it,” said Mayor Jane Doe, the city's leader.\r\n"
    "The minister warned: “Nothing will be the same again.”\r\n"
    "According to the ministry, prices rose by a tenth last year.\r\n"
    "Prices will fall soon, according to Acme Bank economists.\r\n"
    "He told reporters that the talks had collapsed on Monday.\r\n"
    "So-called “moderates” were there."
)


def test_attribution_cues_propose_source_cue_and_content_linked_by_the_scheme_relations() -> None:
    target = AnnotatedDocument("t", ATTRIBUTIONS)
    found = AttributionCues().suggest(target)
    triples = [found[i : i + 3] for i in range(0, len(found), 3)]
    texts = [tuple(ATTRIBUTIONS[s.start : s.end] for s in t) for t in triples]
    assert texts == [
        ("Smith", "said", "The plan will fail"),
        ("Mayor Jane Doe", "said", "We are ready 👍🏽 for it"),
        ("The minister", "warned", "Nothing will be the same again"),
        ("the ministry", "According to", "prices rose by a tenth last year"),
        ("Acme Bank economists", "according to", "Prices will fall soon"),
        ("He", "told", "the talks had collapsed on Monday"),
    ]  # the scare quotes around “moderates” are no speech
    for source, cue, content in triples:
        assert (source.label, source.subtype, cue.subtype, content.subtype) == (
            "attribution",
            "source",
            "cue",
            "content",
        )
        to_source = (source.uuid, source.offsets, "attribution")
        assert [(r.type, r.target, r.target_offsets, r.target_label) for r in cue.relations] == [("cue_of", *to_source)]
        assert [(r.type, r.target, r.target_offsets, r.target_label) for r in content.relations] == [
            ("attributed_to", *to_source)
        ]
        assert source.relations == ()
    assert {t[2].attributes["quote"] for t in triples[:3]} == {"direct"}
    assert {t[2].attributes["quote"] for t in triples[3:]} == {"indirect"}


def test_attribution_cues_take_other_names_and_verbs_for_right_to_left_text() -> None:
    text = "«الخطة ستفشل حتما هذا العام» قال الوزير.\r\n"
    cues = AttributionCues(label="quote", source="speaker", cue="verb", content="words", verbs=["قال"])
    found = cues.suggest(AnnotatedDocument("t", text))
    assert [(text[s.start : s.end], s.label, s.subtype) for s in found] == [
        ("الوزير", "quote", "speaker"),
        ("قال", "quote", "verb"),
        ("الخطة ستفشل حتما هذا العام", "quote", "words"),
    ]
