"""New document from clipboard: the HTML flavour first (kept whole, furniture marked), else the plain text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QMimeData
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from annotator.formats.registry import ReadOptions
from annotator.services import documents
from annotator.ui import clipboard_import
from tests import page_server
from tests.formats.test_scraped import BODY, HEADLINE, page

COPIED_HTML = (
    "<html><body><!--StartFragment--><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
    f"<h1>{HEADLINE}</h1><p>© Reuters / Jane Photographer</p>"
    + "".join(f"<p>{p}</p>" for p in BODY)
    + "<div class='share'><a href='/s'>Share this article</a></div><!--EndFragment--></body></html>"
)


def put(html: str = "", text: str = "", url: str = "") -> None:
    mime = QMimeData()
    if html:
        mime.setHtml(html)
    if text:
        mime.setText(text)
    if url:
        mime.setData("text/x-moz-url-priv", QByteArray(url.encode("utf-16-le")))
    QGuiApplication.clipboard().setMimeData(mime)


@pytest.fixture
def messages(monkeypatch) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []
    for kind in ("warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, k=kind: said.append((k, text)))
    return said


def test_the_html_flavour_becomes_a_document_with_its_furniture_marked(qtbot, project, messages) -> None:
    put(html=COPIED_HTML, text="the plain flavour is not used", url="https://news.example/minister")
    outcome = clipboard_import.paste_as_document(project, "alice")
    assert outcome is not None and outcome.added and messages == []
    doc = documents.get_document(project, outcome.document.uuid)
    assert doc.title == HEADLINE and doc.source == "https://news.example/minister"
    assert all(paragraph in doc.text for paragraph in BODY) and "plain flavour" not in doc.text
    marked = [doc.text[s:e] for s, e in doc.boilerplate]
    assert any("Home" in m for m in marked) and any("Share this article" in m for m in marked)
    assert not any(BODY[0][:40] in m for m in marked)
    assert doc.metadata["source_format"] == "clipboard html" and doc.metadata["pasted"].startswith("20")


def test_plain_text_is_read_as_a_scraped_text(qtbot, project, messages) -> None:
    put(text=page("\r\n"))
    outcome = clipboard_import.paste_as_document(project, "alice")
    doc = documents.get_document(project, outcome.document.uuid)
    assert doc.text == page("\r\n") and doc.title == HEADLINE and doc.outlet == "Daily Planet"
    assert doc.source == "clipboard" and doc.metadata["source_format"] == "clipboard text"
    assert doc.text[slice(*doc.boilerplate[0])].startswith("Home\r\nPolitics")


def test_the_same_text_twice_says_where_it_already_is(qtbot, project, messages) -> None:
    put(text=page())
    first = clipboard_import.paste_as_document(project, "alice")
    again = clipboard_import.paste_as_document(project, "alice")
    assert again.duplicate_of is not None and again.duplicate_of.uuid == first.document.uuid
    assert messages == [("information", f"This text is already in the project, as “{HEADLINE}”.")]
    assert len(documents.list_documents(project)) == 1


def test_an_empty_clipboard_or_an_image_only_is_refused_and_nothing_stored(qtbot, project, messages) -> None:
    QGuiApplication.clipboard().clear()
    assert clipboard_import.paste_as_document(project, "alice") is None
    put(html="<html><body><img src='photo.jpg'></body></html>")
    assert clipboard_import.paste_as_document(project, "alice") is None
    assert messages == [("warning", "the clipboard holds no text to make a document from")] * 2
    assert documents.list_documents(project) == []


def test_keep_boilerplate_and_the_source_address_flavours(qtbot) -> None:
    put(text=page(), url="https://news.example/a\r\nA title")
    doc = clipboard_import.clipboard_document(options=ReadOptions(extra={"keep_boilerplate": True}))
    assert "boilerplate" not in doc.metadata and doc.source == "https://news.example/a"
    mime = QMimeData()
    mime.setData("text/x-moz-url", QByteArray(b"javascript:alert(1)"))
    assert clipboard_import.source_url(mime) == ""


def test_a_page_copied_from_the_local_server_keeps_its_address(qtbot, project, messages, monkeypatch) -> None:
    """The full round: a page fetched, its HTML put on the clipboard as a browser would, pasted."""
    page_server.loopback_only(monkeypatch)
    with page_server.serve() as site:
        from annotator.services.web_fetch import fetch

        got = fetch(f"{site}/article.html")
    put(html=got.body.decode("utf-8"), url=got.final_url)
    outcome = clipboard_import.paste_as_document(project, "alice")
    doc = documents.get_document(project, outcome.document.uuid)
    assert (doc.title, doc.outlet, doc.source) == ("Minister resigns over tax plan", "Daily Planet", got.final_url)
    assert any("All rights reserved" in doc.text[s:e] for s, e in doc.boilerplate)


def test_the_file_menu_pastes_an_article_and_opens_its_metadata_with_the_guesses_marked(
    qtbot, window, monkeypatch
) -> None:
    from PySide6.QtGui import QGuiApplication

    from annotator.ui.dialogs import metadata_dialog

    seen = {}

    def look(parent, project, uuid, actor, run=None) -> bool:
        dialog = metadata_dialog.MetadataDialog(project, uuid, actor, parent)
        seen["guessed"] = [n for n, edit in dialog.fields.items() if "Guessed" in edit.toolTip()]
        seen["title"] = dialog.fields["title"].text()
        dialog.deleteLater()
        return False

    monkeypatch.setattr(metadata_dialog, "edit_metadata", look)
    body = (
        "The minister resigned on Tuesday after weeks of protests against the plan, which would have raised "
        "taxes for most households in the country. Her party said it would name a successor within days, and "
        "the opposition called for an early election before the budget is debated in parliament next month.\n"
    )
    QGuiApplication.clipboard().setText(f"Home | World | Subscribe\nMinister resigns over tax plan\n\n{body}")
    window.menus.paste_action.trigger()
    assert window.session.document is not None and seen["title"] == window.session.document.title
    assert "title" in seen["guessed"] and seen["title"] == "Minister resigns over tax plan"
    assert window.session.document.text[slice(*window.session.document.boilerplate[0])] == "Home | World | Subscribe"
