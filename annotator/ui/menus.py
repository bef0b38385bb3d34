"""The main window's menus and keyboard shortcuts, so that the whole annotate flow works from the keyboard.

WindowMenus is owned by the window and knows it only through the few things it calls (EditorWindow below), so
this module never imports the window back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLabel, QMainWindow, QMenu, QWidget

from annotator.core.model import Status
from annotator.core.scheme import Scope
from annotator.services.project import Project
from annotator.ui.annotation_session import AnnotationSession
from annotator.ui.help import HelpMenu
from annotator.ui.projects import ProjectMenu
from annotator.ui.suggestion_menu import SuggestionsMenu
from annotator.ui.undo_actions import undo_actions


class EditorWindow(Protocol):
    """What the menus need of the main window."""

    project: Project
    session: AnnotationSession
    reader: Any
    navigator: Any
    saved_label: QLabel
    review_windows: list[QWidget]

    def apply_label(self, label: str, subtype: str | None = None) -> None: ...
    def load_samples(self) -> None: ...
    def after_import(self, report: Any) -> None: ...
    def refresh_documents(self) -> None: ...
    def switch_annotator(self, name: str) -> None: ...
    def mark_boilerplate(self, furniture: bool) -> None: ...
    def show_span(self, document: str, start: int, end: int) -> None: ...
    def open_document(self, uuid: str) -> None: ...
    def ensure_annotator(self) -> bool: ...
    def show_search(self) -> None: ...
    def show_colleagues(self, names: list[str]) -> None: ...


class WindowMenus:
    def __init__(self, window: QMainWindow, owner: EditorWindow):
        self.window, self.owner = window, owner
        self.session, self.project = owner.session, owner.project
        bar = window.menuBar()
        self._file(bar.addMenu("&File"))
        self._edit(bar.addMenu("&Edit"))
        self.labels_menu = bar.addMenu("&Labels")
        self.label_actions: dict[str, QAction] = {}
        self.fill_labels()
        self._view(bar.addMenu("&View"))
        self._document(bar.addMenu("&Document"))
        person = bar.addMenu("&Annotator")
        self.add(person, "&Switch annotator…", self.switch_annotator)
        self.suggestions = SuggestionsMenu(bar.addMenu("S&uggestions"), self.window, self.owner)
        self.review_menu = bar.addMenu("&Review")
        self._review(self.review_menu)
        self.help = HelpMenu(bar.addMenu("&Help"), self.window, self.owner)
        self.pending_label = self._pending_label()
        self.palette_menu: QMenu | None = None

    def add(
        self, menu: QMenu, text: str, slot: Callable[[], object], shortcut: str | QKeySequence | None = None
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    # -- the menus ------------------------------------------------------------------------------------

    def _file(self, menu: QMenu) -> None:
        self.projects = ProjectMenu(menu, self.window, self.owner)
        menu.addSeparator()
        self.import_action = self.add(menu, "&Import…", self.import_files, "Ctrl+I")
        self.url_action = self.add(menu, "Add from &URL…", self.import_urls)
        self.paste_action = self.add(menu, "New document from &clipboard", self.paste_document, "Ctrl+Shift+V")
        self.export_action = self.add(menu, "&Export…", self.export_dataset, "Ctrl+E")
        self.samples_action = self.add(menu, "Load &sample articles", self.owner.load_samples)
        menu.addSeparator()
        self.scheme_action = self.add(menu, "&Scheme…", self.edit_scheme)
        self.backups_action = self.add(menu, "&Backups…", self.show_backups)
        menu.addSeparator()
        self.add(menu, "&Quit", self.window.close, QKeySequence.StandardKey.Quit)

    def _edit(self, menu: QMenu) -> None:
        self.undo_action, self.redo_action = undo_actions(self.window, self.session.history)
        menu.addActions([self.undo_action, self.redo_action])
        menu.addSeparator()
        self.delete_action = self.add(menu, "&Delete annotation", self.delete_current, "Delete")
        self.palette_action = self.add(menu, "Label &palette…", self.show_palette, "Ctrl+Space")
        for text, which, step, keys in (
            ("Move start left", "start", -1, "Alt+Left"),
            ("Move start right", "start", 1, "Alt+Right"),
            ("Move end left", "end", -1, "Alt+Shift+Left"),
            ("Move end right", "end", 1, "Alt+Shift+Right"),
        ):
            self.add(menu, text, partial(self.move, which, step), keys)
        menu.addSeparator()
        reader = self.owner.reader
        self.add(menu, "&Find in document", reader.open_find, QKeySequence.StandardKey.Find)
        self.add(menu, "Find &next", lambda: reader.find_next(), QKeySequence.StandardKey.FindNext)
        self.add(
            menu, "Find p&revious", lambda: reader.find_next(backwards=True), QKeySequence.StandardKey.FindPrevious
        )
        self.add(menu, "Search the &corpus", self.search_corpus, "Ctrl+Shift+F")

    def _view(self, menu: QMenu) -> None:
        view = self.owner.reader.view
        self.add(menu, "Zoom &in", lambda: view.set_zoom(view.zoom + 1), QKeySequence.StandardKey.ZoomIn)
        self.add(menu, "Zoom &out", lambda: view.set_zoom(view.zoom - 1), QKeySequence.StandardKey.ZoomOut)
        self.add(menu, "Zoom &reset", lambda: view.set_zoom(0), "Ctrl+0")
        self.snap_action = QAction("&Snap selections to words", self.window, checkable=True, checked=self.session.snap)
        self.snap_action.toggled.connect(lambda on: setattr(self.session, "snap", on))
        menu.addAction(self.snap_action)
        self.colleagues_menu = menu.addMenu("&Colleagues' layers")
        self.colleagues_menu.aboutToShow.connect(self.fill_colleagues)

    def _document(self, menu: QMenu) -> None:
        navigator = self.owner.navigator
        self.add(menu, "&Next document", lambda: navigator.step(1), "Ctrl+PgDown")
        self.add(menu, "&Previous document", lambda: navigator.step(-1), "Ctrl+PgUp")
        menu.addSeparator()
        self.add(menu, "Mark &in progress", partial(self.set_status, Status.IN_PROGRESS), "Ctrl+Shift+P")
        self.add(menu, "Mark &done", partial(self.set_status, Status.DONE), "Ctrl+Shift+D")
        self.add(menu, "Mark &not started", partial(self.set_status, Status.NOT_STARTED))
        menu.addSeparator()
        self.boilerplate_action = self.add(
            menu, "Mark selection as &boilerplate", lambda: self.owner.mark_boilerplate(True), "Ctrl+Shift+B"
        )
        self.article_text_action = self.add(
            menu, "Mark selection as article &text", lambda: self.owner.mark_boilerplate(False)
        )
        self.owner.reader.context_actions = [self.boilerplate_action, self.article_text_action]
        menu.addSeparator()
        self.history_action = self.add(menu, "&History and deleted items…", self.show_history)
        self.add(menu, "Edit &metadata…", self.edit_metadata, "Ctrl+M")

    def _review(self, menu: QMenu) -> None:
        """Compare, agreement, adjudication and merging: each opens its own window."""
        self.add(menu, "&Compare annotators…", partial(self.open_window, "compare"), "Ctrl+Shift+C")
        self.add(menu, "&Agreement report…", partial(self.open_window, "agreement"))
        self.add(menu, "A&djudicate (gold standard)…", partial(self.open_window, "adjudicate"))
        self.analysis_action = self.add(
            menu, "A&nalysis (outlets, stories, sources)…", partial(self.open_window, "analysis")
        )
        menu.addSeparator()
        self.add(menu, "&Merge another project…", partial(self.open_window, "merge"))

    def _pending_label(self) -> QLabel:
        """Edits the database could not take stay visible as unsaved in the status bar until a retry saves them."""
        label = QLabel()
        label.setObjectName("pending_label")
        label.hide()
        self.window.statusBar().addPermanentWidget(label)

        def show(waiting: int, reason: str) -> None:
            label.setVisible(bool(waiting))
            label.setText(f"{waiting} edit{'s' if waiting != 1 else ''} waiting to be saved" if waiting else "")
            label.setToolTip(reason if waiting else "")
            if waiting:
                self.owner.saved_label.setText("Not saved")
                self.window.statusBar().showMessage(f"{label.text()}: {reason}", 10000)

        self.session.pending_changed.connect(show)
        return label

    def fill_labels(self) -> None:
        """One action per label with its shortcut, sub-types in a sub-menu; rebuilt when the scheme changes."""
        menu = self.labels_menu
        for action in menu.actions():
            action.deleteLater()
        menu.clear()
        self.label_actions = {}
        scheme = self.project.scheme
        for lab in scheme.top_labels():
            apply = partial(self.owner.apply_label, lab.name)
            action = self.add(menu, lab.name.replace("_", " "), apply, lab.shortcut or None)
            action.setToolTip(lab.guideline)
            self.label_actions[lab.name] = action
            subtypes = scheme.subtypes(lab.name)
            if subtypes:
                sub_menu = menu.addMenu(f"{lab.name.replace('_', ' ')} as…")
                for sub in subtypes:
                    apply = partial(self.owner.apply_label, lab.name, sub.name)
                    self.add(sub_menu, sub.name.replace("_", " "), apply, sub.shortcut or None)

    # -- what the actions do ----------------------------------------------------------------------------

    def delete_current(self) -> None:
        ann = self.session.current
        if ann is not None and self.session.is_mine(ann):
            self.session.delete(ann)

    def move(self, which: str, step: int) -> None:
        ann = self.session.current
        if ann is not None and ann.fragments and self.session.is_mine(ann):
            self.session.move_boundary(ann, which, step)

    def set_status(self, status: Status) -> None:
        if self.session.document is not None:
            self.session.set_status(status)

    def show_palette(self) -> QMenu:
        """A small menu of labels and sub-types at the selection; choosing one annotates the selection."""
        menu = QMenu(self.window)
        scheme = self.project.scheme
        for lab in scheme.top_labels(Scope.SPAN):
            action = menu.addAction(lab.name.replace("_", " "), partial(self.owner.apply_label, lab.name))
            if lab.shortcut:
                action.setShortcut(QKeySequence(lab.shortcut))
            for sub in scheme.subtypes(lab.name):
                menu.addAction(f"    {sub.name.replace('_', ' ')}", partial(self.owner.apply_label, lab.name, sub.name))
        view = self.owner.reader.view
        rect = view.cursorRect()
        menu.popup(view.viewport().mapToGlobal(rect.bottomLeft()) if view.hasFocus() else QCursor.pos())
        self.palette_menu = menu
        return menu

    def fill_colleagues(self) -> None:
        menu = self.colleagues_menu
        menu.clear()
        shown = set(self.session.colleagues)
        others = [a.name for a in self.project.annotators() if a.name != self.session.annotator]
        if not others:
            menu.addAction("(no colleagues in this project yet)").setEnabled(False)
        for name in others:
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name in shown)
            action.toggled.connect(partial(self.toggle_colleague, name))

    def toggle_colleague(self, name: str, shown: bool) -> None:
        colleagues = set(self.session.colleagues)
        self.owner.show_colleagues(sorted(colleagues | {name} if shown else colleagues - {name}))

    def switch_annotator(self) -> None:
        names = [a.name for a in self.project.annotators()]
        me = self.session.annotator
        current = names.index(me) if me in names else 0
        question = "Annotate as (or type a new name):"
        name, ok = QInputDialog.getItem(self.window, "Switch annotator", question, names, current, True)
        if ok and name.strip():
            self.owner.switch_annotator(name.strip())

    def search_corpus(self) -> None:
        self.owner.show_search()

    def import_files(self, paths: list[Path] | None = None) -> None:
        from annotator.ui.dialogs.import_dialog import run_import

        if not self.owner.ensure_annotator():
            return
        report = run_import(self.window, self.project, self.session.annotator, paths or [])
        self.owner.after_import(report)

    def import_urls(self) -> None:
        from annotator.ui.dialogs.url_dialog import run_url_import

        self.owner.after_import(run_url_import(self.window, self.project, self.session.annotator))

    def paste_document(self) -> None:
        """The clipboard's article as a new document, opened with its metadata to check."""
        from annotator.ui.clipboard_import import paste_as_document

        outcome = paste_as_document(self.project, self.session.annotator, self.window)
        if outcome is None:
            return
        self.owner.refresh_documents()
        shown = outcome.duplicate_of or outcome.document
        self.owner.open_document(shown.uuid)
        if outcome.added:
            self.edit_metadata()

    def export_dataset(self) -> None:
        from annotator.ui.dialogs.export_dialog import run_export

        report = run_export(self.window, self.project)
        if report is not None:
            message = f"Exported {report.documents} documents, {report.annotations} annotations"
            self.window.statusBar().showMessage(message, 8000)

    def edit_metadata(self) -> None:
        from annotator.ui.dialogs.metadata_dialog import edit_metadata

        if self.session.document is not None:
            edit_metadata(
                self.window, self.project, self.session.document.uuid, self.session.annotator, self.session.run
            )

    def edit_scheme(self) -> None:
        from annotator.ui.dialogs.scheme_editor import SchemeEditor

        SchemeEditor(self.project, self.session.annotator, self.window, run=self.session.run).exec()

    def open_window(self, which: str) -> None:
        document = self.session.document.uuid if self.session.document else None
        project, me = self.project, self.session.annotator
        if which == "compare":
            from annotator.ui.compare_view import CompareWindow

            opened: QWidget = CompareWindow(project, None, document)
        elif which == "adjudicate":
            from annotator.ui.adjudication_view import AdjudicationWindow

            opened = AdjudicationWindow(project, me, None, document)
        elif which == "analysis":
            from annotator.ui.analysis_view import AnalysisWindow

            analysis = AnalysisWindow(project, me, self.window)
            analysis.document_at_span_requested.connect(self.owner.show_span)
            opened = analysis
        elif which == "agreement":
            from annotator.ui.dialogs.agreement_dialog import AgreementDialog

            dialog = AgreementDialog(project, self.window)
            if dialog.annotator_list.count() >= 2:  # show the figures at once; options can be changed and recomputed
                QTimer.singleShot(0, dialog.compute)
            opened = dialog
        else:
            from annotator.ui.dialogs.merge_dialog import MergeDialog

            MergeDialog(project, me, self.window).exec()
            self.owner.refresh_documents()
            return
        self.owner.review_windows.append(opened)  # keep a reference: a window without one would be collected
        opened.show()

    def show_history(self) -> None:
        from annotator.ui.dialogs.history_dialog import HistoryDialog

        current = self.session.document.uuid if self.session.document else None
        dialog = HistoryDialog(self.project, self.session.annotator, current, self.window)
        dialog.restored.connect(self.after_history_restore)
        dialog.exec()

    def after_history_restore(self, uuid: str) -> None:
        self.owner.refresh_documents()
        self.session.history.clear()  # an undo of the deletion would now clash with the restored annotation
        current = self.session.document
        if current is not None and current.uuid == uuid:
            self.session.open(uuid)

    def show_backups(self) -> None:
        from annotator.ui.dialogs.backups_dialog import BackupsDialog, after_restore

        dialog = BackupsDialog(self.project, self.window)
        dialog.restored.connect(lambda _path: after_restore(self.window))
        dialog.exec()
