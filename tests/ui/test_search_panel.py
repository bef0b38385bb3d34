"""Corpus search in the window: Ctrl+Shift+F, ranked hits with passages, and a click that opens the document
with the match selected (through emoji, CRLF and a BOM)."""

from PySide6.QtCore import Qt

from annotator.core.model import Document
from annotator.services import documents
from tests.ui.conftest import TRICKY

WIND = "Offshore wind farm promises 900 jobs, fishermen fear for their grounds"


def search_for(qtbot, window, typed: str):
    panel = window.search_panel
    panel.query_box.clear()
    qtbot.keyClicks(panel.query_box, typed)
    qtbot.keyClick(panel.query_box, Qt.Key.Key_Return)
    return panel


def click_hit(qtbot, panel, row: int) -> None:
    index = panel.results.index(row, 0)
    panel.list.scrollTo(index)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=panel.list.visualRect(index).center())


def test_ctrl_shift_f_opens_the_search_and_a_hit_opens_at_its_match(qtbot, window) -> None:
    window.load_samples()
    window.reader.view.setFocus()
    qtbot.keyClick(
        window.reader.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.search_dock.isVisible() and window.search_panel.query_box.hasFocus()
    panel = search_for(qtbot, window, "turbines")
    assert [h.title for h in panel.results.hits] == [WIND] and panel.summary.text() == "1 article, best first"
    hit = panel.results.hits[0]
    assert "turbines" in hit.passage and [hit.passage[a:b] for a, b in hit.marks][0].lower() == "turbines"
    click_hit(qtbot, panel, 0)
    assert window.session.document.title == WIND and window.centre.currentWidget() is window.reader
    assert window.reader.view.textCursor().selectedText().lower() == "turbines"
    start, end = hit.match
    assert window.session.document.text[start:end].lower() == "turbines"
    assert window.navigator.model.summary(window.navigator.table.currentIndex().row()).title == WIND


def test_a_match_after_emoji_crlf_and_a_bom_is_selected_exactly(qtbot, window) -> None:
    documents.add_document(window.project, Document(TRICKY, title="Tricky"), "alice")
    window.refresh_documents()
    panel = search_for(qtbot, window, "disgrace")
    click_hit(qtbot, panel, 0)
    assert window.reader.view.textCursor().selectedText() == "disgrace"
    start, end = panel.results.hits[0].match
    assert TRICKY[start:end] == "disgrace"


def test_a_malformed_query_in_the_box_searches_the_words(qtbot, window) -> None:
    window.load_samples()
    panel = search_for(qtbot, window, '"turbines OR')
    assert panel.results.hits == [] and panel.summary.text() == "No article matches all of these words."
    panel = search_for(qtbot, window, '"offshore turbines')
    assert [h.title for h in panel.results.hits] == [WIND]
    panel = search_for(qtbot, window, "council OR turbines -jobs")
    assert WIND not in [h.title for h in panel.results.hits] and panel.results.hits


def test_typing_searches_once_the_typing_pauses(qtbot, window) -> None:
    window.load_samples()
    panel = window.search_panel
    qtbot.keyClicks(panel.query_box, "turbines")
    assert panel.results.hits == []  # not on every key press
    qtbot.waitUntil(lambda: len(panel.results.hits) == 1, timeout=3000)
