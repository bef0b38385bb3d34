from PySide6.QtCore import Qt

from annotator.settings import Settings
from annotator.ui.main_window import MainWindow
from annotator.ui.models.documents import DocumentTableModel


def test_samples_load_from_the_menu_and_a_click_shows_the_article(qtbot, project) -> None:
    window = MainWindow(project, Settings(annotator="alice"))
    qtbot.addWidget(window)
    window.show()
    assert window.documents.rowCount() == 0
    window.samples_action.trigger()
    assert window.documents.rowCount() == 5
    assert window.progress_label.text() == "alice · 5 of 5 done"
    assert "5 imported" in window.statusBar().currentMessage()
    window.table.sortByColumn(DocumentTableModel.TITLE, Qt.SortOrder.AscendingOrder)
    first = window.proxy.index(0, 0)
    rect = window.table.visualRect(first)
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.reader.toPlainText().startswith("City council approves 40% bus fare rise")


def test_filter_box_narrows_the_list(qtbot, sample_project) -> None:
    window = MainWindow(sample_project, Settings(annotator="alice"))
    qtbot.addWidget(window)
    qtbot.keyClicks(window.filter_box, "riverside")
    assert window.proxy.rowCount() == 1


def test_document_model_passes_the_model_tester(qtmodeltester, sample_project) -> None:
    from annotator.services import documents

    model = DocumentTableModel()
    model.set_rows(documents.list_documents(sample_project, "alice"))
    qtmodeltester.check(model)
    assert model.data(model.index(0, DocumentTableModel.COUNT)) == 11
