"""The welcome page, shown in place of the text on a first launch and while a project has no articles: the
annotator's name asked inline (the system's user name offered), the ways to get articles in, and a short card
on how to tag with the scheme's label keys. Nothing modal: the window is usable from the first moment."""

from __future__ import annotations

import getpass
import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotator.core.scheme import Scheme, Scope
from annotator.ui.appearance import contrast


def key_text(colour: str) -> str:
    """Black or white, whichever reads better on the label's colour."""
    return (
        "#000000"
        if contrast(QColor(colour), QColor("#000000")) >= contrast(QColor(colour), QColor("#ffffff"))
        else "#ffffff"
    )


def gist(guideline: str) -> str:
    """A guideline's first sentence or clause: the card stays short (the whole guideline is in tooltips)."""
    first = guideline.split(". ")[0].split(": ")[0].strip().rstrip(".")
    return first if len(first) <= 140 else first[:139].rstrip() + "…"


def tagging_card_html(scheme: Scheme) -> str:
    """How to tag, with the scheme's own span labels and their keys (so it stays true when the scheme changes)."""
    rows = "".join(
        f"<tr><td style='padding:2px 10px 2px 0'><span style='background:{lab.colour}; color:{key_text(lab.colour)}; "
        f"padding:1px 7px; font-weight:bold'>&nbsp;{html.escape(lab.shortcut.upper())}&nbsp;</span></td>"
        f"<td style='padding:2px 0'><b>{html.escape(lab.name.replace('_', ' '))}</b>"
        + (f" — {html.escape(gist(lab.guideline))}" if lab.guideline else "")
        + "</td></tr>"
        for lab in scheme.top_labels(Scope.SPAN)
        if lab.shortcut
    )
    return (
        "<h3 style='margin:0 0 6px 0'>How to tag</h3>"
        "<p style='margin:0 0 6px 0'>Open an article from the list on the left, select a passage with the mouse "
        "(or Shift+arrows), then press its label's key:</p>"
        f"<table>{rows}</table>"
        "<p style='margin:6px 0 0 0'><b>Ctrl+Space</b> offers the sub-types; the panel on the right sets "
        "attributes and notes. Every edit is saved at once; <b>Ctrl+Z</b> undoes it.</p>"
    )


class WelcomePage(QScrollArea):
    name_given = Signal(str)
    samples_requested = Signal()
    import_requested = Signal()
    open_requested = Signal()
    connect_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # text wraps to the width
        self.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget()
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.intro = QLabel()
        self.intro.setWordWrap(True)

        self.name_row = QWidget()
        name_layout = QVBoxLayout(self.name_row)
        name_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.name_box = QLineEdit(getpass.getuser())
        self.name_box.setPlaceholderText("your name")
        self.name_box.setMaximumWidth(320)
        self.name_button = QPushButton("Use this name")
        row.addWidget(self.name_box)
        row.addWidget(self.name_button)
        row.addStretch(1)
        name_layout.addWidget(QLabel("<b>Your name as an annotator</b> (kept with every annotation you make):"))
        name_layout.addLayout(row)

        self.samples_button = QPushButton("Load sample articles")
        self.import_button = QPushButton("Import articles…")
        self.open_button = QPushButton("Open project…")
        self.connect_button = QPushButton("Connect to team server…")
        buttons = QGridLayout()
        hints = (
            (self.samples_button, "five short articles, already annotated by alice and bob"),
            (self.import_button, "text, Word, PDF, web pages, CSV or JSON; folders and zip archives too"),
            (self.open_button, "a .sqlite project file, yours or a colleague's"),
            (self.connect_button, "your lab's shared PostgreSQL project"),
        )
        for i, (button, hint) in enumerate(hints):
            button.setMinimumWidth(220)
            buttons.addWidget(button, i, 0)
            note = QLabel(hint)
            note.setWordWrap(True)
            note.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, on light and dark alike
            buttons.addWidget(note, i, 1)
        buttons.setColumnStretch(2, 1)

        self.card = QLabel()
        self.card.setObjectName("tagging_card")
        self.card.setTextFormat(Qt.TextFormat.RichText)
        self.card.setWordWrap(True)
        self.card.setFrameShape(QFrame.Shape.StyledPanel)
        self.card.setContentsMargins(14, 12, 14, 12)
        self.card.setMaximumWidth(720)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(40, 28, 40, 28)
        layout.setSpacing(14)
        for widget in (self.heading, self.intro, self.name_row):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.card)
        layout.addStretch(1)
        self.setWidget(page)

        self.name_box.returnPressed.connect(self._give_name)
        self.name_button.clicked.connect(self._give_name)
        self.samples_button.clicked.connect(self.samples_requested)
        self.import_button.clicked.connect(self.import_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.connect_button.clicked.connect(self.connect_requested)

    def show_for(self, annotator: str, project_name: str, scheme: Scheme, has_documents: bool) -> None:
        """Fill the page for this project and annotator (the name row only while no name is given)."""
        self.heading.setText(
            "<h1 style='margin:0'>Welcome to Media Annotator</h1>"
            if not annotator
            else f"<h2 style='margin:0'>{html.escape(project_name)}</h2>"
        )
        if not annotator:
            self.intro.setText(
                "Highlight passages in news articles and tag them as claims, opinions, source attributions or "
                "framing. First, the name your annotations are kept under; then bring in some articles."
            )
        elif has_documents:
            self.intro.setText(f"Annotating as {annotator}. Open an article from the list on the left.")
        else:
            self.intro.setText(f"Annotating as {annotator}. This project has no articles yet: bring some in.")
        self.name_row.setVisible(not annotator)
        self.card.setText(tagging_card_html(scheme))

    def _give_name(self) -> None:
        name = self.name_box.text().strip()
        if name:
            self.name_given.emit(name)
        else:
            self.name_box.setFocus()

    def offered_name(self) -> str:
        return self.name_box.text().strip()
