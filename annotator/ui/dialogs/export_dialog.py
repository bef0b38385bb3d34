"""File > Export: choose a format and where to write, narrow the dataset with filters (annotators, labels,
document status, collections, gold only), see how many documents and annotations that gives before exporting,
and export in the background with progress and Cancel.

Entry point for the main window: run_export(parent, project) -> ExportReport | None (modal).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Status
from annotator.formats import registry
from annotator.services import exporting
from annotator.services.exporting import ExportFilter, ExportReport
from annotator.services.project import Project
from annotator.ui.workers import BackgroundTask

STATUS_NAMES = {Status.NOT_STARTED: "not started", Status.IN_PROGRESS: "in progress", Status.DONE: "done"}


def _checkable_list(names: list[str], empty: str) -> QListWidget:
    widget = QListWidget()
    widget.setMaximumHeight(120)
    for name in names:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    if not names:
        placeholder = QListWidgetItem(empty)
        placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
        widget.addItem(placeholder)
    return widget


def _checked(widget: QListWidget) -> list[str] | None:
    """The checked names, or None (no restriction) when none is checked."""
    names = [
        widget.item(i).text() for i in range(widget.count()) if widget.item(i).checkState() == Qt.CheckState.Checked
    ]
    return names or None


class ExportDialog(QDialog):
    exported = Signal(object)  # the ExportReport, once an export finished
    export_failed = Signal(str)

    def __init__(self, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Export a dataset")
        self.resize(640, 680)
        self.task: BackgroundTask | None = None
        self.report: ExportReport | None = None
        choices = exporting.choices(project)

        self.format_box = QComboBox()
        for fmt in registry.formats():
            if fmt.write is not None:
                kind = "folder" if fmt.folder else f".{fmt.extensions[0]}"
                self.format_box.addItem(f"{fmt.description} [{fmt.name}] → {kind}", fmt.name)
        self.format_box.setCurrentIndex(max(self.format_box.findData("jsonl"), 0))
        self.format_box.currentIndexChanged.connect(self._on_format_changed)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("where to write")
        self.path_edit.textChanged.connect(self._update_buttons)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._on_browse_requested)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("Save to", where)

        self.annotators = _checkable_list(choices.annotators, "no annotators yet")
        self.labels = _checkable_list(choices.labels, "no annotations yet")
        self.collections = _checkable_list(choices.collections, "no collections")
        self.status_boxes = {status: QCheckBox(name) for status, name in STATUS_NAMES.items()}
        statuses = QHBoxLayout()
        for box in self.status_boxes.values():
            statuses.addWidget(box)
            box.toggled.connect(self._update_count)
        statuses.addStretch()
        self.gold_only = QCheckBox("Gold (adjudicated) annotations only")
        self.gold_only.setEnabled(bool(choices.gold_annotators))
        self.gold_only.toggled.connect(self._update_count)
        for widget in (self.annotators, self.labels, self.collections):
            widget.itemChanged.connect(self._update_count)
        filters = QGroupBox("Filters (nothing ticked: everything)")
        grid = QFormLayout(filters)
        grid.addRow("Annotators", self.annotators)
        grid.addRow("Labels", self.labels)
        grid.addRow("Status", statuses)
        grid.addRow("Collections", self.collections)
        grid.addRow("", self.gold_only)

        self.count_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setVisible(False)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self._on_export_requested)
        self.cancel_button = QPushButton("Cancel export")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self._on_cancel_requested)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.export_button, self.cancel_button, close):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(filters)
        layout.addWidget(self.count_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)
        self._update_count()
        self._update_buttons()

    # -- reading the form ---------------------------------------------------------------------------------

    def format_name(self) -> str:
        return str(self.format_box.currentData())

    def filters(self) -> ExportFilter:
        statuses = [status for status, box in self.status_boxes.items() if box.isChecked()]
        return ExportFilter(
            annotators=_checked(self.annotators),
            labels=_checked(self.labels),
            statuses=statuses or None,
            collections=_checked(self.collections),
            gold_only=self.gold_only.isChecked(),
        )

    # -- reacting -------------------------------------------------------------------------------------------

    def _update_count(self) -> None:
        documents, annotations = exporting.count(self.project, self.filters())
        self.count_label.setText(f"{documents:,} documents and {annotations:,} annotations will be exported.")

    def _update_buttons(self) -> None:
        running = self.task is not None and self.task.is_running()
        self.export_button.setEnabled(bool(self.path_edit.text().strip()) and not running)

    def _on_format_changed(self) -> None:
        text = self.path_edit.text().strip()
        fmt = registry.get(self.format_name())
        if text and not fmt.folder:
            self.path_edit.setText(str(Path(text).with_suffix(f".{fmt.extensions[0]}")))

    def _on_browse_requested(self) -> None:
        fmt = registry.get(self.format_name())
        if fmt.folder:
            chosen = QFileDialog.getExistingDirectory(self, "Folder to write into")
        else:
            pattern = f"{fmt.description} (*.{fmt.extensions[0]})"
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to", f"dataset.{fmt.extensions[0]}", pattern)
        if chosen:
            self.path_edit.setText(chosen)

    def _on_export_requested(self) -> None:
        out = Path(self.path_edit.text().strip())
        fmt, filters, project = self.format_name(), self.filters(), self.project

        def job(progress):  # type: ignore[no-untyped-def]
            return exporting.export(project, fmt, out, filters, lambda done, total: progress(done, total, ""))

        self.result_label.setText("")
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setVisible(True)
        self.cancel_button.setVisible(True)
        self.task = BackgroundTask(job, self)
        self.task.progressed.connect(self._on_task_progressed)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.task.finished.connect(self._on_task_finished)
        self.task.start()
        self._update_buttons()

    def _on_cancel_requested(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _on_task_progressed(self, done: int, total: int, _name: str) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _on_task_succeeded(self, report: ExportReport) -> None:
        self.report = report
        lines = [f"Exported {report.documents:,} documents and {report.annotations:,} annotations to {report.path}."]
        lines += report.notes
        self.result_label.setText("\n".join(lines))
        self.exported.emit(report)

    def _on_task_failed(self, message: str) -> None:
        if self.task is not None and self.task.cancelled:
            self.result_label.setText("Export cancelled; nothing was written.")
        else:
            self.result_label.setText(f"Export failed: {message}")
        self.export_failed.emit(message)

    def _on_task_finished(self) -> None:
        self.progress_bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self._update_buttons()

    def reject(self) -> None:
        if self.task is not None and self.task.is_running():
            self.task.cancel()
            self.task.wait()
        super().reject()


def run_export(parent: QWidget | None, project: Project) -> ExportReport | None:
    """File > Export: the dialog, modal; the report of the last export made in it, if any."""
    dialog = ExportDialog(project, parent)
    dialog.exec()
    return dialog.report
