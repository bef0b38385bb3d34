"""Reading comfort: paragraphs spaced, a readable column on wide windows, the headline above the text (outside
its positions), and page furniture greyed and smaller, mapped from stored code points."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontMetricsF, QPalette, QTextCursor, QWheelEvent

from annotator.core.offsets import OffsetMap
from annotator.formats.plaintext import read_text
from annotator.formats.registry import ReadOptions
from annotator.services import documents
from annotator.ui.widgets.page_layout import FURNITURE_SCALE
from annotator.ui.widgets.reading_view import READABLE_CHARACTERS, ReadingView
from tests.formats.test_scraped import BODY, FURNITURE_FOOT, HEADLINE, page

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_b9b24f8ad2796175.txt"
TEXT = (
    "\ufeffMenu 😀\r\nSubscribe\r\nThe minister said that taxes will rise by 5%.\r\n"
    "Critics: e\u0301 👩\u200d🔬 مرحبا\r\n"
)


@pytest.fixture
def view(qtbot) -> ReadingView:
    widget = ReadingView()
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown(view: ReadingView, text: str) -> OffsetMap:
    offsets = OffsetMap(text)
    view.show_text(offsets.display_text(), [])
    return offsets


def test_paragraphs_are_spaced_without_moving_any_position(view, qtbot) -> None:
    offsets = shown(view, "First paragraph.\nSecond paragraph.\nThird.")
    first, second = view.document().begin(), view.document().begin().next()
    line = QFontMetricsF(view.font()).lineSpacing()
    gap = view.blockBoundingGeometry(second).top() - view.blockBoundingGeometry(first).top()
    assert gap >= line + 0.5 * line and view.page_layout.spacing > 0
    assert view.document().toPlainText() == offsets.display_text()
    # a click on the second paragraph's text lands in it, not in the space above it
    top = view.blockBoundingGeometry(second).translated(view.contentOffset()).top()
    clicked = view.cursorForPosition(QPoint(int(view.document().documentMargin()) + 30, int(top + line / 2)))
    assert clicked.blockNumber() == 1


def test_a_readable_column_with_margins_on_wide_windows_only(view, qtbot) -> None:
    shown(view, " ".join(BODY * 3))
    assert view.viewportMargins().left() == 0  # 700 px: no room to spare
    view.resize(1800, 600)
    qtbot.waitUntil(lambda: view.viewportMargins().left() > 0)
    margins = view.viewportMargins()
    assert margins.left() == margins.right()
    column = READABLE_CHARACTERS * QFontMetricsF(view.font()).averageCharWidth()
    assert column <= view.viewport().width() <= column + 2 * view.document().documentMargin() + 2
    view.set_zoom(8)  # a larger font makes a wider column, so smaller margins
    assert view.viewportMargins().left() < margins.left()


def test_the_wheel_over_the_margins_scrolls_the_text(view, qtbot) -> None:
    shown(view, "\n".join(BODY * 20))
    view.resize(1800, 400)
    qtbot.waitUntil(lambda: view.viewportMargins().left() > 0)
    before = view.verticalScrollBar().value()
    where = QPointF(5, 200)  # in the left margin, outside the viewport
    event = QWheelEvent(
        where,
        view.mapToGlobal(where),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    view.event(event)
    assert view.verticalScrollBar().value() > before


def test_the_heading_stands_above_the_text_and_outside_its_positions(view, qtbot) -> None:
    offsets = shown(view, TEXT)
    view.set_heading("Minister <resigns>", "Daily Planet · 2024-03-05")
    assert view.heading.isVisible() and view.heading_text() == "Minister <resigns>"
    assert "Minister &lt;resigns&gt;" in view.heading.text() and "Daily Planet · 2024-03-05" in view.heading.text()
    assert view.viewportMargins().top() >= view.heading.height()
    assert view.heading.geometry().bottom() < view.viewport().geometry().top()
    assert view.document().toPlainText() == offsets.display_text()  # the heading is not in the text
    view.select_range(offsets.to_qt(1), offsets.to_qt(5))
    assert view.textCursor().selectedText() == "Menu"
    view.set_heading("")
    assert not view.heading.isVisible() and view.viewportMargins().top() == 0


def test_furniture_is_greyed_and_smaller_at_the_mapped_positions(view, qtbot) -> None:
    offsets = shown(view, TEXT)
    menu = (1, TEXT.index("\r\nThe"))  # "Menu 😀\r\nSubscribe": an emoji and a CRLF inside
    critics = (TEXT.index("Critics"), len(TEXT) - 2)  # combining mark, ZWJ emoji and Arabic inside
    view.set_boilerplate([list(menu), critics, (5, 2), (0, 10_000), ("a", 3)], offsets)  # bad pairs left out
    assert view.furniture.ranges == [(offsets.to_qt(a), offsets.to_qt(b)) for a, b in (menu, critics)]
    grey = view.palette().color(QPalette.ColorRole.PlaceholderText)
    formatted = []
    block = view.document().begin()
    while block.isValid():
        for piece in block.layout().formats():
            cursor = QTextCursor(block)  # Qt positions count UTF-16 units: let Qt cut the piece
            cursor.setPosition(block.position() + piece.start)
            cursor.setPosition(block.position() + piece.start + piece.length, QTextCursor.MoveMode.KeepAnchor)
            formatted.append(cursor.selectedText())
            assert piece.format.foreground().color() == grey
            assert piece.format.fontPointSize() == pytest.approx(view.font().pointSizeF() * FURNITURE_SCALE)
        block = block.next()
    assert formatted == ["Menu 😀", "Subscribe", TEXT[critics[0] : critics[1]]]
    article = TEXT.index("The minister")
    assert not view.in_boilerplate(offsets.to_qt(article), offsets.to_qt(article + 12))
    assert view.in_boilerplate(offsets.to_qt(2), offsets.to_qt(3)) and view.in_boilerplate(
        offsets.to_qt(3), offsets.to_qt(3)
    )
    view.set_zoom(4)  # furniture follows the zoom
    piece = view.document().begin().layout().formats()[0]
    assert piece.format.fontPointSize() == pytest.approx(view.font().pointSizeF() * FURNITURE_SCALE)
    view.set_boilerplate([], offsets)
    assert view.document().begin().layout().formats() == [] and not view.in_boilerplate(0, 1)


def test_the_reader_shows_an_imported_scraped_article_with_heading_and_furniture(window, qtbot, tmp_path) -> None:
    text = SEED.read_text(encoding="utf-8") if SEED.exists() else page()
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    [bundle] = read_text(path, ReadOptions())
    documents.add_document(window.project, bundle.document, "alice")
    window.refresh_documents()
    window.open_document(bundle.document.uuid)
    view = window.reader.view
    assert view.heading_text() == bundle.document.title and not window.reader.header.isVisible()
    ranges = bundle.document.boilerplate
    assert ranges and len(view.furniture.ranges) == len(ranges)
    offsets = window.session.offsets
    last = ranges[-1]
    assert view.in_boilerplate(offsets.to_qt(last[0]), offsets.to_qt(last[1]))
    body = text.index(BODY[0][:30] if not SEED.exists() else "Ahead of the NATO summit")
    assert not view.in_boilerplate(offsets.to_qt(body), offsets.to_qt(body + 20))
    assert (HEADLINE if not SEED.exists() else "China Comes First") in view.heading.text()
    assert FURNITURE_FOOT  # the page's footer lines are what the last range holds
