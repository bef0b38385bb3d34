"""Page furniture in the window: marked from the Document menu and the context menu (undoably), and a label key
pressed inside it asks before annotating."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from annotator.services import documents
from annotator.services.annotating import Annotating
from tests.ui.conftest import open_new_document, select_text

PAGE = "Menu Subscribe\r\nTaxes will rise 😀, the minister said.\r\nTo participate in the discussion log in"


def test_mark_a_selection_as_boilerplate_and_back_with_undo(qtbot, window) -> None:
    doc = open_new_document(window, PAGE, "Taxes")
    select_text(window, "To participate in the discussion log in")
    window.menus.boilerplate_action.trigger()
    start = PAGE.index("To participate")
    assert documents.get_document(window.project, doc.uuid).boilerplate == ((start, len(PAGE)),)
    assert window.session.document.boilerplate == ((start, len(PAGE)),)
    assert window.menus.boilerplate_action in window.reader.context_menu().actions()
    select_text(window, "discussion")
    window.menus.article_text_action.trigger()
    middle = PAGE.index("discussion")
    assert documents.get_document(window.project, doc.uuid).boilerplate == (
        (start, middle),
        (middle + len("discussion"), len(PAGE)),
    )
    window.menus.undo_action.trigger()
    window.menus.undo_action.trigger()
    assert documents.get_document(window.project, doc.uuid).boilerplate == ()


def test_a_label_key_in_boilerplate_asks_first(qtbot, window, monkeypatch) -> None:
    doc = open_new_document(window, PAGE, "Taxes")
    select_text(window, "Menu Subscribe")
    window.menus.boilerplate_action.trigger()
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answers.pop(0))
    select_text(window, "Subscribe")
    window.apply_label("claim")
    assert Annotating(window.project, "alice").annotations(doc.uuid) == []
    assert "boilerplate" in asked[0] and "boilerplate" in window.statusBar().currentMessage()
    select_text(window, "Subscribe")
    window.apply_label("claim")  # the user means it
    [ann] = Annotating(window.project, "alice").annotations(doc.uuid)
    assert ann.covered_texts(PAGE) == ["Subscribe"]
    select_text(window, "Taxes will rise")
    window.apply_label("claim")  # article text: no question
    assert len(asked) == 2 and len(Annotating(window.project, "alice").annotations(doc.uuid)) == 2
