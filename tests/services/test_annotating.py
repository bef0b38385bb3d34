from dataclasses import replace

import pytest

from annotator.core.errors import InputError, NotFound
from annotator.core.model import Annotation, Document, Fragment, Relation, Status, annotation_from_dict
from annotator.services import documents
from annotator.services.annotating import Annotating, stored_annotation
from annotator.store import change_log

TEXT = "Ahead of the summit 😀, the minister said\r\nthat taxes will rise by 5%. ﻿Critics call it a disgrace."


@pytest.fixture
def doc(project) -> Document:
    document = Document(TEXT, title="Taxes")
    documents.add_document(project, document, "alice")
    return document


def span(doc: Document, quote: str, label: str = "claim", annotator: str = "alice", **kw) -> Annotation:
    start = doc.text.index(quote)
    return Annotation(doc.uuid, annotator, label, (Fragment(start, start + len(quote)),), **kw)


def log(project, **kw):
    with project.transaction() as session:
        return change_log.entries(session, **kw)


def test_create_stores_code_point_offsets_and_logs_it(project, doc) -> None:
    alice = Annotating(project, "alice")
    ann = span(doc, "taxes will rise by 5%", subtype="prediction", attributes={"check_worthy": True})
    alice.create(ann)
    [stored] = alice.annotations(doc.uuid)
    assert stored == ann
    assert stored.covered_texts(doc.text) == ["taxes will rise by 5%"]
    [entry] = log(project, key=ann.uuid)
    assert (entry.action, entry.actor, entry.before, entry.after["fragments"]) == (
        "create",
        "alice",
        None,
        [[ann.start, ann.end]],
    )


def test_update_keeps_history_and_bumps_the_version(project, doc) -> None:
    alice = Annotating(project, "alice")
    ann = span(doc, "a disgrace", label="opinion")
    alice.create(ann)
    updated = stored_annotation(
        alice.update(replace(ann, subtype="loaded_language", attributes={"polarity": "negative"}, note="!"))
    )
    assert updated.version == 2 and updated.subtype == "loaded_language"
    assert alice.annotations(doc.uuid)[0].attributes == {"polarity": "negative"}
    entry = log(project, key=ann.uuid)[0]
    assert entry.before["subtype"] is None and entry.after["subtype"] == "loaded_language"


def test_discontinuous_and_overlapping_spans(project, doc) -> None:
    alice = Annotating(project, "alice")
    a, b = doc.text.index("the minister"), doc.text.index("taxes")
    two_parts = Annotation(doc.uuid, "alice", "attribution", (Fragment(a, a + 12), Fragment(b, b + 5)), "source")
    overlapping = span(doc, "minister said", label="attribution", subtype="cue")
    alice.create(two_parts)
    alice.create(overlapping)
    stored = alice.annotations(doc.uuid)
    assert [s.covered_texts(doc.text) for s in stored] == [["the minister", "taxes"], ["minister said"]]


def test_delete_removes_relations_and_restore_brings_the_annotation_back(project, doc) -> None:
    alice = Annotating(project, "alice")
    content, source = span(doc, "taxes will rise", label="attribution"), span(doc, "the minister", label="attribution")
    alice.create(content)
    alice.create(source)
    alice.relate(Relation("attributed_to", content.uuid, source.uuid, "alice"))
    records = alice.delete(source.uuid)
    assert [r.entity for r in records] == ["relation", "annotation"]
    assert annotation_from_dict(records[-1].before) == source
    assert alice.relations(doc.uuid) == []
    assert [e.entity for e in log(project)[:2]] == ["annotation", "relation"]
    restored = stored_annotation(alice.restore(source.uuid))
    assert restored == source
    assert {a.uuid for a in alice.annotations(doc.uuid)} == {content.uuid, source.uuid}


def test_document_level_labels_have_no_fragments(project, doc) -> None:
    alice = Annotating(project, "alice")
    alice.create(Annotation(doc.uuid, "alice", "genre", subtype="opinion"))
    with pytest.raises(InputError, match="marks passages of text"):
        alice.create(Annotation(doc.uuid, "alice", "claim"))
    with pytest.raises(InputError, match="applies to the whole document"):
        alice.create(span(doc, "Critics", label="genre"))


def test_bad_edits_are_refused_and_change_nothing(project, doc) -> None:
    alice = Annotating(project, "alice")
    with pytest.raises(InputError, match="beyond the end"):
        alice.create(Annotation(doc.uuid, "alice", "claim", (Fragment(5, len(TEXT) + 1),)))
    with pytest.raises(InputError, match="no label"):
        alice.create(span(doc, "taxes", label="propaganda"))
    with pytest.raises(InputError, match="cannot write an annotation of bob"):
        alice.create(span(doc, "taxes", annotator="bob"))
    with pytest.raises(NotFound):
        alice.create(Annotation("no-such-doc", "alice", "claim", (Fragment(0, 1),)))
    assert alice.annotations(doc.uuid) == [] and log(project, document=doc.uuid)[0].entity == "document"


def test_layers_are_per_annotator(project, doc) -> None:
    Annotating(project, "alice").create(span(doc, "taxes"))
    bob = Annotating(project, "bob")
    bob.create(span(doc, "taxes", annotator="bob"))
    assert [a.annotator for a in bob.annotations(doc.uuid)] == ["bob"]
    assert len(bob.annotations(doc.uuid, ["alice", "bob"])) == 2
    alices = bob.annotations(doc.uuid, ["alice"])[0]
    with pytest.raises(InputError, match="belongs to alice"):
        bob.delete(alices.uuid)


def test_status_per_annotator(project, doc) -> None:
    alice = Annotating(project, "alice")
    assert alice.status(doc.uuid) is Status.NOT_STARTED
    alice.set_status(doc.uuid, Status.DONE)
    assert alice.status(doc.uuid) is Status.DONE
    assert Annotating(project, "bob").status(doc.uuid) is Status.NOT_STARTED
    [row] = documents.list_documents(project, "alice")
    assert row.status is Status.DONE


def test_relations_must_use_a_known_type_within_one_document(project, doc) -> None:
    alice = Annotating(project, "alice")
    a, b = span(doc, "taxes", label="attribution"), span(doc, "Critics", label="attribution")
    alice.create(a)
    alice.create(b)
    with pytest.raises(InputError, match="no relation type"):
        alice.relate(Relation("loves", a.uuid, b.uuid, "alice"))
    with pytest.raises(InputError, match="two different"):
        alice.relate(Relation("attributed_to", a.uuid, a.uuid, "alice"))
