"""Edit a candidate into the gold layer: pick the label and sub-type, and select the passage in the text.

The selection is read through OffsetMap.from_qt, so the stored offsets are code points whatever the text holds
(emoji, CRLF, a byte-order mark). With nothing selected, the candidate's own fragments are kept.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QTextEdit, QWidget

from annotator.core.model import Annotation
from annotator.core.offsets import OffsetMap
from annotator.core.scheme import Scheme
from annotator.ui.review_widgets import select_in

NO_SUBTYPE = "(none)"


class GoldEditDialog(QDialog):
    def __init__(self, scheme: Scheme, text: str, candidate: Annotation, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Edit into the gold layer")
        self.resize(700, 520)
        self.scheme, self.candidate = scheme, candidate
        self.omap = OffsetMap(text)
        scope = scheme.label(candidate.label).scope
        self.label_combo = QComboBox()
        self.label_combo.addItems([lab.name for lab in scheme.top_labels(scope)])
        self.label_combo.setCurrentText(candidate.label)
        self.subtype_combo = QComboBox()
        self.label_combo.currentTextChanged.connect(self._on_label_changed)
        self._on_label_changed(candidate.label)
        self.subtype_combo.setCurrentText(candidate.subtype or NO_SUBTYPE)
        self.text_view = QTextEdit(readOnly=True)
        self.text_view.setPlainText(self.omap.display_text())
        if not candidate.is_document_level:
            select_in(self.text_view, self.omap, candidate.start, candidate.end)
        self.text_view.setVisible(not candidate.is_document_level)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow("Label", self.label_combo)
        layout.addRow("Sub-type", self.subtype_combo)
        if not candidate.is_document_level:
            layout.addRow(QLabel("Select the passage for the gold annotation:"))
            layout.addRow(self.text_view)
        layout.addRow(buttons)

    def _on_label_changed(self, label: str) -> None:
        self.subtype_combo.clear()
        self.subtype_combo.addItems([NO_SUBTYPE, *(s.name for s in self.scheme.subtypes(label))])

    def values(self) -> tuple[str, str | None, list[tuple[int, int]]]:
        """(label, sub-type, fragments in stored code points)."""
        subtype = self.subtype_combo.currentText()
        if self.candidate.is_document_level:
            return self.label_combo.currentText(), None if subtype == NO_SUBTYPE else subtype, []
        cursor = self.text_view.textCursor()
        start, end = self.omap.from_qt(cursor.selectionStart()), self.omap.from_qt(cursor.selectionEnd())
        fragments = [(start, end)] if end > start else [(f.start, f.end) for f in self.candidate.fragments]
        return self.label_combo.currentText(), None if subtype == NO_SUBTYPE else subtype, fragments
