"""File › New document from clipboard (Ctrl+Shift+V): the article on the clipboard becomes a new document.

The HTML flavour is used when there is one (a browser's copy of a page or of a selection), kept whole with
the page furniture marked (services/web_import.pasted_document); else the plain text, read as a scraped text.
The window opens the metadata dialog on the new document afterwards, for the user to check what was guessed.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.errors import AnnotatorError
from annotator.core.model import Document
from annotator.formats.registry import ReadOptions
from annotator.services import web_import
from annotator.services.documents import AddOutcome
from annotator.services.project import Project

TITLE = "New document from clipboard"
# Firefox names the page a copy came from (UTF-16 on Linux and Windows); Qt passes the flavour through
_SOURCE_URL_FLAVOURS = ("text/x-moz-url-priv", "text/x-moz-url")


def source_url(mime: QMimeData) -> str:
    """The address of the page the content was copied from, when the clipboard carries one."""
    for flavour in _SOURCE_URL_FLAVOURS:
        data = bytes(mime.data(flavour).data()) if mime.hasFormat(flavour) else b""
        if data:
            text = data.decode("utf-16-le" if b"\x00" in data[:4] else "utf-8", "replace").strip("\x00 \r\n")
            first = text.splitlines()[0].strip() if text else ""
            if web_import.looks_like_url(first) and first.lower().startswith(("http://", "https://")):
                return first
    return ""


def clipboard_document(mime: QMimeData | None = None, options: ReadOptions | None = None) -> Document:
    """The document the clipboard (or mime) holds, not stored; InputError when it holds no text."""
    if mime is None:
        mime = QGuiApplication.clipboard().mimeData()
    html = mime.html() if mime is not None and mime.hasHtml() else ""
    text = mime.text() if mime is not None and mime.hasText() else ""
    return web_import.pasted_document(html, text, options, source_url(mime) if mime is not None else "")


def paste_as_document(
    project: Project, actor: str, parent: QWidget | None = None, options: ReadOptions | None = None
) -> AddOutcome | None:
    """Store the clipboard's article as a new document; None (after saying why) when there is nothing to store.

    A text already in the project is not stored twice: the outcome names the document it repeats, and the
    user is told its title."""
    try:
        outcome = web_import.store_document(project, clipboard_document(options=options), actor)
    except AnnotatorError as exc:
        QMessageBox.warning(parent, TITLE, str(exc))
        return None
    if outcome.duplicate_of is not None:
        QMessageBox.information(
            parent, TITLE, f"This text is already in the project, as “{outcome.duplicate_of.title}”."
        )
    return outcome
