"""The scheme editor: add, rename, recolour labels, sub-types and attributes; shortcuts; guidelines; import/export.

Edits are made on a working copy and saved together with OK (one transaction, logged), so a half-edited scheme
never reaches the database. Renames keep the label's rows, so existing annotations follow them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.scheme import AttributeDef, AttributeKind, Label, Scheme, Scope, load_scheme_file, save_scheme_file
from annotator.services.edits import EditScheme
from annotator.services.project import Project
from annotator.services.undo import Edit

KEY = Qt.ItemDataRole.UserRole  # the item's (original name, original parent), or None for a new label


def swatch(colour: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class SchemeEditor(QDialog):
    def __init__(
        self,
        project: Project,
        actor: str,
        parent: QWidget | None = None,
        run: Callable[[Edit], object] | None = None,
    ):
        """run: the window's editing model, so that the saved scheme can be undone (without it, saved directly)."""
        super().__init__(parent)
        self.run = run or (lambda edit: edit.apply())
        self.setWindowTitle("Annotation scheme")
        self.resize(900, 600)
        self.project, self.actor = project, actor
        project.forget_scheme()  # on a shared server a colleague may have saved a newer one
        self.opened_with = project.scheme  # what a save is checked against (nothing a colleague saved is overwritten)
        self.labels: dict[int, Label] = {}  # id(tree item) -> working copy
        self.relation_types = project.scheme.relation_types
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Label", "Key"])
        self.name = QLineEdit()
        self.colour = QPushButton()
        self.shortcut = QLineEdit()
        self.shortcut.setMaxLength(12)
        self.scope = QComboBox()
        self.scope.addItems([s.value for s in Scope])
        self.guideline = QPlainTextEdit()
        self.attributes = QTableWidget(0, 3)
        self.attributes.setHorizontalHeaderLabels(["Attribute", "Kind", "Choices (comma-separated)"])
        self.attributes.horizontalHeader().setStretchLastSection(True)

        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Colour", self.colour)
        form.addRow("Shortcut", self.shortcut)
        form.addRow("Applies to", self.scope)
        form.addRow("Guideline", self.guideline)
        form.addRow("Attributes", self.attributes)
        attribute_buttons = QHBoxLayout()
        for text, slot in (
            ("Add attribute", self._add_attribute_row),
            ("Remove attribute", self._remove_attribute_row),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            attribute_buttons.addWidget(button)
        form.addRow("", attribute_buttons)

        tree_buttons = QHBoxLayout()
        self.buttons_by_name: dict[str, QPushButton] = {}
        for text, slot in (
            ("Add label", self.add_label),
            ("Add sub-type", self.add_subtype),
            ("Remove", self.remove),
            ("Import…", self.import_file),
            ("Export…", self.export_file),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            tree_buttons.addWidget(button)
            self.buttons_by_name[text] = button
        left = QVBoxLayout()
        left.addWidget(self.tree)
        left.addLayout(tree_buttons)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(form, 3)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(box)

        self.tree.currentItemChanged.connect(self._on_current_item_changed)
        self.colour.clicked.connect(self._choose_colour)
        self._editing: QTreeWidgetItem | None = None
        self.load(project.scheme, keep_keys=True)

    # -- the tree -------------------------------------------------------------------------------------

    def load(self, scheme: Scheme, keep_keys: bool) -> None:
        self._editing = None
        self.tree.clear()
        self.labels.clear()
        self.relation_types = scheme.relation_types
        for lab in scheme.top_labels():
            item = self._add_item(lab, None, (lab.name, None) if keep_keys else None)
            for sub in scheme.subtypes(lab.name):
                self._add_item(sub, item, (sub.name, lab.name) if keep_keys else None)
        self.tree.expandToDepth(0)
        self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _add_item(
        self, lab: Label, parent: QTreeWidgetItem | None, key: tuple[str, str | None] | None
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem([lab.name, lab.shortcut])
        item.setIcon(0, swatch(lab.colour))
        item.setData(0, KEY, key)
        (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
        self.labels[id(item)] = lab
        return item

    def add_label(self) -> QTreeWidgetItem:
        self._store_form()
        item = self._add_item(Label(name=self._free_name("new_label", None)), None, None)
        self.tree.setCurrentItem(item)
        return item

    def add_subtype(self) -> QTreeWidgetItem | None:
        self._store_form()
        current = self.tree.currentItem()
        if current is None:
            return None
        parent = current.parent() or current
        parent_label = self.labels[id(parent)]
        sub = Label(
            name=self._free_name("new_subtype", parent_label.name),
            colour=parent_label.colour,
            parent=parent_label.name,
            scope=parent_label.scope,
        )
        item = self._add_item(sub, parent, None)
        parent.setExpanded(True)
        self.tree.setCurrentItem(item)
        return item

    def remove(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        self._editing = None
        for child in [item.child(i) for i in range(item.childCount())]:
            self.labels.pop(id(child), None)
        self.labels.pop(id(item), None)
        (item.parent() or self.tree.invisibleRootItem()).removeChild(item)

    def _free_name(self, base: str, parent: str | None) -> str:
        taken = {lab.name for lab in self.labels.values() if lab.parent == parent}
        return next(f"{base}_{i}" if i else base for i in range(1000) if (f"{base}_{i}" if i else base) not in taken)

    # -- the form -------------------------------------------------------------------------------------

    def _on_current_item_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        self._store_form()
        self._editing = current
        if current is None:
            return
        lab = self.labels[id(current)]
        self.name.setText(lab.name)
        self._show_colour(lab.colour)
        self.shortcut.setText(lab.shortcut)
        self.scope.setCurrentText(lab.scope.value)
        self.scope.setEnabled(lab.parent is None)
        self.guideline.setPlainText(lab.guideline)
        self.attributes.setRowCount(0)
        for a in lab.attributes:
            self._add_attribute_row(a)
        self.attributes.setEnabled(lab.parent is None)

    def _show_colour(self, colour: str) -> None:
        self.colour.setText(colour)
        self.colour.setIcon(swatch(colour))

    def _choose_colour(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.colour.text()), self, "Label colour")
        if chosen.isValid():
            self._show_colour(chosen.name())

    def _add_attribute_row(self, definition: AttributeDef | None = None) -> None:
        definition = definition if isinstance(definition, AttributeDef) else AttributeDef("attribute")
        row = self.attributes.rowCount()
        self.attributes.insertRow(row)
        self.attributes.setItem(row, 0, QTableWidgetItem(definition.name))
        kind = QComboBox()
        kind.addItems([k.value for k in AttributeKind])
        kind.setCurrentText(definition.kind.value)
        self.attributes.setCellWidget(row, 1, kind)
        self.attributes.setItem(row, 2, QTableWidgetItem(", ".join(definition.choices)))

    def _remove_attribute_row(self) -> None:
        if self.attributes.currentRow() >= 0:
            self.attributes.removeRow(self.attributes.currentRow())

    def _store_form(self) -> None:
        """Write the form back into the working copy of the label being edited."""
        item = self._editing
        if item is None or id(item) not in self.labels:
            return
        old = self.labels[id(item)]
        attributes = []
        for row in range(self.attributes.rowCount()):
            name = (self.attributes.item(row, 0).text() if self.attributes.item(row, 0) else "").strip()
            kind = self.attributes.cellWidget(row, 1)
            choices = self.attributes.item(row, 2).text() if self.attributes.item(row, 2) else ""
            if name and isinstance(kind, QComboBox):
                attributes.append(
                    AttributeDef(
                        name,
                        AttributeKind(kind.currentText()),
                        tuple(c.strip() for c in choices.split(",") if c.strip()),
                    )
                )
        top = old.parent is None  # scope and attributes belong to a top label; a sub-type keeps its label's
        new = replace(
            old,
            name=self.name.text().strip(),
            colour=self.colour.text(),
            shortcut=self.shortcut.text().strip(),
            guideline=self.guideline.toPlainText(),
            scope=Scope(self.scope.currentText()) if top else old.scope,
            attributes=tuple(attributes) if top else old.attributes,
        )
        self.labels[id(item)] = new
        item.setText(0, new.name)
        item.setText(1, new.shortcut)
        item.setIcon(0, swatch(new.colour))
        for i in range(item.childCount()):  # sub-types follow their parent's name and scope
            child = item.child(i)
            self.labels[id(child)] = replace(self.labels[id(child)], parent=new.name, scope=new.scope)

    # -- result ---------------------------------------------------------------------------------------

    def scheme(self) -> tuple[Scheme, dict[tuple[str, str | None], str]]:
        """The edited scheme and the renames (original key -> new name) that let annotations follow."""
        self._store_form()
        labels: list[Label] = []
        renames: dict[tuple[str, str | None], str] = {}
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for item in [top] + [top.child(j) for j in range(top.childCount())]:
                lab = self.labels[id(item)]
                key = item.data(0, KEY)
                if key is not None and tuple(key)[0] != lab.name:
                    renames[(key[0], key[1])] = lab.name
                labels.append(lab)
        return Scheme(tuple(labels), self.relation_types, self.project.scheme.name), renames

    def accept(self) -> None:
        scheme, renames = self.scheme()
        try:
            self.run(EditScheme(self.project, self.actor, self.opened_with, scheme, renames))
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Scheme not saved", str(exc))
            return
        super().accept()

    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a scheme", "", "Scheme (*.json)")
        if path:
            try:
                self.load(load_scheme_file(path), keep_keys=False)
            except AnnotatorError as exc:
                QMessageBox.warning(self, "Cannot import the scheme", str(exc))

    def export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the scheme", "scheme.json", "Scheme (*.json)")
        if path:
            save_scheme_file(self.scheme()[0], path)
