"""The side list of the open document's suggestions: label, text, score, recommender; sortable, with bulk accept
and reject, a score threshold per label, and, on a blind document, why nothing is shown (then, once it is done,
what the annotator found beside what was suggested)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.scheme import Scope
from annotator.ui.suggestions import BLIND_NOTICE, SuggestionReview

LABEL, TEXT, SCORE, RECOMMENDER = range(4)
UUID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SPAN_ROLE = Qt.ItemDataRole.UserRole + 2  # comparison rows: (start, end, annotation uuid or "")


class _Row(QTreeWidgetItem):
    """Sorts by the value kept under SORT_ROLE (the score as a number, not as text)."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        column = self.treeWidget().sortColumn() if self.treeWidget() else 0
        return self.data(column, SORT_ROLE) < other.data(column, SORT_ROLE)


class SuggestionPanel(QWidget):
    span_chosen = Signal(int, int, str)  # a comparison row: code points, and the annotation's uuid ("" for none)
    correct_requested = Signal()  # the current suggestion, to be accepted as another span or label

    def __init__(self, review: SuggestionReview, parent: QWidget | None = None):
        super().__init__(parent)
        self.review = review
        self._showing = False  # while the rows are refilled, a changed selection is not the user's choice
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.comparison = QTreeWidget()
        self.comparison.setHeaderHidden(True)
        self.comparison.hide()
        self.table = QTreeWidget()
        self.table.setColumnCount(4)
        self.table.setHeaderLabels(["Label", "Text", "Score", "Recommender"])
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(SCORE, Qt.SortOrder.DescendingOrder)
        self.table.setColumnWidth(LABEL, 150)
        self.table.setColumnWidth(TEXT, 170)
        self.table.setColumnWidth(SCORE, 48)
        self.accept_button = QPushButton("Accept selected")
        self.reject_button = QPushButton("Reject selected")
        self.skip_button = QPushButton("Skip")
        self.skip_button.setToolTip("Pass over the selected ones without a decision (later runs may propose them)")
        self.correct_button = QPushButton("Correct…")
        self.correct_button.setToolTip("Accept the current one with another label, or as the text selected")
        self.threshold_label = QComboBox()
        self.threshold = QDoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.05, decimals=2)
        self.threshold.setToolTip("Suggestions of this label scoring below this are neither drawn nor listed")

        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.correct_button)
        threshold_row = QHBoxLayout()
        threshold_row.addWidget(QLabel("Lowest score for"))
        threshold_row.addWidget(self.threshold_label, 1)
        threshold_row.addWidget(self.threshold)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.comparison, 1)
        layout.addWidget(self.table, 2)
        layout.addLayout(buttons)
        layout.addLayout(threshold_row)

        self.accept_button.clicked.connect(lambda: self.review.accept(self.selected()))
        self.reject_button.clicked.connect(lambda: self.review.reject(self.selected()))
        self.skip_button.clicked.connect(lambda: self.review.skip(self.selected()))
        self.correct_button.clicked.connect(self.correct_requested.emit)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.comparison.itemClicked.connect(self._on_comparison_clicked)
        self.threshold_label.currentTextChanged.connect(self._show_threshold)
        self.threshold.valueChanged.connect(self._on_threshold_changed)
        review.changed.connect(self.show_suggestions)
        review.current_changed.connect(self._show_current)
        self.fill_labels()
        self.show_suggestions()

    def fill_labels(self) -> None:
        """The span labels of the scheme in the threshold's combo box (again after the scheme changes)."""
        scheme = self.review.session.project.scheme
        current = self.threshold_label.currentText()
        self.threshold_label.blockSignals(True)
        self.threshold_label.clear()
        self.threshold_label.addItems([lab.name for lab in scheme.top_labels(Scope.SPAN)])
        if current:
            self.threshold_label.setCurrentText(current)
        self.threshold_label.blockSignals(False)
        self._show_threshold(self.threshold_label.currentText())

    # -- showing --------------------------------------------------------------------------------------

    def show_suggestions(self) -> None:
        review = self.review
        self._showing = True
        self.table.setSortingEnabled(False)
        self.table.clear()
        for s in review.shown:
            row = _Row([s.label + (f" / {s.subtype}" if s.subtype else ""), review.covered(s)[:80], f"{s.score:.2f}"])
            row.setText(RECOMMENDER, s.recommender)
            for column, key in ((LABEL, (s.label, s.subtype or "")), (TEXT, s.start), (SCORE, s.score)):
                row.setData(column, SORT_ROLE, key)
            row.setData(RECOMMENDER, SORT_ROLE, s.recommender)
            row.setData(LABEL, UUID_ROLE, s.uuid)
            row.setToolTip(TEXT, review.covered(s))
            self.table.addTopLevelItem(row)
        self.table.setSortingEnabled(True)
        self._showing = False
        self._show_current(review.current)
        self._show_comparison()
        self.notice.setText(self._notice())
        has_rows = bool(review.shown)
        self.table.setVisible(not review.blind)
        for widget in (self.accept_button, self.reject_button, self.skip_button, self.correct_button):
            widget.setEnabled(has_rows)

    def _notice(self) -> str:
        review = self.review
        if review.session.document is None:
            return "Open a document to see its suggestions."
        if review.blind:
            return BLIND_NOTICE
        compared = (
            "Annotated blind and done: below, what you found beside what was suggested (click a span to go to it). "
            if review.comparison is not None
            else ""
        )
        return compared + self._counts()

    def _counts(self) -> str:
        review = self.review
        hidden = len(review.offered) - len(review.shown)
        below = f" ({hidden} below their label's lowest score)" if hidden else ""
        if not review.offered:
            return "No open suggestions for this document (Suggestions › Train and suggest… proposes some)."
        return (
            f"{len(review.shown)} suggestion{'s' if len(review.shown) != 1 else ''}{below}. In the text: Enter "
            "accepts the outlined one, Backspace rejects it, Tab moves to the next."
        )

    def _show_comparison(self) -> None:
        """After a blind document is done: found by both, only by the annotator, only suggested, with spans."""
        found = self.review.comparison
        self.comparison.clear()
        self.comparison.setVisible(found is not None)
        if found is None:
            return
        covered = self.review.covered
        text = self.review.session.document.text if self.review.session.document else ""
        groups = (
            (
                "Found by both",
                [(a.label, " … ".join(a.covered_texts(text)), a.start, a.end, a.uuid) for a, _ in found.both],
            ),
            (
                "Only you",
                [(a.label, " … ".join(a.covered_texts(text)), a.start, a.end, a.uuid) for a in found.only_annotator],
            ),
            ("Only suggested", [(s.label, covered(s), s.start, s.end, "") for s in found.only_suggested]),
        )
        for title, spans in groups:
            group = QTreeWidgetItem([f"{title}: {len(spans)}"])
            for label, excerpt, start, end, uuid in spans:
                child = QTreeWidgetItem([f"{label}: {excerpt[:70]}"])
                child.setData(0, SPAN_ROLE, (start, end, uuid))
                group.addChild(child)
            self.comparison.addTopLevelItem(group)
            group.setExpanded(True)

    def _show_current(self, current: object) -> None:
        uuid = getattr(current, "uuid", None)
        selected = set(self.selected())
        if uuid is None or uuid in selected:
            return
        self._showing = True
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            if item.data(LABEL, UUID_ROLE) == uuid:
                self.table.setCurrentItem(item)
                self.table.scrollToItem(item)
                break
        self._showing = False

    def _show_threshold(self, label: str) -> None:
        self.threshold.blockSignals(True)
        self.threshold.setValue(self.review.threshold(label) if label else 0.0)
        self.threshold.blockSignals(False)

    # -- the user's choices ---------------------------------------------------------------------------

    def selected(self) -> list[str]:
        """The selected rows' suggestions in the order shown."""
        rows = self.table.selectedItems()
        return [item.data(LABEL, UUID_ROLE) for item in sorted(rows, key=self.table.indexOfTopLevelItem)]

    def _on_table_selection_changed(self) -> None:
        item = self.table.currentItem()
        if not self._showing and item is not None and item.isSelected():
            self.review.choose(item.data(LABEL, UUID_ROLE))

    def _on_comparison_clicked(self, item: QTreeWidgetItem) -> None:
        span = item.data(0, SPAN_ROLE)
        if span:
            self.span_chosen.emit(*span)

    def _on_threshold_changed(self, value: float) -> None:
        label = self.threshold_label.currentText()
        if label:
            self.review.set_threshold(label, value)
