"""Agreement, report and comparison on the sample project (alice and bob partly disagree)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Fragment
from annotator.services import documents, review
from annotator.services.annotating import Annotating
from annotator.services.review import AgreementOptions


def strict(result: dict) -> dict:
    return json.loads(json.dumps(result, allow_nan=False))


def test_sample_agreement_has_every_measure(sample_project) -> None:
    result = strict(review.agreement(sample_project))
    assert result["annotators"] == ["alice", "bob"] and result["documents"] == 5
    for name in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "alpha_u", "f1_exact", "f1_relaxed"):
        assert 0 < result["overall"][name] < 1, name  # they partly disagree: neither chance nor perfect
    assert set(result["by_label"]) == {"claim", "opinion", "attribution", "framing"}
    assert set(result["document_level"]) == {"genre", "primary_frame"}
    assert result["document_level"]["genre"]["observed_agreement"] == 1.0
    assert result["pairs"][0]["documents"] == 5


@pytest.mark.parametrize(
    ("by", "groups"),
    [
        (
            "outlet",
            {"Civic Ledger", "Northfield Daily", "Riverside Post", "The Harbour Courier", "The Morning Lantern"},
        ),
        ("collection", {"(no collection)"}),
        ("date", {"2026-08", "2026-09", "2026-10", "2026-11"}),
        ("label", {"claim", "opinion", "attribution", "framing"}),
    ],
)
def test_breakdowns(sample_project, by: str, groups: set[str]) -> None:
    result = strict(review.agreement(sample_project, AgreementOptions(by=by)))
    assert result["groups"]["by"] == by
    assert set(result["groups"]["results"]) >= groups if by == "date" else set(result["groups"]["results"]) == groups


def test_breakdown_by_document_and_collection(sample_project) -> None:
    uuids = [d.uuid for d in documents.list_documents(sample_project)]
    from annotator.services import collections

    collections.add_documents(sample_project, "batch 1", uuids[:2], "alice")
    by_doc = strict(review.agreement(sample_project, AgreementOptions(by="document")))
    assert len(by_doc["groups"]["results"]) == 5
    one = next(iter(by_doc["groups"]["results"].values()))
    assert one["documents"] == 1 and len(one["document_ids"]) == 1
    by_coll = strict(review.agreement(sample_project, AgreementOptions(by="collection")))
    assert by_coll["groups"]["results"]["batch 1"]["documents"] == 2
    assert by_coll["groups"]["results"]["(no collection)"]["documents"] == 3


def test_a_label_subset_and_subtypes(sample_project) -> None:
    result = strict(review.agreement(sample_project, AgreementOptions(labels=["claim", "genre"], subtypes=True)))
    assert all(label.startswith("claim") for label in result["by_label"]) and "claim/statistical" in result["by_label"]
    assert list(result["document_level"]) == ["genre"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (AgreementOptions(annotators=["alice"]), "agreement needs two or more annotators; the choice has only alice"),
        (AgreementOptions(annotators=["alice", "zoe"]), "no annotator named 'zoe'"),
        (AgreementOptions(annotators=[]), "agreement needs two or more annotators; the choice has nobody"),
        (AgreementOptions(labels=["spin"]), "the scheme has no label 'spin'"),
        (AgreementOptions(by="weekday"), "--by takes one of"),
    ],
)
def test_clear_messages_for_bad_choices(sample_project, options: AgreementOptions, message: str) -> None:
    with pytest.raises(InputError, match=message):
        review.agreement(sample_project, options)


def test_an_empty_project_says_so(project) -> None:
    with pytest.raises(InputError, match="the project has no annotations yet"):
        review.agreement(project)


def test_a_project_of_one_annotator_says_so(project) -> None:
    from annotator.core.model import Document

    doc = Document("Taxes will rise.")
    documents.add_document(project, doc, "test")
    Annotating(project, "alice").create(Annotation(doc.uuid, "alice", "claim", (Fragment(0, 5),)))
    with pytest.raises(InputError, match="^agreement needs two or more annotators; the project has only alice$"):
        review.agreement(project)


def test_the_gold_layer_is_not_an_annotator_by_default(sample_project) -> None:
    from annotator.core.model import AnnotatorKind
    from annotator.services.annotating import store_annotation
    from annotator.store import annotators

    doc = documents.list_documents(sample_project)[0].uuid
    with sample_project.transaction() as session:
        annotators.ensure(session, "gold", "curator", AnnotatorKind.GOLD)
        store_annotation(sample_project, session, Annotation(doc, "gold", "claim", (Fragment(0, 4),)), "curator")
    assert review.reviewable_annotators(sample_project) == ["alice", "bob"]


def test_a_label_nobody_used_has_a_reason(project) -> None:
    from annotator.core.model import Document

    doc = Document("Taxes will rise next year, the minister said on Monday.")
    documents.add_document(project, doc, "test")
    for who, end in (("alice", 26), ("bob", 24)):
        Annotating(project, who).create(Annotation(doc.uuid, who, "claim", (Fragment(0, end),)))
    result = strict(review.agreement(project))
    assert result["by_label"]["claim"]["alpha_u"] is not None
    assert result["by_label"]["framing"]["alpha_u"] is None
    assert result["by_label"]["framing"]["reasons"]["alpha_u"] == "nobody used 'framing' in these documents"


def test_report_folder(sample_project, tmp_path: Path) -> None:
    result = review.agreement(sample_project, AgreementOptions(bootstrap=50))
    paths = review.write_report(result, tmp_path / "report")
    names = {p.name for p in paths}
    assert {
        "report.html",
        "agreement.json",
        "measures.csv",
        "pairs.csv",
        "heatmap_cohen_kappa.png",
        "heatmap_cohen_kappa.svg",
        "heatmap_cohen_kappa.csv",
        "heatmap_cohen_kappa.json",
        "confusion_alice_bob.png",
        "confusion_alice_bob.csv",
        "confusion_alice_bob.json",
    } <= names
    page = (tmp_path / "report" / "report.html").read_text()
    assert "heatmap_cohen_kappa.png" in page and f"{result['overall']['cohen_kappa']:.3f}" in page
    assert (tmp_path / "report" / "heatmap_cohen_kappa.png").read_bytes().startswith(b"\x89PNG")
    assert "<svg" in (tmp_path / "report" / "confusion_alice_bob.svg").read_text()
    rows = (tmp_path / "report" / "measures.csv").read_text().splitlines()
    assert rows[0] == "group,scope,measure,value,ci_low,ci_high,reason" and len(rows) > 20


def test_compare_marks_disagreements(sample_project) -> None:
    doc = next(d for d in documents.list_documents(sample_project) if d.outlet == "Civic Ledger")
    comparison = review.compare(sample_project, doc.uuid, ["alice", "bob"])
    kinds = [sorted(u.kinds) for u in comparison.units]
    assert ["label"] in kinds and ["missing"] in kinds and ["boundary"] in kinds and [] in kinds
    only_claims = review.compare(sample_project, doc.uuid, ["alice", "bob"], labels=["claim"])
    assert {m.label for u in only_claims.units for m in u.members} == {"claim"}
