"""Compare view: two or more annotators' annotations on the same text, side by side, disagreements marked.

One read-only pane per annotator, scrolled together; label colours as backgrounds; a unit where annotators
disagree is underlined: a red wave for a different label, an orange dash for different boundaries, and a grey
dotted line in the pane of an annotator who marked nothing there. The list below holds every aligned unit;
Next/Previous (F8 / Shift+F8) walk the disagreements and select them in every pane.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence, QTextCharFormat
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.offsets import OffsetMap
from annotator.review.adjudication import GOLD
from annotator.review.alignment import BOUNDARY, LABEL, MISSING, AlignedUnit
from annotator.services import review
from annotator.services.project import Project
from annotator.ui.review_widgets import CheckList, DocumentChooser, paint, paint_annotation, select_in

ALL_LABELS = "All labels"
KIND_STYLE = {  # underline style and colour per kind of disagreement, strongest first
    LABEL: (QTextCharFormat.UnderlineStyle.WaveUnderline, "#d32f2f"),
    BOUNDARY: (QTextCharFormat.UnderlineStyle.DashUnderline, "#ef6c00"),
    MISSING: (QTextCharFormat.UnderlineStyle.DotLine, "#757575"),
}
KIND_BACKGROUND = {LABEL: "#ffebee", BOUNDARY: "#fff3e0", MISSING: "#f5f5f5"}


def _underline(kind: str) -> QTextCharFormat:
    style, colour = KIND_STYLE[kind]
    fmt = QTextCharFormat()
    fmt.setUnderlineStyle(style)
    fmt.setUnderlineColor(QColor(colour))
    return fmt


class CompareWindow(QMainWindow):
    def __init__(self, project: Project, annotators: list[str] | None = None, document: str | None = None):
        super().__init__()
        self.project = project
        self.setWindowTitle("Compare annotators")
        self.resize(1200, 800)
        people = review.reviewable_annotators(project)
        chosen = [a for a in (annotators or people) if a in people] or people
        if GOLD in {a.name for a in project.annotators()}:
            people = [*people, GOLD]  # the curator's layer can be compared too; off unless asked for
            chosen = [*chosen, GOLD] if annotators and GOLD in annotators else chosen
        self.comparison: review.Comparison | None = None
        self.omap: OffsetMap | None = None
        self.units: list[AlignedUnit] = []
        self.current = -1
        self.panes: list[tuple[str, QTextEdit]] = []

        self.doc_chooser = DocumentChooser(project)
        self.label_filter = QComboBox()
        self.label_filter.addItems([ALL_LABELS, *(lab.name for lab in project.scheme.top_labels())])
        self.annotator_list = CheckList(people, chosen)
        self.position_label = QLabel()
        self.message = QLabel()
        self.message.setStyleSheet("color: #b71c1c")
        legend = QLabel(
            "<span style='color:#d32f2f'>~~ different label</span> · <span style='color:#ef6c00'>-- different "
            "boundaries</span> · <span style='color:#757575'>·· missing in this pane</span>"
        )
        self.previous_action = QAction("◀ Previous disagreement", self, shortcut=QKeySequence("Shift+F8"))
        self.next_action = QAction("Next disagreement ▶", self, shortcut=QKeySequence("F8"))
        self.previous_action.triggered.connect(lambda: self.step(-1))
        self.next_action.triggered.connect(lambda: self.step(1))
        bar = self.toolbar = QToolBar("Navigate")
        bar.addWidget(QLabel(" Document "))
        bar.addWidget(self.doc_chooser)
        bar.addWidget(QLabel("  Labels "))
        bar.addWidget(self.label_filter)
        bar.addSeparator()
        bar.addAction(self.previous_action)
        bar.addAction(self.next_action)
        bar.addWidget(self.position_label)
        self.addToolBar(bar)

        self.pane_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.unit_list = QListWidget()
        self.unit_list.currentRowChanged.connect(self._on_unit_list_row_changed)
        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(self.pane_splitter)
        vertical.addWidget(self.unit_list)
        vertical.setStretchFactor(0, 3)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(QLabel("Annotators"))
        side_layout.addWidget(self.annotator_list)
        side_layout.addStretch(1)
        central = QWidget()
        layout = QVBoxLayout(central)
        row = QHBoxLayout()
        row.addWidget(side)
        row.addWidget(vertical, 1)
        layout.addWidget(legend)
        layout.addWidget(self.message)
        layout.addLayout(row, 1)
        self.setCentralWidget(central)

        self.doc_chooser.currentIndexChanged.connect(lambda _i: self.refresh())
        self.label_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.annotator_list.changed.connect(lambda _names: self.refresh())
        if document:
            self.doc_chooser.select(document)
        self.refresh()

    # -- building the view ----------------------------------------------------------------------------------

    def chosen_annotators(self) -> list[str]:
        return self.annotator_list.checked()

    def refresh(self) -> None:
        document = self.doc_chooser.current_uuid()
        names = self.chosen_annotators()
        label = self.label_filter.currentText()
        self.message.clear()
        if document is None or not names:
            self.comparison, self.units = None, []
            self.message.setText("Choose a document and at least one annotator.")
            self._build_panes([])
            self._fill_unit_list()
            return
        try:
            self.comparison = review.compare(self.project, document, names, None if label == ALL_LABELS else [label])
        except AnnotatorError as exc:
            self.message.setText(str(exc))
            return
        self.omap = OffsetMap(self.comparison.document.text)
        self.units = self.comparison.units
        self._build_panes(names)
        self._fill_unit_list()
        self.current = -1
        self._show_position()

    def _build_panes(self, names: list[str]) -> None:
        for _, editor in self.panes:
            box = editor.parentWidget()
            box.setParent(None)  # out of the splitter now; deleted once control returns to the event loop
            box.deleteLater()
        self.panes = []
        if self.comparison is None or self.omap is None:
            return
        scheme = self.project.scheme
        for name in names:
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(2, 2, 2, 2)
            header = QLabel(f"<b>{name}</b>" + ("" if name in self.comparison.coders else " (did not code this)"))
            editor = QTextEdit(readOnly=True)
            editor.setPlainText(self.omap.display_text())
            document = editor.document()
            for unit in self.units:
                member = unit.member(name)
                if member is not None and not member.is_document_level:
                    paint_annotation(document, self.omap, member, scheme.colour(member.label, member.subtype))
                    for kind in (LABEL, BOUNDARY):
                        if kind in unit.kinds:
                            for f in member.fragments:
                                paint(document, self.omap, f.start, f.end, _underline(kind))
                            break
                elif member is None and name in unit.missing and not unit.is_document_level:
                    fmt = _underline(MISSING)
                    fmt.setBackground(QBrush(QColor(KIND_BACKGROUND[MISSING]), Qt.BrushStyle.Dense6Pattern))
                    paint(document, self.omap, unit.start, unit.end, fmt)
            editor.verticalScrollBar().valueChanged.connect(self._on_pane_scrolled)
            box_layout.addWidget(header)
            box_layout.addWidget(editor)
            self.pane_splitter.addWidget(box)
            self.panes.append((name, editor))

    def _fill_unit_list(self) -> None:
        self.unit_list.blockSignals(True)
        self.unit_list.clear()
        text = self.comparison.document.text if self.comparison else ""
        for unit in self.units:
            where = "document" if unit.is_document_level else f"{unit.start}–{unit.end}"
            quote = "" if unit.is_document_level else f"  “{text[unit.start : unit.end][:60]}”"
            item = QListWidgetItem(f"{where}  {unit.describe()}{quote}")
            kind = next((k for k in (LABEL, BOUNDARY, MISSING) if k in unit.kinds), None)
            if kind:
                item.setBackground(QColor(KIND_BACKGROUND[kind]))
            self.unit_list.addItem(item)
        self.unit_list.blockSignals(False)

    # -- navigation ------------------------------------------------------------------------------------------

    def disagreement_rows(self) -> list[int]:
        return [i for i, u in enumerate(self.units) if not u.agreed]

    def step(self, direction: int) -> None:
        """Select the next (1) or previous (-1) disagreement after the current unit, wrapping around."""
        rows = self.disagreement_rows()
        if not rows:
            self._show_position()
            return
        if direction > 0:
            target = next((r for r in rows if r > self.current), rows[0])
        else:
            target = next((r for r in reversed(rows) if r < self.current), rows[-1])
        self.unit_list.setCurrentRow(target)

    def _on_unit_list_row_changed(self, row: int) -> None:
        self.current = row
        if 0 <= row < len(self.units) and self.omap is not None:
            unit = self.units[row]
            start, end = (0, 0) if unit.is_document_level else (unit.start, unit.end)
            for _, editor in self.panes:
                select_in(editor, self.omap, start, end)
        self._show_position()

    def _show_position(self) -> None:
        rows = self.disagreement_rows()
        if self.current in rows:
            self.position_label.setText(f"  disagreement {rows.index(self.current) + 1} of {len(rows)}")
        else:
            self.position_label.setText(f"  {len(rows)} disagreements in {len(self.units)} units")

    def _on_pane_scrolled(self, value: int) -> None:
        """Keep the panes at the same place in the text (proportionally: narrower panes wrap into more lines)."""
        source = self.sender()
        fraction = value / source.maximum() if source.maximum() else 0.0
        for _, editor in self.panes:
            bar = editor.verticalScrollBar()
            if bar is not source:
                bar.blockSignals(True)
                bar.setValue(round(fraction * bar.maximum()))
                bar.blockSignals(False)
