"""Collections: named sets of documents, each change in the change log."""

import pytest

from annotator.core.errors import InputError, NotFound
from annotator.core.model import Document
from annotator.services import collections, documents
from annotator.store import change_log


def add(project, text: str) -> str:
    doc = Document(text, title=text)
    documents.add_document(project, doc, "alice")
    return doc.uuid


def test_create_fill_list_and_filter(project) -> None:
    a, b, c = (add(project, t) for t in ("Alpha.", "Beta.", "Gamma."))
    made = collections.create(project, " left outlets ", "alice", "for Bob")
    assert made.name == "left outlets"
    with pytest.raises(InputError, match="already a collection named 'left outlets'"):
        collections.create(project, "left outlets", "alice")
    with pytest.raises(InputError, match="needs a name"):
        collections.create(project, "  ", "alice")
    assert collections.add_documents(project, "left outlets", [a, c], "alice") == 2
    assert collections.add_documents(project, "left outlets", [a], "alice") == 0  # already in
    assert collections.add_documents(project, "batch", [b], "alice") == 1  # created on the way
    listed = collections.list_collections(project)
    assert [(x.name, x.size, x.description) for x in listed] == [("batch", 1, ""), ("left outlets", 2, "for Bob")]
    assert collections.document_uuids(project, "left outlets") == [a, c]
    assert [r.title for r in collections.documents(project, "left outlets")] == ["Alpha.", "Gamma."]
    assert collections.collections_of(project, a) == ["left outlets"]
    with pytest.raises(NotFound, match="no document nope"):
        collections.add_documents(project, "batch", ["nope"], "alice")
    with pytest.raises(NotFound, match="no collection named 'x'"):
        collections.add_documents(project, "x", [a], "alice", create=False)


def test_remove_rename_delete_and_membership(project) -> None:
    a, b = add(project, "One."), add(project, "Two.")
    collections.add_documents(project, "c1", [a, b], "alice")
    assert collections.remove_documents(project, "c1", [b], "alice") == 1
    collections.rename(project, "c1", "renamed", "alice")
    assert [c.name for c in collections.list_collections(project)] == ["renamed"]
    records = collections.set_membership(project, a, ["other", "new"], "alice")
    assert {r.payload["collection"] for r in records if r.entity == "membership"} == {"other", "new", "renamed"}
    assert set(collections.collections_of(project, a)) == {"other", "new"}
    assert collections.set_membership(project, a, ["other", "new"], "alice") == []
    collections.delete(project, "other", "alice")
    assert [c.name for c in collections.list_collections(project)] == ["new", "renamed"]
    assert len(documents.list_documents(project)) == 2  # documents stay
    with project.transaction() as session:
        log = [(e.entity, e.key, e.action) for e in change_log.entries(session) if e.entity == "collection"]
    assert ("collection", "other", "delete") in log and ("collection", "renamed", "update") in log


def test_deleting_a_document_leaves_its_collections(project) -> None:
    a = add(project, "Doomed.")
    collections.add_documents(project, "c", [a], "alice")
    documents.delete_document(project, a, "alice")
    assert collections.get(project, "c").size == 0
