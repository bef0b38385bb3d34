"""Two people on one project database (two Project objects, as two machines would have): a record both can edit
is checked against the version each saw; the second writer is told and shown the other version; nothing is
silently overwritten. Runs on SQLite and PostgreSQL (see conftest)."""

from dataclasses import replace

import pytest

from annotator.core.errors import ConflictError
from annotator.core.model import Annotation, Document, Fragment, annotation_from_dict
from annotator.core.scheme import Label
from annotator.services import documents
from annotator.services import scheme as scheme_service
from annotator.services.annotating import Annotating, stored_annotation
from annotator.services.project import Project
from annotator.store import annotations

TEXT = "The minister said taxes will rise. Critics call it a disgrace 😀."


@pytest.fixture
def second(project, project_url):
    """The same database opened a second time: a colleague's machine."""
    other = Project.open(project_url)
    yield other
    other.close()


@pytest.fixture
def doc(project) -> Document:
    document = Document(TEXT, title="Taxes", outlet="Daily")
    documents.add_document(project, document, "lead")
    return document


def test_an_edit_of_an_old_version_is_refused_and_shows_the_other(project, second, doc) -> None:
    here, there = Annotating(project, "alice"), Annotating(second, "alice")  # alice on her laptop and her desktop
    ann = Annotation(doc.uuid, "alice", "claim", (Fragment(4, 33),))
    here.create(ann)
    [seen_there] = there.annotations(doc.uuid)
    here.update(replace(ann, note="checked with the source"))
    with pytest.raises(ConflictError, match="changed elsewhere by alice .*checked with the source") as caught:
        there.update(replace(seen_there, note="my other note"))
    assert isinstance(caught.value.current, Annotation) and caught.value.current.note == "checked with the source"
    assert caught.value.current.version == 2
    [stored] = here.annotations(doc.uuid)
    assert stored.note == "checked with the source" and stored.version == 2
    # Having seen the other version, the second writer can build on it.
    assert stored_annotation(there.update(replace(caught.value.current, note="both notes"))).version == 3


def test_a_delete_of_an_old_version_is_refused(project, second, doc) -> None:
    here, there = Annotating(project, "alice"), Annotating(second, "alice")
    ann = Annotation(doc.uuid, "alice", "claim", (Fragment(4, 33),))
    here.create(ann)
    here.update(replace(ann, label="opinion"))
    with pytest.raises(ConflictError, match="opinion"):
        there.delete(ann.uuid, version=1)
    assert [a.label for a in here.annotations(doc.uuid)] == ["opinion"]


def test_a_race_between_read_and_write_is_caught_by_the_version_column(project, second, doc) -> None:
    here = Annotating(project, "alice")
    ann = Annotation(doc.uuid, "alice", "claim", (Fragment(4, 33),))
    here.create(ann)
    with pytest.raises(ConflictError, match="someone else changed this record"):
        with second.transaction() as session:
            before = annotations.get(session, ann.uuid)  # read version 1 ...
            here.update(replace(ann, note="first"))  # ... a colleague commits version 2 ...
            labels = second.label_ids(session)  # ... and this write, made for version 1, must not land
            annotations.update(session, before, replace(before, note="second"), labels, "alice")
    [stored] = here.annotations(doc.uuid)
    assert stored.note == "first" and stored.version == 2


def test_undone_delete_keeps_the_version_so_old_copies_still_conflict(project, doc) -> None:
    alice = Annotating(project, "alice")
    ann = Annotation(doc.uuid, "alice", "claim", (Fragment(4, 33),))
    alice.create(ann)
    changed = stored_annotation(alice.update(replace(ann, note="n")))
    [record] = alice.delete(ann.uuid)
    alice.create(annotation_from_dict(record.before))  # what undoing the delete does
    [back] = alice.annotations(doc.uuid)
    assert back.version == changed.version == 2
    with pytest.raises(ConflictError):
        alice.update(replace(ann, note="from a stale window"))  # version 1


def test_metadata_edits_check_the_values_the_user_saw(project, second, doc) -> None:
    documents.update_metadata(project, doc.uuid, "lead", expected={"title": "Taxes"}, title="Tax rise")
    with pytest.raises(ConflictError, match="title is now “Tax rise”") as caught:
        documents.update_metadata(second, doc.uuid, "carol", expected={"title": "Taxes"}, title="Taxes (Daily)")
    assert caught.value.current.title == "Tax rise"
    # another field the colleague did not touch goes through, and so does the same value twice
    documents.update_metadata(second, doc.uuid, "carol", expected={"outlet": "Daily"}, outlet="The Daily")
    documents.update_metadata(second, doc.uuid, "carol", expected={"title": "Taxes"}, title="Tax rise")
    stored = documents.get_document(project, doc.uuid)
    assert (stored.title, stored.outlet) == ("Tax rise", "The Daily")


def test_a_scheme_saved_meanwhile_is_not_overwritten(project, second) -> None:
    opened_here, opened_there = project.scheme, second.scheme
    new_label = Label("satire", colour="#123456")
    scheme_service.update_scheme(project, opened_here.with_label(new_label), "lead", seen=opened_here)
    other = opened_there.with_label(Label("rumour", colour="#654321"))
    with pytest.raises(ConflictError, match="satire") as caught:
        scheme_service.update_scheme(second, other, "curator", seen=opened_there)
    assert caught.value.current.has_label("satire") and not caught.value.current.has_label("rumour")
    second.forget_scheme()
    assert second.scheme.has_label("satire") and not second.scheme.has_label("rumour")
