"""Help: the shortcuts list read from the window's actions, About with what a bug report needs, the log folder;
and the colours followed on a dark desktop with label colours kept legible."""

import sqlite3
from collections import Counter

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QAction, QColor, QDesktopServices, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from annotator import __version__, paths
from annotator.core.scheme import Label
from annotator.services.scheme import update_scheme
from annotator.ui import appearance
from annotator.ui.help import shortcuts
from annotator.ui.widgets.span_painter import WASH_ALPHA
from tests.ui.conftest import open_new_document, select_text


def test_the_shortcuts_list_shows_every_action_with_keys_and_follows_the_scheme(qtbot, window) -> None:
    dialog = window.menus.help.show_shortcuts()
    rows = dialog.visible_rows()
    with_keys = [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty() and a.parent() is window]
    assert len(rows) == len({id(a) for a in with_keys})
    for expected in (
        ("Labels", "claim", "C"),
        ("Edit", "Redo", "Ctrl+Shift+Z, Ctrl+Y"),
        ("Edit", "Undo", "Ctrl+Z"),
        ("File", "New project", "Ctrl+N"),
        ("File", "Open project", "Ctrl+O"),
        ("Document", "Next document", "Ctrl+PgDown"),
        ("Help", "Keyboard shortcuts", "F1"),
    ):
        assert expected in rows, expected
    qtbot.keyClicks(dialog.filter_box, "ctrl+pg")
    assert [r[1] for r in dialog.visible_rows()] == ["Next document", "Previous document"]
    scheme = window.project.scheme
    bias = Label("bias", "#ffd92f", "B")
    slant = Label("one_sided", "#ffd92f", "Shift+B", parent="bias")
    update_scheme(window.project, type(scheme)(labels=(*scheme.labels, bias, slant), name=scheme.name), "alice")
    window.scheme_changed()
    rows = window.menus.help.show_shortcuts().visible_rows()
    assert ("Labels", "bias", "B") in rows and ("Labels › bias as", "one sided", "Shift+B") in rows


def test_no_two_commands_share_a_key(window) -> None:
    keys = Counter(keys for _menu, _action, keys in shortcuts(window))
    assert [k for k, n in keys.items() if n > 1] == []


def test_about_names_versions_and_places_and_copies_them(window) -> None:
    dialog = window.menus.help.show_about()
    text = dialog.details.toPlainText()
    import PySide6
    from PySide6.QtCore import qVersion

    assert text.startswith(f"Media Annotator {__version__}\n")
    assert f"Qt {qVersion()}, PySide6 {PySide6.__version__}" in text
    assert f"SQLite {sqlite3.sqlite_version}" in text
    assert f"Project: project ({window.project.where})" in text and f"Log folder: {paths.log_dir()}" in text
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == text and dialog.copy_button.text() == "Copied"


def test_about_on_a_team_server_names_the_server_and_no_password(qtbot, pg_url) -> None:
    from annotator.services.project import Project
    from annotator.settings import Settings
    from annotator.ui.main_window import MainWindow

    project = Project.open(pg_url.replace("postgres@", "postgres:hunter2@"))
    window = MainWindow(project, Settings(annotator="alice"))
    qtbot.addWidget(window)
    text = window.menus.help.show_about().details.toPlainText()
    assert "Database engine: PostgreSQL 1" in text and f"({project.where})" in text and "@127.0.0.1:5432/" in text
    assert "hunter2" not in text
    window.close()
    project.close()


class UrlCatcher(QObject):
    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def catch(self, url: QUrl) -> None:
        self.urls.append(url)


def test_open_log_folder_hands_the_folder_to_the_system(window) -> None:
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "catch")
    try:
        assert window.menus.help.open_log_folder()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in catcher.urls] == [str(paths.log_dir())] and paths.log_dir().is_dir()


# -- dark desktops --------------------------------------------------------------------------------------------


@pytest.fixture
def dark(monkeypatch):
    """The app as on a desktop set to dark (ANNOTATOR_COLOURS stands in for a system that says so)."""
    app = QApplication.instance()
    before, style = app.palette(), app.style().name()
    monkeypatch.setenv("ANNOTATOR_COLOURS", "dark")
    appearance.follow_system_colours(app)
    yield app.palette()
    app.setStyle(style)
    app.setPalette(before)


def blend(wash: QColor, page: QColor) -> QColor:
    a = wash.alpha() / 255
    return QColor(*(round(a * getattr(wash, c)() + (1 - a) * getattr(page, c)()) for c in ("red", "green", "blue")))


def test_on_a_dark_desktop_the_palette_is_dark_and_label_colours_stay_legible(qtbot, dark, window) -> None:
    assert appearance.is_dark(dark) and appearance.is_dark(window.reader.view.palette())
    page = window.reader.view.palette().color(QPalette.ColorRole.Base)
    text = window.reader.view.palette().color(QPalette.ColorRole.Text)
    assert window.reader.view.marks.page == page  # the painter made its pens for the dark page
    for label in window.project.scheme.labels:
        wash, pen = window.reader.view.marks._style(label.colour, True)
        assert appearance.contrast(pen.color(), page) >= 3, label.name  # underlines stand out
        assert appearance.contrast(text, blend(wash, page)) >= 4.5, label.name  # text on a wash stays readable
        assert wash.alpha() == WASH_ALPHA


def test_text_on_label_washes_is_readable_on_light_pages_too(window) -> None:
    page = window.reader.view.palette().color(QPalette.ColorRole.Base)
    text = window.reader.view.palette().color(QPalette.ColorRole.Text)
    assert not appearance.is_dark()
    for label in window.project.scheme.labels:
        wash, pen = window.reader.view.marks._style(label.colour, True)
        assert appearance.contrast(text, blend(wash, page)) >= 4.5 and appearance.contrast(pen.color(), page) >= 3


def test_a_label_colour_too_close_to_the_page_is_adjusted_for_lines() -> None:
    navy, black = QColor("#1b1f3a"), QColor("#1e1e1e")
    assert appearance.contrast(navy, black) < 3 <= appearance.contrast(appearance.line_colour(navy, black), black)
    pale, white = QColor("#fff3b0"), QColor("#ffffff")
    assert appearance.contrast(appearance.line_colour(pale, white), white) >= 3


def test_switching_to_dark_while_open_repaints_with_new_pens(qtbot, window, monkeypatch) -> None:
    open_new_document(window, "The minister said taxes will rise.", "Taxes")
    select_text(window, "taxes will rise")
    window.apply_label("claim")
    light_pen = window.reader.view.marks._style(window.project.scheme.colour("claim", None), True)[1].color()
    app = QApplication.instance()
    before = app.palette()
    try:
        app.setPalette(appearance.dark_palette())
        qtbot.waitUntil(lambda: appearance.is_dark(window.reader.view.palette()))
        dark_pen = window.reader.view.marks._style(window.project.scheme.colour("claim", None), True)[1].color()
        assert window.reader.view.marks.page.lightness() < 128 and dark_pen.lightness() >= light_pen.lightness()
    finally:
        app.setPalette(before)
