"""The side panel for the current annotation: label, sub-type, attributes, note, fragments, relations, delete."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Annotation, AttributeValue
from annotator.core.scheme import AttributeDef, AttributeKind, Scope
from annotator.ui.annotation_session import AnnotationSession

NONE = "—"
RELATION_CANDIDATES = 40  # link targets offered: my annotations nearest to the current one
NOTE_DELAY_MS = 700  # a note is saved this long after the last keystroke (and when focus leaves)


class LazyComboBox(QComboBox):
    """A combo box that asks for its items only when it is opened (or explicitly filled)."""

    def __init__(self, items: Callable[[], list[tuple[str, str]]]):
        super().__init__()
        self._items = items

    def fill(self) -> None:
        if self.count() == 0:
            for text, data in self._items():
                self.addItem(text, data)

    def showPopup(self) -> None:  # noqa: N802
        self.fill()
        super().showPopup()


class AnnotationPanel(QWidget):
    def __init__(self, session: AnnotationSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.ann: Annotation | None = None
        self._loading = False

        self.heading = QLabel("Select text and press a label's key (C, O, A, F), or click a highlight.")
        self.heading.setWordWrap(True)
        self.label_box = QComboBox()
        self.subtype_box = QComboBox()
        self.attributes = QFormLayout()
        self.note = QPlainTextEdit(placeholderText="Note")
        self.note.setMaximumHeight(90)
        self.fragments = QListWidget()
        self.fragments.setMaximumHeight(80)
        self.add_fragment_button = QPushButton("Add selection as fragment")
        self.relations = QListWidget()
        self.relations.setMaximumHeight(100)
        self.relation_type = QComboBox()
        self.relation_target = LazyComboBox(self._relation_candidates)
        self.link_button = QPushButton("Link")
        self.unlink_button = QPushButton("Unlink")
        self.delete_button = QPushButton("Delete annotation")

        form = QFormLayout()
        form.addRow("Label", self.label_box)
        form.addRow("Sub-type", self.subtype_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addLayout(self.attributes)
        layout.addWidget(self.note)
        layout.addWidget(QLabel("Fragments"))
        layout.addWidget(self.fragments)
        layout.addWidget(self.add_fragment_button)
        layout.addWidget(QLabel("Relations"))
        layout.addWidget(self.relations)
        link_row = QHBoxLayout()
        link_row.addWidget(self.relation_type)
        link_row.addWidget(self.relation_target, 1)
        link_row.addWidget(self.link_button)
        layout.addLayout(link_row)
        layout.addWidget(self.unlink_button)
        layout.addWidget(self.delete_button)
        layout.addStretch(1)

        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_DELAY_MS)
        self._note_timer.timeout.connect(self._save_note)
        self.label_box.activated.connect(self._on_label_chosen)
        self.subtype_box.activated.connect(self._on_subtype_chosen)
        self.note.textChanged.connect(self._on_note_edited)
        self.add_fragment_button.clicked.connect(self._on_add_fragment)
        self.link_button.clicked.connect(self._on_link)
        self.unlink_button.clicked.connect(self._on_unlink)
        self.delete_button.clicked.connect(lambda: self.ann and self.session.delete(self.ann))
        session.current_changed.connect(self.show_annotation)
        session.relations_changed.connect(lambda: self.show_annotation(self.session.current))
        self.add_fragment_selection = lambda: None  # set by the window: returns the view's selection as a Fragment
        self._attribute_definitions: tuple[AttributeDef, ...] = ()
        self._attribute_widgets: list[QWidget] = []
        self.show_annotation(None)

    # -- showing --------------------------------------------------------------------------------------

    def show_annotation(self, ann: Annotation | None) -> None:
        """Show ann (or nothing). Only what differs from what is shown is changed: after adding an annotation
        the panel shows the next one, mostly with the same label, and every widget set anew would be repainted
        in the same frame as the new highlight."""
        same = ann is not None and self.ann is not None and ann.uuid == self.ann.uuid
        if not same:
            self._save_note()
        typing = same and self.note.hasFocus()
        self._loading = True
        self.ann = ann
        editable = ann is not None and self.session.is_mine(ann)
        for widget in (
            self.label_box,
            self.subtype_box,
            self.note,
            self.add_fragment_button,
            self.link_button,
            self.unlink_button,
            self.delete_button,
            self.relation_type,
            self.relation_target,
        ):
            widget.setEnabled(editable)
        self.relation_target.clear()  # offered afresh when opened: the nearest ones depend on the annotation
        if not typing and self.note.toPlainText() != (ann.note if ann else ""):
            # a refresh after saving must not move the cursor of someone typing a note
            self.note.setPlainText(ann.note if ann else "")
        if ann is None:
            _set_text(self.heading, "Select text and press a label's key (C, O, A, F), or click a highlight.")
            self._show_form(None, editable)
            _set_items(self.fragments, [])
            _set_items(self.relations, [])
            self.relation_type.clear()
            self._loading = False
            return
        owner = "" if editable else f" — {ann.annotator}'s, read-only"
        _set_text(self.heading, f"<b>{ann.label}</b>{' / ' + ann.subtype if ann.subtype else ''}{owner}")
        self._show_form(ann, editable)
        text = self.session.document.text if self.session.document else ""
        _set_items(
            self.fragments, [(f"{frag.start}–{frag.end}: {frag.covered(text)[:60]}", None) for frag in ann.fragments]
        )
        self._show_relations(ann)
        self._loading = False

    def _show_form(self, ann: Annotation | None, editable: bool) -> None:
        """Label, sub-type and the label's attributes; the attribute rows are rebuilt only when the label's
        attribute definitions differ from the ones shown."""
        scheme = self.session.project.scheme
        definitions = scheme.label(ann.label).attributes if ann is not None else ()
        if definitions != self._attribute_definitions:
            while self.attributes.rowCount():
                self.attributes.removeRow(0)
            self._attribute_widgets = []
            for definition in definitions:
                widget = self._attribute_widget(definition)
                widget.setToolTip(definition.description)
                self.attributes.addRow(definition.name.replace("_", " "), widget)
                self._attribute_widgets.append(widget)
            self._attribute_definitions = definitions
        if ann is None:
            self.label_box.clear()
            self.subtype_box.clear()
            return
        _set_combo_items(self.label_box, [lab.name for lab in scheme.top_labels(Scope.SPAN)])
        self.label_box.setCurrentText(ann.label)
        _set_combo_items(self.subtype_box, [NONE] + [s.name for s in scheme.subtypes(ann.label)])
        self.subtype_box.setCurrentText(ann.subtype or NONE)
        for definition, widget in zip(definitions, self._attribute_widgets, strict=True):
            _show_value(widget, ann.attributes.get(definition.name))
            widget.setEnabled(editable)

    def _show_relations(self, ann: Annotation) -> None:
        others = self.session.annotations
        text = self.session.document.text if self.session.document else ""
        items = []
        for rel in self.session.related_to(ann.uuid):
            other = others.get(rel.target if rel.source == ann.uuid else rel.source)
            arrow = "→" if rel.source == ann.uuid else "←"
            excerpt = " … ".join(other.covered_texts(text))[:50] if other else "?"
            items.append((f"{rel.type} {arrow} {excerpt}", rel))
        _set_items(self.relations, items)
        _set_combo_items(self.relation_type, [r.name for r in self.session.project.scheme.relation_types])

    def _relation_candidates(self) -> list[tuple[str, str]]:
        """Offered when the target list opens, not on every refresh: a document may hold 10,000 annotations."""
        if self.ann is None:
            return []
        text = self.session.document.text if self.session.document else ""
        return [
            (f"{other.label}: {' … '.join(other.covered_texts(text))[:50]}", other.uuid)
            for other in self.session.nearest(self.ann, RELATION_CANDIDATES)
        ]

    def _attribute_widget(self, definition: AttributeDef) -> QWidget:
        if definition.kind is AttributeKind.CHOICE:
            box = QComboBox()
            box.addItems([NONE, *definition.choices])
            box.activated.connect(lambda _i, d=definition, b=box: self._set_attribute(d, b.currentText()))
            return box
        if definition.kind is AttributeKind.YES_NO:
            check = QCheckBox()
            check.setTristate(True)
            check.stateChanged.connect(lambda _s, d=definition, c=check: self._set_attribute(d, c.checkState()))
            return check
        line = QLineEdit()
        line.editingFinished.connect(lambda d=definition, w=line: self._set_attribute(d, w.text()))
        return line

    # -- editing --------------------------------------------------------------------------------------

    def _set_attribute(self, definition: AttributeDef, raw: object) -> None:
        if self._loading or self.ann is None:
            return
        value: AttributeValue
        if definition.kind is AttributeKind.YES_NO:
            value = None if raw == Qt.CheckState.PartiallyChecked else raw == Qt.CheckState.Checked
        else:
            value = None if raw in (NONE, "") else str(raw)
        attributes = {k: v for k, v in self.ann.attributes.items() if k != definition.name}
        if value is not None:
            attributes[definition.name] = value
        if attributes != self.ann.attributes:
            self.session.update(self.ann, replace(self.ann, attributes=attributes), f"Set {definition.name}")

    def _on_label_chosen(self) -> None:
        if self.ann is not None and self.label_box.currentText() != self.ann.label:
            self.session.relabel(self.ann, self.label_box.currentText())

    def _on_subtype_chosen(self) -> None:
        if self.ann is None:
            return
        subtype = None if self.subtype_box.currentText() == NONE else self.subtype_box.currentText()
        if subtype != self.ann.subtype:
            self.session.update(self.ann, replace(self.ann, subtype=subtype), "Set sub-type")

    def _on_note_edited(self) -> None:
        if not self._loading:
            self._note_timer.start()

    def _save_note(self) -> None:
        self._note_timer.stop()
        if self.ann is None or self._loading or not self.session.is_mine(self.ann):
            return
        note = self.note.toPlainText()
        if note != self.ann.note and self.ann.uuid in self.session.annotations:
            self.session.update(self.ann, replace(self.ann, note=note), "Edit note")

    def _on_add_fragment(self) -> None:
        fragment = self.add_fragment_selection()
        if self.ann is not None and fragment is not None:
            self.session.add_fragment(self.ann, fragment)

    def _on_link(self) -> None:
        self.relation_target.fill()
        target = self.session.annotations.get(self.relation_target.currentData())
        if self.ann is not None and target is not None and self.relation_type.currentText():
            self.session.relate(self.relation_type.currentText(), self.ann, target)

    def _on_unlink(self) -> None:
        item = self.relations.currentItem()
        if item is not None:
            self.session.unrelate(item.data(Qt.ItemDataRole.UserRole))


# -- setting a widget only when its content differs: an unchanged widget is then not repainted -------------------


def _set_text(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


def _set_combo_items(box: QComboBox, items: list[str]) -> None:
    if [box.itemText(i) for i in range(box.count())] != items:
        box.clear()
        box.addItems(items)


def _set_items(widget: QListWidget, items: list[tuple[str, object]]) -> None:
    """(text, data) per row."""
    shown = [(widget.item(i).text(), widget.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(widget.count())]
    if shown != items:
        widget.clear()
        for text, data in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, data)
            widget.addItem(item)


def _show_value(widget: QWidget, value: AttributeValue) -> None:
    if isinstance(widget, QComboBox):
        text = str(value) if value is not None else NONE
        if widget.currentText() != text:
            widget.setCurrentText(text)
    elif isinstance(widget, QCheckBox):
        checked = Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        state = Qt.CheckState.PartiallyChecked if value is None else checked
        if widget.checkState() != state:
            widget.setCheckState(state)
    elif isinstance(widget, QLineEdit):
        text = str(value) if value is not None else ""
        if widget.text() != text:
            widget.setText(text)
