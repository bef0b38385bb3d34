"""Edit a document's metadata (title, outlet, author, date, language, source) and its collections.

The text itself is never editable. The edit is an undoable Edit (services/edits.EditMetadata), run through the
window's editing model so Ctrl+Z undoes it; entry point: edit_metadata(parent, project, uuid, actor, run=None)
-> bool (True when something changed).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt
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
from annotator.services.edits import EditMetadata
from annotator.services.project import Project
from annotator.services.undo import Edit

EDITABLE = {
    "title": "Title",
    "outlet": "Outlet",
    "author": "Author",
    "published": "Date",
    "language": "Language",
    "source": "Source (URL or file)",
    "story": "Story (the same event across outlets)",
}
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ][0-9:.+\-Z]*)?)?)?$")


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
            edit = QLineEdit(documents.field_value(self.document, name))
            edit.setCursorPosition(0)  # show the start of a long title or URL
            edit.setObjectName(name)
            self.fields[name] = edit
            form.addRow(label + ":", edit)
        for name in self.document.metadata.get("guessed", ()):  # read from the text by the importer: check them
            if name in self.fields:
                self.fields[name].setStyleSheet("background: #fff4c2; color: #1a1a1a")
                self.fields[name].setToolTip("Guessed from the article's text on import: please check")
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
            if key == documents.STORY:
                continue  # edited above
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
        changed = {k: v for k, v in after.items() if v != documents.field_value(self.document, k)}
        return {k: documents.field_value(self.document, k) for k in changed}, changed

    def chosen_collections(self) -> set[str]:
        items = (self.collections_list.item(i) for i in range(self.collections_list.count()))
        return {item.text() for item in items if item.checkState() == Qt.CheckState.Checked}

    def edit(self) -> EditMetadata | None:
        """The change as an undoable edit, or None when nothing changed."""
        before, after = self.changes()
        chosen = self.chosen_collections()
        if not after and chosen == self.original_collections:
            return None
        members = (sorted(self.original_collections), sorted(chosen))
        return EditMetadata(self.project, self.uuid, self.actor, (before, after), members)


def edit_metadata(
    parent: QWidget | None,
    project: Project,
    uuid: str,
    actor: str,
    run: Callable[[Edit], object] | None = None,
) -> bool:
    """Show the dialog; on OK apply the change (through run, the window's editing model, so that it can be
    undone; directly without one). True when something changed."""
    dialog = MetadataDialog(project, uuid, actor, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        edit = dialog.edit()
        if edit is None:
            return False
        (run or _apply)(edit)
        return True
    finally:
        dialog.deleteLater()


def _apply(edit: Edit) -> object:
    return edit.apply()
