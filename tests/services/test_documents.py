import pytest

from annotator.core.errors import NotFound
from annotator.core.model import Document
from annotator.services import documents
from annotator.store import change_log


def test_duplicates_are_detected_by_text_hash(project) -> None:
    first = documents.add_document(project, Document("Same text.", title="One"), "alice")
    again = documents.add_document(project, Document("Same text.", title="Two"), "alice")
    assert first.added and not again.added
    assert again.duplicate_of.uuid == first.document.uuid
    assert len(documents.list_documents(project)) == 1


def test_list_counts_annotations_per_annotator(sample_project) -> None:
    everyone = {r.title: r.annotation_count for r in documents.list_documents(sample_project)}
    alice = {r.title: r.annotation_count for r in documents.list_documents(sample_project, "alice")}
    bob = {r.title: r.annotation_count for r in documents.list_documents(sample_project, "bob")}
    assert all(everyone[t] == alice[t] + bob[t] for t in everyone)
    assert sum(alice.values()) == 38 and sum(bob.values()) == 33


def test_metadata_edits_are_logged_and_text_is_untouchable(project) -> None:
    doc = Document("Body text.", title="Old")
    documents.add_document(project, doc, "alice")
    documents.update_metadata(project, doc.uuid, "alice", title="New", outlet="Daily")
    stored = documents.get_document(project, doc.uuid)
    assert (stored.title, stored.outlet, stored.text) == ("New", "Daily", "Body text.")
    with pytest.raises(ValueError, match="not editable"):
        documents.update_metadata(project, doc.uuid, "alice", text="changed")
    with project.transaction() as session:
        assert change_log.entries(session, key=doc.uuid)[0].after["title"] == "New"


def test_deleted_document_is_kept_in_the_change_log(sample_project) -> None:
    uuid = documents.list_documents(sample_project)[0].uuid
    documents.delete_document(sample_project, uuid, "alice")
    with pytest.raises(NotFound):
        documents.get_document(sample_project, uuid)
    with sample_project.transaction() as session:
        entries = change_log.entries(session, document=uuid)
    assert entries[0].entity == "document" and entries[0].action == "delete"
    assert entries[0].before["text"].startswith("City council")
    assert sum(1 for e in entries if e.entity == "annotation" and e.action == "delete") == 20


def test_resolve_by_id_prefix_or_title(sample_project) -> None:
    row = documents.list_documents(sample_project)[0]
    assert documents.resolve_document(sample_project, row.uuid[:8]) == row.uuid
    assert documents.resolve_document(sample_project, row.title) == row.uuid
    with pytest.raises(NotFound):
        documents.resolve_document(sample_project, "nothing like it")
