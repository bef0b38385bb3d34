"""Projects in the window: File › New project, Open project, Recent projects, Connect to team server, through
the real widgets; a project that fails to open leaves the current one open, and no edit in flight is lost."""

import json
import socket
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator import paths
from annotator.core.errors import StoreError
from annotator.services import credentials, projects
from annotator.services.annotating import Annotating
from annotator.services.project import Project
from annotator.settings import Settings
from annotator.store import locations
from annotator.ui.main_window import MainWindow
from annotator.ui.workbench import Workbench
from tests import pg
from tests.store.faults import lock, read_only
from tests.ui.conftest import open_new_document, select_text


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a, **k: shown.append(text))
    return shown


@pytest.fixture
def bench(qtbot, tmp_path):
    """A workbench showing first.sqlite; every window it opens is closed after the test."""
    workbench = Workbench(Settings(annotator="alice"), MainWindow)
    workbench.switched.connect(qtbot.addWidget)
    qtbot.addWidget(workbench.show(Project.open(tmp_path / "first.sqlite")))
    return workbench


def choose_file(monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "Projects (*.sqlite)"))


def test_the_title_names_the_project_and_who_is_annotating(bench) -> None:
    assert bench.window.windowTitle() == "first — annotating as alice — Media Annotator"
    bench.window.switch_annotator("bob")
    assert bench.window.windowTitle() == "first — annotating as bob — Media Annotator"


def test_new_project_from_the_file_menu_opens_in_place_of_the_current_one(qtbot, bench, tmp_path) -> None:
    old = bench.window
    old.menus.projects.new_action.trigger()
    dialog = old.menus.projects.dialog
    qtbot.keyClicks(dialog.name_box, "climate 2025")
    dialog.folder_box.setText(str(tmp_path))
    assert dialog.where.text() == f"Creates {tmp_path / 'climate 2025.sqlite'}"
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    new = bench.window
    assert new is not old and new.isVisible() and not old.isVisible()
    assert new.windowTitle() == "climate 2025 — annotating as alice — Media Annotator"
    assert new.project.database.file_path == tmp_path / "climate 2025.sqlite"
    assert new.project.scheme.label("claim").shortcut == "C"
    assert bench.settings.recent_projects == [str(tmp_path / "climate 2025.sqlite"), str(tmp_path / "first.sqlite")]
    saved = json.loads(paths.settings_path().read_text())
    assert saved["recent_projects"] == bench.settings.recent_projects


def test_a_new_project_with_a_taken_name_is_refused_in_the_dialog(qtbot, bench, tmp_path) -> None:
    dialog = bench.window.menus.projects.new_project()
    dialog.folder_box.setText(str(tmp_path))
    qtbot.keyClicks(dialog.name_box, "first")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "first.sqlite already exists there" in dialog.problem.text() and dialog.isVisible()
    assert bench.window.project.database.file_path == tmp_path / "first.sqlite"


def test_open_project_switches_to_the_chosen_file(bench, tmp_path, monkeypatch) -> None:
    other = Project.open(tmp_path / "second.sqlite")
    other.close()
    choose_file(monkeypatch, tmp_path / "second.sqlite")
    old = bench.window
    old.menus.projects.open_action.trigger()
    assert bench.window is not old and bench.window.windowTitle().startswith("second — ")


def _not_sqlite(path):
    path.write_text("a shopping list, not a project\n" * 40)


def _newer(path):
    Project.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()


BAD_FILES = {
    "not sqlite": (_not_sqlite, "is not a database file"),
    "newer version": (_newer, "written by a newer version of this app"),
    "missing": (lambda path: None, "does not exist (moved, renamed or deleted?)"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_file_that_cannot_be_opened_leaves_the_current_project_open(kind, bench, tmp_path, monkeypatch, warnings):
    make, reason = BAD_FILES[kind]
    bad = tmp_path / "bad.sqlite"
    make(bad)
    before = bad.read_bytes() if bad.exists() else None
    choose_file(monkeypatch, bad)
    current = bench.window
    current.menus.projects.open_action.trigger()
    assert len(warnings) == 1 and warnings[0].startswith("Cannot open bad: ") and reason in warnings[0]
    assert warnings[0].endswith("first is still open.")
    assert bench.window is current and current.isVisible() and current.project.annotators() == []
    assert (bad.read_bytes() if bad.exists() else None) == before


def test_a_read_only_or_locked_file_is_refused_and_the_current_project_stays(bench, tmp_path, monkeypatch, warnings):
    monkeypatch.setattr("annotator.store.engine.BUSY_TIMEOUT_MS", 100)
    shared = tmp_path / "shared.sqlite"
    Project.open(shared).close()
    choose_file(monkeypatch, shared)
    with read_only(shared):
        bench.window.menus.projects.open_action.trigger()
    release = lock(shared)
    try:
        bench.window.menus.projects.open_action.trigger()
    finally:
        release()
    assert "read-only, so no edit could be saved: copy it to a folder you can write to" in warnings[0]
    assert "locked by another program" in warnings[1] and "close it there and open the project again" in warnings[1]
    assert bench.window.windowTitle().startswith("first — ")


def test_recent_projects_are_listed_newest_first_and_missing_ones_greyed_with_the_reason(bench, tmp_path) -> None:
    Project.open(tmp_path / "kept.sqlite").close()
    bench.settings.recent_projects = [
        str(tmp_path / "first.sqlite"),
        str(tmp_path / "kept.sqlite"),
        str(tmp_path / "gone.sqlite"),
    ]
    menu = bench.window.menus.projects.recent_menu
    menu.aboutToShow.emit()
    actions = {a.text(): a for a in menu.actions()}
    assert list(actions) == ["first", "kept", "gone (file not found)"]
    assert not actions["first"].isEnabled()  # the one open now
    assert not actions["gone (file not found)"].isEnabled()
    assert actions["gone (file not found)"].toolTip() == f"{tmp_path / 'gone.sqlite'}: file not found"
    actions["kept"].trigger()
    assert bench.window.windowTitle().startswith("kept — ")
    assert bench.settings.recent_projects[:2] == [str(tmp_path / "kept.sqlite"), str(tmp_path / "first.sqlite")]


def test_switching_project_never_loses_an_edit_waiting_to_be_saved(bench, tmp_path, monkeypatch, warnings) -> None:
    window = bench.window
    doc = open_new_document(window, "The minister said taxes will rise.", "Taxes")
    Project.open(tmp_path / "second.sqlite").close()
    choose_file(monkeypatch, tmp_path / "second.sqlite")
    real_create = window.session.service.create

    def refuse(*args, **kwargs):
        raise StoreError("first.sqlite is locked by another program; close it there and try again", transient=True)

    monkeypatch.setattr(window.session.service, "create", refuse)
    select_text(window, "taxes will rise")
    window.apply_label("claim")
    assert len(window.session.pending) == 1
    window.menus.projects.open_action.trigger()
    assert bench.window is window and "1 edit is still waiting to be saved" in warnings[-1]
    assert "Closing the project now would lose it" in warnings[-1] and warnings[-1].endswith("stays open.")
    monkeypatch.setattr(window.session.service, "create", real_create)  # the database takes edits again
    window.menus.projects.open_action.trigger()
    assert bench.window is not window and bench.window.windowTitle().startswith("second — ")
    kept = Project.open(tmp_path / "first.sqlite")
    assert [a.label for a in Annotating(kept, "alice").annotations(doc.uuid)] == ["claim"]
    kept.close()


# -- team server ------------------------------------------------------------------------------------------------


@pytest.fixture
def server():
    if reason := pg.unavailable_reason():
        pytest.skip(reason)
    return locations.parse_url(pg.ADMIN_URL)


def fill_server_form(qtbot, dialog, host, port, database, user, password="") -> None:
    for box, text in ((dialog.host, host), (dialog.database, database), (dialog.user, user)):
        box.clear()
        qtbot.keyClicks(box, text)
    dialog.port.setValue(port)
    qtbot.keyClicks(dialog.password, password)


def test_connect_to_a_team_server_keeps_the_password_in_the_keyring_only(qtbot, bench, server, pg_url, memory_keyring):
    name = locations.parse_url(pg_url).database
    dialog = bench.window.menus.projects.connect_to_server()
    fill_server_form(qtbot, dialog, server.host, server.port, name, server.username, "pa55word")
    assert dialog.remember.isChecked()
    with qtbot.waitSignal(bench.switched, timeout=20000):
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert bench.window.windowTitle() == f"{server.host}/{name} — annotating as alice — Media Annotator"
    account = f"{server.username}@{server.host}:{server.port}/{name}"
    assert memory_keyring.passwords == {("media-annotator", account): "pa55word"}
    settings_text = paths.settings_path().read_text()
    assert "pa55word" not in settings_text and json.loads(settings_text)["recent_projects"][0].endswith(
        name + "?connect_timeout=10"
    )


def test_a_server_that_refuses_is_reported_in_the_form_and_the_project_stays(qtbot, bench, server) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    current = bench.window
    dialog = current.menus.projects.connect_to_server()
    fill_server_form(qtbot, dialog, "127.0.0.1", port, "lab", "alice")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "nothing accepts connections" in dialog.problem.text(), timeout=20000)
    assert dialog.isVisible() and dialog.connect_button.isEnabled() and bench.window is current


def test_a_refused_password_from_the_recent_list_opens_the_form_with_the_reason(qtbot, bench, server) -> None:
    from tests.pg_fake import password_refusing_server

    with password_refusing_server() as port:
        location = projects.server_location("127.0.0.1", port, "lab", "alice")
        credentials.save_password(projects.account(location), "old-password")
        bench.window.menus.projects.open_location(location)
        dialog = bench.window.menus.projects.dialog
        assert "refused the password" in dialog.problem.text()
        assert (dialog.host.text(), dialog.port.value(), dialog.database.text()) == ("127.0.0.1", port, "lab")
        assert dialog.password.text() == "old-password"
    assert bench.window.windowTitle().startswith("first — ")


def test_annotator_with_a_path_opens_that_project_in_the_window(tmp_path, monkeypatch) -> None:
    from annotator.cli import main as cli

    opened = []
    monkeypatch.setattr("annotator.ui.app.main", lambda db_url=None, project=None: opened.append((db_url, project)))
    path = tmp_path / "thesis.sqlite"
    Project.open(path).close()
    cli.main([str(path)])
    cli.main(["--db", str(path)])
    cli.main(["postgresql+psycopg://alice@lab.example.org/mediabias"])
    assert opened == [
        (None, str(path)),
        (str(path), None),
        (None, "postgresql+psycopg://alice@lab.example.org/mediabias"),
    ]
    with pytest.raises(SystemExit) as refused:
        cli.main(["thesis-typo.sqlite"])
    assert refused.value.code == 2


def test_launch_shows_the_window_on_the_named_project_with_no_dialog_first(qtbot, tmp_path) -> None:
    from annotator.ui import app

    path = tmp_path / "thesis.sqlite"
    Project.open(path).close()
    workbench = app.launch(Settings(annotator="alice"), given=str(path))
    qtbot.addWidget(workbench.window)
    assert workbench.window.isVisible() and workbench.window.windowTitle().startswith("thesis — annotating as alice")
    with pytest.raises(StoreError, match="does not exist"):
        app.launch(Settings(annotator="alice"), given=str(tmp_path / "nope.sqlite"))


def _refusing_port():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


@pytest.mark.parametrize("kind", ["refused", "no answer", "wrong password", "no TLS", "not a project"])
def test_each_server_failure_is_named_in_the_form_and_the_project_stays(qtbot, bench, server, monkeypatch, kind):
    from contextlib import ExitStack

    from tests.pg_fake import password_refusing_server

    monkeypatch.setattr(locations, "CONNECT_TIMEOUT_S", 2)
    current = bench.window
    dialog = current.menus.projects.connect_to_server()
    with ExitStack() as stack:
        host, port, database, password = "127.0.0.1", server.port, "never_created_here", ""
        if kind == "refused":
            port, expected = _refusing_port(), "nothing accepts connections at that host and port"
        elif kind == "no answer":
            silent = stack.enter_context(socket.socket())
            silent.bind(("127.0.0.1", 0))
            silent.listen(1)
            port, expected = silent.getsockname()[1], "no answer in time; check the host, the port and the network"
        elif kind == "wrong password":
            port = stack.enter_context(password_refusing_server())
            password, expected = "wrong", "refused the password; check the user name and password"
        elif kind == "no TLS":
            dialog.sslmode.setCurrentIndex(dialog.sslmode.findData("require"))
            expected = "offers no TLS but the connection requires it"
        else:
            import psycopg

            database = pg.unique_name("inventory")
            pg.create_database(database)
            stack.callback(pg.drop_database, database)
            with psycopg.connect(pg._conninfo(pg.database_url(database)), autocommit=True) as conn:
                conn.execute("CREATE TABLE stock (item text)")  # some other program's database
            expected = "is a database, but not one of this app's projects"
        fill_server_form(qtbot, dialog, host, port, database, server.username, password)
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.connect_button.isEnabled(), timeout=20000)
    assert expected in dialog.problem.text() and dialog.isVisible()
    assert bench.window is current and current.windowTitle().startswith("first — ")


def test_tls_options_go_into_the_connection(qtbot, bench, tmp_path) -> None:
    cert = tmp_path / "lab-root.crt"
    cert.write_text("-----BEGIN CERTIFICATE-----\n")
    dialog = bench.window.menus.projects.connect_to_server()
    fill_server_form(qtbot, dialog, "db.lab.example.org", 5433, "mediabias", "alice")
    dialog.sslmode.setCurrentIndex(dialog.sslmode.findData("verify-full"))
    dialog.root_cert.setText(str(cert))
    fields = projects.server_fields(dialog.location())
    assert (fields["sslmode"], fields["sslrootcert"], fields["port"]) == ("verify-full", str(cert), 5433)
    dialog.root_cert.setText(str(tmp_path / "missing.crt"))
    dialog.start()
    assert "the root certificate file does not exist" in dialog.problem.text() and dialog.task is None
