"""`db copy`: a project moves between SQLite and PostgreSQL with nothing lost, change log included."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from annotator.core.errors import StoreError
from annotator.core.model import Annotation, Fragment
from annotator.services import documents, transfer
from annotator.services.annotating import Annotating
from annotator.services.project import Project
from annotator.store import copying
from annotator.store.database import Database
from tests import pg

pytestmark = pytest.mark.sqlite_only  # these tests choose their databases themselves


def everything(project: Project) -> dict:
    """What a researcher would miss if it were lost: every document with its annotations, relations and log."""
    from annotator.store import change_log

    out = {}
    for row in documents.list_documents(project):
        doc = documents.get_document(project, row.uuid)
        people = [a.name for a in project.annotators()]
        service = Annotating(project, "alice")
        with project.transaction() as session:
            log = [
                (c.actor, c.entity, c.key, c.action, c.before, c.after) for c in change_log.entries(session, row.uuid)
            ]
        out[row.uuid] = (doc, service.annotations(row.uuid, people), service.relations(row.uuid), row.status, log)
    return out


@pytest.fixture
def edited(sample_project):
    alice = Annotating(sample_project, "alice")
    doc = documents.list_documents(sample_project)[0].uuid
    ann = Annotation(doc, "alice", "claim", (Fragment(0, 4),), "factual", note="😀 kept")
    alice.create(ann)
    alice.delete(alice.annotations(doc)[1].uuid)  # a deletion lives only in the change log
    return sample_project


@pytest.fixture
def empty_pg():
    if reason := pg.unavailable_reason():
        pytest.skip(reason)
    name = pg.unique_name("annotator_copy")
    url = pg.create_database(name)
    yield url
    pg.drop_database(name)


def test_sqlite_to_sqlite_keeps_everything(edited, tmp_path) -> None:
    counts = transfer.copy_project(edited.database.url.database, tmp_path / "copy.sqlite")
    assert (
        counts["annotations"] == 71 and counts["change_log"] == copying.table_counts(edited.database)["change_log"] > 5
    )
    copy = Project.open(tmp_path / "copy.sqlite")
    assert everything(copy) == everything(edited)
    assert copying.table_counts(copy.database) == copying.table_counts(edited.database)


def test_round_trip_through_postgresql(edited, tmp_path, empty_pg) -> None:
    transfer.copy_project(edited.database.url.database, empty_pg)
    on_server = Project.open(empty_pg)
    assert everything(on_server) == everything(edited)
    # ids continue after the copied ones: new work on the server saves
    doc = documents.list_documents(on_server)[0].uuid
    Annotating(on_server, "bob").create(Annotation(doc, "bob", "opinion", (Fragment(5, 9),)))
    deleted = [c for c in everything(on_server)[doc][4] if c[3] == "delete" and c[1] == "annotation"][0]
    Annotating(on_server, "alice").restore(deleted[2])  # recovery works from the copied log
    state = everything(on_server)
    on_server.close()
    transfer.copy_project(empty_pg, tmp_path / "back.sqlite")
    back = Project.open(tmp_path / "back.sqlite")
    assert everything(back) == state
    # the samples' 71, alice's new one, minus the deleted one, bob's new one and the restored one
    assert sum(r.annotation_count for r in documents.list_documents(back)) == 71 + 1 - 1 + 1 + 1


def test_a_target_holding_a_project_is_refused_and_left_alone(edited, tmp_path) -> None:
    other = Project.open(tmp_path / "other.sqlite")
    before = copying.table_counts(other.database)
    with pytest.raises(StoreError, match="already holds a project"):
        transfer.copy_project(edited.database.url.database, tmp_path / "other.sqlite")
    assert copying.table_counts(Database.open(tmp_path / "other.sqlite")) == before


def test_cli_db_copy(edited, tmp_path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "annotator",
            "db",
            "copy",
            "--from",
            edited.database.url.database,
            "--to",
            str(tmp_path / "cli.sqlite"),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("copied 5 documents, 71 annotations")
    listed = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(tmp_path / "cli.sqlite"), "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(json.loads(listed.stdout)) == 5
