"""The import dialog driven as a person does: choose files, look at a table's preview, change its mapping,
import in the background, cancel; and files dropped on a window."""

import json
import threading
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog, QPushButton, QWidget

from annotator.services import collections, documents, importing
from annotator.ui.dialogs import import_dialog
from annotator.ui.dialogs.import_dialog import DropImporter, ImportDialog, paths_from_drop, run_import
from annotator.ui.workers import BackgroundTask


def make_csv(folder: Path) -> Path:
    path = folder / "batch.csv"
    path.write_bytes(
        "\ufeffheadline;story;paper\nFirst;The first story.;Paper A\nSecond;The second story.;Paper B\n".encode()
    )
    return path


def open_dialog(qtbot, project, paths=()) -> ImportDialog:
    dialog = ImportDialog(project, "alice", paths)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def wait_done(qtbot, dialog: ImportDialog) -> None:
    with qtbot.waitSignal(dialog.imported, timeout=30_000):
        pass


def test_choose_a_csv_see_the_preview_change_the_mapping_and_import(qtbot, project, tmp_path, monkeypatch) -> None:
    csv = make_csv(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(csv)], ""))
    dialog = open_dialog(qtbot, project)
    assert not dialog.import_button.isEnabled()
    add_files = next(b for b in dialog.findChildren(type(dialog.import_button)) if b.text() == "Add files…")
    qtbot.mouseClick(add_files, Qt.MouseButton.LeftButton)
    assert dialog.paths() == [csv] and dialog.preview.isVisible()
    assert dialog.preview.table.rowCount() == 2 and dialog.preview.table.columnCount() == 3
    assert dialog.preview.table.horizontalHeaderItem(1).text() == "story"
    assert dialog.preview.boxes["text"].currentText() == "story"  # detected
    assert dialog.preview.boxes["outlet"].currentText() == "— none —"  # "paper" is not a common name
    assert "semicolon" in dialog.preview.info.text()
    dialog.preview.boxes["outlet"].setCurrentText("paper")
    dialog.preview.boxes["title"].setCurrentIndex(0)  # none: titles from the text's first line
    assert dialog.mapping_for(csv)["outlet"] == "paper" and dialog.mapping_for(csv)["title"] == ""
    dialog.collection_box.setCurrentText("batch A")
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as done:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    report = done.args[0]
    assert report.summary() == "2 imported, 0 duplicates skipped, 0 failed"
    assert dialog.summary.text() == "Done. 2 imported, 0 duplicates skipped, 0 failed"
    rows = {r.title: r for r in documents.list_documents(project)}
    assert set(rows) == {"The first story.", "The second story."}
    assert {r.outlet for r in rows.values()} == {"Paper A", "Paper B"}
    assert [(c.name, c.size) for c in collections.list_collections(project)] == [("batch A", 2)]
    assert dialog.paths() == [] and not dialog.import_button.isEnabled()  # nothing to import twice


def test_a_mapping_without_text_shows_the_problem(qtbot, project, tmp_path) -> None:
    csv = make_csv(tmp_path)
    dialog = open_dialog(qtbot, project, [csv])
    dialog.preview.boxes["text"].setCurrentIndex(0)
    assert dialog.preview.has_problem and "no column holds the article text" in dialog.preview.problem.text()
    dialog.preview.boxes["text"].setCurrentText("paper")
    assert not dialog.preview.has_problem


def test_failures_and_duplicates_are_listed(qtbot, project, tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Same words.")
    (tmp_path / "b.txt").write_text("Same words.")
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4 broken")
    dialog = open_dialog(qtbot, project, [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.pdf"])
    assert not dialog.preview.isVisible()
    with qtbot.waitSignal(dialog.imported, timeout=30_000):
        dialog.start_import()
    details = dialog.details.toPlainText()
    assert f"Failed: {tmp_path / 'c.pdf'}: not a readable PDF" in details
    assert f"Duplicate skipped: {tmp_path / 'b.txt'} (same text as “Same words.”" in details
    assert dialog.summary.text() == "Done. 1 imported, 1 duplicates skipped, 1 failed"


def test_cancel_stops_the_import_and_keeps_finished_files(qtbot, project, tmp_path, monkeypatch) -> None:
    files = []
    for i in range(6):
        files.append(tmp_path / f"{i}.txt")
        files[-1].write_text(f"Article {i}.")
    gate, reached = threading.Event(), threading.Event()
    real = importing.import_paths

    def slow_import(project, paths, actor, format_name, options, progress, **kwargs):
        def paced(done, name):
            if done == 2:
                reached.set()
                gate.wait(10)  # hold the worker until the test has pressed Cancel
            return progress(done, name)

        return real(project, paths, actor, format_name, options, paced, **kwargs)

    monkeypatch.setattr(importing, "import_paths", slow_import)
    dialog = open_dialog(qtbot, project, files)
    dialog.start_import()
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    assert dialog.task is not None and dialog.task.is_running()
    QApplication.processEvents()  # the window keeps handling events while the worker runs
    progress = dialog.findChild(QProgressDialog)
    assert progress is not None
    cancel_button = progress.findChild(QPushButton)
    assert cancel_button.text() == "Cancel"
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as done:
        cancel_button.click()
        gate.set()
    report = done.args[0]
    assert report.cancelled and len(report.imported) == 2
    assert dialog.summary.text().startswith("Cancelled. 2 imported")
    assert len(documents.list_documents(project)) == 2
    assert len(dialog.paths()) == 6  # the list stays, to finish later


def test_run_import_without_a_table_imports_at_once_and_closes(qtbot, project, tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Dropped article.")
    report = run_import(None, project, "alice", [tmp_path / "a.txt"])
    assert report.summary() == "1 imported, 0 duplicates skipped, 0 failed"
    assert [r.title for r in documents.list_documents(project)] == ["Dropped article."]


def test_run_import_with_a_table_asks_first(qtbot, project, tmp_path) -> None:
    csv = make_csv(tmp_path)
    shown = []

    def press_import() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ImportDialog) and w.isVisible())
        shown.append(dialog.preview.isVisible())
        dialog.close_when_clean = True
        dialog.start_import()

    QTimer.singleShot(100, press_import)
    report = run_import(None, project, "alice", [csv])
    assert shown == [True] and len(report.imported) == 2


def test_paths_from_a_drop_and_the_drop_importer(qtbot, project, tmp_path, monkeypatch) -> None:
    (tmp_path / "x.txt").write_text("x")
    mime = QMimeData()
    mime.setUrls(
        [
            QUrl.fromLocalFile(str(tmp_path / "x.txt")),
            QUrl.fromLocalFile(str(tmp_path)),
            QUrl("https://example.com/article.html"),
        ]
    )
    assert paths_from_drop(mime) == [tmp_path / "x.txt", tmp_path]
    assert paths_from_drop(QMimeData()) == []

    window = QWidget()
    qtbot.addWidget(window)
    window.show()  # Qt delivers drops to visible widgets only
    received = []
    monkeypatch.setattr(import_dialog, "run_import", lambda parent, proj, actor, paths: received.append(paths) or 7)
    reports = []
    DropImporter(window, lambda: project, lambda: "alice", reports.append)
    assert window.acceptDrops()
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(window, enter)  # Qt delivers a drop only after the drag was accepted on entering
    assert enter.isAccepted()
    text_only = QMimeData()
    text_only.setText("just words")
    ignored = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, text_only, buttons, keys)
    QApplication.sendEvent(window, ignored)
    assert not ignored.isAccepted()
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: bool(received), timeout=5000)
    assert received == [[tmp_path / "x.txt", tmp_path]] and reports == [7]


def test_background_task_reports_errors_and_results(qtbot) -> None:
    from annotator.core.errors import InputError

    def bad(progress):
        raise InputError("no good", "f.txt")

    task = BackgroundTask(bad)
    with qtbot.waitSignal(task.failed, timeout=5000) as failed:
        task.start()
    assert failed.args == ["f.txt: no good"]

    def counting(progress):
        return [progress(i, 3, f"item {i}") for i in range(3)]

    task = BackgroundTask(counting)
    seen = []
    task.progressed.connect(lambda done, total, name: seen.append((done, total, name)))
    with qtbot.waitSignal(task.succeeded, timeout=5000) as ok:
        task.start()
    assert ok.args == [[True, True, True]]
    qtbot.waitUntil(lambda: len(seen) == 3)
    assert seen[-1] == (2, 3, "item 2")


def test_closing_while_importing_cancels_and_keeps_the_report(qtbot, project, tmp_path) -> None:
    batch = tmp_path / "big.jsonl"
    batch.write_text("".join(json.dumps({"text": f"Row {i}."}) + "\n" for i in range(5000)))
    (tmp_path / "a.txt").write_text("Small article first.")
    dialog = open_dialog(qtbot, project, [tmp_path / "a.txt", batch])
    dialog.start_import()
    dialog.reject()
    assert dialog.task is None and dialog.report is not None and not dialog.isVisible()
    stored = len(documents.list_documents(project))
    assert stored in (0, 1, 5001)  # the big file whole or not at all
    assert len(dialog.report.imported) == stored


def test_a_dropped_folder_of_every_format_imports_with_metadata(qtbot, project, tmp_path) -> None:
    from tests.services.test_importing_articles import write_all_formats

    write_all_formats(tmp_path / "in")
    report = run_import(None, project, "alice", [tmp_path / "in"])
    assert report.summary() == "9 imported, 0 duplicates skipped, 0 failed"
    docs = {r.title: documents.get_document(project, r.uuid) for r in documents.list_documents(project)}
    assert docs["Web story"].outlet == "The Web Times" and docs["Web story"].metadata["source_format"] == "html"
    assert docs["Word story"].metadata["source_format"] == "docx"
    assert docs["PDF story"].metadata["source_format"] == "pdf"
    assert docs["CSV one"].outlet == "Outlet A" and docs["JSON one"].outlet == "Outlet C"


def test_annotations_of_an_annotated_file_can_be_put_under_another_name(qtbot, project) -> None:
    from annotator.services.samples import samples_path

    dialog = open_dialog(qtbot, project, [samples_path()])
    assert not dialog.preview.isVisible()  # the native format is not a table of articles
    dialog.annotator.setText("carol")
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as done:
        dialog.start_import()
    report = done.args[0]
    assert report.annotations > 0
    assert sum(r.annotation_count for r in documents.list_documents(project, "carol")) == report.annotations
    assert sum(r.annotation_count for r in documents.list_documents(project, "alice")) == 0


def test_labels_the_scheme_lacks_stop_the_import_or_are_added(qtbot, project, tmp_path) -> None:
    from annotator.core.model import Annotation, Document, Fragment
    from annotator.formats.jsonl import bundle_to_json
    from annotator.formats.registry import DocumentBundle

    doc = Document("Officials hid the report.", title="Hidden")
    ann = Annotation(doc.uuid, "carol", "propaganda", (Fragment(10, 13),))
    path = tmp_path / "theirs.jsonl"
    path.write_text(__import__("json").dumps(bundle_to_json(DocumentBundle(doc, [ann]))) + "\n", encoding="utf-8")
    dialog = open_dialog(qtbot, project, [path])
    with qtbot.waitSignal(dialog.imported, timeout=30_000):
        dialog.start_import()
    assert "propaganda" in dialog.details.toPlainText() and documents.list_documents(project) == []
    second = open_dialog(qtbot, project, [path])
    second.unknown_labels.setCurrentIndex(second.unknown_labels.findData("new"))
    with qtbot.waitSignal(second.imported, timeout=30_000):
        second.start_import()
    assert project.scheme.has_label("propaganda")
    assert [r.annotation_count for r in documents.list_documents(project, "carol")] == [1]


def test_page_furniture_is_marked_unless_the_box_is_ticked(qtbot, project, tmp_path) -> None:
    from tests.formats.test_scraped import page

    marked, kept = tmp_path / "marked.txt", tmp_path / "kept.txt"
    marked.write_text(page(), encoding="utf-8")
    kept.write_text(page().replace("Home", "Start"), encoding="utf-8")
    for path, tick in ((marked, False), (kept, True)):
        dialog = open_dialog(qtbot, project, [path])
        dialog.keep_boilerplate.setChecked(tick)
        with qtbot.waitSignal(dialog.imported, timeout=30_000) as done:
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        [(_, uuid)] = done.args[0].imported
        stored = documents.get_document(project, uuid)
        assert bool(stored.boilerplate) is not tick and "boilerplate" not in stored.metadata


def test_the_dialog_shows_what_the_format_kept_and_left_out(qtbot, project, tmp_path) -> None:
    from tests.formats.test_brat import FULL, TEXT, write

    folder = write(tmp_path / "brat", "full", TEXT, FULL)
    dialog = open_dialog(qtbot, project, [folder])
    dialog.unknown_labels.setCurrentIndex(dialog.unknown_labels.findData("new"))
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as done:
        dialog.start_import()
    assert not done.args[0].failed
    shown = dialog.details.toPlainText()
    assert dialog.details.isVisible()
    assert "Format: kept: 4 attributes (brat)" in shown
    assert "Format: kept as format data only: 2 attributes (brat), 1 equivalence (brat), 2 normalizations" in shown
