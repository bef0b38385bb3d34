"""A main window on a fresh project, with helpers to select text the way a person does."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import Document
from annotator.services import documents
from annotator.settings import Settings
from annotator.ui.main_window import MainWindow

TRICKY = (
    "\ufeffHeadline 😀 here\r\n\r\nThe minister said that taxes will rise by 5%.\r\n"
    "Critics call it a disgrace 👩\u200d🔬!"
)


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    """A message box left open would hang a headless run: make any unexpected one fail the test instead."""
    from PySide6.QtWidgets import QMessageBox

    def refuse(*args, **kwargs):
        raise AssertionError(f"unexpected message box: {args[1:3]}")

    for name in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, refuse)


@pytest.fixture
def window(qtbot, project):
    win = MainWindow(project, Settings(annotator="alice"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def open_new_document(window, text: str, title: str) -> Document:
    """Add a document to the window's project and open it, as a person would after importing it."""
    doc = Document(text, title=title)
    documents.add_document(window.project, doc, "alice")
    window.refresh_documents()
    window.open_document(doc.uuid)
    return doc


@pytest.fixture
def tricky_doc(window) -> Document:
    return open_new_document(window, TRICKY, "Tricky")


def select_text(window, quote: str, occurrence: int = 1) -> tuple[int, int]:
    """Select a quote in the view with the keyboard (Ctrl+Home, then Right and Shift+Right), as a person can."""
    text = window.session.document.text
    start = -1
    for _ in range(occurrence):
        start = text.index(quote, start + 1)
    end = start + len(quote)
    view = window.reader.view
    view.setFocus()
    to_qt = window.session.offsets.to_qt
    cursor = view.textCursor()
    cursor.setPosition(to_qt(start))
    cursor.setPosition(to_qt(end), cursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    return start, end


def press(qtbot, widget, key: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, key, modifier)
