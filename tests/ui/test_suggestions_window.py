"""Suggestions in the window, driven through the real widgets: train from the menu (progress, Cancel), dashed
outlines in the reading view, Enter / Backspace / Tab, the side list's bulk accept and reject, thresholds per
label, undo with Edit › Undo, blind annotation and its comparison, and refusals shown in the status bar."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Origin, Status
from annotator.services import suggestion_review
from annotator.suggesting.model import Feedback
from annotator.suggesting.recommender import TrainingCancelled

FAST = ["attribution_cues", "phrase_memory"]


@pytest.fixture
def samples_window(window):
    window.load_samples()
    return window


def _busiest(project) -> str:
    """The sample document with the most suggestions for alice."""
    docs = {s.document for s in _all_suggestions(project)}
    return max(sorted(docs), key=lambda d: len(suggestion_review.open_for(project, d, "alice")))


def _all_suggestions(project):
    from annotator.services import documents

    return [s for d in documents.list_documents(project) for s in suggestion_review.all_of_document(project, d.uuid)]


@pytest.fixture
def suggested(samples_window, tmp_path):
    """Suggestions from the fast recommenders, and the document with most of them open in the window."""
    window = samples_window
    suggestion_review.refresh(window.project, "alice", FAST, folder=tmp_path / "models")
    window.live.stop()  # the tests decide when the window reads again, not a poll
    window.open_document(_busiest(window.project))
    window.reader.view.setFocus()
    return window


def _review(window):
    return window.menus.suggestions.review


def _panel(window):
    return window.menus.suggestions.panel


def _mine_from_suggestions(window):
    return [a for a in window.session.annotations.values() if a.origin is Origin.SUGGESTION]


def _history(window):
    return suggestion_review.learning_history(window.project, window.session.document.uuid, "alice")


def test_suggestions_are_outlined_and_listed_and_keys_accept_reject_and_move(qtbot, suggested) -> None:
    window, review, view = suggested, _review(suggested), suggested.reader.view
    shown = list(review.shown)
    assert len(shown) >= 4
    assert {m.uuid for m in view.suggestions} == {s.uuid for s in shown}
    assert view.current_suggestion == shown[0].uuid
    assert _panel(window).table.topLevelItemCount() == len(shown)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert review.current.uuid == shown[1].uuid == view.current_suggestion
    assert view.hasFocus()  # Tab moved between suggestions, not the focus
    qtbot.keyClick(view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert review.current.uuid == shown[0].uuid

    qtbot.keyClick(view, Qt.Key.Key_Return)
    [ann] = _mine_from_suggestions(window)
    assert (ann.provenance.suggestion, ann.fragments, ann.label) == (shown[0].uuid, shown[0].fragments, shown[0].label)
    assert ann.uuid in view.marks._first  # drawn as an annotation at once
    assert window.annotation_list.model.rowCount() >= 1
    assert review.current.uuid == shown[1].uuid  # the next one is current
    assert shown[0].uuid not in {m.uuid for m in view.suggestions}

    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert sorted(r.action for _, r in _history(window)) == [Feedback.ACCEPTED, Feedback.REJECTED]
    assert review.current.uuid == shown[2].uuid
    assert _panel(window).table.topLevelItemCount() == len(shown) - 2

    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the rejection
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the acceptance
    assert _mine_from_suggestions(window) == [] and _history(window) == []
    assert {s.uuid for s in review.shown} == {s.uuid for s in shown}
    assert window.project.log_problems() == []


def test_the_menu_names_the_keys_without_taking_them_and_its_actions_decide_too(qtbot, suggested) -> None:
    menu, review = suggested.menus.suggestions, _review(suggested)
    assert menu.accept_action.shortcut().isEmpty() and menu.accept_action.text().endswith("\tEnter")
    first = review.current
    menu.accept_action.trigger()
    assert [a.provenance.suggestion for a in _mine_from_suggestions(suggested)] == [first.uuid]
    second = review.current
    menu.reject_action.trigger()
    assert second.uuid not in {s.uuid for s in review.shown}
    assert suggested.menus.undo_action.text() == "&Undo Reject suggestion"


def test_label_keys_still_annotate_a_selection_while_suggestions_are_shown(qtbot, suggested) -> None:
    from tests.ui.conftest import select_text

    text = suggested.session.document.text
    word = text.split()[3].strip(".,;:!?\"'“”")
    select_text(suggested, word)
    qtbot.keyClick(suggested.reader.view, Qt.Key.Key_C)
    assert any(a.label == "claim" and a.origin is not Origin.SUGGESTION for a in suggested.session.annotations.values())


def test_the_side_list_sorts_and_accepts_and_rejects_the_selected_rows_in_one_step(qtbot, suggested) -> None:
    window, panel = suggested, _panel(suggested)
    table = panel.table
    scores = [float(table.topLevelItem(i).text(2)) for i in range(table.topLevelItemCount())]
    assert scores == sorted(scores, reverse=True)  # by score, best first
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    labels = [table.topLevelItem(i).text(0) for i in range(table.topLevelItemCount())]
    assert labels == sorted(labels)
    table.clearSelection()  # the current suggestion's row is selected
    for i in (0, 1):
        table.topLevelItem(i).setSelected(True)
    chosen = set(panel.selected())
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    assert {a.provenance.suggestion for a in _mine_from_suggestions(window)} == chosen
    assert window.session.history.undo_text() == "Accept 2 suggestions"
    table.clearSelection()
    table.topLevelItem(0).setSelected(True)
    rejected = panel.selected()
    qtbot.mouseClick(panel.reject_button, Qt.MouseButton.LeftButton)
    assert [r.suggestion for _, r in _history(window) if r.action is Feedback.REJECTED] == rejected
    window.menus.undo_action.trigger()
    window.menus.undo_action.trigger()
    assert _mine_from_suggestions(window) == []
    # clicking a row makes it current and outlines it in the text
    table.clearSelection()
    row = table.topLevelItem(2)
    table.setCurrentItem(row)
    assert window.reader.view.current_suggestion == row.data(0, Qt.ItemDataRole.UserRole)


def test_a_threshold_per_label_hides_lower_scores_and_is_kept_in_the_settings(qtbot, suggested) -> None:
    window, panel, review = suggested, _panel(suggested), _review(suggested)
    label = review.shown[0].label
    scores = sorted({s.score for s in review.shown if s.label == label})
    assert len(scores) >= 2
    panel.threshold_label.setCurrentText(label)
    panel.threshold.setValue(scores[-1])
    assert all(s.score >= scores[-1] for s in review.shown if s.label == label)
    assert panel.table.topLevelItemCount() == len(review.shown) < len(review.offered)
    assert {m.uuid for m in window.reader.view.suggestions} == {s.uuid for s in review.shown}
    assert window.settings.suggestion_thresholds == {label: round(scores[-1], 3)}
    assert "below their label's lowest score" in panel.notice.text()


def test_train_and_suggest_from_the_menu_runs_on_a_worker_and_shows_a_summary(qtbot, samples_window) -> None:
    window = samples_window
    window.live.stop()
    window.open_document(_busiest_after_nothing(window))
    window.menus.suggestions.train_action.trigger()
    dialog = window.menus.suggestions.train_dialog
    for i in range(dialog.recommenders.count()):
        item = dialog.recommenders.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.text() in FAST else Qt.CheckState.Unchecked)
    with qtbot.waitSignal(dialog.finished_run, timeout=120_000) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert "suggestions for" in finished.args[0]
    assert "suggestions for" in dialog.status.text()
    assert _review(window).shown and _panel(window).table.topLevelItemCount() == len(_review(window).shown)
    assert window.reader.view.suggestions
    dialog.close()


def _busiest_after_nothing(window) -> str:
    from annotator.services import documents

    return documents.list_documents(window.project)[0].uuid


def test_cancel_stops_the_run_and_stores_nothing(qtbot, samples_window, monkeypatch) -> None:
    def slow_refresh(project, actor, recommenders=None, collection=None, train=False, progress=None, folder=None):
        while progress(0, 10, "Training phrase_memory") is not False:
            time.sleep(0.005)
        raise TrainingCancelled("cancelled")

    monkeypatch.setattr(suggestion_review, "refresh", slow_refresh)
    window = samples_window
    window.menus.suggestions.train_action.trigger()
    dialog = window.menus.suggestions.train_dialog
    with qtbot.waitSignal(dialog.finished_run, timeout=60_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Cancelled: nothing was stored."
    assert dialog.start_button.isEnabled()
    assert _all_suggestions(window.project) == []


def test_blind_annotation_hides_suggestions_until_done_then_compares(qtbot, suggested) -> None:
    window, review, panel = suggested, _review(suggested), _panel(suggested)
    window.menus.suggestions.blind_action.trigger()
    dialog = window.menus.suggestions.blind_dialog
    [me] = dialog.annotators.findItems("alice", Qt.MatchFlag.MatchExactly)
    me.setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert suggestion_review.blind_rules(window.project) == {("annotator", "alice")}
    assert review.comparison is not None  # the samples are marked done already
    window.menus.set_status(Status.IN_PROGRESS)  # as Document › Mark in progress does
    assert review.blind and review.shown == []
    assert window.reader.view.suggestions == []
    assert panel.notice.text().startswith("Blind annotation: suggestions appear when you mark this document done")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_Return)  # nothing to accept: the key does nothing here
    assert _mine_from_suggestions(window) == []

    window.menus.set_status(Status.DONE)
    assert not review.blind and review.comparison is not None
    assert panel.comparison.isVisible()
    groups = [panel.comparison.topLevelItem(i).text(0) for i in range(3)]
    found = review.comparison
    assert groups == [
        f"Found by both: {len(found.both)}",
        f"Only you: {len(found.only_annotator)}",
        f"Only suggested: {len(found.only_suggested)}",
    ]
    assert found.only_suggested
    row = panel.comparison.topLevelItem(2).child(0)
    panel.comparison.itemClicked.emit(row, 0)
    start = found.only_suggested[0].start
    assert window.reader.view.textCursor().position() == window.session.offsets.to_qt(start)


def test_a_suggestion_a_later_run_replaced_is_refused_in_the_status_bar(qtbot, suggested, tmp_path) -> None:
    window, review = suggested, _review(suggested)
    stale = review.current
    # a colleague's run replaces the document's suggestions with other ones (no attribution cues this time)
    suggestion_review.refresh(window.project, "bob", ["phrase_memory"], folder=tmp_path / "other")
    assert stale.uuid not in {s.uuid for s in suggestion_review.all_of_document(window.project, stale.document)}
    qtbot.keyClick(window.reader.view, Qt.Key.Key_Return)
    assert window.statusBar().currentMessage().startswith("Not accepted: no open suggestion")
    assert _mine_from_suggestions(window) == []
    assert stale.uuid not in {s.uuid for s in review.shown}  # read again
    QApplication.processEvents()
    assert window.isVisible()


def test_skip_and_correct_from_the_list_record_what_the_user_did(qtbot, suggested, monkeypatch) -> None:
    """Skip passes over the current one; Correct… accepts the next with another label and the selected text as
    its span, keeping the suggestion's provenance; the learning records say skipped and corrected."""
    from annotator.ui.dialogs import correct_suggestion_dialog

    window, review, panel, view = suggested, _review(suggested), _panel(suggested), suggested.reader.view
    skipped = review.current
    panel.table.clearSelection()
    review.choose(skipped.uuid)
    panel.skip_button.click()
    assert skipped.uuid not in {s.uuid for s in review.shown}
    target = review.current
    session = window.session
    narrower = (target.start, target.end - 1)
    view.select_range(session.offsets.to_qt(narrower[0]), session.offsets.to_qt(narrower[1]))
    chosen = window.reader.selection_fragment()  # the selection as the editing model snaps it to words
    dialogs = []

    def opened(self) -> None:  # the dialog as the user fills it in: the label "opinion", the selection kept
        dialogs.append(self)
        self.kinds.setCurrentIndex(self.choices.index(("opinion", None)))
        assert self.use_selection.isEnabled() and self.use_selection.isChecked()
        self.accept()

    monkeypatch.setattr(correct_suggestion_dialog.CorrectSuggestionDialog, "open", opened)
    panel.correct_button.click()
    assert dialogs
    [ann] = _mine_from_suggestions(window)
    assert (ann.label, ann.fragments) == ("opinion", (chosen,))
    assert ann.provenance.suggestion == target.uuid
    actions = {r.suggestion: r.action for _, r in _history(window)}
    assert actions == {skipped.uuid: Feedback.SKIPPED, target.uuid: Feedback.CORRECTED}
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the correction
    assert _mine_from_suggestions(window) == []
    assert window.project.log_problems() == []
