"""File › New project…: a name and a folder, and where the scheme comes from (the default, a scheme file, or a
copy of another project's). A problem is shown in the dialog, which stays open to fix it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.services import projects

FILE_FILTER = "Media Annotator projects (*.sqlite *.db);;All files (*)"


class NewProjectDialog(QDialog):
    created = Signal(object)  # the new Project, open

    def __init__(self, creator: str, folder: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.creator = creator
        self.setWindowTitle("New project")
        self.resize(620, 300)
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        self.name_box = QLineEdit(placeholderText="e.g. climate-coverage-2025")
        self.folder_box = QLineEdit(str(folder or documents or Path.home()))
        self.default_scheme = QRadioButton("The default scheme (claim, opinion, attribution, framing)")
        self.file_scheme = QRadioButton("A scheme file (.json)")
        self.copied_scheme = QRadioButton("A copy of another project's scheme")
        self.default_scheme.setChecked(True)
        group = QButtonGroup(self)
        for button in (self.default_scheme, self.file_scheme, self.copied_scheme):
            group.addButton(button)
        self.scheme_file_box = QLineEdit(placeholderText="scheme.json")
        self.scheme_project_box = QLineEdit(placeholderText="other-project.sqlite")
        self.where = QLabel()
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828")

        form = QFormLayout()
        form.addRow("Name", self.name_box)
        form.addRow("Folder", self._with_browse(self.folder_box, self._choose_folder))
        scheme = QVBoxLayout()
        scheme.addWidget(self.default_scheme)
        scheme.addWidget(self.file_scheme)
        scheme.addLayout(self._with_browse(self.scheme_file_box, self._choose_scheme_file))
        scheme.addWidget(self.copied_scheme)
        scheme.addLayout(self._with_browse(self.scheme_project_box, self._choose_scheme_project))
        form.addRow("Scheme", scheme)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("Create", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.where)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        for box in (self.name_box, self.folder_box):
            box.textChanged.connect(self._show_where)
        self.scheme_file_box.textChanged.connect(lambda text: text and self.file_scheme.setChecked(True))
        self.scheme_project_box.textChanged.connect(lambda text: text and self.copied_scheme.setChecked(True))
        self._show_where()

    def _with_browse(self, box: QLineEdit, choose: object) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(box, 1)
        button = QPushButton("Choose…")
        button.clicked.connect(choose)
        row.addWidget(button)
        return row

    def _show_where(self) -> None:
        try:
            self.where.setText(f"Creates {projects.new_project_path(self.folder_box.text(), self.name_box.text())}")
        except AnnotatorError:
            self.where.setText("Give the project a name.")
        self.create_button.setEnabled(bool(self.name_box.text().strip()))

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the project", self.folder_box.text())
        if folder:
            self.folder_box.setText(folder)

    def _choose_scheme_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "A scheme file", "", "Scheme (*.json)")
        if path:
            self.scheme_file_box.setText(path)

    def _choose_scheme_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Copy the scheme of", self.folder_box.text(), FILE_FILTER)
        if path:
            self.scheme_project_box.setText(path)

    def create(self) -> None:
        scheme_file = self.scheme_file_box.text().strip() if self.file_scheme.isChecked() else ""
        scheme_project = self.scheme_project_box.text().strip() if self.copied_scheme.isChecked() else ""
        if self.file_scheme.isChecked() and not scheme_file or self.copied_scheme.isChecked() and not scheme_project:
            self.problem.setText("Choose the file the scheme comes from, or pick the default scheme.")
            return
        try:
            project = projects.new_project(
                self.folder_box.text(), self.name_box.text(), self.creator or "annotator", scheme_file, scheme_project
            )
        except AnnotatorError as exc:
            self.problem.setText(str(exc))
            return
        self.accept()
        self.created.emit(project)
