"""Undo commands on a bare QUndoStack: redo and undo call the services; refused edits never enter history."""

import pytest
from PySide6.QtGui import QUndoStack

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment, Relation
from annotator.services import documents
from annotator.services.annotating import Annotating, stored_annotation
from annotator.ui import commands


@pytest.fixture
def setup(project):
    doc = Document("Officials said the plan costs €3 million.")
    documents.add_document(project, doc, "alice")
    events: list[tuple[str, object]] = []
    return Annotating(project, "alice"), doc, QUndoStack(), lambda e, _d, p: events.append((e, p)), events


def test_add_undo_redo(qtbot, setup) -> None:
    service, doc, stack, notify, events = setup
    ann = Annotation(doc.uuid, "alice", "claim", (Fragment(19, 40),))
    commands.run(stack, commands.AddAnnotation(service, notify, ann))
    assert service.annotations(doc.uuid) == [ann] and stack.count() == 1
    stack.undo()
    assert service.annotations(doc.uuid) == []
    stack.redo()
    assert service.annotations(doc.uuid) == [ann]
    assert [e for e, _ in events] == ["stored", "removed", "stored"]


def test_delete_restores_relations_on_undo(qtbot, setup) -> None:
    service, doc, stack, notify, _ = setup
    source = Annotation(doc.uuid, "alice", "attribution", (Fragment(0, 9),), "source")
    content = Annotation(doc.uuid, "alice", "attribution", (Fragment(15, 40),), "content")
    for ann in (source, content):
        commands.run(stack, commands.AddAnnotation(service, notify, ann))
    link = Relation("attributed_to", content.uuid, source.uuid, "alice")
    commands.run(stack, commands.AddRelation(service, notify, link, doc.uuid))
    commands.run(stack, commands.DeleteAnnotation(service, notify, source))
    assert service.relations(doc.uuid) == []
    stack.undo()
    assert len(service.relations(doc.uuid)) == 1 and len(service.annotations(doc.uuid)) == 2


def test_note_typing_merges_into_one_step(qtbot, setup) -> None:
    service, doc, stack, notify, _ = setup
    ann = Annotation(doc.uuid, "alice", "claim", (Fragment(19, 40),))
    commands.run(stack, commands.AddAnnotation(service, notify, ann))
    first = stored_annotation(service.update(ann.__class__(**{**ann.__dict__, "note": "c"})))
    commands.run(stack, commands.UpdateAnnotation(service, notify, ann, first, "Edit note"))
    first = service.annotations(doc.uuid)[0]  # as the panel shows it after the save (its new version)
    second = first.__class__(**{**first.__dict__, "note": "cost"})
    commands.run(stack, commands.UpdateAnnotation(service, notify, first, second, "Edit note"))
    assert stack.count() == 2
    stack.undo()
    assert service.annotations(doc.uuid)[0].note == ""


def test_a_refused_edit_does_not_enter_the_history(qtbot, setup) -> None:
    service, doc, stack, notify, events = setup
    bad = Annotation(doc.uuid, "alice", "claim", (Fragment(10, 999),))
    with pytest.raises(InputError):
        commands.run(stack, commands.AddAnnotation(service, notify, bad))
    assert stack.count() == 0 and events == []


def test_the_session_keeps_a_bounded_undo_history_and_every_edit(qtbot, project, monkeypatch) -> None:
    from annotator.ui import annotation_session

    monkeypatch.setattr(annotation_session, "UNDO_STEPS", 20)
    doc = Document("Officials said the plan costs €3 million. " * 10)
    documents.add_document(project, doc, "alice")
    session = annotation_session.AnnotationSession(project, "alice")
    session.open(doc.uuid)
    for n in range(25):
        session.add("claim", None, Fragment(n, n + 5))
    assert session.undo_stack.count() == 20 and len(Annotating(project, "alice").annotations(doc.uuid)) == 25
    for _ in range(20):
        session.undo_stack.undo()
    assert not session.undo_stack.canUndo()
    assert [a.start for a in Annotating(project, "alice").annotations(doc.uuid)] == [0, 1, 2, 3, 4]
