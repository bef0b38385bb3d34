"""File › Add from URL…: web addresses (typed, pasted or loaded from a file, one per line) fetched and imported
in the background, with a progress dialog that can cancel and a report of what failed and why.

Entry point for the main window: run_url_import(parent, project, actor) -> ImportReport (modal).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import InputError
from annotator.formats.registry import ReadOptions
from annotator.services import web_import
from annotator.services.importing import ImportReport
from annotator.services.project import Project
from annotator.services.web_fetch import FetchLimits
from annotator.ui.workers import BackgroundTask, StopsTaskOnClose


class UrlDialog(StopsTaskOnClose, QDialog):
    imported = Signal(object)  # the ImportReport, once the pages are fetched (also when cancelled)

    def __init__(self, project: Project, actor: str, parent: QWidget | None = None, limits: FetchLimits | None = None):
        super().__init__(parent)
        self.project, self.actor, self.limits = project, actor, limits
        self.setWindowTitle("Add from URL")
        self.resize(720, 480)
        self.report: ImportReport | None = None
        self.task: BackgroundTask | None = None
        self.progress: QProgressDialog | None = None

        self.urls_edit = QPlainTextEdit()
        self.urls_edit.setPlaceholderText("https://news.example/2024/03/05/minister-resigns\nhttps://…")
        self.urls_edit.textChanged.connect(self._update_buttons)
        load = QPushButton("Load list from file…")
        load.clicked.connect(self._on_load_requested)
        self.keep_boilerplate = QCheckBox("Keep page furniture unmarked (menus, captions, “Subscribe”)")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(load)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Web addresses, one per line (http or https); each page becomes a document:"))
        layout.addWidget(self.urls_edit, 2)
        layout.addLayout(row)
        layout.addWidget(self.keep_boilerplate)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.buttons)
        self._update_buttons()

    # -- the addresses --------------------------------------------------------------------------------

    def urls(self) -> list[str]:
        lines = (line.strip() for line in self.urls_edit.toPlainText().splitlines())
        return [line for line in lines if line and not line.startswith("#")]

    def set_urls(self, urls: list[str]) -> None:
        self.urls_edit.setPlainText("\n".join(urls))

    def load_list(self, path: Path) -> None:
        """Add the addresses of a file of URLs (one per line) to those already given."""
        try:
            found = [url for _, url in web_import.read_url_list(path)]
        except InputError as exc:
            self.summary.setText(str(exc))
            return
        self.set_urls(self.urls() + found)
        self.summary.setText(f"{len(found)} addresses read from {path.name}")

    def _on_load_requested(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "List of web addresses", "", "Text files (*.txt *.csv);;All (*)")
        if name:
            self.load_list(Path(name))

    def _update_buttons(self) -> None:
        self.import_button.setEnabled(self.task is None and bool(self.urls()))
        self.urls_edit.setReadOnly(self.task is not None)

    # -- fetching in the background -------------------------------------------------------------------

    def start_import(self) -> None:
        urls = self.urls()
        if not urls or self.task is not None:
            return
        options = ReadOptions(extra={"keep_boilerplate": self.keep_boilerplate.isChecked()})
        project, actor, limits = self.project, self.actor, self.limits

        def job(progress: Callable[[int, int, str], bool]) -> ImportReport:
            total = len(urls)
            return web_import.import_urls(
                project, urls, actor, options, lambda done, url: progress(done, total, url), limits=limits
            )

        self.task = BackgroundTask(job, self)
        self.progress = QProgressDialog("Fetching…", "Cancel", 0, len(urls), self)
        self.progress.setWindowTitle("Adding from URL")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumDuration(300)
        self.progress.canceled.connect(self.cancel_import)
        self.task.progressed.connect(self._on_task_progressed)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.summary.setText("Fetching…")
        self.details.hide()
        self._update_buttons()
        self.task.start()

    def cancel_import(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.summary.setText("Cancelling after the page being fetched…")

    def _on_task_progressed(self, done: int, total: int, url: str) -> None:
        if self.progress is not None:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(min(done, total))
            self.progress.setLabelText(f"{done + 1} of {total}: {url[-90:]}")

    def _finish_task(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel_import)  # closing it would emit canceled
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        if self.task is not None:
            self.task.deleteLater()
            self.task = None
        self._update_buttons()

    def _on_task_succeeded(self, report: ImportReport) -> None:
        self._finish_task()
        if self.report is None:
            self.report = ImportReport()
        self.report.merge(report)  # what run_url_import returns: every import made in this dialog
        self.summary.setText(("" if report.cancelled else "Done. ") + report.summary())
        lines = [f"Failed: {reason}" for _, reason in report.failed]
        lines += [
            f"Already in the project: {url} (as “{report.titles.get(uuid, '')}”)" for url, uuid in report.duplicates
        ]
        self.details.setPlainText("\n".join(lines))
        self.details.setVisible(bool(lines))
        done = {url for url, _ in report.imported + report.duplicates}
        self.set_urls([url for url in self.urls() if url not in done])  # left: what failed or was not reached
        self.imported.emit(report)

    def _on_task_failed(self, message: str) -> None:
        self._finish_task()
        self.summary.setText(f"Adding from URL stopped: {message}")


def run_url_import(parent: QWidget | None, project: Project, actor: str) -> ImportReport:
    """Show the dialog (modal) and return what was imported (an empty report when nothing was)."""
    dialog = UrlDialog(project, actor, parent)
    dialog.exec()
    report = dialog.report or ImportReport()
    dialog.deleteLater()
    return report
