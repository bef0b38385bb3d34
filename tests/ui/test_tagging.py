"""The annotate flow driven through the real widgets: select, press a key, check what the database holds."""

from PySide6.QtCore import QPoint, Qt

from annotator.core.model import Status
from annotator.services import documents
from annotator.services.annotating import Annotating
from annotator.ui.widgets.span_painter import segments
from tests.ui.conftest import select_text


def stored(window, doc):
    return Annotating(window.project, "alice").annotations(doc.uuid)


def test_shortcut_stores_code_point_offsets_in_text_with_emoji_bom_and_crlf(qtbot, window, tricky_doc) -> None:
    start, end = select_text(window, "taxes will rise by 5%")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_C)
    [ann] = stored(window, tricky_doc)
    assert (ann.label, ann.fragments[0].start, ann.fragments[0].end) == ("claim", start, end)
    assert ann.covered_texts(tricky_doc.text) == ["taxes will rise by 5%"]
    select_text(window, "disgrace 👩\u200d🔬")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_O)
    opinion = [a for a in stored(window, tricky_doc) if a.label == "opinion"][0]
    assert opinion.covered_texts(tricky_doc.text) == ["disgrace 👩\u200d🔬"]
    assert window.saved_label.text().startswith("Saved at")


def test_selection_snaps_to_words_and_trims_punctuation(qtbot, window, tricky_doc) -> None:
    start, _ = select_text(window, "inister said that ta")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_A)
    [ann] = stored(window, tricky_doc)
    assert ann.covered_texts(tricky_doc.text) == ["minister said that taxes"]
    window.menus.snap_action.setChecked(False)
    select_text(window, " rise by 5%.")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_C)
    claim = [a for a in stored(window, tricky_doc) if a.label == "claim"][0]
    assert claim.covered_texts(tricky_doc.text) == ["rise by 5%."]


def test_overlapping_and_nested_spans(qtbot, window, tricky_doc) -> None:
    select_text(window, "The minister said that taxes will rise")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_A)
    select_text(window, "taxes will rise by 5%")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_C)
    select_text(window, "minister")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_F)
    assert sorted(a.label for a in stored(window, tricky_doc)) == ["attribution", "claim", "framing"]
    position = window.session.offsets.to_qt(tricky_doc.text.index("taxes"))
    assert [a.label for a in window.session.at(position)] == ["claim", "attribution"]
    view = window.reader.view
    block = view.document().findBlock(position)
    plan = segments(view.marks.marks_in_block(block.blockNumber()), block.position(), block.length() - 1)
    assert [len(covering) for _, _, covering in plan] == [
        1,
        2,
        1,
        2,
        1,
    ]  # attribution holds "minister" and part of the claim
    view.viewport().repaint()
    image = view.viewport().grab().toImage()

    def paper_at(quote: str):
        rect = view.range_rects(*[window.session.offsets.to_qt(tricky_doc.text.index(quote) + k) for k in (0, 1)])[0]
        return image.pixelColor(int(rect.left()) + 1, int(rect.top()) + 1).name()

    plain, attribution, nested = paper_at("Headline"), paper_at("said"), paper_at("taxes")
    assert len({plain, attribution, nested}) == 3  # each layer of nesting shows


def test_discontinuous_span_from_the_panel(qtbot, window, tricky_doc) -> None:
    select_text(window, "The minister")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_A)
    select_text(window, "Critics")
    qtbot.mouseClick(window.panel.add_fragment_button, Qt.MouseButton.LeftButton)
    [ann] = stored(window, tricky_doc)
    assert ann.covered_texts(tricky_doc.text) == ["The minister", "Critics"]
    assert window.panel.fragments.count() == 2


def test_relation_between_source_and_content(qtbot, window, tricky_doc) -> None:
    select_text(window, "The minister")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_A)
    select_text(window, "taxes will rise by 5%")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_A)
    content = window.session.current
    window.panel.relation_type.setCurrentText("attributed_to")
    window.panel.relation_target.setCurrentIndex(0)
    qtbot.mouseClick(window.panel.link_button, Qt.MouseButton.LeftButton)
    [rel] = Annotating(window.project, "alice").relations(tricky_doc.uuid)
    source = [a for a in stored(window, tricky_doc) if a.uuid != content.uuid][0]
    assert (rel.type, rel.source, rel.target) == ("attributed_to", content.uuid, source.uuid)
    assert window.panel.relations.count() == 1


def test_undo_and_redo_of_add_attribute_and_delete(qtbot, window, tricky_doc) -> None:
    view = window.reader.view
    select_text(window, "disgrace")
    qtbot.keyClick(view, Qt.Key.Key_O)
    polarity = window.panel.attributes.itemAt(1, window.panel.attributes.ItemRole.FieldRole).widget()
    polarity.setCurrentText("negative")
    polarity.activated.emit(polarity.currentIndex())
    assert stored(window, tricky_doc)[0].attributes == {"polarity": "negative"}
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert stored(window, tricky_doc) == []
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo delete
    assert stored(window, tricky_doc)[0].attributes == {"polarity": "negative"}
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo attribute
    assert stored(window, tricky_doc)[0].attributes == {}
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo add
    assert stored(window, tricky_doc) == []
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(view, Qt.Key.Key_Z, redo)
    qtbot.keyClick(view, Qt.Key.Key_Z, redo)
    assert stored(window, tricky_doc)[0].attributes == {"polarity": "negative"}
    assert len(window.session.annotations) == 1 and window.annotation_list.model.rowCount() == 1


def test_boundaries_move_from_the_keyboard_and_label_changes(qtbot, window, tricky_doc) -> None:
    view = window.reader.view
    select_text(window, "taxes will rise")
    qtbot.keyClick(view, Qt.Key.Key_C)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    [ann] = stored(window, tricky_doc)
    assert ann.covered_texts(tricky_doc.text) == ["axes will rise "]
    qtbot.keyClick(view, Qt.Key.Key_O)  # no selection: relabel the current annotation
    assert stored(window, tricky_doc)[0].label == "opinion"


def test_mouse_drag_selects_and_tags(qtbot, window, tricky_doc) -> None:
    view = window.reader.view
    text, to_qt = tricky_doc.text, window.session.offsets.to_qt

    def point(offset: int) -> QPoint:
        cursor = view.textCursor()
        cursor.setPosition(to_qt(offset))
        return view.cursorRect(cursor).center()

    start = text.index("minister")
    end = start + len("minister")
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=point(start) + QPoint(1, 0))
    qtbot.mouseMove(view.viewport(), point(end))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=point(end))
    qtbot.keyClick(view, Qt.Key.Key_F)
    [ann] = stored(window, tricky_doc)
    assert ann.covered_texts(text) == ["minister"]


def test_status_and_document_labels(qtbot, window, tricky_doc) -> None:
    view = window.reader.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert Annotating(window.project, "alice").status(tricky_doc.uuid) is Status.DONE
    qtbot.waitUntil(lambda: window.progress_label.text() == "alice · 1 of 1 done")  # counted on a worker thread
    genre = window.document_panel.label_boxes["genre"]
    genre.setCurrentText("satire")
    genre.activated.emit(genre.currentIndex())
    [ann] = stored(window, tricky_doc)
    assert (ann.label, ann.subtype, ann.fragments) == ("genre", "satire", ())
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window, tricky_doc) == []


def test_clicking_a_highlight_makes_it_current_and_the_list_jumps(qtbot, window, tricky_doc) -> None:
    select_text(window, "Critics")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_A)
    window.session.select(None)
    view = window.reader.view
    cursor = view.textCursor()
    cursor.setPosition(window.session.offsets.to_qt(tricky_doc.text.index("Critics") + 2))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.cursorRect(cursor).center())
    assert window.session.current is not None and window.session.current.label == "attribution"
    assert window.annotation_list.table.selectionModel().selectedRows()[0].row() == 0
    assert "attribution" in window.reader.describe(window.session.offsets.to_qt(tricky_doc.text.index("Critics")))


def test_errors_are_shown_and_nothing_is_stored(qtbot, window, tricky_doc, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr("annotator.ui.main_window.QMessageBox.warning", lambda *a: shown.append(a[2]))
    documents.delete_document(window.project, tricky_doc.uuid, "bob")  # gone behind the window's back
    select_text(window, "minister")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_C)
    assert shown and "no document" in shown[0]
    assert window.saved_label.text() == "Not saved" and window.session.history.count() == 0


def test_panel_shows_each_annotations_own_values_when_moving_between_annotations_of_one_label(
    qtbot, window, tricky_doc
) -> None:
    view, panel = window.reader.view, window.panel
    select_text(window, "disgrace")
    qtbot.keyClick(view, Qt.Key.Key_O)
    polarity = panel.attributes.itemAt(1, panel.attributes.ItemRole.FieldRole).widget()
    polarity.setCurrentText("negative")
    polarity.activated.emit(polarity.currentIndex())
    first = window.session.current
    select_text(window, "taxes will rise")
    qtbot.keyClick(view, Qt.Key.Key_O)
    second = window.session.current
    assert second is not None and second.uuid != first.uuid
    # the attribute rows of the label are kept, and show the second annotation's (empty) values
    assert panel.attributes.itemAt(1, panel.attributes.ItemRole.FieldRole).widget() is polarity
    assert polarity.currentText() == "—" and panel.fragments.item(0).text().endswith("taxes will rise")
    window.session.select(window.session.annotations[first.uuid])
    assert polarity.currentText() == "negative" and panel.fragments.item(0).text().endswith("disgrace")
    window.session.select(None)
    assert panel.attributes.rowCount() == 0 and panel.fragments.count() == 0 and not panel.label_box.isEnabled()
