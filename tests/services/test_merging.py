"""`annotator merge`: documents by text hash, annotations by uuid, conflicts kept side by side, a backup first."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.errors import InputError, StoreError
from annotator.core.model import Annotation, Document, Fragment, Status
from annotator.services import documents
from annotator.services.adjudication import Adjudication
from annotator.services.annotating import Annotating
from annotator.services.merging import merge_database
from annotator.services.project import Project
from annotator.services.samples import load_samples
from annotator.store import annotations, annotators, relations
from annotator.store import documents as stored_documents


@pytest.fixture
def colleague(tmp_path: Path):
    """Another project with the same samples, plus carol's work, a changed annotation, a new article."""
    other = Project.open(tmp_path / "colleague.sqlite")
    load_samples(other, "alice")
    docs = documents.list_documents(other)
    first = docs[0].uuid
    Annotating(other, "carol").create(Annotation(first, "carol", "claim", (Fragment(0, 10),), uuid="carol-1"))
    alice = Annotating(other, "alice")
    changed = next(a for a in alice.annotations(first) if not a.is_document_level)
    alice.update(replace(changed, note="checked again"))
    new_doc = Document("A brand new article about ferries.\n", title="Ferries", outlet="Coast Weekly")
    documents.add_document(other, new_doc, "carol")
    Annotating(other, "carol").create(Annotation(new_doc.uuid, "carol", "claim", (Fragment(2, 9),), uuid="carol-2"))
    Annotating(other, "carol").set_status(new_doc.uuid, Status.DONE)
    from annotator.services import collections

    collections.add_documents(other, "coast", [new_doc.uuid], "alice")
    Adjudication(other, "curt").accept_agreed(["alice", "bob"], [first])
    other.close()
    return tmp_path / "colleague.sqlite", changed


def test_merge_brings_work_in_and_repeating_changes_nothing(sample_project, colleague) -> None:
    path, changed = colleague
    before = path.read_bytes()
    report = merge_database(sample_project, path, "lead")
    assert path.read_bytes() == before  # the colleague's file is never touched
    if sample_project.database.is_sqlite:
        assert report.backup and Path(report.backup).exists()
    else:
        assert report.backup is None and any("no backup taken" in s for s in report.skipped)
    assert (report.documents_added, report.documents_matched) == (1, 5)
    assert report.statuses_updated == 1 and report.memberships_added == 1 and report.adjudications_added > 0
    assert len(report.conflicts) == 1 and changed.uuid in report.conflicts[0]
    # carol's two, the incoming version of the changed one, and the gold copies of the agreed units
    assert report.annotations_added == 3 + report.adjudications_added
    with sample_project.transaction() as session:
        original = annotations.get(session, changed.uuid)
        versions = [
            a
            for a in annotations.of_document(session, changed.document, annotators.ids_named(session, ["alice"]))
            if a.fragments == changed.fragments and a.label == changed.label
        ]
    assert original.note == ""  # ours is untouched
    assert len(versions) == 2 and any(
        "checked again" in v.note and "a different version of" in v.note for v in versions
    )
    again = merge_database(sample_project, path, "lead")
    assert not again.changed and again.conflicts == [] and again.documents_matched == 6
    assert "0 documents added, 6 matched" in again.summary()


def test_a_new_document_keeps_its_metadata_status_and_collection(sample_project, colleague) -> None:
    merge_database(sample_project, colleague[0], "lead")
    rows = {d.title: d for d in documents.list_documents(sample_project, "carol")}
    ferries = rows["Ferries"]
    assert ferries.outlet == "Coast Weekly" and ferries.status is Status.DONE and ferries.annotation_count == 1


def test_relations_come_along(tmp_path: Path, project) -> None:
    other = Project.open(tmp_path / "other.sqlite")
    load_samples(other, "alice")
    other.close()
    merge_database(project, tmp_path / "other.sqlite", "lead")
    with project.transaction() as session:
        count = sum(len(relations.of_document(session, uuid)) for uuid in stored_documents.all_uuids(session))
    assert count == 6


def test_refusals(sample_project, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        merge_database(sample_project, tmp_path / "missing.sqlite", "lead")
    if sample_project.database.is_sqlite:
        with pytest.raises(InputError, match="cannot be merged into itself"):
            merge_database(sample_project, sample_project.database.file_path, "lead")
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    with pytest.raises(StoreError, match="not a database file"):
        merge_database(sample_project, text, "lead")
