"""Edit a document's metadata (title, outlet, author, date, language, source) and its collections.

The text itself is never editable. The edit is a QUndoCommand (EditMetadata) so the window can undo it; entry
point: edit_metadata(parent, project, uuid, actor, undo_stack=None) -> bool (True when something changed).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.services import collections, documents
from annotator.services.project import Project

EDITABLE = {
    "title": "Title",
    "outlet": "Outlet",
    "author": "Author",
    "published": "Date",
    "language": "Language",
    "source": "Source (URL or file)",
}
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ][0-9:.+\-Z]*)?)?)?$")


class EditMetadata(QUndoCommand):
    """Changes metadata fields and collection membership; undo puts the old values back."""

    def __init__(
        self,
        project: Project,
        uuid: str,
        actor: str,
        before: dict[str, str],
        after: dict[str, str],
        collections_before: set[str],
        collections_after: set[str],
        notify: Callable[[str], None] | None = None,
    ):
        super().__init__(f"Edit metadata of “{after.get('title') or before.get('title', '')}”")
        self.project, self.uuid, self.actor, self.notify = project, uuid, actor, notify
        self.before, self.after = before, after
        self.collections_before, self.collections_after = collections_before, collections_after
        self.applied = False  # set once the change is in the database, so pushing it does not apply it again

    def _apply(self, values: dict[str, str], names: set[str]) -> None:
        if values:
            # what the user saw: before for the edit itself, after for its undo (a colleague's change is refused)
            seen = self.before if values is self.after else self.after
            documents.update_metadata(self.project, self.uuid, self.actor, expected=seen, **values)
        if self.collections_before != self.collections_after:
            collections.set_membership(self.project, self.uuid, names, self.actor)
        if self.notify is not None:
            self.notify(self.uuid)

    def redo(self) -> None:
        if self.applied:
            self.applied = False
            return
        self._apply(self.after, self.collections_after)

    def undo(self) -> None:
        self._apply(self.before, self.collections_before)


class MetadataDialog(QDialog):
    def __init__(self, project: Project, uuid: str, actor: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.project, self.uuid, self.actor = project, uuid, actor
        self.document = documents.get_document(project, uuid)
        self.setWindowTitle("Document metadata")
        self.resize(620, 560)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, label in EDITABLE.items():
            edit = QLineEdit(getattr(self.document, name))
            edit.setCursorPosition(0)  # show the start of a long title or URL
            edit.setObjectName(name)
            self.fields[name] = edit
            form.addRow(label + ":", edit)
        self.fields["published"].setPlaceholderText("YYYY-MM-DD, or YYYY-MM, or YYYY")
        self.fields["language"].setPlaceholderText("e.g. en, de, pt-BR")
        self.date_hint = QLabel("")
        self.date_hint.setStyleSheet("color: #8a5a00")
        form.addRow("", self.date_hint)
        self.fields["published"].textChanged.connect(self._on_published_changed)
        self._on_published_changed(self.fields["published"].text())

        doc = self.document
        facts = (
            f"{len(doc.text):,} characters · {doc.encoding} · line ends {doc.newline} · "
            f"id {doc.uuid[:8]} · sha256 {doc.sha256[:12]}…"
        )
        info = QLabel(facts)
        info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.extra = QTableWidget(0, 2)
        self.extra.setHorizontalHeaderLabels(["Imported field", "Value"])
        self.extra.horizontalHeader().setStretchLastSection(True)
        self.extra.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for key, value in sorted(doc.metadata.items()):
            row = self.extra.rowCount()
            self.extra.insertRow(row)
            self.extra.setItem(row, 0, QTableWidgetItem(str(key)))
            self.extra.setItem(row, 1, QTableWidgetItem(value if isinstance(value, str) else repr(value)))

        self.collections_list = QListWidget()
        self.collections_list.setMaximumHeight(110)
        self.original_collections = set(collections.collections_of(project, uuid))
        for found in collections.list_collections(project):
            self._add_collection_item(found.name, found.name in self.original_collections)
        self.new_collection = QLineEdit(placeholderText="New collection")
        add = QPushButton("Add")
        add.clicked.connect(self._on_add_collection_requested)
        self.new_collection.returnPressed.connect(self._on_add_collection_requested)
        new_row = QHBoxLayout()
        new_row.addWidget(self.new_collection)
        new_row.addWidget(add)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(info)
        layout.addWidget(QLabel("Collections:"))
        layout.addWidget(self.collections_list)
        layout.addLayout(new_row)
        layout.addWidget(QLabel("Kept from the import (read-only):"))
        layout.addWidget(self.extra)
        layout.addWidget(buttons)

    def _add_collection_item(self, name: str, checked: bool) -> None:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.collections_list.addItem(item)

    def _on_add_collection_requested(self) -> None:
        name = self.new_collection.text().strip()
        if not name:
            return
        existing = self.collections_list.findItems(name, Qt.MatchFlag.MatchExactly)
        if existing:
            existing[0].setCheckState(Qt.CheckState.Checked)
        else:
            self._add_collection_item(name, True)
        self.new_collection.clear()

    def _on_published_changed(self, text: str) -> None:
        odd = bool(text.strip()) and not DATE.match(text.strip())
        self.date_hint.setText("Not an ISO 8601 date; it is kept as typed." if odd else "")

    def changes(self) -> tuple[dict[str, str], dict[str, str]]:
        """(before, after) of the fields the user changed."""
        after = {name: edit.text().strip() for name, edit in self.fields.items()}
        changed = {k: v for k, v in after.items() if v != getattr(self.document, k)}
        return {k: getattr(self.document, k) for k in changed}, changed

    def chosen_collections(self) -> set[str]:
        items = (self.collections_list.item(i) for i in range(self.collections_list.count()))
        return {item.text() for item in items if item.checkState() == Qt.CheckState.Checked}

    def command(self, notify: Callable[[str], None] | None = None) -> EditMetadata | None:
        """The edit as an undoable command, or None when nothing changed."""
        before, after = self.changes()
        chosen = self.chosen_collections()
        if not after and chosen == self.original_collections:
            return None
        return EditMetadata(
            self.project, self.uuid, self.actor, before, after, self.original_collections, chosen, notify
        )


def edit_metadata(
    parent: QWidget | None,
    project: Project,
    uuid: str,
    actor: str,
    undo_stack: QUndoStack | None = None,
    notify: Callable[[str], None] | None = None,
) -> bool:
    """Show the dialog; on OK apply the changes (through undo_stack when given). True when something changed."""
    dialog = MetadataDialog(project, uuid, actor, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        command = dialog.command(notify)
        if command is None:
            return False
        command.redo()  # first, so that a change the database refused never enters the undo history
        if undo_stack is not None:
            command.applied = True
            undo_stack.push(command)
        return True
    finally:
        dialog.deleteLater()
