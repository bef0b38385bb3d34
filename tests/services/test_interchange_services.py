"""Export filters and counts, bulk storing of imported annotations (change log, restore), label maps."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from annotator.core.errors import InputError
from annotator.core.model import Annotation, AnnotatorKind, Document, Fragment, Status
from annotator.formats.registry import DocumentBundle, ReadOptions
from annotator.services import collections, exporting, history, importing, label_mapping, live
from annotator.services.annotating import Annotating, stored_annotation
from annotator.services.project import Project
from annotator.services.samples import samples_path
from annotator.store import annotations, annotators, change_log


def test_filters_select_annotators_labels_statuses_collections_and_gold(sample_project) -> None:
    count = exporting.count
    assert count(sample_project) == (5, 71)
    assert count(sample_project, exporting.ExportFilter(annotators=["bob"])) == (5, 33)
    claims = count(sample_project, exporting.ExportFilter(labels=["claim"]))[1]
    statistical = count(sample_project, exporting.ExportFilter(labels=["claim/statistical"]))[1]
    assert 0 < statistical < claims
    done = exporting.ExportFilter(statuses=[Status.DONE], annotators=["alice"])
    assert count(sample_project, done) == (5, 38)
    assert count(sample_project, exporting.ExportFilter(statuses=[Status.DONE], annotators=["bob"]))[0] == 0
    first = exporting.bundles(sample_project).__next__().document.uuid
    collections.add_documents(sample_project, "batch", [first], "alice")
    assert count(sample_project, exporting.ExportFilter(collections=["batch"]))[0] == 1
    assert count(sample_project, exporting.ExportFilter(gold_only=True)) == (5, 0)
    with sample_project.transaction() as session:
        annotators.ensure(session, "curator", "tester", AnnotatorKind.GOLD)
    bundle = next(exporting.bundles(sample_project, exporting.ExportFilter(documents=[first])))
    span = next(a for a in bundle.annotations if a.fragments)
    Annotating(sample_project, "curator").create(replace(span, uuid=Annotation("", "", "").uuid, annotator="curator"))
    gold = list(exporting.bundles(sample_project, exporting.ExportFilter(gold_only=True)))
    assert [a.annotator for b in gold for a in b.annotations] == ["curator"]


def test_relations_travel_only_with_both_ends(sample_project) -> None:
    everything = list(exporting.bundles(sample_project))
    assert sum(len(b.relations) for b in everything) > 0
    only_claims = list(exporting.bundles(sample_project, exporting.ExportFilter(labels=["claim"])))
    assert sum(len(b.relations) for b in only_claims) == 0
    for bundle in everything:
        kept = {a.uuid for a in bundle.annotations}
        assert all(r.source in kept and r.target in kept for r in bundle.relations)


def test_a_cancelled_export_leaves_no_file(sample_project, tmp_path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(exporting.ExportCancelled):
        exporting.export(sample_project, "jsonl", folder / "out.jsonl", progress=lambda done, total: done < 2)
    assert list(folder.iterdir()) == []


def test_bulk_import_logs_each_documents_new_annotations_and_deleted_ones_can_be_restored(project) -> None:
    report = importing.import_paths(project, [samples_path()], "loader")
    assert report.annotations == 71
    with project.transaction() as session:
        entries = [c for c in change_log.entries(session) if c.entity == "import"]
        stored = {u for _source, doc in report.imported for u in _uuids(session, doc)}
    assert {c.actor for c in entries} == {"loader"} and all(c.key == c.document for c in entries)
    listed = [u for c in entries for u in c.after["annotations"]]
    assert len(listed) == 71 and set(listed) == stored
    document = entries[0].document
    summary = next(h.summary for h in history.document_history(project, document) if h.entity == "import")
    assert summary.startswith(f"{len(entries[0].after['annotations'])} annotation")
    some = entries[0].after["annotations"][0]
    alice = Annotating(project, stored_annotator(project, some))
    before = alice.annotations(document, [alice.annotator])
    alice.delete(some)
    restored = stored_annotation(alice.restore(some))
    assert restored in alice.annotations(document, [alice.annotator])
    assert alice.annotations(document, [alice.annotator]) == before


def test_a_colleagues_import_reaches_the_live_feed_as_annotation_creations(project) -> None:
    feed = live.ChangeFeed(project)
    report = importing.import_paths(project, [samples_path()], "loader")
    update = feed.poll()
    created = [e for e in update.entries if e.entity == "annotation" and e.action == "create"]
    assert len(created) == report.annotations == 71
    assert {doc for _source, doc in report.imported} <= update.documents_touched


def _uuids(session, document: str) -> list[str]:
    return [a.uuid for a in annotations.of_document(session, document)]


def stored_annotator(project, uuid: str) -> str:
    with project.transaction() as session:
        return annotations.get(session, uuid).annotator


def test_a_bad_annotation_in_a_bulk_batch_stores_nothing(project, tmp_path) -> None:
    line = json.loads(samples_path().read_text(encoding="utf-8").splitlines()[0])
    line["annotations"][-1]["label"] = "nonsense"
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = importing.import_paths(project, [path], "loader", "jsonl")
    assert report.imported == [] and "'nonsense" in report.failed[0][1]
    assert exporting.count(project) == (0, 0)


def test_label_map_sends_labels_adds_new_ones_and_keeps_odd_attributes_in_the_note(project: Project) -> None:
    doc = Document("Taxes will rise, said the minister.")
    anns = [
        Annotation(doc.uuid, "x", "Claim", (Fragment(0, 15),), attributes={"confidence": "high"}),
        Annotation(doc.uuid, "x", "Speaker", (Fragment(22, 34),)),
        Annotation(doc.uuid, "x", "Noise", (Fragment(17, 21),)),
    ]
    mapping = label_mapping.parse_label_map({"Claim": "claim/prediction", "Noise": "skip", "*": "new"})
    notes: list[str] = []
    with project.transaction() as session:
        out = label_mapping.prepare(project, session, DocumentBundle(doc, anns), mapping, notes)
    assert [(a.label, a.subtype) for a in out.annotations] == [("claim", "prediction"), ("Speaker", None)]
    assert out.annotations[0].note == "confidence: high" and out.annotations[0].attributes == {}
    assert project.scheme.has_label("Speaker") and any("Speaker" in n for n in notes)


def test_label_map_errors_are_clear(tmp_path, project) -> None:
    bad = tmp_path / "map.json"
    bad.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="JSON object of names"):
        label_mapping.parse_label_map(str(bad))
    doc = Document("Taxes rise.")
    bundle = DocumentBundle(doc, [Annotation(doc.uuid, "x", "Rumour", (Fragment(0, 5),))])
    with project.transaction() as session, pytest.raises(InputError) as caught:
        label_mapping.prepare(project, session, bundle, label_mapping.LabelMap())
    assert "'Rumour'" in str(caught.value) and "--label-map" in str(caught.value)
    with project.transaction() as session, pytest.raises(InputError, match="does not have"):
        label_mapping.prepare(project, session, bundle, label_mapping.parse_label_map({"Rumour": "claim/gossip"}))


def test_a_label_map_file_is_read_through_import_options(project, tmp_path) -> None:
    folder = tmp_path / "ann"
    folder.mkdir()
    (folder / "a.txt").write_text("Taxes rise.", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tRumour 0 5\tTaxes\n", encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"Rumour": "claim/factual"}), encoding="utf-8")
    report = importing.import_paths(project, [folder], "t", "brat", ReadOptions(extra={"label_map": str(mapping)}))
    assert report.annotations == 1 and not report.failed
    [bundle] = exporting.bundles(project)
    assert [(a.label, a.subtype, a.annotator) for a in bundle.annotations] == [("claim", "factual", "brat")]


def test_an_annotation_id_another_document_already_uses_is_left_out_with_a_note(project, tmp_path) -> None:
    first = json.loads(samples_path().read_text(encoding="utf-8").splitlines()[0])
    taken = first["annotations"][0]
    other = {**first, "id": None, "sha256": None, "text": first["text"] + " Another text."}
    other["annotations"], other["relations"] = [taken, {**taken, "id": "fresh-id"}], []
    (tmp_path / "first.jsonl").write_text(json.dumps(first) + "\n", encoding="utf-8")
    (tmp_path / "other.jsonl").write_text(json.dumps(other) + "\n", encoding="utf-8")
    earlier = importing.import_paths(project, [tmp_path / "first.jsonl"], "loader", "jsonl")
    report = importing.import_paths(project, [tmp_path / "other.jsonl"], "loader", "jsonl")
    assert not report.failed and len(report.imported) == 1 and report.annotations == 1
    assert any("already used" in note for note in report.notes)
    with project.transaction() as session:
        assert [a.uuid for a in annotations.of_document(session, report.imported[0][1])] == ["fresh-id"]
        assert annotations.get(session, taken["id"]).document == earlier.imported[0][1]
        listed = [
            c.after["annotations"]
            for c in change_log.entries(session, document=report.imported[0][1])
            if c.entity == "import"
        ]
    assert listed == [["fresh-id"]]


@pytest.mark.sqlite_only
def test_an_import_gives_the_connection_back_its_usual_page_cache(project) -> None:
    importing.import_paths(project, [samples_path()], "loader")
    with project.transaction() as session:
        assert session.connection().exec_driver_sql("PRAGMA cache_size").scalar() == -2000
