"""Adjudication window: for each aligned unit, the annotators' candidates side by side; accept one, edit,
merge or reject; accept everything all annotators agree on, or decide by majority. Every decision is stored
with the curator, the time, the candidates it came from and the reason (services.adjudication), and the gold
layer is shown below as it grows.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import Change
from annotator.core.errors import AnnotatorError
from annotator.core.model import Annotation
from annotator.core.offsets import OffsetMap
from annotator.review.alignment import KIND_ORDER
from annotator.services import documents, review
from annotator.services.adjudication import Adjudication, AdjudicationUnit, BulkOutcome
from annotator.services.edits import Decide, Revoke
from annotator.services.project import Project
from annotator.services.undo import UndoHistory
from annotator.ui.dialogs.gold_edit_dialog import GoldEditDialog
from annotator.ui.review_widgets import CheckList, DocumentChooser, paint_annotation, select_in
from annotator.ui.undo_actions import undo_actions

OPEN_COLOUR, DONE_COLOUR = "#fff8e1", "#e8f5e9"


class AdjudicationWindow(QMainWindow):
    def __init__(
        self, project: Project, curator: str, annotators: list[str] | None = None, document: str | None = None
    ):
        super().__init__()
        self.project = project
        self.service = Adjudication(project, curator)
        self.setWindowTitle(f"Adjudication — curator {curator}")
        self.resize(1250, 850)
        people = review.reviewable_annotators(project)
        self.items: list[AdjudicationUnit] = []
        self.text = ""
        self.omap = OffsetMap("")

        self.doc_chooser = DocumentChooser(project)
        self.annotator_list = CheckList(people, annotators or people)
        self.reason_edit = QLineEdit(placeholderText="Reason (optional, kept with the decision)")
        self.everywhere = QCheckBox("in every document")
        self.agreed_button = QPushButton("Accept all agreed")
        self.majority_button = QPushButton("Majority vote")
        self.message = QLabel()
        self.message.setWordWrap(True)
        bar = QToolBar("Adjudicate")
        for widget in (
            QLabel(" Document "),
            self.doc_chooser,
            self.agreed_button,
            self.majority_button,
            self.everywhere,
        ):
            bar.addWidget(widget)
        self.addToolBar(bar)

        self.unit_table = QTableWidget(0, 3)
        self.unit_table.setHorizontalHeaderLabels(["where", "decision", "candidates"])
        self.unit_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.unit_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.unit_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.unit_table.horizontalHeader().setStretchLastSection(True)
        self.unit_table.currentCellChanged.connect(lambda row, *_: self._show_candidates(row))

        self.cards = QWidget()
        self.cards_layout = QHBoxLayout(self.cards)
        cards_scroll = QScrollArea()
        cards_scroll.setWidget(self.cards)
        cards_scroll.setWidgetResizable(True)
        self.merge_button = QPushButton("Merge all")
        self.reject_button = QPushButton("Reject")
        self.edit_button = QPushButton("Edit…")
        self.revoke_button = QPushButton("Revoke decision")
        actions = QHBoxLayout()
        for button in (self.merge_button, self.reject_button, self.edit_button, self.revoke_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.decision_label = QLabel()
        self.gold_view = QTextEdit(readOnly=True)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(QLabel("<b>Candidates</b>"))
        right_layout.addWidget(cards_scroll, 2)
        right_layout.addWidget(self.reason_edit)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.decision_label)
        right_layout.addWidget(QLabel("<b>Gold layer</b>"))
        right_layout.addWidget(self.gold_view, 3)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("Annotators"))
        left_layout.addWidget(self.annotator_list)
        left_layout.addWidget(self.unit_table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([430, 820])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self.doc_chooser.currentIndexChanged.connect(lambda _i: self.refresh())
        self.annotator_list.changed.connect(lambda _names: self.refresh())
        self.agreed_button.clicked.connect(self._on_agreed_clicked)
        self.majority_button.clicked.connect(self._on_majority_clicked)
        self.merge_button.clicked.connect(self._on_merge_clicked)
        self.reject_button.clicked.connect(self._on_reject_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.revoke_button.clicked.connect(self._on_revoke_clicked)
        self.history = UndoHistory()
        self.history.runner = self._undo_or_redo
        self.undo_action, self.redo_action = undo_actions(self, self.history)
        self.menuBar().addMenu("&Edit").addActions([self.undo_action, self.redo_action])
        if document:
            self.doc_chooser.select(document)
        self.refresh()

    # -- showing ------------------------------------------------------------------------------------------------

    def annotators(self) -> list[str]:
        return self.annotator_list.checked()

    def current(self) -> AdjudicationUnit | None:
        row = self.unit_table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def refresh(self, keep_row: int | None = None) -> None:
        document = self.doc_chooser.current_uuid()
        if document is None:
            self.items = []
        else:
            self.text = documents.get_document(self.project, document).text
            self.omap = OffsetMap(self.text)
            self.items = self.service.units(document, self.annotators())
        self.unit_table.blockSignals(True)
        self.unit_table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            unit = item.unit
            where = "document" if unit.is_document_level else f"{unit.start}–{unit.end}"
            state = item.record.decision.value if item.record else "open"
            cells = [where, state, unit.describe()]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setBackground(QColor(DONE_COLOUR if item.decided else OPEN_COLOUR))
                self.unit_table.setItem(row, col, cell)
        self.unit_table.resizeColumnsToContents()
        self.unit_table.blockSignals(False)
        self._paint_gold()
        row = keep_row if keep_row is not None and keep_row < len(self.items) else (0 if self.items else -1)
        self.unit_table.setCurrentCell(row, 0)
        self._show_candidates(row)
        decided = sum(1 for i in self.items if i.decided)
        self.statusBar().showMessage(f"{decided} of {len(self.items)} units decided in this document")

    def _paint_gold(self) -> None:
        self.gold_view.setPlainText(self.omap.display_text())
        document = self.gold_view.document()
        scheme = self.project.scheme
        doc_uuid = self.doc_chooser.current_uuid()
        for ann in self.service.gold_annotations(doc_uuid) if doc_uuid else []:
            if not ann.is_document_level:
                paint_annotation(document, self.omap, ann, scheme.colour(ann.label, ann.subtype))

    def _show_candidates(self, row: int) -> None:
        while self.cards_layout.count():
            widget = self.cards_layout.takeAt(0).widget()
            if widget is not None:
                widget.hide()  # gone from view now; deleted when control returns to the event loop
                widget.setParent(None)
                widget.deleteLater()
        self.candidate_buttons: dict[str, QPushButton] = {}
        item = self.items[row] if 0 <= row < len(self.items) else None
        for button in (self.merge_button, self.reject_button, self.edit_button):
            button.setEnabled(item is not None and not item.decided)
        self.merge_button.setEnabled(
            bool(item and not item.decided and not item.unit.is_document_level and len(item.unit.members) > 1)
        )
        self.revoke_button.setEnabled(bool(item and item.decided))
        if item is None:
            self.decision_label.clear()
            return
        for ann in item.unit.members:
            self.cards_layout.addWidget(self._card(ann, item))
        for name in item.unit.missing:
            box = QGroupBox(name)
            QVBoxLayout(box).addWidget(QLabel("<i>marked nothing here</i>"))
            self.cards_layout.addWidget(box)
        self.cards_layout.addStretch(1)
        kinds = ", ".join(k for k in KIND_ORDER if k in item.unit.kinds) or "all agree"
        record = item.record
        self.decision_label.setText(
            f"Disagreement: {kinds}."
            + (
                f"  Decided: {record.decision.value} by {record.curator} at {record.at:%Y-%m-%d %H:%M}"
                + (f" — {record.reason}" if record.reason else "")
                if record
                else "  Not decided yet."
            )
        )
        if not item.unit.is_document_level:
            select_in(self.gold_view, self.omap, item.unit.start, item.unit.end)

    def _card(self, ann: Annotation, item: AdjudicationUnit) -> QGroupBox:
        box = QGroupBox(ann.annotator)
        layout = QVBoxLayout(box)
        label = ann.label + (f" / {ann.subtype}" if ann.subtype else "")
        colour = self.project.scheme.colour(ann.label, ann.subtype)
        layout.addWidget(QLabel(f"<span style='background:{colour}'>&nbsp;&nbsp;</span> <b>{label}</b>"))
        quote = " … ".join(ann.covered_texts(self.text)) if not ann.is_document_level else "(whole document)"
        text = QLabel(f"“{quote}”")
        text.setWordWrap(True)
        layout.addWidget(text)
        where = ", ".join(f"{f.start}–{f.end}" for f in ann.fragments)
        if where:
            layout.addWidget(QLabel(f"<small>{where}</small>"))
        for key, value in ann.attributes.items():
            layout.addWidget(QLabel(f"<small>{key}: {value}</small>"))
        button = QPushButton("Accept")
        button.setEnabled(not item.decided)
        button.clicked.connect(lambda _checked=False, uuid=ann.uuid: self.accept(uuid))
        layout.addWidget(button)
        self.candidate_buttons[ann.annotator] = button
        return box

    # -- deciding -----------------------------------------------------------------------------------------------

    def _decide(self, text: str, decide: Callable[[], list[Change]]) -> None:
        """Make a decision as an undoable edit (Ctrl+Z in this window revokes it)."""
        self._run(lambda: self.history.run(Decide(self.service, text, decide)))

    def _run(self, action: Callable[[], object]) -> None:
        row = self.unit_table.currentRow()
        self.message.clear()
        try:
            action()
        except AnnotatorError as exc:
            self.message.setText(f"<span style='color:#b71c1c'>{exc}</span>")
            return
        self.reason_edit.clear()
        self.refresh(keep_row=row)

    def _undo_or_redo(self, what: str, save: Callable[[], list[Change]]) -> None:
        self._run(save)

    def accept(self, candidate: str) -> None:
        item = self.current()
        if item is not None:
            reason = self.reason_edit.text()
            self._decide("Accept", lambda: self.service.accept(candidate, reason, unit=item.unit.uuids))

    def _on_merge_clicked(self) -> None:
        item = self.current()
        if item is not None:
            reason = self.reason_edit.text()
            self._decide("Merge", lambda: self.service.merge(item.unit.uuids, reason))

    def _on_reject_clicked(self) -> None:
        item = self.current()
        if item is not None:
            reason = self.reason_edit.text()
            self._decide("Reject", lambda: self.service.reject(item.unit.uuids, reason))

    def _on_revoke_clicked(self) -> None:
        item = self.current()
        if item is not None and item.record is not None:
            record = item.record.uuid
            self._run(lambda: self.history.run(Revoke(self.service, record)))

    def _on_edit_clicked(self) -> None:
        item = self.current()
        if item is None:
            return
        dialog = GoldEditDialog(self.project.scheme, self.text, item.unit.members[0], self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        label, subtype, fragments = dialog.values()
        reason = self.reason_edit.text()
        self._decide("Edit", lambda: self.service.edit(item.unit.uuids, label, subtype, fragments, reason=reason))

    def _bulk_documents(self) -> list[str] | None:
        document = self.doc_chooser.current_uuid()
        return None if self.everywhere.isChecked() or document is None else [document]

    def _on_agreed_clicked(self) -> None:
        self._bulk("Accept all agreed", lambda: self.service.accept_agreed(self.annotators(), self._bulk_documents()))

    def _on_majority_clicked(self) -> None:
        self._bulk("Majority vote", lambda: self.service.majority(self.annotators(), self._bulk_documents()))

    def _bulk(self, text: str, action: Callable[[], BulkOutcome]) -> None:
        outcomes: list[BulkOutcome] = []

        def decide() -> list[Change]:
            outcomes.append(action())
            return outcomes[-1].records

        self._decide(text, decide)
        if outcomes:
            self.message.setText(outcomes[-1].summary())
