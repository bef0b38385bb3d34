"""The annotation list of the open document, filterable by label and annotator; a click jumps to the span."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from annotator.core.model import Annotation
from annotator.ui.annotation_session import AnnotationSession
from annotator.ui.models.annotations import AnnotationFilter, AnnotationListModel

ALL = "all"


class AnnotationList(QWidget):
    annotation_chosen = Signal(object)  # Annotation

    def __init__(self, session: AnnotationSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.model = AnnotationListModel(self)
        self.model.colour_of = lambda a: session.project.scheme.colour(a.label, a.subtype)
        self.proxy = AnnotationFilter(self)
        self.proxy.setSourceModel(self.model)
        self.label_filter = QComboBox()
        self.annotator_filter = QComboBox()
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        # one text line per row, all the same height: inserting into a 10,000-row list stays cheap
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnWidth(AnnotationListModel.LABEL, 230)  # "attribution / content" in full
        self.table.setColumnWidth(AnnotationListModel.TEXT, 520)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Label"))
        filters.addWidget(self.label_filter)
        filters.addWidget(QLabel("Annotator"))
        filters.addWidget(self.annotator_filter)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self.table.clicked.connect(self._on_table_clicked)
        self.label_filter.activated.connect(self._apply_filter)
        self.annotator_filter.activated.connect(self._apply_filter)
        # filled just after the article is painted: the text comes first, a long list a moment later
        session.document_opened.connect(lambda: QTimer.singleShot(0, self._reload))
        session.annotation_stored.connect(self.model.upsert)
        session.annotation_removed.connect(self.model.remove)
        session.current_changed.connect(self._on_current_changed)

    def _reload(self) -> None:
        doc = self.session.document
        self.model.set_rows(list(self.session.annotations.values()), doc.text if doc else "")
        self._fill(self.label_filter, [lab.name for lab in self.session.project.scheme.top_labels()])
        self._fill(self.annotator_filter, [self.session.annotator, *self.session.colleagues])

    @staticmethod
    def _fill(box: QComboBox, names: list[str]) -> None:
        current = box.currentText()
        box.clear()
        box.addItems([ALL, *names])
        box.setCurrentText(current if current in names else ALL)

    def _apply_filter(self) -> None:
        label, annotator = self.label_filter.currentText(), self.annotator_filter.currentText()
        self.proxy.set_filter(None if label == ALL else {label}, None if annotator == ALL else {annotator})

    def _on_table_clicked(self, index: QModelIndex) -> None:
        ann = self.proxy.data(index, AnnotationListModel.AnnotationRole)
        if ann is not None:
            self.annotation_chosen.emit(ann)

    def _on_current_changed(self, ann: Annotation | None) -> None:
        row = self.model.row_of(ann.uuid) if ann else -1
        if row >= 0:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                self.table.selectRow(index.row())
                self.table.scrollTo(index)
        else:
            self.table.clearSelection()
