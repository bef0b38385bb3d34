"""Access control on a PostgreSQL project (`annotator server init` / `add-user`): each person logs in under their
annotator name; annotators write only their own layer, curators also the gold layer, readers nothing; everyone
reads. Each test gets a fresh database and login roles with names of its own (roles are cluster-wide), and drops
them afterwards. Skipped without a server."""

from __future__ import annotations

import uuid
from dataclasses import replace

import psycopg
import pytest
from sqlalchemy import make_url

from annotator.cli.main import main
from annotator.core.errors import StoreError
from annotator.core.model import Annotation, Document, Fragment, Relation, Status
from annotator.core.scheme import Label
from annotator.services import documents
from annotator.services import scheme as scheme_service
from annotator.services.adjudication import Adjudication
from annotator.services.annotating import Annotating, stored_annotation
from annotator.services.project import Project
from annotator.store import server_admin
from annotator.store.engine import describe_error
from tests import pg

TEXT = "The minister said taxes will rise. Critics call it a disgrace 😀."


class Server:
    """One fresh project database with access control, its admin connection, and helpers to log in as people."""

    def __init__(self, url: str, name: str):
        self.url, self.name = url, name
        self.admin = Project.open(url, creator="lead")
        self.groups = server_admin.init_access(self.admin.database.engine)
        self.logins: list[str] = []
        self.opened: list[Project] = []
        self.suffix = uuid.uuid4().hex[:8]

    def person(self, first: str, role: str) -> str:
        """A login unique to this test (roles are shared by every database on the server) with the given role."""
        login = f"{first}_{self.suffix}"
        self.logins.append(login)
        server_admin.add_user(self.admin.database.engine, login, role)
        return login

    def login_url(self, login: str) -> str:
        return make_url(self.url).set(username=login).render_as_string(hide_password=False)

    def open_as(self, login: str) -> Project:
        project = Project.open(self.login_url(login))
        self.opened.append(project)
        return project

    def close(self) -> None:
        for project in [*self.opened, self.admin]:
            project.close()
        pg.drop_database(self.name)  # first: the roles hold grants on it
        for role in [*self.logins, *self.groups.values()]:
            pg.execute(pg.ADMIN_URL, psycopg.sql.SQL("DROP ROLE IF EXISTS {}").format(psycopg.sql.Identifier(role)))


@pytest.fixture
def server(pg_template):
    name = pg.unique_name("annotator_test")
    url = pg.create_database(name, template=pg_template.template)
    try:
        made = Server(url, name)
    except BaseException:
        pg.drop_database(name)
        raise
    yield made
    made.close()


@pytest.fixture
def doc(server) -> Document:
    document = Document(TEXT, title="Taxes", outlet="Daily")
    documents.add_document(server.admin, document, "lead")
    return document


@pytest.fixture
def bobs(server, doc) -> Annotation:
    """An annotation of bob's, stored by the admin (who is not restricted)."""
    ann = Annotation(doc.uuid, "bob", "claim", (Fragment(4, 33),), note="bob's")
    Annotating(server.admin, "bob").create(ann)
    return ann


def _snapshot(server: Server) -> list[tuple]:
    """Everything an access test might change, read as the admin."""
    return [
        *pg.execute(server.url, "SELECT uuid, annotator_id, label_id, note, version FROM annotations ORDER BY uuid"),
        *pg.execute(server.url, 'SELECT annotation_id, start, "end" FROM fragments ORDER BY 1, 2'),
        *pg.execute(server.url, "SELECT uuid FROM relations ORDER BY uuid"),
        *pg.execute(server.url, "SELECT document_id, annotator_id, status FROM document_status ORDER BY 1, 2"),
        *pg.execute(server.url, "SELECT uuid, title, version FROM documents ORDER BY uuid"),
        *pg.execute(server.url, "SELECT name, version FROM labels ORDER BY name"),
        *pg.execute(server.url, "SELECT id FROM change_log ORDER BY id"),
        *pg.execute(server.url, "SELECT uuid FROM adjudications ORDER BY uuid"),
    ]


needs_server = pytest.mark.postgres  # the fixtures skip these with the reason when no server answers


@needs_server
def test_an_annotator_adds_edits_relates_and_deletes_their_own_work(server, doc, bobs) -> None:
    alice = server.person("alice", "annotator")
    mine = Annotating(server.open_as(alice), alice)
    first = Annotation(doc.uuid, alice, "claim", (Fragment(4, 33),))
    second = Annotation(doc.uuid, alice, "claim", (Fragment(35, 62),))
    mine.create(first)
    mine.create(second)
    edited = stored_annotation(mine.update(replace(first, note="checked", fragments=(Fragment(0, 33),))))
    mine.relate(Relation("attributed_to", second.uuid, first.uuid, alice))
    mine.set_status(doc.uuid, Status.DONE)
    mine.delete(second.uuid)

    assert edited.version == 2
    assert [(a.uuid, a.note, a.fragments) for a in mine.annotations(doc.uuid)] == [
        (first.uuid, "checked", (Fragment(0, 33),))
    ]
    assert mine.status(doc.uuid) is Status.DONE
    # everyone reads everything: bob's layer is visible to alice
    assert [a.uuid for a in mine.annotations(doc.uuid, ["bob"])] == [bobs.uuid]
    actors = pg.execute(server.url, "SELECT DISTINCT actor FROM change_log WHERE actor <> 'lead' AND actor <> 'bob'")
    assert actors == [(alice,)]


@needs_server
@pytest.mark.parametrize("action", ["update", "delete", "create"])
def test_an_annotator_cannot_write_a_colleagues_annotation(server, doc, bobs, action) -> None:
    alice = server.person("alice", "annotator")
    as_bob = Annotating(server.open_as(alice), "bob")  # alice's login, claiming to be bob: the server says no
    before = _snapshot(server)
    with pytest.raises(StoreError, match="permission denied") as refused:
        if action == "update":
            as_bob.update(replace(bobs, note="overwritten"))
        elif action == "delete":
            as_bob.delete(bobs.uuid, bobs.version)
        else:
            as_bob.create(Annotation(doc.uuid, "bob", "claim", (Fragment(35, 62),)))
    assert alice in str(refused.value) or "your login" in str(refused.value)
    assert "nothing was changed" in str(refused.value)
    assert _snapshot(server) == before


@needs_server
def test_an_annotator_cannot_set_a_colleagues_status_or_take_over_their_annotation(server, doc, bobs) -> None:
    alice = server.person("alice", "annotator")
    project = server.open_as(alice)
    before = _snapshot(server)
    with pytest.raises(StoreError, match="permission denied"):
        Annotating(project, "bob").set_status(doc.uuid, Status.DONE)
    # a direct UPDATE that moves bob's annotation into alice's layer is refused too (the guard checks the old row)
    with psycopg.connect(pg._conninfo(server.login_url(alice))) as conn:
        conn.execute(
            "INSERT INTO annotators (uuid, name, kind, created) VALUES (%s, %s, 'person', now())",
            (str(uuid.uuid4()), alice),
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="belongs to bob"):
            conn.execute(
                "UPDATE annotations SET annotator_id = (SELECT id FROM annotators WHERE name = %s) WHERE uuid = %s",
                (alice, bobs.uuid),
            )
    assert _snapshot(server) == before


@needs_server
def test_the_change_log_is_append_only_and_names_its_writer(server, doc) -> None:
    alice = server.person("alice", "annotator")
    with psycopg.connect(pg._conninfo(server.login_url(alice)), autocommit=True) as conn:
        for statement in ("UPDATE change_log SET actor = 'someone'", "DELETE FROM change_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO change_log (at, actor, entity, entity_uuid, action) "
                "VALUES (now(), 'bob', 'note', 'x', 'create')"
            )
    assert pg.execute(server.url, "SELECT count(*) FROM change_log WHERE actor <> 'lead'") == [(0,)]


@needs_server
def test_a_reader_reads_everything_and_writes_nothing(server, doc, bobs) -> None:
    reader = server.person("rita", "reader")
    project = server.open_as(reader)
    mine = Annotating(project, reader)
    assert [a.uuid for a in mine.annotations(doc.uuid, ["bob"])] == [bobs.uuid]
    before = _snapshot(server)
    attempts = [
        lambda: mine.create(Annotation(doc.uuid, reader, "claim", (Fragment(4, 33),))),
        lambda: mine.set_status(doc.uuid, Status.IN_PROGRESS),
        lambda: documents.add_document(project, Document("Another text.", title="New"), reader),
    ]
    for attempt in attempts:
        with pytest.raises(StoreError, match="permission denied.*readers only read"):
            attempt()
    assert _snapshot(server) == before


@needs_server
def test_only_a_curator_changes_documents_and_the_scheme(server, doc) -> None:
    alice, carol = server.person("alice", "annotator"), server.person("carol", "curator")
    as_alice = server.open_as(alice)
    before = _snapshot(server)
    with pytest.raises(StoreError, match="permission denied"):
        documents.add_document(as_alice, Document("Another text.", title="New"), alice)
    with pytest.raises(StoreError, match="permission denied"):
        scheme_service.update_scheme(as_alice, as_alice.scheme.with_label(Label("rumour")), alice)
    assert _snapshot(server) == before

    as_carol = server.open_as(carol)
    documents.add_document(as_carol, Document("Another text.", title="New"), carol)
    scheme_service.update_scheme(as_carol, as_carol.scheme.with_label(Label("rumour")), carol)
    assert pg.execute(server.url, "SELECT count(*) FROM documents") == [(2,)]
    assert pg.execute(server.url, "SELECT count(*) FROM labels WHERE name = 'rumour'") == [(1,)]


@needs_server
def test_a_curator_writes_the_gold_layer_and_an_annotator_cannot(server, doc, bobs) -> None:
    alice, carol = server.person("alice", "annotator"), server.person("carol", "curator")
    before = _snapshot(server)
    with pytest.raises(StoreError, match="permission denied"):
        Adjudication(server.open_as(alice), alice).accept(bobs.uuid, reason="looks right")
    assert _snapshot(server) == before

    gold = stored_annotation(Adjudication(server.open_as(carol), carol).accept(bobs.uuid, reason="looks right"))
    stored = pg.execute(
        server.url,
        "SELECT a.uuid, n.name, n.kind FROM annotations a JOIN annotators n ON n.id = a.annotator_id "
        "WHERE n.kind = 'gold'",
    )
    assert stored == [(gold.uuid, "gold", "gold")]
    curators = pg.execute(server.url, "SELECT n.name FROM adjudications d JOIN annotators n ON n.id = d.curator_id")
    assert curators == [(carol,)]
    # a curator's own layer is theirs alone too: bob's annotation stays bob's
    with pytest.raises(StoreError, match="permission denied"):
        Annotating(server.open_as(carol), "bob").update(replace(bobs, note="curated"))


@needs_server
def test_changing_a_users_role_takes_away_the_old_one(server, doc) -> None:
    alice = server.person("alice", "annotator")
    server_admin.add_user(server.admin.database.engine, alice, "reader")
    assert (alice, "reader") in server_admin.users(server.admin.database.engine)
    assert (alice, "annotator") not in server_admin.users(server.admin.database.engine)
    with pytest.raises(StoreError, match="readers only read"):
        Annotating(server.open_as(alice), alice).create(Annotation(doc.uuid, alice, "claim", (Fragment(4, 33),)))


@needs_server
def test_a_login_without_a_role_cannot_open_the_project(server) -> None:
    stranger = f"stranger_{server.suffix}"
    server.logins.append(stranger)
    pg.execute(pg.ADMIN_URL, psycopg.sql.SQL("CREATE ROLE {} LOGIN").format(psycopg.sql.Identifier(stranger)))
    with pytest.raises(StoreError, match="no access to this project"):
        server.open_as(stranger)


@needs_server
def test_the_cli_sets_up_access_and_adds_and_lists_users(server, capsys) -> None:
    login = f"dora_{server.suffix}"
    server.logins.append(login)
    for argv in (["server", "init"], ["server", "add-user", login, "--role", "curator"]):
        with pytest.raises(SystemExit) as done:
            main(["--db", server.url, *argv])
        assert done.value.code == 0
    out = capsys.readouterr().out
    assert "access control is set up" in out and server.groups["curator"] in out
    assert f"created login {login}: curator" in out
    with pytest.raises(SystemExit):
        main(["--db", server.url, "server", "users", "--json"])
    assert f'"name": "{login}"' in capsys.readouterr().out


@needs_server
@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["server", "add-user", "gold", "--role", "curator"], "gold layer"),
        (["server", "add-user", "x" * 64, "--role", "reader"], "too long"),
    ],
)
def test_the_cli_refuses_names_that_cannot_be_people(server, capsys, argv, said) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--db", server.url, *argv])
    assert done.value.code == 2
    assert said in capsys.readouterr().err
    assert server_admin.users(server.admin.database.engine) == []


# -- without a server ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["server", "init"], ["server", "add-user", "alice", "--role", "annotator"]])
def test_on_sqlite_the_server_commands_say_access_control_needs_postgresql(tmp_path, capsys, argv) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--db", str(tmp_path / "p.sqlite"), *argv])
    assert done.value.code == 2
    assert "access control needs a PostgreSQL project" in capsys.readouterr().err
    assert not (tmp_path / "p.sqlite").exists()  # refused before anything was created


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("permission denied for table annotations", "may not change annotations (readers only read"),
        ('new row violates row-level security policy for table "change_log"', "refused this write to change_log"),
        (
            "permission denied: alice may change only their own work; this row of annotations belongs to bob",
            "belongs to bob; nothing was changed on",
        ),
        ('connection failed: FATAL:  permission denied for database "labdb"', "no access to this project"),
    ],
)
def test_access_errors_read_as_permission_denied(message, expected) -> None:
    described = describe_error(Exception(message), "postgresql+psycopg://alice@server/labdb")
    assert expected in described
    assert "permission denied" in described
