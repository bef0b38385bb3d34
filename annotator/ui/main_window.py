"""The main window: document navigator on the left, the article on the right, menus and status bar."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.services import documents, importing, samples
from annotator.services.project import Project
from annotator.settings import Settings
from annotator.ui.models.documents import DocumentTableModel


class MainWindow(QMainWindow):
    def __init__(self, project: Project, settings: Settings):
        super().__init__()
        self.project, self.settings = project, settings
        self.setWindowTitle(f"Media Annotator — {project.where}")
        self.resize(1200, 800)

        self.documents = DocumentTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.documents)
        self.proxy.setSortRole(DocumentTableModel.SortRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)

        self.filter_box = QLineEdit(placeholderText="Filter documents")
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)

        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.table)

        self.reader = QTextBrowser()
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.reader)
        splitter.setStretchFactor(1, 2)
        self.setCentralWidget(splitter)
        self.progress_label = QLabel()
        self.statusBar().addPermanentWidget(self.progress_label)
        self._build_menus()
        self.refresh_documents()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = QAction("&Import files…", self, shortcut=QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self._on_import_requested)
        self.samples_action = QAction("Load &sample articles", self)
        self.samples_action.triggered.connect(self._on_samples_requested)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        for action in (self.import_action, self.samples_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

    def refresh_documents(self) -> None:
        rows = documents.list_documents(self.project, self.settings.annotator)
        self.documents.set_rows(rows)
        done = sum(1 for r in rows if r.status.value == "done")
        self.progress_label.setText(f"{self.settings.annotator} · {done} of {len(rows)} done")

    def _on_table_current_changed(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        uuid = self.proxy.data(current, DocumentTableModel.UuidRole)
        if uuid:
            doc = documents.get_document(self.project, uuid)
            self.reader.setPlainText(doc.text)

    def _on_samples_requested(self) -> None:
        report = samples.load_samples(self.project, self.settings.annotator)
        self.refresh_documents()
        self.statusBar().showMessage(f"Samples: {report.summary()}")

    def _on_import_requested(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import articles")
        if not files:
            return
        from pathlib import Path

        report = importing.import_paths(self.project, [Path(f) for f in files], self.settings.annotator)
        self.refresh_documents()
        if report.failed:
            QMessageBox.warning(self, "Import", "\n".join(reason for _, reason in report.failed))
        self.statusBar().showMessage(f"Import: {report.summary()}")
