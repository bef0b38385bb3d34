"""Choosing a project: new ones with their scheme, opening files and servers, the recent list, and every way
opening can fail, each with a message that says which and what to do, leaving the file untouched."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.errors import InputError, StoreError
from annotator.core.scheme import Label, Scheme, default_scheme, save_scheme_file
from annotator.services import credentials, projects
from annotator.services.project import Project
from annotator.store import locations
from tests import pg
from tests.store.faults import read_only


def made(path: Path) -> Path:
    Project.open(path).close()
    return path


# -- new projects and their schemes -------------------------------------------------------------------------


def test_a_new_project_gets_the_default_scheme_or_one_from_a_file_or_another_project(tmp_path) -> None:
    plain = projects.new_project(tmp_path, "plain", "alice")
    assert plain.database.file_path == tmp_path / "plain.sqlite" and plain.scheme == default_scheme()
    small = Scheme(labels=(Label("claim", "#4e79a7", "C"), Label("frame", "#59a14f", "F")), name="small")
    save_scheme_file(small, str(tmp_path / "small.json"))
    from_file = projects.new_project(tmp_path, "from-file", "alice", scheme_file=tmp_path / "small.json")
    assert [lab.name for lab in from_file.scheme.labels] == ["claim", "frame"]
    from_file.close()
    before = (tmp_path / "from-file.sqlite").read_bytes()
    copied = projects.new_project(tmp_path, "copied.sqlite", "bob", scheme_project=tmp_path / "from-file.sqlite")
    assert copied.scheme.labels == small.labels and copied.database.file_path.name == "copied.sqlite"
    assert (tmp_path / "from-file.sqlite").read_bytes() == before  # the other project was only read
    assert copied.log_problems() == []
    plain.close()
    copied.close()


def test_a_new_project_refuses_a_taken_name_a_bad_name_and_a_bad_scheme_file(tmp_path) -> None:
    made(tmp_path / "thesis.sqlite")
    with pytest.raises(InputError, match="thesis.sqlite already exists there: open it"):
        projects.new_project(tmp_path, "thesis", "alice")
    with pytest.raises(InputError, match="cannot be a project's name"):
        projects.new_project(tmp_path, "a/b", "alice")
    with pytest.raises(InputError, match="no such folder"):
        projects.new_project(tmp_path / "nowhere", "x", "alice")
    (tmp_path / "broken.json").write_text('{"labels": [', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.json:1: not valid JSON"):
        projects.new_project(tmp_path, "x", "alice", scheme_file=tmp_path / "broken.json")
    (tmp_path / "notes.sqlite").write_text("not a project")
    with pytest.raises(StoreError, match="not a database file"):
        projects.new_project(tmp_path, "y", "alice", scheme_project=tmp_path / "notes.sqlite")
    assert sorted(p.name for p in tmp_path.glob("*.sqlite")) == ["notes.sqlite", "thesis.sqlite"]


# -- locations and the recent list ----------------------------------------------------------------------------


def test_locations_name_the_project_and_never_hold_a_password(tmp_path) -> None:
    assert projects.display_name(projects.location_of(tmp_path / "thesis.sqlite")) == "thesis"
    url = "postgresql+psycopg://alice:s3cret@lab.example.org:5433/mediabias?sslmode=require"
    assert projects.location_of(url) == "postgresql+psycopg://alice@lab.example.org:5433/mediabias?sslmode=require"
    assert projects.display_name(url) == "lab.example.org/mediabias"
    assert projects.account(url) == "alice@lab.example.org:5433/mediabias"
    location = projects.server_location("lab.example.org", 5433, "mediabias", "alice", "verify-full")
    assert "s3cret" not in location and projects.server_fields(location)["sslmode"] == "verify-full"
    assert locations.with_password(location, "s3cret").startswith("postgresql+psycopg://alice:s3cret@lab")
    with pytest.raises(InputError, match="give the server's host and the database"):
        projects.server_location(" ", 5432, "", "alice")
    with pytest.raises(InputError, match="root certificate file does not exist"):
        projects.server_location("h", 5432, "d", "alice", "verify-ca", str(tmp_path / "none.crt"))


def test_the_recent_list_keeps_ten_newest_first_and_says_why_one_cannot_open(tmp_path) -> None:
    recent: list[str] = []
    for i in range(12):
        recent = projects.remember(recent, f"/p/{i}.sqlite")
    recent = projects.remember(recent, "/p/5.sqlite")
    assert recent[:3] == ["/p/5.sqlite", "/p/11.sqlite", "/p/10.sqlite"] and len(recent) == 10
    assert projects.unavailable_reason(str(tmp_path / "gone.sqlite")) == "file not found"
    assert projects.unavailable_reason(str(tmp_path)) == "a folder, not a project file"
    assert projects.unavailable_reason(str(made(tmp_path / "here.sqlite"))) == ""
    assert projects.unavailable_reason("postgresql+psycopg://a@h/d") == ""  # a server is only known by trying


def test_launch_opens_the_last_project_or_falls_back_to_the_default_with_a_note(tmp_path) -> None:
    last = made(tmp_path / "last.sqlite")
    project, note = projects.project_at_launch(recent=[str(last)])
    assert project.database.file_path == last and note == ""
    project.close()
    project, note = projects.project_at_launch(recent=[str(tmp_path / "moved.sqlite")])
    assert project.database.file_path.name == "project.sqlite" and "moved did not open" in note
    assert "does not exist" in note
    project.close()
    with pytest.raises(StoreError, match="does not exist"):
        projects.project_at_launch(given=str(tmp_path / "typo.sqlite"))
    assert not (tmp_path / "typo.sqlite").exists()


# -- project files that cannot be opened for work ---------------------------------------------------------------


def test_a_missing_file_is_not_created_by_opening_it(tmp_path) -> None:
    with pytest.raises(StoreError, match=r"gone.sqlite does not exist \(moved, renamed or deleted\?\)"):
        projects.open_project(str(tmp_path / "gone.sqlite"))
    assert not (tmp_path / "gone.sqlite").exists()


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"PK\x03\x04 a zip, not a project" * 10)
    with pytest.raises(StoreError, match="notes.sqlite is not a database file"):
        projects.open_project(str(path))
    assert path.read_bytes() == b"PK\x03\x04 a zip, not a project" * 10


def test_a_file_from_a_newer_version_is_refused_untouched(tmp_path) -> None:
    path = made(tmp_path / "future.sqlite")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="written by a newer version of this app .* update the app to open it"):
        projects.open_project(str(path))
    assert path.read_bytes() == before


def test_a_read_only_file_is_refused_with_what_to_do(tmp_path) -> None:
    path = made(tmp_path / "shared.sqlite")
    with read_only(path):
        with pytest.raises(StoreError, match="shared.sqlite is read-only, so no edit could be saved: copy it"):
            projects.open_project(str(path))


def test_a_file_locked_by_another_process_is_refused_with_what_to_do(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("annotator.store.engine.BUSY_TIMEOUT_MS", 200)
    path = made(tmp_path / "busy.sqlite")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE'); c.execute('CREATE TABLE held (x)')\n"
            "print('locked', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="busy.sqlite is locked by another program .* close it there"):
            projects.open_project(str(path))
    finally:
        holder.kill()
        holder.wait()
    projects.open_project(str(path)).close()  # once the other program lets go, it opens


# -- team servers -------------------------------------------------------------------------------------------


@pytest.fixture
def server():
    """The local PostgreSQL server's address, or a skip with the reason."""
    if reason := pg.unavailable_reason():
        pytest.skip(reason)
    return locations.parse_url(pg.ADMIN_URL)


def test_a_server_project_opens_and_keeps_no_password_in_its_location(server, pg_url) -> None:
    name = locations.parse_url(pg_url).database
    location = projects.server_location(server.host, server.port, name, server.username)
    project = projects.open_project(location, "ignored-by-trust-auth")
    assert project.location == location and project.where == f"postgres@{server.host}:{server.port}/{name}"
    assert "ignored" not in project.location
    project.close()


def test_a_server_that_refuses_says_so(server) -> None:
    import socket

    with socket.socket() as free:  # a port nobody listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    location = projects.server_location("127.0.0.1", port, "lab", "alice")
    with pytest.raises(StoreError, match=r"cannot reach .* nothing accepts connections at that host and port"):
        projects.open_project(location)


def test_a_server_that_does_not_answer_times_out_with_a_message(server) -> None:
    import socket

    with socket.socket() as silent:  # accepts the connection, then never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        location = projects.server_location("127.0.0.1", silent.getsockname()[1], "lab", "alice", timeout=2)
        with pytest.raises(StoreError, match=r"cannot reach .* no answer in time; check the host, the port"):
            projects.open_project(location)


def test_a_wrong_or_missing_password_is_named(server) -> None:
    from tests.pg_fake import password_refusing_server

    with password_refusing_server() as port:
        location = projects.server_location("127.0.0.1", port, "lab", "alice")
        with pytest.raises(StoreError, match="refused the password; check the user name and password"):
            projects.open_project(location, "wrong")
        with pytest.raises(StoreError, match="asks for a password; enter it"):
            projects.open_project(location)


def test_a_missing_database_a_foreign_one_and_a_newer_one_are_each_named(server) -> None:
    missing = projects.server_location(server.host, server.port, "no_such_db_here", server.username)
    with pytest.raises(StoreError, match='there is no database "no_such_db_here" on that server; check the name'):
        projects.open_project(missing)
    foreign = pg.unique_name("foreign")
    pg.create_database(foreign)
    newer = pg.unique_name("newer")
    try:
        import psycopg

        with psycopg.connect(pg._conninfo(pg.database_url(foreign)), autocommit=True) as conn:
            conn.execute("CREATE TABLE inventory (item text)")
        with pytest.raises(StoreError, match="is a database, but not one of this app's projects"):
            projects.open_project(projects.server_location(server.host, server.port, foreign, server.username))
        Project.open(pg.create_database(newer)).close()
        with psycopg.connect(pg._conninfo(pg.database_url(newer)), autocommit=True) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
        with pytest.raises(StoreError, match="written by a newer version of this app"):
            projects.open_project(projects.server_location(server.host, server.port, newer, server.username))
    finally:
        pg.drop_database(foreign)
        pg.drop_database(newer)


def test_passwords_go_to_the_keyring_and_a_missing_keyring_is_said(memory_keyring) -> None:
    import keyring
    from keyring.backends import fail

    assert credentials.save_password("alice@h:5432/d", "s3cret") == ""
    assert credentials.saved_password("alice@h:5432/d") == "s3cret"
    assert memory_keyring.passwords == {("media-annotator", "alice@h:5432/d"): "s3cret"}
    credentials.forget_password("alice@h:5432/d")
    assert credentials.saved_password("alice@h:5432/d") is None
    keyring.set_keyring(fail.Keyring())
    assert "there is no system keyring" in credentials.save_password("alice@h:5432/d", "s3cret")
    assert credentials.saved_password("alice@h:5432/d") is None
