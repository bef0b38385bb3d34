"""The document navigator: filter by title/outlet, search the texts of the corpus, sort, step through."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QTableView, QVBoxLayout, QWidget

from annotator.core.model import DocumentSummary
from annotator.services import collections, search
from annotator.services.project import Project
from annotator.ui.models.documents import DocumentTableModel


class Navigator(QWidget):
    document_chosen = Signal(str)  # uuid

    def __init__(self, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.project = project
        self.model = DocumentTableModel(self)
        self.filter_box = QLineEdit(placeholderText="Filter by title, outlet, date")
        self.filter_box.setClearButtonEnabled(True)
        self.search_texts = QCheckBox("Search texts")
        self.search_texts.setToolTip("Find documents whose text contains these words (corpus search)")
        self.collection_box = QComboBox()
        self.collection_box.setToolTip("Show the documents of one collection")
        self.collection_box.activated.connect(lambda _i: self._apply_filter())
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DocumentTableModel.TITLE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setColumnWidth(DocumentTableModel.TITLE, 240)
        top = QHBoxLayout()
        top.addWidget(self.filter_box, 1)
        top.addWidget(self.search_texts)
        top.addWidget(self.collection_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.filter_box.textChanged.connect(self._apply_filter)
        self.search_texts.toggled.connect(self._apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self._current = ""

    def set_rows(self, rows: list[DocumentSummary]) -> None:
        chosen = self.collection_box.currentData()
        self.collection_box.clear()
        self.collection_box.addItem("All documents", None)
        for collection in collections.list_collections(self.project):
            self.collection_box.addItem(collection.name, collection.name)
        self.collection_box.setCurrentIndex(max(0, self.collection_box.findData(chosen)))
        self.model.set_rows(rows)
        self._apply_filter()

    def _apply_filter(self) -> None:
        text = self.filter_box.text()
        only: set[str] | None = None
        if self.collection_box.currentData():
            only = set(collections.document_uuids(self.project, self.collection_box.currentData()))
        if self.search_texts.isChecked() and text.strip():
            found = search.documents_containing(self.project, text)
            self.model.set_filter("", found if only is None else only & found)
        else:
            self.model.set_filter(text, only)
        self._reselect()

    def _reselect(self) -> None:
        row = self.model.row_of(self._current) if self._current else -1
        if row >= 0:
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(False)

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        uuid = self.model.data(current, DocumentTableModel.UuidRole)
        if uuid and uuid != self._current:
            self._current = uuid
            self.document_chosen.emit(uuid)

    def show_current(self, uuid: str) -> None:
        """Select uuid's row without announcing it (the document is being opened already)."""
        self._current = uuid
        row = self.model.row_of(uuid)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def choose(self, uuid: str) -> None:
        """Show uuid as the current document; announces it only when it was not current already."""
        row = self.model.row_of(uuid)
        announce = uuid != self._current
        self._current = uuid
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        if announce:
            self.document_chosen.emit(uuid)

    def step(self, delta: int) -> None:
        """Open the next (delta=1) or previous (delta=-1) document in the list's order."""
        if self.model.total == 0:
            return
        row = self.model.row_of(self._current) if self._current else -1
        target = max(0, min(self.model.total - 1, row + delta if row >= 0 else 0))
        self.choose(self.model.summary(target).uuid)
