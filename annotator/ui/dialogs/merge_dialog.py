"""Merge a colleague's project file into this project (services.merging), and show what came in.

The project is backed up first; the colleague's file is only read. Conflicting versions of an annotation are
both kept and listed here, as are annotations that could not come in (a label this project's scheme lacks).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.services.merging import MergeReport, merge_database
from annotator.services.project import Project


class MergeDialog(QDialog):
    merged = Signal(object)  # the MergeReport, for the main window to refresh its lists

    def __init__(self, project: Project, actor: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.project, self.actor = project, actor
        self.report: MergeReport | None = None
        self.setWindowTitle("Merge another project")
        self.resize(720, 420)
        self.path_edit = QLineEdit(placeholderText="The other project's .sqlite file")
        self.browse_button = QPushButton("Browse…")
        self.merge_button = QPushButton("Merge")
        self.merge_button.setDefault(True)
        self.output = QPlainTextEdit(readOnly=True)
        self.message = QLabel("This project is backed up before anything is merged; the other file is only read.")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        row.addWidget(self.merge_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.output, 1)
        self.browse_button.clicked.connect(self._on_browse_clicked)
        self.merge_button.clicked.connect(self._on_merge_clicked)

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Project to merge", "", "Projects (*.sqlite *.db);;All files (*)")
        if path:
            self.path_edit.setText(path)

    def _on_merge_clicked(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            self.message.setText("Choose the other project's file first.")
            return
        self.merge(Path(text))

    def merge(self, path: Path) -> MergeReport | None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.report = merge_database(self.project, path, self.actor)
        except AnnotatorError as exc:
            self.report = None
            self.message.setText(f"<span style='color:#b71c1c'>{exc}</span>")
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        report = self.report
        lines = [report.summary()]
        if report.backup:
            lines.append(f"Backup of this project: {report.backup}")
        lines += [f"conflict: {c}" for c in report.conflicts] + [f"skipped: {s}" for s in report.skipped]
        self.output.setPlainText("\n".join(lines))
        self.message.setText("Merged." if report.changed else "Nothing new: everything was here already.")
        self.merged.emit(report)
        return report
