"""Document › History: the document's changes listed with who and when; a deleted annotation and a deleted
document restored from the window."""

from annotator.services import documents
from annotator.ui.dialogs.history_dialog import HistoryDialog
from tests.ui.conftest import select_text


def test_restore_a_deleted_annotation_from_the_history(qtbot, window, tricky_doc) -> None:
    select_text(window, "taxes will rise")
    window.apply_label("claim")
    ann = window.session.current
    window.session.delete(ann)
    assert window.session.annotations == {}
    dialog = HistoryDialog(window.project, "alice", tricky_doc.uuid, window)
    qtbot.addWidget(dialog)
    dialog.restored.connect(window.menus.after_history_restore)
    texts = [[dialog.changes.item(r, c).text() for c in range(5)] for r in range(dialog.changes.rowCount())]
    assert texts[0][1:4] == ["alice", "annotation", "deleted"] and "“taxes will rise”" in texts[0][4]
    assert "(can be restored)" in texts[0][4] and "(can be restored)" not in texts[1][4]
    dialog.changes.selectRow(1)
    assert not dialog.restore_button.isEnabled()  # a creation is not something to restore
    dialog.changes.selectRow(0)
    assert dialog.restore_button.isEnabled()
    dialog.restore_button.click()
    assert dialog.message.text() == "Annotation restored"
    assert list(window.session.annotations) == [ann.uuid]  # the window shows it again
    assert "(can be restored)" not in dialog.changes.item(0, 4).text()  # the list now ends with its re-creation


def test_restore_a_deleted_document_from_the_history(qtbot, window, tricky_doc) -> None:
    select_text(window, "taxes will rise")
    window.apply_label("claim")
    documents.delete_document(window.project, tricky_doc.uuid, "alice")
    window.refresh_documents()
    dialog = HistoryDialog(window.project, "alice", None, window)
    qtbot.addWidget(dialog)
    assert dialog.tabs.currentIndex() == 1 and not dialog.tabs.isTabEnabled(0)
    assert [dialog.deleted.item(0, c).text() for c in (1, 2, 3)] == ["alice", "Tricky", "1"]
    dialog.deleted.selectRow(0)
    dialog.restore_button.click()
    assert dialog.message.text().startswith("Document restored with 1 annotation")
    assert dialog.deleted.rowCount() == 0
    assert documents.get_document(window.project, tricky_doc.uuid).text == tricky_doc.text
    assert window.menus.history_action.text() == "&History and deleted items…"
