"""The analysis service on real data (BASIL through its importer, the sample articles), on both databases,
against pandas and scipy computed from what the importer read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Fragment
from annotator.formats import basil
from annotator.formats.registry import ReadOptions
from annotator.services import analysis, analysis_details, collections, documents, importing
from annotator.services.annotating import Annotating
from tests.conftest import shared_data


@pytest.fixture
def basil_project(project):
    folder = shared_data("basil")
    options = ReadOptions(extra={"label_map": "new"})
    report = importing.import_paths(project, [folder], "tester", "basil", options)
    assert not report.failed and len(report.imported) == 15
    return project, folder


def _reference(folder: Path) -> pd.DataFrame:
    """One row per BASIL span as the importer reads it, with its document's outlet, story and words."""
    rows = []
    for bundle in basil.read_basil(folder, ReadOptions()):
        doc = bundle.document
        for ann in bundle.annotations:
            if ann.fragments:
                label, _, subtype = ann.label.partition("/")
                subtype = ann.subtype or subtype
                rows.append((doc.uuid, doc.outlet, doc.metadata["story"], len(doc.text.split()), label, subtype))
        rows.append((doc.uuid, doc.outlet, doc.metadata["story"], len(doc.text.split()), None, None))
    return pd.DataFrame(rows, columns=["doc", "outlet", "story", "words", "label", "subtype"])


def test_basil_rates_by_outlet_match_pandas(basil_project) -> None:
    project, folder = basil_project
    result = analysis.run(project, analysis.AnalysisOptions(by="outlet", labels=["bias"], subtypes=True, bootstrap=200))
    assert result.keys == ["bias", "bias/informational", "bias/lexical"]
    reference = _reference(folder)
    words = reference.drop_duplicates("doc").groupby("outlet")["words"].sum()
    spans = reference.dropna(subset=["label"])
    data = analysis.to_json(result)
    assert set(data["groups"]) == {"Fox News", "HuffPost", "The New York Times"}
    for outlet, group in data["groups"].items():
        assert group["documents"] == 5 and group["words"] == words[outlet]
        mine = spans[spans["outlet"] == outlet]
        for key, subtype in (("bias", None), ("bias/lexical", "lexical"), ("bias/informational", "informational")):
            chosen = mine if subtype is None else mine[mine["subtype"] == subtype]
            entry = group["labels"][key]
            assert entry["spans"] == len(chosen)
            assert entry["documents_with"] == chosen["doc"].nunique()
            assert entry["per_1000_words"] == pytest.approx(1000 * len(chosen) / words[outlet], rel=1e-12)
            assert entry["ci"]["low"] <= entry["per_1000_words"] <= entry["ci"]["high"]
    assert data["small_groups"] == [] and data["empty_groups"] == []


def test_basil_paired_comparison_is_scipys_exact_sign_flip_test(basil_project) -> None:
    project, folder = basil_project
    result = analysis.run(project, analysis.AnalysisOptions(by="outlet", labels=["bias"], bootstrap=100))
    found = analysis_details.compare(result, "Fox News", "HuffPost", paired=True)
    reference = _reference(folder)
    per_doc = reference.groupby(["story", "outlet"]).agg(spans=("label", "count"), words=("words", "first"))
    rate = 1000 * per_doc["spans"] / per_doc["words"]
    diffs = (rate.xs("Fox News", level="outlet") - rate.xs("HuffPost", level="outlet")).to_numpy()
    expected = scipy_stats.permutation_test(
        (diffs,), lambda d, axis=-1: d.mean(axis=axis), permutation_type="samples", vectorized=True
    )
    assert found.exact and found.n_a == 5
    assert found.difference[0] == pytest.approx(diffs.mean(), rel=1e-12)
    assert found.p_value[0] == pytest.approx(expected.pvalue, rel=1e-12)
    by_story = analysis.run(project, analysis.AnalysisOptions(by="story", bootstrap=0))
    assert len(by_story.groups) == 5 and all(s.documents == 3 for s in by_story.stats)
    with pytest.raises(InputError, match="not story"):
        analysis_details.compare(by_story, by_story.groups[0], by_story.groups[1], paired=True)
    articles = analysis_details.story_articles(result, by_story.groups[0])
    assert sorted(a.document.outlet for a in articles) == ["Fox News", "HuffPost", "The New York Times"]
    for article in articles:
        assert all(0 <= s < e <= len(article.document.text) for s, e, _, _ in article.spans)


def test_bad_input_names_what_exists(basil_project) -> None:
    project, _ = basil_project
    with pytest.raises(InputError, match=r"'nonsense' is not a label; the span labels are claim, opinion"):
        analysis.run(project, analysis.AnalysisOptions(labels=["nonsense"]))
    with pytest.raises(InputError, match=r"no document has a field 'colour'; --by takes outlet, .*basil.triplet-uuid"):
        analysis.run(project, analysis.AnalysisOptions(by="colour"))
    with pytest.raises(InputError, match="no collection named 'batch 9'; the project has none"):
        analysis.run(project, analysis.AnalysisOptions(collection="batch 9"))
    with pytest.raises(InputError, match="no annotator named 'zoe'; the project has"):
        analysis.run(project, analysis.AnalysisOptions(annotators=["zoe"]))
    result = analysis.run(project, analysis.AnalysisOptions(bootstrap=0))
    with pytest.raises(InputError, match="no outlet 'CNN' among the groups; they are: Fox News, HuffPost"):
        analysis_details.compare(result, "CNN", "HuffPost")
    with pytest.raises(InputError, match="no label 'framin' to list"):
        analysis_details.kwic(result, "framin")
    by_nested = analysis.run(project, analysis.AnalysisOptions(by="basil.source", bootstrap=0))
    assert sorted(by_nested.groups) == ["fox", "hpo", "nyt"]


def test_samples_sources_kwic_collections_and_boilerplate(sample_project) -> None:
    project = sample_project
    result = analysis.run(project, analysis.AnalysisOptions(annotators=["alice"], bootstrap=0))
    quoted = analysis_details.sources(result)
    names = {row["source"] for rows in quoted.values() for row in rows}
    assert "tomas reyes" in names
    rows = analysis_details.kwic(result, "attribution/source")
    texts = {d.uuid: d.text for d in result.data.documents}
    assert rows and all(texts[r["document"]][r["start"] : r["end"]] == r["text"] for r in rows)

    collections.create(project, "empty batch", "alice")
    uuids = [d.uuid for d in result.data.documents]
    collections.add_documents(project, "first two", uuids[:2], "alice")
    by_collection = analysis.run(project, analysis.AnalysisOptions(annotators=["alice"], by="collection", bootstrap=0))
    data = analysis.to_json(by_collection)
    assert data["groups"]["empty batch"]["documents"] == 0
    assert all(e["per_1000_words"] is None for e in data["groups"]["empty batch"]["labels"].values())
    assert data["groups"]["first two"]["documents"] == 2 and "empty batch" in data["empty_groups"]

    doc = result.data.documents[0]
    claims = [
        (int(s), int(e))
        for s, e, d, lab in zip(
            result.data.span_start, result.data.span_end, result.data.span_document, result.data.span_label, strict=True
        )
        if d == 0 and lab == "claim"
    ]
    boiler = {doc.uuid: [(claims[0][0], claims[0][1])]}  # by hand: the first claim's words are boilerplate
    cut = analysis.run(project, analysis.AnalysisOptions(annotators=["alice"], bootstrap=0, boilerplate=boiler))
    outlet = doc.outlet
    before, after = result.group(outlet), cut.group(outlet)
    covered = len(doc.text[claims[0][0] : claims[0][1]].split())
    assert before.words - after.words in (covered, covered - 1, covered + 1)  # edge words cut in two count once
    k = result.keys.index("claim")
    assert before.spans[k] - after.spans[k] == 1


def test_month_and_year_groups_and_uncoded_documents(basil_project) -> None:
    project, _ = basil_project
    result = analysis.run(project, analysis.AnalysisOptions(by="year", bootstrap=0))
    assert result.groups == ["2010", "2016", "2017", "2019"]
    months = analysis.run(project, analysis.AnalysisOptions(by="month", bootstrap=0))
    assert all(len(g) == 7 for g in months.groups)
    series = analysis_details.timeline(result, "bias")
    assert set(series) == {"all documents"} and len(series["all documents"]) == len(months.groups)
    assert np.isclose(sum(v["documents"] for v in series["all documents"].values()), 15)


@pytest.mark.parametrize("by", ["outlet", "annotator", "collection"])
def test_counts_first_gives_what_the_spans_give(sample_project, by) -> None:
    """Reading span counts (the window) and reading the spans (the command line) agree on every figure, with
    boilerplate taken out, attribute values and who is quoted (read from the spans that can tell them)."""
    project = sample_project
    first = analysis.run(project, analysis.AnalysisOptions(bootstrap=0))
    doc = first.data.documents[1]
    inside = [
        (int(s), int(e))
        for s, e, d in zip(first.data.span_start, first.data.span_end, first.data.span_document, strict=True)
        if d == 1
    ]
    assert first.data.spans_read and inside
    collections.add_documents(project, "some", [d.uuid for d in first.data.documents[::2]], "alice")
    boiler = {doc.uuid: [(0, inside[0][1])]}
    for left_out in ({}, boiler):  # spans inside boilerplate need the spans read: counts alone cannot tell
        found = []
        for spans in (True, False):
            options = analysis.AnalysisOptions(by=by, subtypes=True, bootstrap=50, boilerplate=left_out)
            result = analysis.run(project, options, analysis.prepare(project, options, spans=spans))
            data = analysis.to_json(result)
            data["attributes"] = analysis_details.attribute_distributions(project.scheme, result)
            data["sources"] = analysis_details.sources(result)
            data["timeline"] = analysis_details.timeline(result, "claim")
            assert result.data.spans_read is (spans or bool(left_out))  # counts and the notable spans were enough
            assert data["attributes"] and data["sources"] and data["timeline"]
            data["kwic"] = analysis_details.kwic(result, "claim")
            found.append(data)
        assert found[0] == found[1]


def test_spans_of_several_fragments_and_document_labels(project) -> None:
    """A span in pieces is one span from its first start to its last end, its pieces in order whatever order they
    were stored in; a document-level label makes the document coded but is no span."""
    doc = Document("Alpha beta gamma delta epsilon zeta eta theta.", title="A", outlet="Ledger")
    documents.add_document(project, doc, "alice")
    service = Annotating(project, "alice")
    service.create(Annotation(doc.uuid, "alice", "claim", (Fragment(17, 22), Fragment(0, 5), Fragment(6, 10))))
    service.create(Annotation(doc.uuid, "alice", "opinion", (Fragment(23, 30),)))
    document_labels = [lab.name for lab in project.scheme.top_labels() if lab.scope.value == "document"]
    if document_labels:
        service.create(Annotation(doc.uuid, "alice", document_labels[0], ()))
    for spans in (True, False):
        options = analysis.AnalysisOptions(labels=["claim", "opinion"], bootstrap=0)
        result = analysis.run(project, options, analysis.prepare(project, options, spans=spans))
        assert [int(n) for n in result.stats[0].spans] == [1, 1] and result.stats[0].documents == 1
        data = result.data
        pieces = data.span_label.index("claim")
        assert (int(data.span_start[pieces]), int(data.span_end[pieces])) == (0, 22)
        assert data.span_fragments[pieces] == ((0, 5), (6, 10), (17, 22))
        assert sorted(data.span_label) == ["claim", "opinion"]
