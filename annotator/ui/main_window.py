"""The main window: navigator, reading view, annotation panel and list, menus, status bar.

It composes widgets and wires their signals to the AnnotationSession; editing logic lives in the Qt-free
editing model (services/editing.py) and the services; what the window shows follows the change records.
"""

from __future__ import annotations

import getpass

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core import changes
from annotator.core.changes import Change
from annotator.core.errors import AnnotatorError, ConflictError
from annotator.core.scheme import Scope
from annotator.core.search import SearchHit
from annotator.services import documents, projects, samples
from annotator.services.importing import ImportReport
from annotator.services.project import Project
from annotator.settings import Settings
from annotator.ui.annotation_list import AnnotationList
from annotator.ui.annotation_session import AnnotationSession
from annotator.ui.dialogs import backups_dialog
from annotator.ui.dialogs.import_dialog import DropImporter
from annotator.ui.live_updates import LiveUpdates
from annotator.ui.menus import WindowMenus
from annotator.ui.navigator import Navigator
from annotator.ui.reader_pane import ReaderPane
from annotator.ui.search_panel import SearchPanel
from annotator.ui.welcome import WelcomePage
from annotator.ui.widgets.annotation_panel import AnnotationPanel
from annotator.ui.widgets.document_panel import DocumentPanel
from annotator.ui.workbench import Workbench
from annotator.ui.workers import BackgroundTask


class MainWindow(QMainWindow):
    def __init__(self, project: Project, settings: Settings, workbench: Workbench | None = None):
        super().__init__()
        self.project, self.settings = project, settings
        self.workbench = workbench or Workbench(settings, type(self)).adopt(self)
        self.setObjectName("MainWindow")
        self.resize(1400, 860)

        # on a first launch the system's user name stands in until the welcome page's name is confirmed (or taken
        # by the first action): every edit and import waits for that (ensure_annotator)
        self.named = bool(settings.annotator.strip())
        offered = settings.annotator.strip() or getpass.getuser() or "annotator"
        self.session = AnnotationSession(project, offered, self)
        self.session.snap = settings.snap_to_words
        self.session.colleagues = [n for n in settings.shown_annotators if n != settings.annotator]
        self.navigator = Navigator(project, offered)
        self.search_panel = SearchPanel(project)
        self.reader = ReaderPane(self.session)
        self.reader.view.set_zoom(settings.zoom)
        self.panel = AnnotationPanel(self.session)
        self.panel.add_fragment_selection = self.reader.selection_fragment
        self.document_panel = DocumentPanel(self.session)
        self.annotation_list = AnnotationList(self.session)

        self.welcome = WelcomePage()
        self.centre = QStackedWidget()  # the welcome page or the reading view
        self.centre.addWidget(self.welcome)
        self.centre.addWidget(self.reader)
        self.setCentralWidget(self.centre)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.document_panel)
        side_layout.addWidget(self.panel, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(side)
        listing = self._dock("Documents", self.navigator, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.search_dock = self._dock("Search", self.search_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(listing, self.search_dock)
        listing.raise_()
        self._dock("Annotation", scroll, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("Annotations in this document", self.annotation_list, Qt.DockWidgetArea.BottomDockWidgetArea)

        self.saved_label = QLabel("No edits yet")
        self.progress_label = QLabel()
        self.statusBar().addPermanentWidget(self.saved_label)
        self.statusBar().addPermanentWidget(self.progress_label)

        self.navigator.document_chosen.connect(self.open_document)
        self.search_panel.hit_chosen.connect(self.open_match)
        self.counting: BackgroundTask | None = None  # the progress count over every document
        self.session.saved.connect(self._on_session_saved)
        self.session.conflict_found.connect(lambda text: self._not_saved(ConflictError(text)))
        self.session.status_changed.connect(lambda _s: self.refresh_documents())
        self.session.annotation_stored.connect(lambda _a: self._count_changed())
        self.session.annotation_removed.connect(lambda _u: self._count_changed())
        self.annotation_list.annotation_chosen.connect(self.reader.show_annotation)
        self.session.records_applied.connect(self._on_records_applied)
        self.review_windows: list[QWidget] = []
        self.menus = WindowMenus(self, self)
        self._wire_welcome()
        self.backup_scheduler = backups_dialog.install(self)
        DropImporter(self, lambda: self.project, self.acting_name, self.after_import)
        self._restore_layout()
        self.refresh_documents()
        self.live = LiveUpdates(self)  # colleagues' saves appear within about a second
        self.live.start()
        self.update_title()

    def update_title(self) -> None:
        """The project (file stem, or server/database) and who is annotating."""
        who = f"annotating as {self.session.annotator}" if self.named else "no annotator name yet"
        self.setWindowTitle(f"{projects.display_name(self.project.location)} — {who} — Media Annotator")

    def _wire_welcome(self) -> None:
        page = self.welcome
        page.name_given.connect(self.switch_annotator)
        page.samples_requested.connect(lambda: self.load_samples(open_first=True))
        page.import_requested.connect(lambda: self.ensure_annotator() and self.menus.import_files())
        page.open_requested.connect(self.menus.projects.choose_file)
        page.connect_requested.connect(lambda: self.menus.projects.connect_to_server())

    def ensure_annotator(self) -> bool:
        """Before the first edit or import: take the name offered on the welcome page, or ask for one there."""
        if self.named:
            return True
        name = self.welcome.offered_name()
        if not name:
            self.centre.setCurrentWidget(self.welcome)
            self.welcome.name_box.setFocus()
            self.statusBar().showMessage("Type your name as an annotator first", 6000)
            return False
        self.switch_annotator(name)
        self.statusBar().showMessage(f"Annotating as {name} (Annotator › Switch annotator changes it)", 8000)
        return True

    def acting_name(self) -> str:
        """Who an import is recorded under: a drop before the name is confirmed takes the one offered."""
        self.ensure_annotator()
        return self.session.annotator

    def _show_welcome_or_text(self, has_documents: bool) -> None:
        """The welcome page until there is a name and an article; the text once a document is open."""
        annotator = self.session.annotator if self.named else ""
        if not annotator or not has_documents:
            self.welcome.show_for(
                annotator, projects.display_name(self.project.location), self.project.scheme, has_documents
            )
            self.centre.setCurrentWidget(self.welcome)
        else:
            self.centre.setCurrentWidget(self.reader)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- documents ------------------------------------------------------------------------------------

    def refresh_documents(self) -> None:
        """Read the list again (it keeps its filters and current row), and count progress on a worker thread:
        a count over 100,000 documents must not hold the window up."""
        self.navigator.refresh(self.session.annotator)
        self._show_welcome_or_text(self.navigator.model.total > 0 or documents.has_documents(self.project))
        project, me = self.project, self.session.annotator
        task = BackgroundTask(lambda _progress: documents.progress(project, me), self)
        task.succeeded.connect(lambda counts: self._show_progress(task, *counts))
        if self.counting is not None and self.counting.is_running():
            self.counting.succeeded.disconnect()  # an older count: its numbers are stale already
        self.counting = task
        task.start()

    def _show_progress(self, task: BackgroundTask, done: int, total: int) -> None:
        who = self.session.annotator if self.named else "no name yet"
        self.progress_label.setText(f"{who} · {done:,} of {total:,} done")

    def show_search(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        self.search_panel.query_box.setFocus()
        self.search_panel.query_box.selectAll()

    def open_match(self, hit: SearchHit) -> None:
        """Open a search hit's document with its first match selected and scrolled into view."""
        self.open_document(hit.uuid)
        if hit.match is not None and self.session.document is not None and self.session.document.uuid == hit.uuid:
            to_qt = self.session.offsets.to_qt
            self.reader.view.select_range(to_qt(hit.match[0]), to_qt(hit.match[1]))

    def open_document(self, uuid: str) -> None:
        if not self.ensure_annotator():
            return
        try:
            self.session.open(uuid)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Cannot open the document", str(exc))
            return
        self.navigator.show_current(uuid)
        self.centre.setCurrentWidget(self.reader)
        self.reader.view.setFocus()

    def show_span(self, document: str, start: int, end: int) -> None:
        """Open a document with a passage selected (code points), e.g. from the analysis' spans in context."""
        self.open_document(document)
        if self.session.document is not None and self.session.document.uuid == document:
            to_qt = self.session.offsets.to_qt
            self.reader.view.select_range(to_qt(start), to_qt(end))
            self.activateWindow()

    def _count_changed(self) -> None:
        """Keep the navigator's count of my annotations in step without reloading the whole list."""
        if self.session.document is not None:
            self.navigator.model.update_summary(self.session.document.uuid, annotation_count=self.session.my_count)

    def after_import(self, report: ImportReport) -> None:
        self.refresh_documents()
        if report.imported or report.duplicates or report.failed:
            self.statusBar().showMessage(f"Import: {report.summary()}", 10000)

    def _on_records_applied(self, records: list[Change]) -> None:
        """Follow what was written (here or by colleagues) beyond the open document's annotations."""
        kinds = {r.entity for r in records}
        if changes.SCHEME in kinds:
            self.scheme_changed()
        if kinds & {changes.DOCUMENT, changes.COLLECTION, changes.MEMBERSHIP}:
            self.refresh_documents()  # keeps the navigator's current row
            current = self.session.document
            touched = {r.key for r in records if r.entity == changes.DOCUMENT and r.action == changes.UPDATE}
            if current is not None and current.uuid in touched and changes.SCHEME not in kinds:
                self.session.open(current.uuid)  # its title, outlet or date changed

    def load_samples(self, open_first: bool = False) -> None:
        if not self.ensure_annotator():
            return
        report = samples.load_samples(self.project, self.session.annotator)
        self.refresh_documents()
        self.statusBar().showMessage(f"Samples: {report.summary()}", 8000)
        if open_first:
            self.navigator.step(1)

    # -- labelling from the keyboard --------------------------------------------------------------------

    def apply_label(self, label: str, subtype: str | None = None) -> None:
        """With a selection: annotate it. Without one: relabel the current annotation of mine."""
        if self.session.document is None:
            return
        if self.project.scheme.label(label).scope is Scope.DOCUMENT:
            self.session.set_document_label(label, subtype)
            return
        fragment = self.reader.selection_fragment()
        if fragment is not None and self.session.in_boilerplate(fragment) and not self._annotate_furniture():
            return
        try:
            if fragment is not None:
                self.session.add(label, subtype, fragment)
                self.reader.view.select_range(*[self.session.offsets.to_qt(fragment.end)] * 2)
            elif self.session.current is not None and self.session.is_mine(self.session.current):
                self.session.relabel(self.session.current, label)
            else:
                self.statusBar().showMessage("Select some text first", 4000)
        except AnnotatorError as exc:
            self._not_saved(exc)

    def _annotate_furniture(self) -> bool:
        """The selection lies in page furniture, which counts, exports and agreement leave out: say so, and annotate
        only if the user means it."""
        answer = QMessageBox.question(
            self,
            "Annotate page furniture?",
            "This passage is marked as boilerplate (page furniture such as navigation, captions or sign-up "
            "prompts), which word counts, exports and agreement leave out.\n\nAnnotate it anyway? (Or mark it as "
            "article text first: Document › Mark selection as article text.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.statusBar().showMessage("Not annotated: the selection is marked as boilerplate", 6000)
            return False
        return True

    def mark_boilerplate(self, furniture: bool) -> None:
        """Mark the selection as page furniture, or (furniture False) as article text again; undoable."""
        fragment = self.reader.selection_fragment() if self.session.document is not None else None
        if fragment is None:
            self.statusBar().showMessage("Select some text first", 4000)
            return
        try:
            self.session.mark_boilerplate(fragment, furniture)
        except AnnotatorError as exc:
            self._not_saved(exc)

    def _not_saved(self, exc: AnnotatorError) -> None:
        self.saved_label.setText("Not saved")
        QMessageBox.warning(self, "Not saved", str(exc))

    def _on_session_saved(self, message: str) -> None:
        self.saved_label.setText(message)
        self.statusBar().showMessage(message, 3000)

    def scheme_changed(self) -> None:
        """Labels were added, renamed or recoloured: rebuild the label menu and redraw the document."""
        self.menus.fill_labels()
        self.menus.suggestions.panel.fill_labels()
        if self.session.document is not None:
            self.session.open(self.session.document.uuid)

    # -- identity -------------------------------------------------------------------------------------

    def switch_annotator(self, name: str) -> None:
        name = name.strip()
        if not name:
            return
        self.settings.annotator = name
        self.settings.save()
        self.named = True
        self.session.switch_annotator(name)
        self.refresh_documents()
        self.update_title()

    def show_colleagues(self, names: list[str]) -> None:
        self.settings.shown_annotators = names
        self.session.set_colleagues(names)

    # -- layout and preferences -----------------------------------------------------------------------

    def _restore_layout(self) -> None:
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        if self.settings.window_state:
            self.restoreState(QByteArray.fromBase64(self.settings.window_state.encode()))

    def save_layout(self) -> None:
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.settings.window_state = bytes(self.saveState().toBase64().data()).decode()
        self.settings.zoom = self.reader.view.zoom
        self.settings.snap_to_words = self.session.snap
        self.settings.save()

    # -- leaving the project --------------------------------------------------------------------------

    def unsaved_work(self) -> str:
        """Why this project cannot be closed now without losing an edit ("" when it can): edits the database
        has not taken yet are tried once more first."""
        self.panel.show_annotation(None)  # saves a note still being typed
        if not self.session.pending or not self.session.retry_pending():
            return ""
        waiting = len(self.session.pending)
        return (
            f"{waiting} edit{'s are' if waiting != 1 else ' is'} still waiting to be saved to {self.project.where} "
            f"({self.session.pending_reason}). Closing the project now would lose {'them' if waiting != 1 else 'it'}: "
            "wait until the status bar says they are saved (or fix what stops them), then try again."
        )

    def retire(self) -> None:
        """Another project took this window's place: close it, its review windows and its project."""
        self.backup_scheduler.timer.stop()
        for other in self.review_windows:
            other.close()
        self.close()
        self.project.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.panel.show_annotation(None)  # saves a note still being typed
        self.live.stop()
        for task in self.findChildren(BackgroundTask):
            task.wait()  # a thread must not outlive its window
        self.save_layout()
        super().closeEvent(event)
