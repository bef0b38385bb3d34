"""The system's light or dark colours and its display scaling, followed; label colours kept legible on both.

Qt 6 scales for HiDPI screens by itself (fractional factors passed through) and, from 6.5, reports the system's
colour scheme. Where the system asks for dark but the platform theme hands over a light palette (plain X11
without a desktop portal, say), the Fusion style's dark palette is set instead. ANNOTATOR_COLOURS=dark or light
overrides the system, for a desktop that does not say.

Label colours are the user's (any hex in the scheme). A line or outline drawn in one is adjusted until it
stands out from the page (WCAG's 3:1 for graphics), lighter on dark pages and darker on light ones.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

MIN_LINE_CONTRAST = 3.0  # WCAG 2.1, non-text contrast


def luminance(colour: QColor) -> float:
    """WCAG relative luminance."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def line_colour(colour: str | QColor, page: QColor | None = None) -> QColor:
    """colour, made lighter (on a dark page) or darker (on a light one) until it stands out from the page."""
    page = page or QGuiApplication.palette().color(QPalette.ColorRole.Base)
    line = QColor(colour)
    dark_page = page.lightness() < 128
    for _ in range(12):
        if contrast(line, page) >= MIN_LINE_CONTRAST:
            break
        line = line.lighter(120) if dark_page else line.darker(120)
        if dark_page and line.lightness() >= 250 or not dark_page and line.lightness() <= 5:
            break
    return line


def dark_palette() -> QPalette:
    """Fusion's colours for a dark desktop."""
    palette = QPalette()
    window, base, text = QColor("#2b2b2b"), QColor("#1e1e1e"), QColor("#e8e8e8")
    for role, colour in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, QColor("#262626")),
        (QPalette.ColorRole.ToolTipBase, QColor("#3a3a3a")),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, QColor("#9a9a9a")),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, QColor("#353535")),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.BrightText, QColor("#ff6b6b")),
        (QPalette.ColorRole.Link, QColor("#7ab8ff")),
        (QPalette.ColorRole.Highlight, QColor("#3d7fd6")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.Light, QColor("#454545")),
        (QPalette.ColorRole.Midlight, QColor("#3a3a3a")),
        (QPalette.ColorRole.Mid, QColor("#303030")),
        (QPalette.ColorRole.Dark, QColor("#1a1a1a")),
        (QPalette.ColorRole.Shadow, QColor("#000000")),
    ):
        palette.setColor(role, colour)
    grey = QColor("#7a7a7a")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, grey)
    return palette


def wants_dark(app: QApplication) -> bool | None:
    """True or False when the user or the system says, None when neither does."""
    asked = os.environ.get("ANNOTATOR_COLOURS", "").strip().lower()
    if asked in {"dark", "light"}:
        return asked == "dark"
    scheme = app.styleHints().colorScheme()
    return None if scheme == Qt.ColorScheme.Unknown else scheme == Qt.ColorScheme.Dark


def follow_system_colours(app: QApplication) -> None:
    """Use a dark palette when dark is asked for and the platform's palette is light; again when it changes."""

    def apply(*_args: object) -> None:
        dark = wants_dark(app)
        if dark and not is_dark(app.style().standardPalette()):
            app.setStyle("Fusion")
            app.setPalette(dark_palette())
        elif dark is False and is_dark(app.palette()):
            app.setPalette(app.style().standardPalette())

    apply()
    app.styleHints().colorSchemeChanged.connect(apply)
