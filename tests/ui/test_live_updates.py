"""Live updates in an open window: a colleague's saves (a second Project on the same database) appear within
about 2 s, on SQLite and on PostgreSQL, without touching the user's selection or undo history."""

from dataclasses import replace

import pytest

from annotator.core.model import Annotation, Document, Fragment, Status
from annotator.services import documents
from annotator.services.annotating import Annotating
from annotator.services.project import Project
from annotator.settings import Settings
from annotator.ui.main_window import MainWindow

TEXT = "The minister said that taxes will rise by 5%. Critics call it a disgrace 😀!"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    return request.getfixturevalue("pg_url") if request.param == "postgresql" else tmp_path / "team.sqlite"


@pytest.fixture
def team(qtbot, url):
    """alice's window, showing bob's layer beside hers, and bob's machine."""
    project = Project.open(url)
    doc = Document(TEXT, title="Taxes")
    documents.add_document(project, doc, "lead")
    window = MainWindow(project, Settings(annotator="alice", shown_annotators=["bob"]))
    qtbot.addWidget(window)
    window.show()
    window.refresh_documents()
    window.open_document(doc.uuid)
    bob_project = Project.open(url)
    yield window, doc, bob_project
    window.close()
    bob_project.close()
    project.close()


def span(doc: Document, quote: str, who: str, label: str = "claim") -> Annotation:
    start = doc.text.index(quote)
    return Annotation(doc.uuid, who, label, (Fragment(start, start + len(quote)),))


def test_colleagues_marks_appear_change_and_go_without_touching_my_work(qtbot, team) -> None:
    window, doc, bob_project = team
    session = window.session
    mine = session.add("claim", None, span(doc, "taxes will rise", "alice").fragments[0])
    session.select(session.annotations[mine.uuid])
    history = session.history.count()
    bob = Annotating(bob_project, "bob")
    theirs = span(doc, "a disgrace", "bob", "opinion")
    bob.create(theirs)
    qtbot.waitUntil(lambda: theirs.uuid in session.annotations, timeout=2500)
    assert theirs.uuid in {m.uuid for m in session.all_marks()}
    bob.update(replace(theirs, note="sarcasm?"))
    qtbot.waitUntil(lambda: session.annotations[theirs.uuid].note == "sarcasm?", timeout=2500)
    bob.delete(theirs.uuid)
    qtbot.waitUntil(lambda: theirs.uuid not in session.annotations, timeout=2500)
    assert session.current is not None and session.current.uuid == mine.uuid  # selection kept
    assert session.history.count() == history  # nothing entered my history
    session.history.undo()  # and my undo still works: my annotation goes
    assert mine.uuid not in session.annotations


def test_my_other_machine_updates_the_navigator_counts(qtbot, team) -> None:
    window, doc, bob_project = team
    elsewhere = Annotating(bob_project, "alice")  # alice on her desktop
    elsewhere.create(span(doc, "Critics", "alice"))
    elsewhere.set_status(doc.uuid, Status.IN_PROGRESS)
    model = window.navigator.model

    def row():
        return model.summary(model.row_of(doc.uuid))

    qtbot.waitUntil(lambda: row().annotation_count == 1 and row().status is Status.IN_PROGRESS, timeout=2500)
    assert window.session.my_count == 1


def test_a_document_added_elsewhere_appears_in_the_list(qtbot, team) -> None:
    window, doc, bob_project = team
    documents.add_document(bob_project, Document("Another article.", title="Second"), "bob")
    qtbot.waitUntil(lambda: window.navigator.model.total == 2, timeout=2500)
    assert window.session.document is not None and window.session.document.uuid == doc.uuid
