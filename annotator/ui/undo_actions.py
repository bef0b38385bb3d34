"""Undo and redo as window actions over an UndoHistory (services/undo.py): named after the step they take,
enabled only when there is one. The main window and the adjudication window each show their own history."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from annotator.services.undo import UndoHistory


def undo_actions(parent: QWidget, history: UndoHistory) -> tuple[QAction, QAction]:
    undo, redo = QAction("&Undo", parent), QAction("&Redo", parent)
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
    undo.triggered.connect(lambda _checked=False: history.undo())
    redo.triggered.connect(lambda _checked=False: history.redo())

    def show() -> None:
        undo.setEnabled(history.can_undo())
        redo.setEnabled(history.can_redo())
        undo.setText(f"&Undo {history.undo_text()}".rstrip())
        redo.setText(f"&Redo {history.redo_text()}".rstrip())

    history.listeners.append(show)
    undo.destroyed.connect(lambda: history.listeners.remove(show) if show in history.listeners else None)
    show()
    return undo, redo
