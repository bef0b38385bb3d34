"""File > Import and drag and drop: choose files and folders, check a table's column mapping, import in the
background with a progress dialog that can cancel, and see what was imported, skipped and refused.

Entry points for the main window:
* run_import(parent, project, actor, paths=(), ask=None) -> ImportReport: the dialog, modal. With paths and
  no table among them (ask=None), the import starts at once and the dialog closes itself when all went well.
* paths_from_drop(mime) -> list[Path] and DropImporter(window, ...): drag and drop of files and folders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.formats.registry import ReadOptions
from annotator.services import collections, importing
from annotator.services.importing import ImportReport
from annotator.services.project import Project
from annotator.ui.dialogs.table_preview import TablePreview
from annotator.ui.workers import BackgroundTask, StopsTaskOnClose

PathRole = Qt.ItemDataRole.UserRole + 1
FILE_FILTER = (
    "Articles (*.txt *.md *.markdown *.html *.htm *.xhtml *.docx *.pdf *.csv *.tsv *.json *.jsonl *.ndjson *.zip);;"
    "All files (*)"
)


class ImportDialog(StopsTaskOnClose, QDialog):
    imported = Signal(object)  # the ImportReport, once an import has finished (also when cancelled)

    def __init__(self, project: Project, actor: str, paths: Iterable[Path] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.project, self.actor = project, actor
        self.setWindowTitle("Import articles")
        self.resize(860, 640)
        self.report: ImportReport | None = None
        self.task: BackgroundTask | None = None
        self.progress: QProgressDialog | None = None
        self.close_when_clean = False  # set by run_import when the import starts without asking
        self._mappings: dict[Path, dict[str, str]] = {}

        self.paths_list = QListWidget()
        self.paths_list.setMinimumHeight(70)
        self.paths_list.currentItemChanged.connect(self._on_paths_current_changed)
        add_files = QPushButton("Add files…")
        add_files.clicked.connect(self._on_add_files_requested)
        add_folder = QPushButton("Add folder…")
        add_folder.clicked.connect(self._on_add_folder_requested)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._on_remove_requested)
        row = QHBoxLayout()
        for button in (add_files, add_folder, self.remove_button):
            row.addWidget(button)
        row.addStretch()

        self.format_box = QComboBox()
        self.format_box.addItem("Detect from each file", None)
        for name, description in importing.readable_formats():
            self.format_box.addItem(f"{description} [{name}]", name)
        self.collection_box = QComboBox()
        self.collection_box.setEditable(True)
        self.collection_box.addItem("")
        self.collection_box.addItems([c.name for c in collections.list_collections(project)])
        self.collection_box.lineEdit().setPlaceholderText("none (type a new name to create one)")
        self.full_text = QCheckBox("Web pages: keep the whole page text, not only the article")
        self.keep_boilerplate = QCheckBox("Leave page furniture unmarked (menus, captions, “Subscribe”)")
        self.annotator = QLineEdit(placeholderText="as in the file")
        self.annotator.setToolTip("Annotated files (native JSONL, brat, ...): put their annotations under this name")
        self.unknown_labels = QComboBox()
        self.unknown_labels.setToolTip("Annotated files may use labels this project's scheme does not have")
        for text, value in (
            ("stop and tell me", None),
            ("add them to the scheme", "new"),
            ("leave those annotations out", "skip"),
        ):
            self.unknown_labels.addItem(text, value)
        form = QFormLayout()
        form.addRow("Format:", self.format_box)
        form.addRow("Add to collection:", self.collection_box)
        form.addRow("Imported annotations by:", self.annotator)
        form.addRow("Labels the scheme lacks:", self.unknown_labels)
        form.addRow("", self.full_text)
        form.addRow("", self.keep_boilerplate)

        self.preview = TablePreview()
        self.preview.mapping_changed.connect(self._on_preview_mapping_changed)
        self.preview.hide()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setMaximumHeight(140)
        self.details.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Files, folders (read recursively) and zip archives to import:"))
        layout.addWidget(self.paths_list, 1)  # the preview gets most of the room
        layout.addLayout(row)
        layout.addLayout(form)
        layout.addWidget(self.preview, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(self.buttons)
        self.add_paths(paths)

    # -- the list of paths ----------------------------------------------------------------------------

    def add_paths(self, paths: Iterable[Path]) -> None:
        present = set(self.paths())
        for path in paths:
            if path not in present:
                item = QListWidgetItem(str(path) + ("  (folder)" if path.is_dir() else ""))
                item.setData(PathRole, str(path))
                self.paths_list.addItem(item)
                present.add(path)
        if self.paths_list.currentRow() < 0 and self.paths_list.count():
            self.paths_list.setCurrentRow(0)
        self._update_buttons()

    def paths(self) -> list[Path]:
        return [Path(self.paths_list.item(i).data(PathRole)) for i in range(self.paths_list.count())]

    def mapping_for(self, path: Path) -> dict[str, str] | None:
        return self._mappings.get(path)

    def _on_add_files_requested(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import articles", "", FILE_FILTER)
        self.add_paths(Path(f) for f in files)

    def _on_add_folder_requested(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of articles")
        if folder:
            self.add_paths([Path(folder)])

    def _on_remove_requested(self) -> None:
        row = self.paths_list.currentRow()
        if row >= 0:
            path = Path(self.paths_list.takeItem(row).data(PathRole))
            self._mappings.pop(path, None)
        self._update_buttons()

    def _on_paths_current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        path = Path(current.data(PathRole)) if current is not None else None
        if path is None or not importing.is_table(path):
            self.preview.hide()
            return
        self._mappings[path] = self.preview.show_file(path, self._mappings.get(path))
        self.preview.show()

    def _on_preview_mapping_changed(self, mapping: dict[str, str]) -> None:
        if self.preview.path is not None:
            self._mappings[self.preview.path] = dict(mapping)

    def _update_buttons(self) -> None:
        idle = self.task is None
        self.import_button.setEnabled(idle and self.paths_list.count() > 0)
        self.remove_button.setEnabled(idle and self.paths_list.count() > 0)

    # -- running the import ---------------------------------------------------------------------------

    def start_import(self) -> None:
        paths = self.paths()
        if not paths or self.task is not None:
            return
        full_text, annotator = self.full_text.isChecked(), self.annotator.text().strip() or None
        extra = {"label_map": self.unknown_labels.currentData()} if self.unknown_labels.currentData() else {}
        extra["keep_boilerplate"] = self.keep_boilerplate.isChecked()
        options = ReadOptions(annotator=annotator, full_text=full_text, extra=dict(extra))
        file_options = {
            p: ReadOptions(annotator=annotator, mapping=m, full_text=full_text, extra=dict(extra))
            for p, m in self._mappings.items()
            if p in paths
        }
        format_name = self.format_box.currentData()
        collection = self.collection_box.currentText().strip() or None
        project, actor = self.project, self.actor

        def job(progress: Callable[[int, int, str], bool]) -> ImportReport:
            total = importing.count_files(paths, format_name)
            return importing.import_paths(
                project,
                paths,
                actor,
                format_name,
                options,
                lambda done, name: progress(done, total, name),
                collection=collection,
                file_options=file_options,
            )

        self.task = BackgroundTask(job, self)
        self.progress = QProgressDialog("Looking at the files…", "Cancel", 0, 0, self)
        self.progress.setWindowTitle("Importing")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumDuration(300)
        self.progress.canceled.connect(self._on_progress_canceled)
        self.task.progressed.connect(self._on_task_progressed)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.summary.setText("Importing…")
        self._update_buttons()
        self.task.start()

    def cancel_import(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.summary.setText("Cancelling: the file being read is rolled back…")

    def _on_progress_canceled(self) -> None:
        self.cancel_import()

    def _on_task_progressed(self, done: int, total: int, name: str) -> None:
        if self.progress is None:
            return
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.progress.setLabelText(f"{done} of {total}: {name[-80:]}")

    def _finish_task(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self._on_progress_canceled)  # closing it would emit canceled
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        if self.task is not None:
            self.task.deleteLater()
            self.task = None
        self._update_buttons()

    def _on_task_succeeded(self, report: ImportReport) -> None:
        self._finish_task()
        self.report = report
        self.summary.setText(("Cancelled. " if report.cancelled else "Done. ") + report.summary())
        lines = [f"Failed: {reason}" for _, reason in report.failed]
        lines += [
            f"Duplicate skipped: {source} (same text as “{report.titles.get(uuid, '')}” {uuid[:8]})"
            for source, uuid in report.duplicates
        ]
        lines += [f"Note: {note}" for note in report.notes]
        # what the files' formats kept, kept only as format data, and left out (the fidelity report)
        lines += [f"Format: {line}" for line in report.fidelity.lines()]
        self.details.setPlainText("\n".join(lines))
        self.details.setVisible(bool(lines))
        if not report.cancelled:  # what was imported is gone from the list, so it is not imported twice
            self.paths_list.clear()
            self._mappings.clear()
            self.preview.hide()
            self._update_buttons()
        self.imported.emit(report)
        if self.close_when_clean and not report.failed and not report.cancelled:
            self.accept()

    def _on_task_failed(self, message: str) -> None:
        self._finish_task()
        self.summary.setText(f"The import stopped: {message}")


def run_import(
    parent: QWidget | None, project: Project, actor: str, paths: Iterable[Path] = (), ask: bool | None = None
) -> ImportReport:
    """Show the import dialog and return what was imported (an empty report when nothing was).

    ask=None asks (shows the dialog and waits for Import) only when no paths are given or a table is among
    them, whose column mapping is worth a look; otherwise the import starts at once."""
    paths = list(paths)
    dialog = ImportDialog(project, actor, paths, parent)
    if ask is None:
        ask = not paths or any(importing.is_table(p) for p in paths)
    if not ask:
        dialog.close_when_clean = True
        QTimer.singleShot(0, dialog.start_import)
    dialog.exec()
    report = dialog.report or ImportReport()
    dialog.deleteLater()
    return report


def paths_from_drop(mime: QMimeData) -> list[Path]:
    """The local files and folders of a drag and drop (links to web pages are not fetched)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


class DropImporter(QObject):
    """Lets files and folders be dropped on a window to import them: DropImporter(window, get_project, get_actor,
    on_imported). It filters the window's drag and drop events; the window needs no code of its own."""

    def __init__(
        self,
        window: QWidget,
        project: Callable[[], Project],
        actor: Callable[[], str],
        on_imported: Callable[[ImportReport], None] | None = None,
    ):
        super().__init__(window)
        self.window, self.project, self.actor, self.on_imported = window, project, actor, on_imported
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        window._drop_importer = self  # type: ignore[attr-defined]  # PySide drops an unreferenced filter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if paths_from_drop(event.mimeData()):  # type: ignore[attr-defined]
                event.acceptProposedAction()  # type: ignore[attr-defined]
                return True
        elif kind == QEvent.Type.Drop:
            paths = paths_from_drop(event.mimeData())  # type: ignore[attr-defined]
            if paths:
                event.acceptProposedAction()  # type: ignore[attr-defined]
                # after the drop returns, so the source application is not kept waiting during the import
                QTimer.singleShot(0, lambda: self._import(paths))
                return True
        return False

    def _import(self, paths: list[Path]) -> None:
        report = run_import(self.window, self.project(), self.actor(), paths)
        if self.on_imported is not None:
            self.on_imported(report)
