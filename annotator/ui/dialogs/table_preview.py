"""The first rows of a table of articles, with one drop-down per field to choose the column it comes from."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.services import importing

FIELD_LABELS = {
    "text": "Text",
    "title": "Title",
    "outlet": "Outlet",
    "author": "Author",
    "published": "Date",
    "url": "URL",
    "language": "Language",
}
NONE_TEXT = "— none —"


class TablePreview(QGroupBox):
    """Shows one batch file; `mapping()` is what the user settled on (field -> column, "" for none)."""

    mapping_changed = Signal(object)  # the new mapping

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Table preview and column mapping", parent)
        self.path: Path | None = None
        self.info = QLabel()
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        self.boxes: dict[str, QComboBox] = {}
        grid = QGridLayout()
        for i, (fld, label) in enumerate(FIELD_LABELS.items()):
            box = QComboBox()
            box.setObjectName(f"map_{fld}")
            box.currentIndexChanged.connect(self._on_box_changed)
            self.boxes[fld] = box
            grid.addWidget(QLabel(label + ("*" if fld == "text" else "")), i // 4, (i % 4) * 2)
            grid.addWidget(box, i // 4, (i % 4) * 2 + 1)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setMinimumHeight(160)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addLayout(grid)
        layout.addWidget(self.problem)
        layout.addWidget(self.table)
        self._filling = False

    def show_file(self, path: Path, mapping: dict[str, str] | None = None) -> dict[str, str]:
        """Load the file's preview with the given mapping (detected when None); returns the mapping shown."""
        self.path = path
        try:
            found = importing.preview_table(path, mapping)
        except AnnotatorError as exc:
            self._clear(str(exc))
            return dict(mapping or {})
        sep = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}.get(found.delimiter, found.delimiter)
        self.info.setText(
            f"{path.name}: {found.kind.upper()}, {found.encoding}"
            + (f", {sep}-separated" if sep else "")
            + f", {len(found.columns)} columns; the first {len(found.rows)} rows:"
        )
        shown = {fld: "" for fld in FIELD_LABELS} | found.mapping
        self._filling = True
        for fld, box in self.boxes.items():
            box.clear()
            box.addItem(NONE_TEXT, "")
            for column in found.columns:
                box.addItem(column, column)
            box.setCurrentIndex(max(box.findData(shown[fld]), 0))
        self._filling = False
        self.table.clear()
        self.table.setColumnCount(len(found.columns))
        self.table.setRowCount(len(found.rows))
        self.table.setHorizontalHeaderLabels(found.columns)
        for r, row in enumerate(found.rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value[:300].replace("\n", " ⏎ ")))
        self.problem.setText(found.problem)
        self.problem.setVisible(bool(found.problem))
        return self.mapping()

    def mapping(self) -> dict[str, str]:
        return {fld: box.currentData() or "" for fld, box in self.boxes.items()}

    @property
    def has_problem(self) -> bool:
        return bool(self.problem.text())

    def _clear(self, message: str) -> None:
        self.info.setText("")
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.problem.setText(message)
        self.problem.setVisible(True)

    def _on_box_changed(self) -> None:
        if self._filling or self.path is None:
            return
        self.show_file(self.path, self.mapping())  # re-checks the mapping and updates the problem line
        self.mapping_changed.emit(self.mapping())
