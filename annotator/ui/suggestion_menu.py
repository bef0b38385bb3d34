"""The window's suggestions: the Suggestions menu, the side list's dock, and the wiring between the review
(ui/suggestions.py), the reading view (dashed outlines, keys) and the status bar."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from annotator.ui.suggestions import SuggestionReview
from annotator.ui.widgets.suggestion_panel import SuggestionPanel

_ENTER, _BACK, _NONE = Qt.Key.Key_Return, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier


class SuggestionsMenu:
    """Owned by the window's menus; owner is the main window (its session, settings, reader, status bar)."""

    def __init__(self, menu: QMenu, window: QMainWindow, owner: Any):
        self.window, self.owner = window, owner
        self.review = SuggestionReview(owner.session, owner.settings, window)
        self.panel = SuggestionPanel(self.review)
        self.dock = QDockWidget("Suggestions", window)
        self.dock.setObjectName("Suggestions")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.train_dialog: Any = None
        self.blind_dialog: Any = None
        self.correct_dialog: Any = None
        self.train_action = self._add(menu, "&Train and suggest…", self.train)
        self.blind_action = self._add(menu, "&Blind annotation…", self.choose_blind)
        menu.addSeparator()
        # the keys are the reading view's own (they act only while suggestions are shown, so Enter and Tab keep
        # their usual meaning elsewhere); the text after the tab only names them in the menu
        review = self.review
        self.accept_action = self._add(
            menu, "&Accept current suggestion\tEnter", lambda: review.handle_key(_ENTER, _NONE)
        )
        self.reject_action = self._add(
            menu, "&Reject current suggestion\tBackspace", lambda: review.handle_key(_BACK, _NONE)
        )
        self.skip_action = self._add(menu, "S&kip current suggestion", self._skip_current)
        self.correct_action = self._add(menu, "&Correct current suggestion…", self.correct_current)
        self._add(menu, "&Next suggestion\tTab", lambda: review.step(1))
        self._add(menu, "&Previous suggestion\tShift+Tab", lambda: review.step(-1))
        menu.addSeparator()
        self._add(menu, "Show the &suggestions list", self.show_list)
        self._wire()

    def _add(self, menu: QMenu, text: str, slot: Any) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _wire(self) -> None:
        review, reader = self.review, self.owner.reader
        view = reader.view
        view.key_handler = review.handle_key
        review.changed.connect(self._draw)
        review.current_changed.connect(lambda _s: self._draw())
        review.reveal_requested.connect(self._reveal)
        review.failed.connect(lambda message: self.window.statusBar().showMessage(message, 10000))
        self.panel.span_chosen.connect(self._show_span)
        self.panel.correct_requested.connect(self.correct_current)

    def _draw(self) -> None:
        current = self.review.current
        self.owner.reader.view.set_suggestions(self.review.marks(), current.uuid if current else None)

    def _reveal(self, start: int, end: int) -> None:
        """Scroll a span into view without leaving a selection (a label key would annotate it)."""
        session, view = self.owner.session, self.owner.reader.view
        if session.document is None:
            return
        view.select_range(session.offsets.to_qt(end), session.offsets.to_qt(start))
        cursor = view.textCursor()
        cursor.clearSelection()
        view.setTextCursor(cursor)

    def _show_span(self, start: int, end: int, annotation: str) -> None:
        """A row of the blind comparison: scroll to it, and make the annotation current when it is one."""
        self._reveal(start, end)
        ann = self.owner.session.annotations.get(annotation) if annotation else None
        if ann is not None:
            self.owner.session.select(ann)

    # -- the actions ----------------------------------------------------------------------------------

    def train(self) -> None:
        from annotator.ui.dialogs.suggest_dialog import TrainDialog

        if not self.owner.ensure_annotator():
            return
        dialog = TrainDialog(self.owner.project, self.owner.session.annotator, self.window)
        dialog.finished_run.connect(self._on_train_dialog_finished_run)
        self.train_dialog = dialog
        dialog.show()

    def _on_train_dialog_finished_run(self, summary: str) -> None:
        if summary:
            self.window.statusBar().showMessage(summary.splitlines()[0], 10000)
            self.review.reload()
            self.show_list()

    def _skip_current(self) -> None:
        if self.review.current is not None:
            self.review.skip([self.review.current.uuid])

    def correct_current(self) -> None:
        """Accept the current suggestion with a label chosen in a dialog, as the selected text if the user wants."""
        from annotator.ui.dialogs.correct_suggestion_dialog import CorrectSuggestionDialog

        current, reader = self.review.current, self.owner.reader
        if current is None:
            self.window.statusBar().showMessage("No suggestion is current", 4000)
            return
        selection = reader.selection_fragment()
        text = self.owner.session.document.text if self.owner.session.document else ""
        dialog = CorrectSuggestionDialog(
            self.owner.project.scheme,
            current,
            self.review.covered(current),
            selection,
            selection.covered(text) if selection else "",
            self.window,
        )
        dialog.accepted.connect(lambda: self.review.correct(current.uuid, dialog.correction()))
        self.correct_dialog = dialog
        dialog.open()

    def choose_blind(self) -> None:
        from annotator.ui.dialogs.suggest_dialog import BlindDialog

        me = self.owner.session.annotator
        dialog = BlindDialog(self.owner.project, me, [me], self.window)
        dialog.accepted.connect(self.review.reload)
        self.blind_dialog = dialog
        dialog.open()

    def show_list(self) -> None:
        self.dock.show()
        self.dock.raise_()
