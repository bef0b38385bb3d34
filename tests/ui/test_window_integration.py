"""The main window's entry points into import, export, metadata, collections and review."""

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog

from annotator.services import collections


def test_review_menu_opens_compare_agreement_and_adjudication(qtbot, window) -> None:
    window.load_samples()
    window.navigator.step(1)
    names = [a.text() for a in window.menus.review_menu.actions() if a.text()]
    assert names[:3] == ["&Compare annotators…", "&Agreement report…", "A&djudicate (gold standard)…"]
    for action in window.menus.review_menu.actions()[:3]:
        action.trigger()
    kinds = sorted(type(w).__name__ for w in window.review_windows)
    assert kinds == ["AdjudicationWindow", "AgreementDialog", "CompareWindow"]
    assert all(w.isVisible() for w in window.review_windows)
    agreement = next(w for w in window.review_windows if type(w).__name__ == "AgreementDialog")
    qtbot.waitUntil(lambda: agreement.result is not None, timeout=10_000)  # computed on opening
    assert agreement.result["overall"]["cohen_kappa"] is not None
    for w in window.review_windows:
        qtbot.addWidget(w)


def test_dropping_a_file_imports_it(qtbot, window, tmp_path) -> None:
    article = tmp_path / "dropped.txt"
    article.write_text("Dropped headline\n\nA short article body.", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(article))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(window, QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, buttons, keys))
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: window.navigator.model.total == 1, timeout=5000)
    assert window.navigator.model.summary(0).title == "Dropped headline"


def test_collection_filter_in_the_navigator(qtbot, window) -> None:
    window.load_samples()
    rows = [window.navigator.model.summary(i) for i in range(window.navigator.model.total)]
    collections.add_documents(window.project, "batch 1", [rows[0].uuid, rows[1].uuid], "alice")
    window.refresh_documents()
    box = window.navigator.collection_box
    box.setCurrentIndex(box.findData("batch 1"))
    box.activated.emit(box.currentIndex())
    assert window.navigator.model.total == 2


def test_metadata_dialog_from_the_document_menu(qtbot, window, monkeypatch) -> None:
    window.load_samples()
    window.navigator.step(1)
    seen = []

    def fake_exec(dialog):
        seen.append(type(dialog).__name__)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(QDialog, "exec", fake_exec)
    window.reader.view.setFocus()
    qtbot.keyClick(window.reader.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["MetadataDialog"]
