"""Editing a document's metadata and collections through the dialog, with undo."""

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from annotator.core.model import Document
from annotator.services import collections, documents
from annotator.services.undo import UndoHistory
from annotator.ui.dialogs.metadata_dialog import MetadataDialog, edit_metadata


def add_doc(project) -> Document:
    doc = Document(
        "\ufeffHeadline\r\nBody 😀.",
        title="Headline",
        outlet="Old Outlet",
        metadata={"source_format": "csv", "label_bias": "Biased"},
    )
    documents.add_document(project, doc, "alice")
    return doc


def test_fields_show_the_document_and_edits_are_saved_with_undo(qtbot, project) -> None:
    doc = add_doc(project)
    collections.create(project, "left", "alice")
    dialog = MetadataDialog(project, doc.uuid, "alice")
    qtbot.addWidget(dialog)
    assert dialog.fields["outlet"].text() == "Old Outlet"
    assert dialog.extra.rowCount() == 2 and dialog.extra.item(0, 0).text() == "label_bias"
    dialog.fields["outlet"].clear()
    qtbot.keyClicks(dialog.fields["outlet"], "Daily Planet")
    qtbot.keyClicks(dialog.fields["published"], "2024-03-05")
    assert dialog.date_hint.text() == ""
    dialog.collections_list.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClicks(dialog.new_collection, "batch 2")
    qtbot.keyClick(dialog.new_collection, Qt.Key.Key_Return)
    assert dialog.chosen_collections() == {"left", "batch 2"}
    history = UndoHistory()
    history.run(dialog.edit())
    stored = documents.get_document(project, doc.uuid)
    assert (stored.outlet, stored.published, stored.text) == ("Daily Planet", "2024-03-05", doc.text)
    assert set(collections.collections_of(project, doc.uuid)) == {"left", "batch 2"}
    history.undo()
    stored = documents.get_document(project, doc.uuid)
    assert (stored.outlet, stored.published) == ("Old Outlet", "")
    assert collections.collections_of(project, doc.uuid) == []
    history.redo()
    assert documents.get_document(project, doc.uuid).outlet == "Daily Planet"


def test_an_odd_date_is_flagged_but_kept(qtbot, project) -> None:
    doc = add_doc(project)
    dialog = MetadataDialog(project, doc.uuid, "alice")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.fields["published"], "March 5th")
    assert "Not an ISO 8601 date" in dialog.date_hint.text()
    assert dialog.changes() == ({"published": ""}, {"published": "March 5th"})


def test_edit_metadata_entry_point_ok_and_cancel(qtbot, project) -> None:
    doc = add_doc(project)

    def press(button, title=None) -> None:
        dialog = QApplication.activeModalWidget()
        if title is not None:
            dialog.fields["title"].setText(title)
        dialog.findChild(QDialogButtonBox).button(button).click()

    QTimer.singleShot(50, lambda: press(QDialogButtonBox.StandardButton.Cancel, "Ignored"))
    assert edit_metadata(None, project, doc.uuid, "alice") is False
    QTimer.singleShot(50, lambda: press(QDialogButtonBox.StandardButton.Ok))
    assert edit_metadata(None, project, doc.uuid, "alice") is False  # nothing changed
    history = UndoHistory()
    QTimer.singleShot(50, lambda: press(QDialogButtonBox.StandardButton.Ok, "New title"))
    assert edit_metadata(None, project, doc.uuid, "alice", history.run) is True
    assert documents.get_document(project, doc.uuid).title == "New title" and history.count() == 1
    history.undo()
    assert documents.get_document(project, doc.uuid).title == "Headline"


def test_the_story_is_edited_like_the_other_fields(qtbot, project) -> None:
    doc = add_doc(project)
    dialog = MetadataDialog(project, doc.uuid, "alice")
    qtbot.addWidget(dialog)
    assert dialog.fields["story"].text() == ""
    qtbot.keyClicks(dialog.fields["story"], "ferry-strike-2024")
    history = UndoHistory()
    history.run(dialog.edit())
    stored = documents.get_document(project, doc.uuid).metadata
    assert stored == {**doc.metadata, "story": "ferry-strike-2024"}
    assert [dialog.extra.item(r, 0).text() for r in range(dialog.extra.rowCount())] == ["label_bias", "source_format"]
    history.undo()
    assert documents.get_document(project, doc.uuid).metadata == doc.metadata
    assert project.log_problems() == []
