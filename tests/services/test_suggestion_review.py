"""Stored suggestions on a project (SQLite and PostgreSQL): refresh, offer, accept with provenance, correct,
reject (remembered after a new run), undo, blind annotation, and the change log agreeing with the tables."""

from __future__ import annotations

import json

import pytest

from annotator.core import changes
from annotator.core.errors import InputError, NotFound
from annotator.core.model import Annotation, Fragment, Origin, Status
from annotator.services import collections, exporting, importing, suggestion_review
from annotator.services.annotating import Annotating, stored_annotation
from annotator.services.project import Project
from annotator.services.review import AgreementOptions, agreement
from annotator.services.suggestion_review import Correction
from annotator.suggesting.model import Feedback


@pytest.fixture
def suggested(sample_project, tmp_path):
    run, records = suggestion_review.refresh(
        sample_project, "alice", ["attribution_cues", "phrase_memory"], folder=tmp_path / "models"
    )
    assert run.suggestions and records
    return sample_project, run


def _first_document(project, run) -> str:
    by_doc: dict[str, int] = {}
    for s in run.suggestions:
        by_doc[s.document] = by_doc.get(s.document, 0) + 1
    return max(by_doc, key=lambda d: by_doc[d])


def test_a_run_stores_one_record_per_document_and_a_second_run_changes_nothing(suggested) -> None:
    project, run = suggested
    doc = _first_document(project, run)
    stored = suggestion_review.all_of_document(project, doc)
    assert {s.uuid for s in stored} == {s.uuid for s in run.suggestions if s.document == doc}
    assert all(s.score == next(r.score for r in run.suggestions if r.uuid == s.uuid) for s in stored)
    _, again = suggestion_review.refresh(project, "alice", ["attribution_cues", "phrase_memory"])
    assert again == []  # the same proposals: nothing rewritten, nothing logged
    assert project.log_problems() == []


def test_accepting_makes_my_annotation_with_provenance_that_exports_and_reimports(suggested, tmp_path) -> None:
    project, run = suggested
    doc = _first_document(project, run)
    offered = suggestion_review.open_for(project, doc, "carol")
    chosen = offered[0]
    records = suggestion_review.accept(project, "carol", chosen.uuid)
    ann = stored_annotation(records)
    assert (ann.annotator, ann.origin, ann.fragments, ann.label) == (
        "carol",
        Origin.SUGGESTION,
        chosen.fragments,
        chosen.label,
    )
    assert ann.provenance is not None and ann.provenance.suggestion == chosen.uuid
    assert (ann.provenance.recommender, ann.provenance.score) == (chosen.recommender, chosen.score)
    assert [r.entity for r in records if r.entity == changes.FEEDBACK] == [changes.FEEDBACK]
    assert chosen.uuid not in {s.uuid for s in suggestion_review.open_for(project, doc, "carol")}
    assert chosen.uuid in {s.uuid for s in suggestion_review.open_for(project, doc, "dana")}  # others still see it
    assert Annotating(project, "carol").annotations(doc)[0].provenance == ann.provenance  # read back as stored

    out = tmp_path / "out.jsonl"
    exporting.export(project, "jsonl", out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    written = next(a for d in lines for a in d["annotations"] if a["id"] == ann.uuid)
    assert written["origin"] == "suggestion" and written["suggestion"] == ann.provenance.to_dict()
    elsewhere = Project.open(tmp_path / "elsewhere.sqlite")
    try:
        importing.import_paths(elsewhere, [out], actor="dana")
        back = Annotating(elsewhere, "carol").annotations(doc)
        assert [(a.uuid, a.origin, a.provenance) for a in back] == [(ann.uuid, Origin.SUGGESTION, ann.provenance)]
    finally:
        elsewhere.close()
    csv_out = tmp_path / "out.csv"
    exporting.export(project, "csv", csv_out)
    row = next(line for line in csv_out.read_text(encoding="utf-8").splitlines() if ann.uuid in line)
    assert f",{chosen.uuid},{chosen.recommender},{chosen.recommender_version},{chosen.score}" in row
    assert project.log_problems() == []


def test_a_correction_and_a_rejection_are_remembered_after_the_next_run(suggested) -> None:
    project, run = suggested
    doc = _first_document(project, run)
    first, second = suggestion_review.open_for(project, doc, "carol")[:2]
    narrower = (Fragment(first.start, first.end - 1),)
    records = suggestion_review.accept(project, "carol", first.uuid, Correction(fragments=narrower))
    corrected = stored_annotation(records)
    assert corrected.fragments == narrower and corrected.provenance.suggestion == first.uuid
    suggestion_review.reject(project, "carol", [second.uuid])
    history = {r.suggestion: r.action for _, r in suggestion_review.learning_history(project, doc, "carol")}
    assert history == {first.uuid: Feedback.CORRECTED, second.uuid: Feedback.REJECTED}
    run2, _ = suggestion_review.refresh(project, "alice", ["attribution_cues", "phrase_memory"])
    keys = {s.key for s in run2.suggestions}
    assert first.key not in keys and second.key not in keys  # neither is offered again, to anyone
    assert project.log_problems() == []


def test_undoing_an_acceptance_removes_the_annotation_and_offers_the_suggestion_again(suggested) -> None:
    project, run = suggested
    doc = _first_document(project, run)
    chosen = suggestion_review.open_for(project, doc, "carol")[0]
    records = suggestion_review.accept(project, "carol", chosen.uuid)
    feedback = next(r.key for r in records if r.entity == changes.FEEDBACK)
    undone = suggestion_review.withdraw(project, "carol", feedback, stored_annotation(records).uuid)
    assert {r.action for r in undone} == {changes.DELETE}
    assert Annotating(project, "carol").annotations(doc) == []
    assert chosen.uuid in {s.uuid for s in suggestion_review.open_for(project, doc, "carol")}
    assert project.log_problems() == []


def test_accept_many_is_all_or_nothing_and_a_missing_suggestion_is_named(suggested) -> None:
    project, run = suggested
    doc = _first_document(project, run)
    offered = suggestion_review.open_for(project, doc, "carol")
    with pytest.raises(NotFound, match="no open suggestion nope"):
        suggestion_review.accept_many(project, "carol", [offered[0].uuid, "nope"])
    assert Annotating(project, "carol").annotations(doc) == []  # the first was not kept either
    suggestion_review.accept_many(project, "carol", [s.uuid for s in offered[:3]])
    assert len(Annotating(project, "carol").annotations(doc)) == 3


def test_blind_annotation_hides_suggestions_until_done_then_compares(suggested) -> None:
    project, run = suggested
    doc = _first_document(project, run)
    suggestion_review.set_blind(project, "annotator", "carol", True, "alice")
    assert suggestion_review.open_for(project, doc, "carol") == []
    assert suggestion_review.open_for(project, doc, "alice")  # not blind
    proposal = suggestion_review.all_of_document(project, doc)[0]
    carol = Annotating(project, "carol")
    carol.create(Annotation(doc, "carol", proposal.label, proposal.fragments))
    carol.set_status(doc, Status.DONE)
    assert suggestion_review.open_for(project, doc, "carol")  # done: shown now
    comparison = suggestion_review.compare_blind(project, doc, "carol")
    assert [s.uuid for _, s in comparison.both] == [proposal.uuid] and comparison.only_annotator == []
    assert len(comparison.only_suggested) == len(suggestion_review.all_of_document(project, doc)) - 1

    collections.create(project, "batch", "alice")
    collections.add_documents(project, "batch", [doc], "alice")
    suggestion_review.set_blind(project, "annotator", "carol", False, "alice")
    suggestion_review.set_blind(project, "collection", "batch", True, "alice")
    assert suggestion_review.open_for(project, doc, "dana") == []
    with pytest.raises(InputError, match="per annotator or collection"):
        suggestion_review.set_blind(project, "outlet", "x", True, "alice")
    assert project.log_problems() == []


def test_agreement_counts_and_can_leave_out_accepted_suggestions(suggested) -> None:
    project, run = suggested
    doc = _first_document(project, run)
    offered = suggestion_review.open_for(project, doc, "carol")
    suggestion_review.accept_many(project, "carol", [s.uuid for s in offered[:2]])
    counted = agreement(project, AgreementOptions(annotators=["alice", "carol"]))
    assert counted["from_suggestions"] == {"alice": 0, "carol": 2} and not counted["suggestions_excluded"]
    left_out = agreement(project, AgreementOptions(annotators=["alice", "carol"], exclude_suggested=True))
    assert left_out["suggestions_excluded"] and left_out["from_suggestions"]["carol"] == 2
    assert left_out != counted


def test_the_agreement_report_names_accepted_suggestions(suggested, tmp_path) -> None:
    from annotator.services.review import write_report

    project, run = suggested
    offered = suggestion_review.open_for(project, _first_document(project, run), "carol")
    suggestion_review.accept_many(project, "carol", [offered[0].uuid])
    result = agreement(project, AgreementOptions(annotators=["alice", "carol"], exclude_suggested=True))
    html = write_report(result, tmp_path / "report")[0].read_text(encoding="utf-8")
    assert "Annotations from accepted suggestions: alice 0, carol 1 (left out of every measure)." in html


@pytest.mark.parametrize("source_first", [False, True])
def test_accepting_both_ends_of_a_proposed_relation_links_them_once(suggested, source_first) -> None:
    project, run = suggested
    linked = next(s for s in run.suggestions if s.relations)
    relation = linked.relations[0]
    target = next(s for s in run.suggestions if s.uuid == relation.target)
    first, second = (linked, target) if source_first else (target, linked)
    carols = lambda: [r for r in Annotating(project, "carol").relations(linked.document) if r.annotator == "carol"]  # noqa: E731
    suggestion_review.accept(project, "carol", first.uuid)
    assert carols() == []  # one end only: nothing to link yet
    records = suggestion_review.accept(project, "carol", second.uuid)
    [made] = carols()
    mine = {a.uuid: a for a in Annotating(project, "carol").annotations(linked.document)}
    assert (made.type, mine[made.source].fragments, mine[made.target].fragments) == (
        relation.type,
        linked.fragments,
        target.fragments,
    )
    assert [r.entity for r in records].count(changes.RELATION) == 1
    assert project.log_problems() == []


def test_a_dry_run_leaves_out_what_was_rejected_and_stores_nothing(suggested) -> None:
    project, run = suggested
    doc = _first_document(project, run)
    rejected = suggestion_review.open_for(project, doc, "carol")[0]
    suggestion_review.reject(project, "carol", [rejected.uuid])
    before = suggestion_review.all_of_document(project, doc)
    dry, records = suggestion_review.refresh(project, "alice", ["attribution_cues", "phrase_memory"], store=False)
    assert records == [] and rejected.key not in {s.key for s in dry.suggestions}
    assert suggestion_review.all_of_document(project, doc) == before  # the rejected one is still stored
