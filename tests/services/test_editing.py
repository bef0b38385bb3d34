"""The Qt-free editing model: edits as undoable Edits over the services, one undo idiom for every edit (status,
metadata, scheme and adjudication included), records shown at once and their echo skipped. No widgets."""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment, Status
from annotator.core.scheme import Label
from annotator.services import collections, documents, edits
from annotator.services.adjudication import Adjudication
from annotator.services.annotating import Annotating
from annotator.services.editing import DocumentEditor, Observer
from annotator.services.live import ChangeFeed


class Heard(Observer):
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def annotation_stored(self, ann: Annotation) -> None:
        self.events.append(("stored", ann.uuid))

    def annotation_removed(self, uuid: str) -> None:
        self.events.append(("removed", uuid))

    def status_changed(self, status: Status) -> None:
        self.events.append(("status", status))

    def records_applied(self, records) -> None:  # type: ignore[no-untyped-def]
        self.events.append(("records", tuple(r.entity for r in records)))


@pytest.fixture
def editor(project):
    doc = Document("Officials said the plan costs €3 million. Critics call it a disgrace 😀.")
    documents.add_document(project, doc, "alice")
    opened = DocumentEditor(project, "alice", Heard())
    opened.open(doc.uuid)
    return opened


def stored(editor: DocumentEditor) -> list[Annotation]:
    return Annotating(editor.project, "alice").annotations(editor.document.uuid)  # type: ignore[union-attr]


def test_add_undo_redo_through_the_records(editor) -> None:
    ann = editor.add("claim", None, Fragment(19, 40))
    assert stored(editor) == [ann] and editor.annotations == {ann.uuid: ann} and editor.history.count() == 1
    assert editor.history.undo_text() == "Add claim"
    editor.history.undo()
    assert stored(editor) == [] and editor.annotations == {}
    editor.history.redo()
    assert stored(editor) == [ann] and editor.annotations == {ann.uuid: ann}
    heard = [e for e, _ in editor.observer.events if e != "records"]
    assert heard == ["stored", "removed", "stored"]


def test_selection_snaps_to_words_and_trims(editor) -> None:
    text = editor.document.text
    start = text.index("plan")
    assert editor.fragment_of(start + 2, start + 9) == Fragment(start, start + 10)  # "plan costs"
    editor.snap = False
    assert editor.fragment_of(start - 1, start + 4) == Fragment(start, start + 4)  # the space dropped
    assert editor.fragment_of(start - 1, start) is None


def test_delete_restores_relations_on_undo(editor) -> None:
    source = editor.add("attribution", "source", Fragment(0, 9))
    content = editor.add("attribution", "content", Fragment(15, 40))
    editor.relate("attributed_to", content, source)
    editor.delete(source)
    assert editor.relations == [] and source.uuid not in editor.annotations
    editor.history.undo()
    assert len(editor.relations) == 1 and set(editor.annotations) == {source.uuid, content.uuid}


def test_note_typing_merges_into_one_step(editor) -> None:
    ann = editor.add("claim", None, Fragment(19, 40))
    editor.update(ann, replace(ann, note="c"), "Edit note")
    shown = editor.annotations[ann.uuid]  # as the panel shows it after the save (its new version)
    editor.update(shown, replace(shown, note="cost"), "Edit note")
    assert editor.history.count() == 2 and stored(editor)[0].note == "cost"
    editor.history.undo()
    assert stored(editor)[0].note == "" and editor.annotations[ann.uuid].note == ""


def test_a_refused_edit_does_not_enter_the_history(editor) -> None:
    with pytest.raises(InputError):
        editor.add("claim", None, Fragment(10, 999))
    assert editor.history.count() == 0 and editor.annotations == {}


def test_status_metadata_and_scheme_edits_undo_the_same_way(editor) -> None:
    project, uuid = editor.project, editor.document.uuid
    editor.set_status(Status.DONE)
    assert editor.status is Status.DONE
    collections.create(project, "left", "alice")
    values = ({"title": "", "outlet": ""}, {"title": "Budget", "outlet": "Daily"})
    editor.run(edits.EditMetadata(project, uuid, "alice", values, ([], ["left"])))
    assert documents.get_document(project, uuid).outlet == "Daily"
    before = project.scheme
    editor.run(edits.EditScheme(project, "alice", before, before.with_label(Label("rumour", colour="#123456"))))
    assert project.scheme.has_label("rumour")
    editor.history.undo()  # the scheme
    assert not project.scheme.has_label("rumour")
    editor.history.undo()  # the metadata and the collection
    assert documents.get_document(project, uuid).outlet == "" and collections.collections_of(project, uuid) == []
    editor.history.undo()  # the status
    assert editor.status is Status.NOT_STARTED and Annotating(project, "alice").status(uuid) is Status.NOT_STARTED
    editor.history.redo()
    assert editor.status is Status.DONE
    assert project.log_problems() == []


def test_a_scheme_rename_is_undone_with_its_annotations(editor) -> None:
    project = editor.project
    ann = editor.add("claim", None, Fragment(19, 40))
    before = project.scheme
    renamed = replace(
        before,
        labels=tuple(
            replace(lab, name="assertion")
            if lab.name == "claim" and lab.parent is None
            else replace(lab, parent="assertion")
            if lab.parent == "claim"
            else lab
            for lab in before.labels
        ),
    )
    editor.run(edits.EditScheme(project, "alice", before, renamed, {("claim", None): "assertion"}))
    assert stored(editor)[0].label == "assertion"
    editor.history.undo()
    assert stored(editor)[0].label == "claim" and stored(editor)[0].uuid == ann.uuid


def test_adjudication_decisions_undo_and_redo_with_their_ids(sample_project) -> None:
    from annotator.services.undo import UndoHistory

    curator = Adjudication(sample_project, "carla")
    doc = documents.list_documents(sample_project)[0].uuid
    unit = curator.units(doc, ["alice", "bob"])[0].unit
    history = UndoHistory()
    history.run(edits.Decide(curator, "Accept", lambda: curator.accept(unit.uuids[0], unit=unit.uuids)))
    [record] = curator.records([doc])
    history.undo()
    assert curator.records([doc]) == [] and curator.gold_annotations(doc) == []
    history.redo()
    assert [r.uuid for r in curator.records([doc])] == [record.uuid]
    history.run(edits.Revoke(curator, record.uuid))
    assert curator.records([doc]) == []
    history.undo()
    assert [r.gold_annotation for r in curator.records([doc])] == [record.gold_annotation]
    assert sample_project.log_problems() == []


def test_my_own_records_are_not_shown_twice_but_a_colleagues_are(editor, project) -> None:
    feed = ChangeFeed(project)
    mine = editor.add("claim", None, Fragment(19, 40))
    Annotating(project, "bob").create(Annotation(editor.document.uuid, "bob", "opinion", (Fragment(0, 9),)))
    editor.set_colleagues(["bob"])
    editor.observer.events.clear()
    update = feed.poll()
    editor.apply_remote(update.entries)
    applied = [kinds for event, kinds in editor.observer.events if event == "records"]
    assert applied == [("annotator", "annotation")]  # bob's; my own echo skipped
    assert editor.current == mine and editor.history.count() == 1


def test_the_editor_keeps_a_bounded_undo_history_and_every_edit(project, monkeypatch) -> None:
    from annotator.services import editing

    monkeypatch.setattr(editing, "UNDO_STEPS", 20)
    doc = Document("Officials said the plan costs €3 million. " * 10)
    documents.add_document(project, doc, "alice")
    editor = DocumentEditor(project, "alice")
    editor.open(doc.uuid)
    for n in range(25):
        editor.add("claim", None, Fragment(n, n + 5))
    assert editor.history.count() == 20 and len(Annotating(project, "alice").annotations(doc.uuid)) == 25
    for _ in range(20):
        editor.history.undo()
    assert not editor.history.can_undo()
    assert [a.start for a in Annotating(project, "alice").annotations(doc.uuid)] == [0, 1, 2, 3, 4]
