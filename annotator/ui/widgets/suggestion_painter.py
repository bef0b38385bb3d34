"""Suggestions drawn over the text as dashed outlines in their label's colour, never filled like annotations, so a
proposal is never mistaken for a decision. The current one has a heavier, denser outline and a focus ring in the
palette's highlight colour around it (a wash would be painted over the text and tint it, and would look filled).

Only the suggestions whose range meets the visible part of the text are measured, so a long list costs nothing
off screen. The view gives the rectangles (one per visual line of a fragment) in viewport coordinates.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from annotator.ui.appearance import line_colour
from annotator.ui.widgets.span_painter import Mark

DASH = [4.0, 3.0]  # in pen widths: long enough to read as a dashed box at small zoom levels
CURRENT_DASH = [3.0, 1.5]  # denser: with the heavier pen and the wash, the current one stands out at a glance


def paint_suggestions(
    painter: QPainter,
    marks: list[Mark],
    current: str | None,
    page: QColor,
    focus: QColor,
    visible: tuple[int, int],
    rects: Callable[[int, int], list[QRectF]],
) -> None:
    """Outline marks within the visible Qt range; the current suggestion's (uuid current) last, on top."""
    first, last = visible
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    ordered = sorted((m for m in marks if m.end >= first and m.start <= last), key=lambda m: m.uuid == current)
    for mark in ordered:
        chosen = mark.uuid == current
        # on a light page a label colour is darkened until it stands out; on a dark one, lightened
        line = line_colour(QColor(mark.colour).darker(115) if page.lightness() >= 128 else mark.colour, page)
        pen = QPen(line, 2.6 if chosen else 1.4, Qt.PenStyle.CustomDashLine)
        pen.setDashPattern(CURRENT_DASH if chosen else DASH)
        ring = QPen(focus, 1.6)
        for rect in rects(mark.start, mark.end):
            box = rect.adjusted(-2, -1, 2, 1)
            painter.setPen(pen)
            painter.drawRoundedRect(box, 3, 3)
            if chosen:
                painter.setPen(ring)
                painter.drawRoundedRect(box.adjusted(-2.5, -2.5, 2.5, 2.5), 5, 5)
