"""History and recovery from the change log: who changed what and when; deleted annotations and documents
come back with what was deleted with them."""

from dataclasses import replace

import pytest

from annotator.core.errors import InputError, NotFound
from annotator.core.model import Annotation, Document, Fragment, Relation
from annotator.services import documents, history
from annotator.services.annotating import Annotating

TEXT = "\ufeffThe minister 😀 said taxes will rise.\r\nCritics call it a disgrace."


@pytest.fixture
def doc(project) -> Document:
    document = Document(TEXT, title="Taxes")
    documents.add_document(project, document, "alice")
    return document


def span(doc, quote: str, who: str = "alice", label: str = "claim") -> Annotation:
    start = doc.text.index(quote)
    return Annotation(doc.uuid, who, label, (Fragment(start, start + len(quote)),))


def test_history_says_who_changed_what_when(project, doc) -> None:
    alice, bob = Annotating(project, "alice"), Annotating(project, "bob")
    ann = span(doc, "taxes will rise")
    alice.create(ann)
    alice.update(replace(ann, subtype="prediction"))
    bob.create(span(doc, "a disgrace", "bob", "opinion"))
    alice.delete(ann.uuid)
    entries = history.document_history(project, doc.uuid)
    assert [(e.actor, e.action, e.summary) for e in entries[:4]] == [
        ("alice", "delete", "claim/prediction “taxes will rise”"),
        ("bob", "create", "opinion “a disgrace”"),
        ("alice", "update", "claim/prediction (was claim) “taxes will rise”"),
        ("alice", "create", "claim “taxes will rise”"),
    ]
    assert entries[-1].entity == "document" and entries[-1].summary == "Taxes"
    assert [e.restorable for e in entries[:4]] == [True, False, False, False]
    assert entries[0].at >= entries[1].at >= entries[3].at


def test_restore_deleted_annotation_of_someone_else_with_its_relation(project, doc) -> None:
    bob = Annotating(project, "bob")
    source = replace(span(doc, "The minister", "bob", "attribution"), subtype="source")
    content = replace(span(doc, "taxes will rise", "bob", "attribution"), subtype="content")
    bob.create(source)
    bob.create(content)
    bob.relate(Relation("attributed_to", content.uuid, source.uuid, "bob"))
    bob.delete(source.uuid)
    assert bob.relations(doc.uuid) == []
    report = history.restore_annotation(project, source.uuid, "alice")  # alice restores bob's annotation
    assert (report.annotations, report.relations) == (1, 1)
    assert {a.uuid for a in bob.annotations(doc.uuid)} == {source.uuid, content.uuid}
    assert bob.annotations(doc.uuid)[0].annotator == "bob"
    assert [r.type for r in bob.relations(doc.uuid)] == ["attributed_to"]
    assert not any(e.restorable for e in history.document_history(project, doc.uuid))
    with pytest.raises(NotFound):
        history.restore_annotation(project, source.uuid, "alice")  # not deleted any more


def test_restore_deleted_document_with_its_annotations(project, doc) -> None:
    alice = Annotating(project, "alice")
    early = span(doc, "Critics")
    alice.create(early)
    alice.delete(early.uuid)  # deleted on its own before the document: stays deleted
    kept = [span(doc, "taxes will rise"), span(doc, "a disgrace", label="opinion")]
    for ann in kept:
        alice.create(ann)
    kind = project.scheme.relation_types[0].name
    alice.relate(Relation(kind, kept[1].uuid, kept[0].uuid, "alice"))
    relations_before = alice.relations(doc.uuid)
    documents.delete_document(project, doc.uuid, "alice")
    assert [d.key for d in history.deleted_documents(project)] == [doc.uuid]
    report = history.restore_document(project, doc.uuid, "carol")
    assert (report.annotations, report.relations, report.skipped) == (2, 1, [])
    back = documents.get_document(project, doc.uuid)
    assert back.text == TEXT and back.sha256 == doc.sha256 and back.title == "Taxes"  # BOM and CRLF kept
    assert sorted(a.uuid for a in alice.annotations(doc.uuid)) == sorted(a.uuid for a in kept)
    assert [r.uuid for r in alice.relations(doc.uuid)] == [r.uuid for r in relations_before] and relations_before
    assert history.deleted_documents(project) == []
    with pytest.raises(NotFound):
        history.restore_document(project, doc.uuid, "carol")


def test_restore_document_refused_when_the_same_text_is_back(project, doc) -> None:
    documents.delete_document(project, doc.uuid, "alice")
    documents.add_document(project, Document(TEXT, title="Re-imported"), "alice")
    with pytest.raises(InputError, match="Re-imported"):
        history.restore_document(project, doc.uuid, "alice")


def test_annotation_of_a_deleted_document_needs_the_document_first(project, doc) -> None:
    alice = Annotating(project, "alice")
    ann = span(doc, "taxes will rise")
    alice.create(ann)
    alice.delete(ann.uuid)
    documents.delete_document(project, doc.uuid, "alice")
    with pytest.raises(InputError, match="restore the document first"):
        history.restore_annotation(project, ann.uuid, "alice")
    history.restore_document(project, doc.uuid, "alice")
    history.restore_annotation(project, ann.uuid, "alice")
    assert [a.uuid for a in alice.annotations(doc.uuid)] == [ann.uuid]
