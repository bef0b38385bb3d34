"""The document navigator: filter by title, outlet, collection, status, date range and label present, sort,
step through. Every filter and sort is SQL in the store: 100,000 documents are listed without reading a text,
and the list fetches its rows a batch at a time as it scrolls."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.listing import DocumentFilter, DocumentOrder
from annotator.core.model import DocumentSummary, Status
from annotator.services import collections, documents
from annotator.services.project import Project
from annotator.ui.models.documents import DocumentTableModel

NO_DATE = QDate(1900, 1, 1)  # a date box at its minimum means "any"
STATUS_CHOICES = (
    ("Any status", None),
    ("Not started", Status.NOT_STARTED),
    ("In progress", Status.IN_PROGRESS),
    ("Done", Status.DONE),
)


class Navigator(QWidget):
    document_chosen = Signal(str)  # uuid

    def __init__(self, project: Project, annotator: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.project, self.annotator = project, annotator
        self.model = DocumentTableModel(None, self)  # its source is set once the widgets exist: see refresh
        self.filter_box = QLineEdit(placeholderText="Filter by title, outlet, date")
        self.filter_box.setClearButtonEnabled(True)
        self.collection_box = self._combo("Show the documents of one collection")
        self.more_button = QToolButton(text="Filters", checkable=True)
        self.more_button.setToolTip("Outlet, status, date range, label present")
        self.outlet_box = self._combo("Only this outlet")
        self.status_box = self._combo("Only documents with this status of yours")
        for text, status in STATUS_CHOICES:
            self.status_box.addItem(text, status)
        self.label_box = self._combo("Only documents where someone used this label")
        self.date_from, self.date_to = self._date_box("from"), self._date_box("to")
        self.clear_button = QPushButton("Clear filters")
        self.count_label = QLabel()
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DocumentTableModel.TITLE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)  # no per-row sizing
        self.table.setWordWrap(False)
        self.table.setColumnWidth(DocumentTableModel.TITLE, 240)

        top = QHBoxLayout()
        top.addWidget(self.filter_box, 1)
        top.addWidget(self.collection_box)
        top.addWidget(self.more_button)
        self.more = QWidget()
        grid = QGridLayout(self.more)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.outlet_box, 0, 0, 1, 2)
        grid.addWidget(self.status_box, 0, 2)
        grid.addWidget(self.label_box, 1, 0)
        grid.addWidget(self.date_from, 1, 1)
        grid.addWidget(self.date_to, 1, 2)
        grid.addWidget(self.count_label, 2, 0, 1, 2)
        grid.addWidget(self.clear_button, 2, 2)
        self.more.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.more)
        layout.addWidget(self.table)

        self.more_button.toggled.connect(self.more.setVisible)
        self.filter_box.textChanged.connect(lambda _t: self.apply_filter())
        for box in (self.collection_box, self.outlet_box, self.status_box, self.label_box):
            box.activated.connect(lambda _i: self.apply_filter())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self.apply_filter())
        self.clear_button.clicked.connect(self.clear_filters)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self._current = ""
        self._filling = False
        self.model.source = self  # the first read is the window's refresh(), not the sort set up above

    def _combo(self, tip: str) -> QComboBox:
        box = QComboBox()
        box.setToolTip(tip)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(8)
        return box

    def _date_box(self, which: str) -> QDateEdit:
        edit = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(f"published {which}: any")  # shown while at the minimum
        edit.setDate(NO_DATE)
        edit.setToolTip(f"Only documents published {which} this day (inclusive)")
        return edit

    # -- what the filters say -------------------------------------------------------------------------

    def current_filter(self) -> DocumentFilter:
        def day(edit: QDateEdit) -> date | None:
            return None if edit.date() == NO_DATE else edit.date().toPython()  # type: ignore[return-value]

        return DocumentFilter(
            text=self.filter_box.text(),
            outlet=self.outlet_box.currentData(),
            collection=self.collection_box.currentData(),
            status=Status(status) if (status := self.status_box.currentData()) else None,  # Qt hands back a str
            date_from=day(self.date_from),
            date_to=day(self.date_to),
            label=self.label_box.currentData(),
        )

    def set_filter(self, chosen: DocumentFilter) -> None:
        """Show chosen in the widgets and apply it (for the window's shortcuts and for tests)."""
        self._filling = True
        self.filter_box.setText(chosen.text)
        for box, value in (
            (self.outlet_box, chosen.outlet),
            (self.collection_box, chosen.collection),
            (self.status_box, chosen.status),
            (self.label_box, chosen.label),
        ):
            box.setCurrentIndex(max(0, box.findData(value)))
        self.date_from.setDate(QDate(chosen.date_from) if chosen.date_from else NO_DATE)
        self.date_to.setDate(QDate(chosen.date_to) if chosen.date_to else NO_DATE)
        self._filling = False
        self.apply_filter()

    def clear_filters(self) -> None:
        self.set_filter(DocumentFilter())

    # -- the model's source ---------------------------------------------------------------------------

    def ids(self, order: DocumentOrder) -> list[int]:
        return documents.find_documents(self.project, self.current_filter(), self.annotator or None, order)

    def summaries(self, ids: list[int]) -> list[DocumentSummary]:
        return documents.summaries_of(self.project, ids, self.annotator or None)

    def row_id(self, uuid: str) -> int | None:
        return documents.row_of(self.project, uuid)

    # -- refreshing -----------------------------------------------------------------------------------

    def refresh(self, annotator: str | None = None) -> None:
        """Read the list again (documents, collections, outlets or the scheme changed), keeping the filters."""
        if annotator is not None:
            self.annotator = annotator
        self._filling = True
        self._refill(self.collection_box, "All documents", [c.name for c in collections.list_collections(self.project)])
        self._refill(self.outlet_box, "All outlets", documents.outlets(self.project))
        labels = [lab.name for lab in self.project.scheme.top_labels()]
        self._refill(self.label_box, "Any labels", labels, lambda name: f"with {name.replace('_', ' ')}")
        self._filling = False
        self.apply_filter()

    def _refill(self, box: QComboBox, anything: str, values: list[str], shown=None) -> None:  # type: ignore[no-untyped-def]
        chosen = box.currentData()
        box.clear()
        box.addItem(anything, None)
        for value in values:
            box.addItem(shown(value) if shown else value, value)
        box.setCurrentIndex(max(0, box.findData(chosen)))

    def apply_filter(self) -> None:
        if self._filling:
            return
        self.model.refresh()
        chosen = self.current_filter()
        hidden = (chosen.outlet, chosen.status, chosen.label, chosen.date_from, chosen.date_to)
        self.more_button.setText("Filters •" if any(v is not None for v in hidden) else "Filters")  # some set
        self.count_label.setText(f"{self.model.total:,} document{'s' if self.model.total != 1 else ''} shown")
        self._reselect()

    def _reselect(self) -> None:
        row = self.model.row_of(self._current) if self._current else -1
        if row >= 0:
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(False)

    # -- choosing -------------------------------------------------------------------------------------

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
