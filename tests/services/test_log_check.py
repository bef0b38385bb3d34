"""`annotator db check --log`: after every kind of write the change log accounts for every row, and a write
made behind the app's back (no record) is reported."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.core.model import Annotation, Fragment, Relation, Status
from annotator.core.scheme import Label
from annotator.formats import registry
from annotator.services import collections, documents, exporting, history, importing, transfer
from annotator.services import scheme as scheme_service
from annotator.services.adjudication import Adjudication
from annotator.services.annotating import Annotating, stored_annotation
from annotator.services.merging import merge_database
from annotator.services.project import Project
from annotator.services.samples import load_samples
from tests import pg


def clean(project: Project) -> None:
    assert project.log_problems() == []


def test_a_new_project_and_the_samples_are_accounted_for(project) -> None:
    clean(project)  # the default scheme's creation is logged
    load_samples(project, "alice")  # documents, annotations, relations, statuses, annotators
    clean(project)


def test_single_edits(sample_project) -> None:
    doc = documents.list_documents(sample_project)[0].uuid
    carol = Annotating(sample_project, "carol")  # a new person: her annotator row is logged too
    ann = Annotation(doc, "carol", "claim", (Fragment(0, 4),))
    carol.create(ann)
    other = Annotation(doc, "carol", "opinion", (Fragment(5, 9),))
    carol.create(other)
    carol.update(replace(ann, note="checked", fragments=(Fragment(0, 5),)))
    carol.relate(Relation(sample_project.scheme.relation_types[0].name, other.uuid, ann.uuid, "carol"))
    carol.set_status(doc, Status.DONE)
    carol.set_status(doc, Status.IN_PROGRESS)
    clean(sample_project)
    carol.delete(ann.uuid)  # its relation goes with it
    documents.update_metadata(sample_project, doc, "carol", title="Renamed", outlet="Daily")
    clean(sample_project)
    history.restore_annotation(sample_project, ann.uuid, "carol")
    clean(sample_project)


def test_documents_collections_and_the_scheme(sample_project) -> None:
    docs = [row.uuid for row in documents.list_documents(sample_project)]
    collections.create(sample_project, "batch", "carol", "first week")
    collections.add_documents(sample_project, "batch", docs[:3], "carol")
    collections.remove_documents(sample_project, "batch", docs[:1], "carol")
    collections.set_membership(sample_project, docs[4], ["other"], "carol")
    collections.rename(sample_project, "batch", "week 1", "carol")
    clean(sample_project)
    collections.delete(sample_project, "other", "carol")
    documents.delete_document(sample_project, docs[1], "carol")  # with its annotations, statuses, memberships
    clean(sample_project)
    history.restore_document(sample_project, docs[1], "carol")  # and all of it back
    clean(sample_project)
    assert "week 1" in collections.collections_of(sample_project, docs[1])
    before = sample_project.scheme
    renamed = tuple(
        replace(
            lab,
            name="assertion" if lab.name == "claim" and lab.parent is None else lab.name,
            parent="assertion" if lab.parent == "claim" else lab.parent,
        )
        for lab in before.labels
    )
    extended = replace(before, labels=renamed).with_label(Label("rumour", colour="#123456"))
    scheme_service.update_scheme(sample_project, extended, "carol", renames={("claim", None): "assertion"})
    clean(sample_project)


def test_adjudication_decisions_and_revocations(sample_project) -> None:
    curator = Adjudication(sample_project, "carla")
    doc = documents.list_documents(sample_project)[0].uuid
    units = curator.units(doc, ["alice", "bob"])
    curator.accept(units[0].unit.uuids[0], unit=units[0].unit.uuids)
    rejected = curator.reject(units[1].unit.uuids)
    curator.accept_agreed(["alice", "bob"])
    clean(sample_project)
    curator.revoke(next(r.key for r in rejected if r.entity == "adjudication"))
    gold = curator.records([doc])[0]
    revoked = curator.revoke(gold.uuid)
    clean(sample_project)
    curator.reinstate(revoked)  # what undoing the revocation does
    clean(sample_project)


FORMATS = sorted(f.name for f in registry.formats() if f.read and f.write)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_import_of_each_format(sample_project, tmp_path: Path, fmt: str) -> None:
    folder_format = registry.get(fmt).folder
    out = tmp_path / ("out" if folder_format else f"out.{registry.get(fmt).extensions[0]}")
    exporting.export(sample_project, fmt, out)
    target = Project.open(tmp_path / "target.sqlite")
    options = registry.ReadOptions(extra={"label_map": "new"})
    report = importing.import_paths(target, [out], "loader", fmt, options, collection="imported")
    assert not report.failed and report.imported
    clean(target)  # documents, annotations, statuses and collection memberships of an import are all logged


def test_merge_and_copy(sample_project, tmp_path: Path) -> None:
    other = Project.open(tmp_path / "other.sqlite")
    load_samples(other, "alice")
    doc = documents.list_documents(other)[0].uuid
    Annotating(other, "carol").create(Annotation(doc, "carol", "claim", (Fragment(0, 4),)))
    Annotating(other, "carol").set_status(doc, Status.DONE)
    collections.add_documents(other, "from carol", [doc], "carol")
    other.close()
    merge_database(sample_project, tmp_path / "other.sqlite", "lead")
    clean(sample_project)
    copy = tmp_path / "copy.sqlite"
    transfer.copy_project(tmp_path / "other.sqlite", copy)
    clean(Project.open(copy))


def test_writes_behind_the_apps_back_are_reported(sample_project, tmp_path: Path) -> None:
    doc = documents.list_documents(sample_project)[0].uuid
    ann = stored_annotation(
        Annotating(sample_project, "alice").create(Annotation(doc, "alice", "claim", (Fragment(0, 4),)))
    )
    url = sample_project.database.url.render_as_string(hide_password=False)
    sql = pg.execute if not sample_project.database.is_sqlite else _sqlite_execute
    sql(url, f"UPDATE annotations SET note = 'sneaky' WHERE uuid = '{ann.uuid}'")
    sql(url, "DELETE FROM document_status WHERE status = 'done'")
    sql(url, "INSERT INTO collections (name, description) VALUES ('unlogged', '')")
    problems = sample_project.log_problems()
    assert any(ann.uuid in p and "differs from its last record" in p for p in problems)
    assert any(p.startswith("status ") and "not in the database" in p for p in problems)
    assert "collection unlogged: no record in the change log made it" in problems


def _sqlite_execute(url: str, statement: str) -> None:
    import sqlite3

    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    with conn:
        conn.execute(statement)
    conn.close()


@pytest.mark.sqlite_only
def test_the_command_line_says_ok_or_lists_the_problems(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.sqlite"
    project = Project.open(path)
    load_samples(project, "alice")
    with pytest.raises(SystemExit) as done:
        main(["--db", str(path), "db", "check", "--log"])
    assert done.value.code == 0 and capsys.readouterr().out.strip().endswith("ok")
    _sqlite_execute(f"sqlite:///{path}", "UPDATE documents SET title = 'changed quietly'")
    with pytest.raises(SystemExit) as done:
        main(["--db", str(path), "db", "check", "--log"])
    out = capsys.readouterr().out
    assert done.value.code == 1 and "differs from its last record" in out and "5 problems" in out


def test_an_imports_statuses_and_memberships_show_in_the_documents_history(project) -> None:
    from annotator.services.samples import samples_path

    report = importing.import_paths(project, [samples_path()], "loader", collection="week 1")
    doc = report.imported[0][1]
    shown = {(h.entity, h.action, h.actor, h.summary) for h in history.document_history(project, doc)}
    assert ("membership", "create", "loader", "in collection week 1") in shown
    assert ("status", "update", "loader", "alice: not started → done") in shown
    assert ("status", "update", "loader", "bob: not started → in progress") in shown
