"""The window of the second writer: told of a colleague's newer version, shown it, nothing overwritten; undo
history and selection stay usable. The colleague is a second Project on the same database."""

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator.core.errors import ConflictError
from annotator.core.model import Fragment
from annotator.services.annotating import Annotating
from annotator.services.project import Project


@pytest.fixture
def colleague_machine(project_url):
    other = Project.open(project_url)
    yield other
    other.close()


def test_an_edit_over_a_newer_version_is_refused_and_the_view_shows_it(window, tricky_doc, colleague_machine):
    start = tricky_doc.text.index("taxes")
    mine = window.session.add("claim", None, Fragment(start, start + len("taxes will rise")))
    elsewhere = Annotating(colleague_machine, "alice")  # alice's other machine
    [seen] = elsewhere.annotations(tricky_doc.uuid)
    elsewhere.update(replace(seen, note="edited on the desktop"))
    stale = window.session.annotations[mine.uuid]
    with pytest.raises(ConflictError, match="edited on the desktop"):
        window.session.update(stale, replace(stale, note="edited on the laptop"), "Edit note")
    shown = window.session.annotations[mine.uuid]
    assert shown.note == "edited on the desktop" and shown.version == 2
    assert window.session.current is not None and window.session.current.note == "edited on the desktop"
    assert window.session.history.count() == 1  # the refused edit is not in the history
    assert [a.note for a in elsewhere.annotations(tricky_doc.uuid)] == ["edited on the desktop"]


def test_an_undo_over_a_colleagues_change_is_refused_and_said(window, tricky_doc, colleague_machine, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    start = tricky_doc.text.index("taxes")
    mine = window.session.add("claim", None, Fragment(start, start + len("taxes will rise")))
    ann = window.session.annotations[mine.uuid]
    window.session.update(ann, replace(ann, note="first"), "Edit note")
    elsewhere = Annotating(colleague_machine, "alice")
    [seen] = elsewhere.annotations(tricky_doc.uuid)
    elsewhere.update(replace(seen, note="changed elsewhere"))
    window.session.history.undo()  # would put the note back to "" over the other machine's change
    assert len(shown) == 1 and "Undo Edit note was not saved" in shown[0] and "changed elsewhere" in shown[0]
    assert window.saved_label.text() == "Not saved"
    assert window.session.annotations[mine.uuid].note == "changed elsewhere"
    assert [a.note for a in elsewhere.annotations(tricky_doc.uuid)] == ["changed elsewhere"]
