"""Navigator, layers, identity, scheme editor, find and preferences, through the real widgets."""

from PySide6.QtCore import Qt

from annotator.services.annotating import Annotating
from annotator.settings import Settings
from annotator.ui.dialogs.scheme_editor import SchemeEditor
from annotator.ui.main_window import MainWindow
from annotator.ui.models.annotations import AnnotationListModel
from tests.ui.conftest import select_text


def test_navigator_filters_searches_and_steps(qtbot, window) -> None:
    window.load_samples()
    nav = window.navigator
    assert nav.model.total == 5
    qtbot.keyClicks(nav.filter_box, "riverside")
    assert nav.model.total == 1
    nav.filter_box.clear()
    assert nav.model.total == 5
    view = window.reader.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    first = window.session.document.title
    qtbot.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.session.document.title != first
    qtbot.keyClick(view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.session.document.title == first
    assert nav.model.data(nav.table.currentIndex().siblingAtColumn(0)) == first


def test_navigator_count_follows_edits(qtbot, window) -> None:
    window.load_samples()
    window.navigator.step(1)
    uuid = window.session.document.uuid
    row = window.navigator.model.row_of(uuid)
    before = window.navigator.model.summary(row).annotation_count
    select_text(window, "the")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_C)
    assert window.navigator.model.summary(row).annotation_count == before + 1


def test_annotation_model_passes_the_model_tester(qtmodeltester, sample_project) -> None:
    anns = Annotating(sample_project, "alice").annotations(
        [d for d in __import__("annotator.services.documents", fromlist=["x"]).list_documents(sample_project)][0].uuid
    )
    model = AnnotationListModel()
    model.set_rows(anns, "x" * 2000)
    qtmodeltester.check(model)
    model.remove(anns[0].uuid)
    model.upsert(anns[0])
    assert model.annotation(0).uuid == sorted(anns, key=lambda a: (a.start, -a.end, a.uuid))[0].uuid


def test_colleagues_layers_show_read_only(qtbot, window) -> None:
    window.load_samples()
    window.navigator.step(1)
    mine = len(window.session.annotations)
    window.show_colleagues(["bob"])
    assert len(window.session.annotations) > mine
    bobs = next(a for a in window.session.annotations.values() if a.annotator == "bob" and a.fragments)
    window.reader.show_annotation(bobs)
    assert "read-only" in window.panel.heading.text() and not window.panel.delete_button.isEnabled()
    window.reader.view.setFocus()
    qtbot.keyClick(window.reader.view, Qt.Key.Key_Delete)
    assert bobs.uuid in window.session.annotations


def test_switching_annotator_shows_their_layer(qtbot, window) -> None:
    window.load_samples()
    window.navigator.step(1)
    window.switch_annotator("bob")
    assert {a.annotator for a in window.session.annotations.values()} == {"bob"}
    assert Settings.load().annotator == "bob"
    qtbot.waitUntil(lambda: window.progress_label.text() == "bob · 0 of 5 done")  # counted on a worker thread


def test_scheme_editor_adds_renames_and_recolours_and_the_window_undoes_it(qtbot, window, tricky_doc) -> None:
    select_text(window, "disgrace")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_O)
    editor = SchemeEditor(window.project, "alice", window, run=window.session.run)
    qtbot.addWidget(editor)
    item = editor.add_label()
    editor.name.setText("hedge")
    editor.shortcut.setText("H")
    editor._show_colour("#123456")
    editor._add_attribute_row()
    editor.tree.setCurrentItem(editor.tree.topLevelItem(1))  # opinion
    editor.name.setText("evaluation")
    editor.tree.setCurrentItem(item)
    editor.accept()
    scheme = window.project.scheme
    assert scheme.label("hedge").colour == "#123456" and scheme.label("hedge").shortcut == "H"
    assert not scheme.has_label("opinion") and scheme.has_label("evaluation")
    assert Annotating(window.project, "alice").annotations(tricky_doc.uuid)[0].label == "evaluation"
    assert "hedge" in window.menus.label_actions  # the window followed the scheme's change record
    select_text(window, "Critics")
    qtbot.keyClick(window.reader.view, Qt.Key.Key_H)
    assert {a.label for a in Annotating(window.project, "alice").annotations(tricky_doc.uuid)} == {
        "evaluation",
        "hedge",
    }
    window.menus.undo_action.trigger()  # the hedge annotation
    assert window.menus.undo_action.text() == "&Undo Edit the scheme"
    window.menus.undo_action.trigger()  # the scheme: opinion is back, with its annotation
    assert window.project.scheme.has_label("opinion") and "hedge" not in window.menus.label_actions
    assert Annotating(window.project, "alice").annotations(tricky_doc.uuid)[0].label == "opinion"


def test_scheme_editor_refuses_clashing_shortcuts(qtbot, window, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr("annotator.ui.dialogs.scheme_editor.QMessageBox.warning", lambda *a: shown.append(a[2]))
    editor = SchemeEditor(window.project, "alice", window)
    qtbot.addWidget(editor)
    editor.add_label()
    editor.shortcut.setText("C")
    editor.accept()
    assert shown and "shortcut C" in shown[0]
    assert not window.project.scheme.has_label("new_label")


def test_find_in_document(qtbot, window, tricky_doc) -> None:
    window.reader.view.setFocus()
    qtbot.keyClick(window.reader.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.reader.find_bar.isVisible()
    qtbot.keyClicks(window.reader.find_box, "taxes")
    qtbot.keyClick(window.reader.find_box, Qt.Key.Key_Return)
    assert window.reader.view.textCursor().selectedText() == "taxes"


def test_zoom_and_layout_are_remembered(qtbot, project) -> None:
    first = MainWindow(project, Settings(annotator="alice"))
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.reader.view.setFocus()
    qtbot.keyClick(first.reader.view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    first.menus.snap_action.setChecked(False)
    first.close()
    settings = Settings.load()
    assert (settings.zoom, settings.snap_to_words) == (1, False) and settings.window_state
    second = MainWindow(project, settings)
    qtbot.addWidget(second)
    assert second.reader.view.zoom == 1 and not second.session.snap
