"""First launch: the window opens at once with the welcome page in place of the text; the name is asked inline;
the page's buttons bring articles in; the tagging card shows the scheme's label keys."""

import getpass
import json
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from annotator import paths
from annotator.core.scheme import Label, Scheme
from annotator.services.importing import ImportReport
from annotator.services.project import Project
from annotator.settings import Settings
from annotator.ui import app
from annotator.ui.welcome import tagging_card_html


@pytest.fixture
def first_launch(qtbot, monkeypatch):
    """The app started with no settings at all, as on a new computer."""

    def no_dialog(*args, **kwargs):
        raise AssertionError("a dialog was shown before the window")

    monkeypatch.setattr(QInputDialog, "getText", no_dialog)
    workbench = app.launch(Settings.load())
    qtbot.addWidget(workbench.window)
    qtbot.waitExposed(workbench.window)
    return workbench.window


def card_keys(window) -> list[tuple[str, str]]:
    text = window.welcome.card.text()
    return re.findall(r"&nbsp;(\w)&nbsp;</span></td><td[^>]*><b>([^<]+)</b>", text)


def test_first_launch_shows_the_window_with_the_welcome_page_and_the_offered_name(first_launch) -> None:
    window = first_launch
    assert window.isVisible() and window.centre.currentWidget() is window.welcome
    assert window.welcome.name_row.isVisible() and window.welcome.name_box.text() == getpass.getuser()
    assert "Welcome to Media Annotator" in window.welcome.heading.text()
    assert window.windowTitle() == "project — no annotator name yet — Media Annotator"
    buttons = [window.welcome.samples_button, window.welcome.import_button, window.welcome.open_button]
    assert [b.text() for b in buttons + [window.welcome.connect_button]] == [
        "Load sample articles",
        "Import articles…",
        "Open project…",
        "Connect to team server…",
    ]
    assert card_keys(window) == [("C", "claim"), ("O", "opinion"), ("A", "attribution"), ("F", "framing")]


def test_the_name_typed_inline_is_kept_and_the_samples_open_at_the_first_article(qtbot, first_launch) -> None:
    window = first_launch
    window.welcome.name_box.clear()
    qtbot.keyClicks(window.welcome.name_box, "Rita Ng")
    qtbot.keyClick(window.welcome.name_box, Qt.Key.Key_Return)
    assert window.session.annotator == "Rita Ng" and not window.welcome.name_row.isVisible()
    assert json.loads(paths.settings_path().read_text())["annotator"] == "Rita Ng"
    assert window.windowTitle() == "project — annotating as Rita Ng — Media Annotator"
    assert "no articles yet" in window.welcome.intro.text()
    qtbot.mouseClick(window.welcome.samples_button, Qt.MouseButton.LeftButton)
    assert window.navigator.model.total == 5 and window.session.document is not None
    assert window.centre.currentWidget() is window.reader
    assert window.reader.view.toPlainText().startswith(window.session.document.text[:20].replace("\r\n", "\n"))


def test_acting_without_confirming_takes_the_offered_name_and_an_empty_one_is_asked_for(qtbot, first_launch) -> None:
    window = first_launch
    window.welcome.name_box.clear()
    qtbot.mouseClick(window.welcome.samples_button, Qt.MouseButton.LeftButton)
    assert window.navigator.model.total == 0 and not window.named
    assert window.statusBar().currentMessage() == "Type your name as an annotator first"
    qtbot.keyClicks(window.welcome.name_box, "sam")
    qtbot.mouseClick(window.welcome.samples_button, Qt.MouseButton.LeftButton)
    assert window.session.annotator == "sam" and window.navigator.model.total == 5
    assert Settings.load().annotator == "sam"


def test_the_import_and_project_buttons_run_the_file_menus_actions(qtbot, first_launch, monkeypatch) -> None:
    window = first_launch
    imported = []

    def run_import(parent, project, actor, paths):
        imported.append((project, actor))
        return ImportReport()

    monkeypatch.setattr("annotator.ui.dialogs.import_dialog.run_import", run_import)
    qtbot.mouseClick(window.welcome.import_button, Qt.MouseButton.LeftButton)
    assert imported == [(window.project, getpass.getuser())]
    window.welcome.connect_button.click()
    dialog = window.menus.projects.dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Connect to a team server"
    dialog.reject()
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda _parent, title, *a: asked.append(title) or ("", ""))
    window.welcome.open_button.click()
    assert asked == ["Open a project"] and window.centre.currentWidget() is window.welcome


def test_the_tagging_card_follows_the_projects_scheme(tmp_path) -> None:
    scheme = Scheme(labels=(Label("bias", "#ffd92f", "B", guideline="one-sided wording"), Label("other", "#000000")))
    html = tagging_card_html(scheme)
    assert "one-sided wording" in html and ">&nbsp;B&nbsp;<" in html and "other" not in html
    assert "background:#ffd92f; color:#000000" in html  # dark text on a light colour, for legibility


def test_a_project_with_articles_and_a_name_shows_the_text_area_not_the_welcome(qtbot, tmp_path) -> None:
    from annotator.services.samples import load_samples

    project = Project.open(tmp_path / "p.sqlite")
    load_samples(project, "alice")
    workbench = app.launch(Settings(annotator="alice"), given=str(tmp_path / "p.sqlite"))
    qtbot.addWidget(workbench.window)
    assert workbench.window.centre.currentWidget() is workbench.window.reader
    project.close()
