"""Small pieces the review windows share: choosers for documents, annotators and labels, and span painting.

Every text position shown in Qt goes through core.offsets.OffsetMap: the panes show `display_text()` and spans
are painted at `to_qt(start)..to_qt(end)`.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QComboBox, QListWidget, QListWidgetItem

from annotator.core.model import Annotation
from annotator.core.offsets import OffsetMap
from annotator.services import documents
from annotator.services.project import Project

BACKGROUND_ALPHA = 110


class DocumentChooser(QComboBox):
    """The project's documents by title (outlet in the tooltip); itemData is the uuid."""

    def __init__(self, project: Project, parent: object = None):
        super().__init__(parent)
        self.setMinimumContentsLength(30)
        self.reload(project)

    def reload(self, project: Project) -> None:
        current = self.current_uuid()
        self.blockSignals(True)
        self.clear()
        for summary in documents.list_documents(project):
            self.addItem(summary.title or summary.uuid[:8], summary.uuid)
            self.setItemData(self.count() - 1, f"{summary.outlet} · {summary.published}", Qt.ItemDataRole.ToolTipRole)
        if current:
            self.select(current)
        self.blockSignals(False)

    def current_uuid(self) -> str | None:
        return self.currentData()

    def select(self, uuid: str) -> None:
        index = self.findData(uuid)
        if index >= 0:
            self.setCurrentIndex(index)


class CheckList(QListWidget):
    """A list of names with check boxes; `changed` fires with the checked names in list order."""

    changed = Signal(list)

    def __init__(self, names: Iterable[str], checked: Iterable[str] | None = None, parent: object = None):
        super().__init__(parent)
        on = set(names if checked is None else checked)
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in on else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.itemChanged.connect(lambda _item: self.changed.emit(self.checked()))
        self.setMaximumHeight(22 * min(max(self.count(), 2), 6) + 6)

    def checked(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count()) if self.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked(self, names: Iterable[str]) -> None:
        wanted = set(names)
        self.blockSignals(True)
        for i in range(self.count()):
            item = self.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in wanted else Qt.CheckState.Unchecked)
        self.blockSignals(False)
        self.changed.emit(self.checked())


def qt_range(omap: OffsetMap, start: int, end: int) -> tuple[int, int]:
    return omap.to_qt(start), omap.to_qt(end)


def paint(document: QTextDocument, omap: OffsetMap, start: int, end: int, fmt: QTextCharFormat) -> None:
    """Merge fmt into the characters start..end (stored code points) of a document showing omap.display_text()."""
    a, b = qt_range(omap, start, end)
    if b <= a:
        return
    cursor = QTextCursor(document)
    cursor.setPosition(a)
    cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
    cursor.mergeCharFormat(fmt)


def label_format(colour: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    background = QColor(colour)
    background.setAlpha(BACKGROUND_ALPHA)
    fmt.setBackground(background)
    return fmt


def paint_annotation(document: QTextDocument, omap: OffsetMap, ann: Annotation, colour: str) -> None:
    for fragment in ann.fragments:
        paint(document, omap, fragment.start, fragment.end, label_format(colour))


def select_in(editor: object, omap: OffsetMap, start: int, end: int) -> None:
    """Select start..end (stored code points) in a QTextEdit/QPlainTextEdit and scroll it into view."""
    a, b = qt_range(omap, start, end)
    cursor = editor.textCursor()  # type: ignore[attr-defined]
    cursor.setPosition(a)
    cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)  # type: ignore[attr-defined]
    editor.ensureCursorVisible()  # type: ignore[attr-defined]
