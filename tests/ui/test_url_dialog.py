"""Add from URL… driven as a person does: addresses typed or loaded, fetched in the background from a local
server, cancelled, and the report of what failed and why."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from annotator.services import documents, web_import
from annotator.services.web_fetch import FetchLimits
from annotator.ui.dialogs.url_dialog import UrlDialog
from tests import page_server

QUICK = FetchLimits(timeout=0.5, deadline=5, max_bytes=2**20)


def open_dialog(qtbot, project) -> UrlDialog:
    dialog = UrlDialog(project, "alice", limits=QUICK)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_type_addresses_import_and_read_the_report(qtbot, project, monkeypatch) -> None:
    page_server.loopback_only(monkeypatch)
    dialog = open_dialog(qtbot, project)
    assert not dialog.import_button.isEnabled()
    with page_server.serve() as site:
        for line in (f"{site}/article.html", "# a note", f"{site}/missing", "", "ftp://127.0.0.1/x"):
            qtbot.keyClicks(dialog.urls_edit, line)
            qtbot.keyClick(dialog.urls_edit, Qt.Key.Key_Return)
        assert dialog.import_button.isEnabled()
        with qtbot.waitSignal(dialog.imported, timeout=30_000) as done:
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    report = done.args[0]
    assert dialog.summary.text() == "Done. 1 imported, 0 duplicates skipped, 2 failed"
    assert dialog.details.isVisible()
    assert dialog.details.toPlainText().splitlines() == [
        f"Failed: {site}/missing: HTTP 404 Not Found",
        "Failed: ftp://127.0.0.1/x: the address is ftp:; only http and https pages can be imported",
    ]
    assert dialog.urls() == [f"{site}/missing", "ftp://127.0.0.1/x"]  # what is left to try again
    [row] = documents.list_documents(project)
    assert row.title == "Minister resigns over tax plan" and report.imported[0][1] == row.uuid
    assert dialog.import_button.isEnabled()


def test_load_a_list_from_a_file_and_import_again_as_duplicates(qtbot, project, tmp_path, monkeypatch) -> None:
    page_server.loopback_only(monkeypatch)
    with page_server.serve() as site:
        listing = tmp_path / "list.txt"
        listing.write_text(f"{site}/article.html\n{site}/scraped.txt\n", encoding="utf-8")
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(listing), ""))
        dialog = open_dialog(qtbot, project)
        load = next(b for b in dialog.findChildren(type(dialog.import_button)) if b.text() == "Load list from file…")
        qtbot.mouseClick(load, Qt.MouseButton.LeftButton)
        assert dialog.urls() == [f"{site}/article.html", f"{site}/scraped.txt"]
        assert dialog.summary.text() == "2 addresses read from list.txt"
        dialog.keep_boilerplate.setChecked(True)
        with qtbot.waitSignal(dialog.imported, timeout=30_000):
            dialog.start_import()
        assert dialog.urls() == [] and len(documents.list_documents(project)) == 2
        scraped = [d for d in documents.list_documents(project) if d.title.startswith("Ministers Clash")]
        assert "boilerplate" not in documents.get_document(project, scraped[0].uuid).metadata
        dialog.set_urls([f"{site}/article.html"])
        with qtbot.waitSignal(dialog.imported, timeout=30_000) as again:
            dialog.start_import()
    assert again.args[0].summary() == "0 imported, 1 duplicates skipped, 0 failed"
    assert "Already in the project: " in dialog.details.toPlainText()
    assert dialog.report.summary() == "2 imported, 1 duplicates skipped, 0 failed"  # both runs together


def test_a_bad_list_file_is_named(qtbot, project, tmp_path) -> None:
    listing = tmp_path / "empty.txt"
    listing.write_text("\n# nothing\n", encoding="utf-8")
    dialog = open_dialog(qtbot, project)
    dialog.load_list(listing)
    assert dialog.summary.text() == f"{listing}: holds no addresses (one URL per line)"
    assert dialog.urls() == []


def test_cancel_stops_after_the_page_being_fetched(qtbot, project, monkeypatch) -> None:
    page_server.loopback_only(monkeypatch)
    entered, release = threading.Event(), threading.Event()
    original = web_import.fetch

    def held_fetch(url, limits=None):
        entered.set()
        release.wait(10)  # the first page is held until the test has pressed Cancel
        return original(url, limits)

    monkeypatch.setattr(web_import, "fetch", held_fetch)
    with page_server.serve() as site:
        dialog = open_dialog(qtbot, project)
        dialog.set_urls([f"{site}/article.html", f"{site}/scraped.txt", f"{site}/article-again.html"])
        dialog.start_import()
        qtbot.waitUntil(entered.is_set)
        [cancel] = dialog.progress.findChildren(QPushButton)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)  # the user presses Cancel in the progress dialog
        assert dialog.summary.text().startswith("Cancelling")
        release.set()
        with qtbot.waitSignal(dialog.imported, timeout=30_000) as done:
            pass
    report = done.args[0]
    assert report.cancelled
    assert dialog.summary.text() == "1 imported, 0 duplicates skipped, 0 failed; cancelled before the end"
    assert len(documents.list_documents(project)) == 1
    assert dialog.urls() == [f"{site}/scraped.txt", f"{site}/article-again.html"]
