"""The gold layer: decisions with provenance, bulk rules, revoking, and what the exporter gets."""

from __future__ import annotations

import pytest

from annotator.core.errors import InputError
from annotator.core.model import Annotation, AnnotatorKind, Document, Fragment, Relation
from annotator.review.adjudication import Decision
from annotator.services import documents, review
from annotator.services.adjudication import Adjudication, gold_provenance, provenance
from annotator.services.annotating import Annotating, stored_annotation
from annotator.store import annotators, change_log


def civic(project) -> str:
    return next(d.uuid for d in documents.list_documents(project) if d.outlet == "Civic Ledger")


def test_accept_writes_gold_and_provenance(sample_project) -> None:
    doc = civic(sample_project)
    curator = Adjudication(sample_project, "carla")
    units = curator.units(doc, ["alice", "bob"])
    assert units and not any(u.decided for u in units)
    target = next(u for u in units if "label" in u.unit.kinds)
    chosen = target.unit.member("bob")
    gold = stored_annotation(curator.accept(chosen.uuid, reason="bob's frame fits the guideline"))
    assert gold.annotator == "gold" and gold.label == chosen.label and gold.fragments == chosen.fragments
    with sample_project.transaction() as session:
        kinds = {a.name: a.kind for a in annotators.all_annotators(session)}
    assert kinds["gold"] is AnnotatorKind.GOLD
    after = next(u for u in curator.units(doc, ["alice", "bob"]) if u.unit.uuids == target.unit.uuids)
    assert after.decided and after.gold == gold
    record = after.record
    assert (record.curator, record.decision, record.sources, record.reason) == (
        "carla",
        Decision.ACCEPT,
        (chosen.uuid,),
        "bob's frame fits the guideline",
    )
    with pytest.raises(InputError, match="decided already"):
        curator.accept(target.unit.member("alice").uuid, unit=target.unit.uuids)


def test_edit_merge_reject_and_revoke(sample_project) -> None:
    doc = civic(sample_project)
    curator = Adjudication(sample_project, "carla")
    units = curator.units(doc, ["alice", "bob"])
    boundary = next(u.unit for u in units if u.unit.kinds == {"boundary"})
    merged = stored_annotation(curator.merge(boundary.uuids, "union of both"))
    assert merged.fragments[0].start == min(m.start for m in boundary.members)
    assert merged.fragments[-1].end == max(m.end for m in boundary.members)
    missing = [u.unit for u in units if u.unit.kinds == {"missing"}]
    curator.reject(missing[0].uuids, "not a claim")
    source = missing[1].members[0]
    with pytest.raises(InputError, match="the scheme has no label"):
        curator.edit([source.uuid], "spin", None, [(0, 3)])
    edited = stored_annotation(
        curator.edit([source.uuid], "opinion", None, [(source.start, source.start + 3)], reason="shorter")
    )
    assert edited.label == "opinion" and edited.fragments == (Fragment(source.start, source.start + 3),)
    decisions = [r.decision for r in curator.records([doc])]
    assert decisions == [Decision.MERGE, Decision.REJECT, Decision.EDIT]
    gold_uuids = {a.uuid for a in curator.gold_annotations(doc)}
    assert gold_uuids == {merged.uuid, edited.uuid}
    curator.revoke(curator.records([doc])[0].uuid)
    assert {a.uuid for a in curator.gold_annotations(doc)} == {edited.uuid}
    with sample_project.transaction() as session:
        log = change_log.entries(session, document=doc, limit=3)
    assert [(c.entity, c.action) for c in log][:2] == [("adjudication", "delete"), ("annotation", "delete")]


def test_accept_agreed_is_repeatable(sample_project) -> None:
    curator = Adjudication(sample_project, "carla")
    agreed = sum(
        len([u for u in review.compare(sample_project, d.uuid, ["alice", "bob"]).units if u.agreed])
        for d in documents.list_documents(sample_project)
    )
    first = curator.accept_agreed(["alice", "bob"])
    assert first.accepted == agreed > 0
    second = curator.accept_agreed(["alice", "bob"])
    assert second.accepted == 0 and second.already == agreed
    assert all(r.decision is Decision.AGREED and len(r.sources) == 2 for r in curator.records())


def test_majority_of_three(project) -> None:
    from annotator.core.model import Document

    doc = Document("The council will raise fares by 40% next year, officials said.")
    documents.add_document(project, doc, "test")
    spans = {
        "alice": [("claim", 0, 40), ("opinion", 45, 62)],
        "bob": [("claim", 0, 40)],
        "carol": [("claim", 0, 40), ("opinion", 45, 62)],
        "dan": [("framing", 4, 11)],
    }
    for who, items in spans.items():
        for label, s, e in items:
            Annotating(project, who).create(Annotation(doc.uuid, who, label, (Fragment(s, e),)))
    curator = Adjudication(project, "carla")
    outcome = curator.majority(["alice", "bob", "carol"])
    assert (outcome.accepted, outcome.rejected, outcome.undecided) == (2, 0, 0)
    gold = curator.gold_annotations(doc.uuid)
    assert sorted((a.label, a.start, a.end) for a in gold) == [("claim", 0, 40), ("opinion", 45, 62)]
    records = {r.reason for r in curator.records()}
    assert records == {"majority 3 of 3", "majority 2 of 3"}
    # with dan instead of carol: claim and opinion were decided above; dan's framing is one voice of three
    other = Adjudication(project, "otto").majority(["alice", "bob", "dan"])
    assert (other.accepted, other.rejected, other.already, other.undecided) == (0, 1, 2, 0)
    rejection = curator.records()[-1]
    assert rejection.decision is Decision.MAJORITY and rejection.gold_annotation is None
    assert rejection.curator == "otto" and rejection.reason == "most annotators marked nothing here"


def test_provenance_for_the_exporter(sample_project) -> None:
    doc = civic(sample_project)
    curator = Adjudication(sample_project, "carla")
    curator.accept_agreed(["alice", "bob"], [doc])
    records = provenance(sample_project)
    assert list(records) == [doc]
    first = records[doc][0]
    assert set(first) == {"uuid", "document", "decision", "sources", "curator", "gold_annotation", "reason", "at"}
    per_span = gold_provenance(sample_project, doc)
    assert set(per_span) == {a.uuid for a in curator.gold_annotations(doc)}


def test_curator_names(sample_project) -> None:
    with pytest.raises(InputError, match="adjudicate under your own name"):
        Adjudication(sample_project, "gold")
    with pytest.raises(InputError, match="already in the gold layer"):
        curator = Adjudication(sample_project, "carla")
        doc = civic(sample_project)
        gold = stored_annotation(curator.accept(curator.units(doc, ["alice", "bob"])[0].unit.uuids[0]))
        curator.accept(gold.uuid)


def test_gold_export_carries_its_provenance(sample_project, tmp_path) -> None:
    import json as _json

    from annotator.services import exporting
    from annotator.services.adjudication import Adjudication

    outcome = Adjudication(sample_project, "carol").accept_agreed(["alice", "bob"])
    assert outcome is not None
    out = tmp_path / "gold.jsonl"
    report = exporting.export(sample_project, "jsonl", out, exporting.ExportFilter(gold_only=True))
    provenance = _json.loads((tmp_path / "gold.provenance.json").read_text(encoding="utf-8"))
    exported = [_json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    gold_ids = {a["id"] for d in exported for a in d["annotations"]}
    recorded = {r["gold_annotation"] for records in provenance.values() for r in records}
    assert gold_ids and gold_ids <= recorded
    assert all(r["curator"] == "carol" and r["sources"] for records in provenance.values() for r in records)
    assert any("provenance of" in note for note in report.notes)
    plain = exporting.export(
        sample_project, "jsonl", tmp_path / "alice.jsonl", exporting.ExportFilter(annotators=["alice"])
    )
    assert not (tmp_path / "alice.provenance.json").exists() and not any("provenance" in n for n in plain.notes)


def _attributions(project) -> tuple[str, dict[str, tuple[Annotation, Annotation]]]:
    """alice and bob each mark the same source and content, linked."""
    doc = Document("The minister said taxes will rise sharply next year.")
    documents.add_document(project, doc, "alice")
    links = {}
    for who in ("alice", "bob"):
        source = Annotation(doc.uuid, who, "attribution", (Fragment(0, 12),), "source")
        content = Annotation(doc.uuid, who, "attribution", (Fragment(18, 51),), "content")
        service = Annotating(project, who)
        service.create(source)
        service.create(content)
        service.relate(Relation("attributed_to", content.uuid, source.uuid, who))
        links[who] = (source, content)
    return doc.uuid, links


def _gold_links(project, doc: str) -> list[tuple[str, str, str]]:
    relations = Annotating(project, "carla").relations(doc)
    return [(r.type, r.source, r.target) for r in relations if r.annotator == "gold"]


def test_a_relation_comes_into_gold_once_both_its_ends_are_decided_and_goes_with_a_revoke(project) -> None:
    doc, links = _attributions(project)
    (source, content), (others_source, others_content) = links["alice"], links["bob"]
    curator = Adjudication(project, "carla")
    gold_source = stored_annotation(curator.accept(source.uuid, unit=[others_source.uuid]))
    assert _gold_links(project, doc) == []
    record = curator.records([doc])[-1]
    gold_content = stored_annotation(curator.accept(content.uuid, unit=[others_content.uuid]))
    assert _gold_links(project, doc) == [("attributed_to", gold_content.uuid, gold_source.uuid)]
    [link] = [r for r in Annotating(project, "carla").relations(doc) if r.annotator == "gold"]
    curator.revoke(record.uuid)
    assert _gold_links(project, doc) == []
    with project.transaction() as session:
        logged = [c for c in change_log.entries(session, document=doc) if c.entity == "relation"]
    assert (logged[0].action, logged[0].key, logged[0].actor) == ("delete", link.uuid, "carla")


def test_agreed_links_come_into_gold_once(project) -> None:
    doc, _links = _attributions(project)
    Adjudication(project, "carla").accept_agreed(["alice", "bob"], [doc])
    gold = {a.uuid: a for a in Adjudication(project, "carla").gold_annotations(doc)}
    [(kind, content, source)] = _gold_links(project, doc)
    assert (kind, gold[content].subtype, gold[source].subtype) == ("attributed_to", "content", "source")
