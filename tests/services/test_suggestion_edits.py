"""Deciding on suggestions through the editing model: accepting and rejecting are Edits, undone and redone like
any other, and what they store (annotation of origin suggestion, learning records) comes and goes with them."""

from __future__ import annotations

import pytest

from annotator.core.errors import NotFound
from annotator.core.model import Origin
from annotator.services import suggestion_review
from annotator.services.editing import DocumentEditor
from annotator.suggesting.model import Feedback


@pytest.fixture
def editor(sample_project, tmp_path):
    run, _ = suggestion_review.refresh(
        sample_project, "alice", ["attribution_cues", "phrase_memory"], folder=tmp_path / "models"
    )
    counts: dict[str, int] = {}
    for s in run.suggestions:
        counts[s.document] = counts.get(s.document, 0) + 1
    ed = DocumentEditor(sample_project, "carol")
    ed.open(max(counts, key=lambda d: counts[d]))
    return ed


def _open(ed: DocumentEditor):
    assert ed.document is not None
    return suggestion_review.open_for(ed.project, ed.document.uuid, ed.annotator)


def test_accepting_shows_the_annotation_at_once_and_undo_redo_withdraw_and_accept_again(editor) -> None:
    first = _open(editor)[0]
    editor.accept_suggestions([first.uuid])
    [ann] = [a for a in editor.annotations.values() if a.provenance is not None]
    assert (ann.origin, ann.provenance.suggestion, ann.fragments) == (Origin.SUGGESTION, first.uuid, first.fragments)
    assert first.uuid not in {s.uuid for s in _open(editor)}
    assert editor.history.undo_text() == "Accept suggestion"
    editor.history.undo()
    assert editor.annotations == {}
    assert first.uuid in {s.uuid for s in _open(editor)}
    assert suggestion_review.learning_history(editor.project, first.document, "carol") == []
    editor.history.redo()
    assert [a.provenance.suggestion for a in editor.annotations.values()] == [first.uuid]
    assert editor.project.log_problems() == []


def test_bulk_accept_and_reject_are_one_undo_step_each(editor) -> None:
    offered = _open(editor)
    assert len(offered) >= 4
    editor.accept_suggestions([s.uuid for s in offered[:2]])
    editor.reject_suggestions([s.uuid for s in offered[2:4]])
    history = suggestion_review.learning_history(editor.project, offered[0].document, "carol")
    assert sorted(r.action for _, r in history) == [Feedback.ACCEPTED] * 2 + [Feedback.REJECTED] * 2
    assert editor.my_count == 2
    assert editor.history.undo_text() == "Reject 2 suggestions"
    editor.history.undo()
    editor.history.undo()
    assert editor.my_count == 0
    assert {s.uuid for s in _open(editor)} == {s.uuid for s in offered}
    assert editor.project.log_problems() == []


def test_a_suggestion_a_later_run_replaced_is_refused_with_its_reason(editor) -> None:
    with pytest.raises(NotFound, match="later run"):
        editor.accept_suggestions(["no-such-suggestion"])
    assert not editor.history.can_undo()
