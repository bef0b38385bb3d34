"""Accept a suggestion corrected: another label or sub-type, and/or the text selected in the reading view as
its span. The annotation keeps the suggestion's provenance and the learning record says "corrected", so the
original span and label is not proposed again."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from annotator.core.model import Fragment
from annotator.core.scheme import Scheme, Scope
from annotator.services.suggestion_review import Correction
from annotator.suggesting.model import Suggestion


def label_choices(scheme: Scheme) -> list[tuple[str, str | None]]:
    """Every span label, then each of its sub-types, in the scheme's order."""
    out: list[tuple[str, str | None]] = []
    for label in scheme.top_labels(Scope.SPAN):
        out.append((label.name, None))
        out += [(label.name, sub.name) for sub in scheme.subtypes(label.name)]
    return out


class CorrectSuggestionDialog(QDialog):
    def __init__(
        self,
        scheme: Scheme,
        suggestion: Suggestion,
        covered: str,
        selection: Fragment | None,
        selected_text: str,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Correct suggestion")
        self.selection = selection
        self.kinds = QComboBox()
        self.choices = label_choices(scheme)
        for label, subtype in self.choices:
            self.kinds.addItem(f"{label} / {subtype}" if subtype else label)
        if (suggestion.label, suggestion.subtype) in self.choices:
            self.kinds.setCurrentIndex(self.choices.index((suggestion.label, suggestion.subtype)))
        shown = f"“{selected_text[:60]}”" if selection else "(select text in the document first)"
        self.use_selection = QCheckBox(shown)
        self.use_selection.setEnabled(selection is not None)
        self.use_selection.setChecked(selection is not None)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Suggested:", QLabel(f"{suggestion.label} — “{covered[:60]}” ({suggestion.score:.2f})"))
        form.addRow("Label:", self.kinds)
        form.addRow("Span: the selected text", self.use_selection)
        form.addRow(box)

    def correction(self) -> Correction:
        label, subtype = self.choices[self.kinds.currentIndex()]
        fragments = (self.selection,) if self.selection is not None and self.use_selection.isChecked() else None
        return Correction(fragments=fragments, label=label, subtype=subtype)
