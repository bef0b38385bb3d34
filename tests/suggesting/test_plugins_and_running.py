"""Recommenders found through entry points, a failing one left out and reported once, and models that are saved,
reloaded, retrained when damaged or stale, and kept when training is cancelled."""

from __future__ import annotations

import json
import logging
from importlib.metadata import EntryPoint

import pytest

from annotator.core.errors import InputError
from annotator.suggesting import plugins, running
from annotator.suggesting.learned_spans import LearnedSpans
from annotator.suggesting.model import AnnotatedDocument
from annotator.suggesting.phrase_memory import PhraseMemory
from annotator.suggesting.plugins import GROUP, Problems, discover
from annotator.suggesting.recommender import TrainingCancelled
from tests.suggesting.test_recommenders import training_set

FAKES = "tests.suggesting.fake_plugins"


@pytest.fixture
def registered(monkeypatch):
    """Replace the installed entry points by these (name -> 'module:attribute')."""

    def use(**entries: str) -> None:
        points = [EntryPoint(name, value, GROUP) for name, value in entries.items()]
        monkeypatch.setattr(plugins, "entry_points", lambda group: [p for p in points if p.group == group])

    return use


def test_the_built_in_recommenders_are_registered_in_the_package_metadata() -> None:
    assert {"phrase_memory", "learned_spans", "attribution_cues"} <= set(plugins.available())
    made = discover(["phrase_memory", "attribution_cues"], Problems())
    assert [type(r).__name__ for r in made] == ["AttributionCues", "PhraseMemory"]


def test_a_plugin_that_raises_is_left_out_reported_once_and_the_others_still_run(registered, caplog) -> None:
    registered(
        first_word=f"{FAKES}:FirstWord",
        fails_to_suggest=f"{FAKES}:FailsToSuggest",
        fails_to_train=f"{FAKES}:FailsToTrain",
        fails_to_start=f"{FAKES}:FailsToStart",
        not_installed="no_such_lab_package.recommenders:Thing",
        out_of_bounds=f"{FAKES}:OutOfBounds",
        stumbles_on_emoji=f"{FAKES}:StumblesOnEmoji",
    )
    problems = Problems()
    caplog.set_level(logging.ERROR, logger="annotator.suggesting.plugins")
    made = discover(None, problems)
    names = ["fails_to_suggest", "fails_to_train", "first_word", "out_of_bounds", "stumbles_on_emoji"]
    assert [r.name for r in made] == names
    docs = [AnnotatedDocument(f"d{n}", f"Word{n} and more text{' 😀' * (n == 2)}.") for n in range(4)]
    running.prepare(made, docs, None, problems=problems)
    found = running.suggest(made, docs, problems=problems)
    both = ["first_word", "stumbles_on_emoji"]
    assert [(s.document, s.recommender) for s in found] == [
        (f"d{n}", name) for n in range(4) for name in (["first_word"] if n == 2 else both)
    ]
    assert problems.messages() == [
        "recommender 'fails_to_start' failed while loading: ImportError: needs a GPU library; it was left out",
        "recommender 'not_installed' failed while loading: ModuleNotFoundError: No module named "
        "'no_such_lab_package'; it was left out",
        "recommender 'fails_to_train' failed while training: MemoryError: out of memory; it was left out",
        "recommender 'fails_to_suggest' failed while suggesting (4 times): RuntimeError: cannot read d0; "
        "its suggestions were left out where it failed",
        "recommender 'out_of_bounds' failed while suggesting (4 times): ValueError: suggestion 20..25 lies outside "
        "the text (20 characters); its suggestions were left out where it failed",
        "recommender 'stumbles_on_emoji' failed while suggesting: UnicodeError: emoji; "
        "its suggestions were left out where it failed",
    ]
    logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(logged) == 6 and all(r.exc_info for r in logged)  # each once, with its traceback


def test_asking_for_a_recommender_nobody_registered_names_the_known_ones(registered) -> None:
    registered(first_word=f"{FAKES}:FirstWord")
    with pytest.raises(InputError, match="no recommender named 'nope'; known: first_word"):
        discover(["nope"], Problems())


def test_models_are_saved_then_loaded_instead_of_retrained(tmp_path) -> None:
    docs = training_set()
    first = running.prepare([PhraseMemory(), LearnedSpans()], docs, tmp_path)
    assert first.trained == ["phrase_memory", "learned_spans"] and first.loaded == []
    meta = json.loads((tmp_path / "learned_spans" / "meta.json").read_text())
    assert meta["version"] == LearnedSpans.version and meta["documents"] == 12 and meta["spans"] == 24
    fresh = LearnedSpans()
    again = running.prepare([fresh], docs, tmp_path)
    assert again.loaded == ["learned_spans"] and again.trained == [] and fresh.trained


def test_a_damaged_or_foreign_model_is_retrained_not_a_crash(tmp_path) -> None:
    docs = training_set()
    running.prepare([LearnedSpans(), PhraseMemory()], docs, tmp_path)
    (tmp_path / "learned_spans" / "weights.npz").write_bytes(b"\x00garbage")
    meta_path = tmp_path / "phrase_memory" / "meta.json"
    meta_path.write_text(json.dumps({**json.loads(meta_path.read_text()), "version": "0-old"}))
    report = running.prepare([LearnedSpans(), PhraseMemory()], docs, tmp_path)
    assert report.trained == ["learned_spans", "phrase_memory"] and report.problems.messages() == []
    assert report.notes[0].startswith("learned_spans: retrained, because ") and "cannot be read" in report.notes[0]
    assert report.notes[1].startswith("phrase_memory: retrained, because ") and "'0-old'" in report.notes[1]
    assert running.prepare([LearnedSpans()], docs, tmp_path).loaded == ["learned_spans"]  # sound again


def test_a_model_trained_on_older_annotations_is_used_with_a_note_or_retrained_on_request(tmp_path) -> None:
    docs = training_set()
    running.prepare([PhraseMemory()], docs, tmp_path)
    changed = docs[:-1]
    kept = running.prepare([PhraseMemory()], changed, tmp_path)
    assert kept.loaded == ["phrase_memory"] and "trained before the latest annotations" in kept.notes[0]
    retrained = running.prepare([PhraseMemory()], changed, tmp_path, retrain_stale=True)
    assert retrained.trained == ["phrase_memory"]
    assert json.loads((tmp_path / "phrase_memory" / "meta.json").read_text())["documents"] == 11


def test_cancelling_training_keeps_the_saved_model_and_reports_progress(tmp_path) -> None:
    docs = training_set()
    running.prepare([LearnedSpans()], docs, tmp_path)
    before = (tmp_path / "learned_spans" / "weights.npz").read_bytes()
    seen = []

    def progress(done: int, total: int, what: str) -> bool:
        seen.append((done, total, what))
        return done < 300

    with pytest.raises(TrainingCancelled):
        running.prepare([LearnedSpans()], docs[:6], tmp_path, retrain_stale=True, progress=progress)
    assert seen[0] == (0, 1000, "training learned_spans") and seen[-1][0] >= 300
    assert all(b[0] >= a[0] for a, b in zip(seen, seen[1:], strict=False))
    assert (tmp_path / "learned_spans" / "weights.npz").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["learned_spans"]  # no half-written folder left
