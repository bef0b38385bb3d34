"""The learned recommender on real articles: the PTC sample (SemEval-2020 Task 11) imported into a project, trained
on 20 articles and scored on the other 5, then trained on those 5 and scored on the 20."""

from __future__ import annotations

import pytest

from annotator.formats.registry import ReadOptions
from annotator.services import documents, importing, suggestions
from tests.conftest import shared_data

LABELS = ("Loaded_Language", "Name_Calling,Labeling")


@pytest.fixture
def ptc_project(project):
    corpus = shared_data("ptc_semeval2020_task11")
    report = importing.import_paths(project, [corpus], "ptc", "ptc", ReadOptions(extra={"label_map": "new"}))
    assert not report.failed and len(report.imported) == 25
    return project


def _articles_in_file_order(project) -> list[str]:
    ids = [d.uuid for d in documents.list_documents(project)]
    return sorted(ids, key=lambda uuid: documents.get_document(project, uuid).source)


@pytest.mark.parametrize("direction", ["20 -> 5", "5 -> 20"])
def test_learned_spans_beat_random_spans_by_a_wide_margin_on_held_out_articles(ptc_project, direction) -> None:
    ids = _articles_in_file_order(ptc_project)
    split = (ids[:20], ids[20:]) if direction == "20 -> 5" else (ids[20:], ids[:20])
    result = suggestions.evaluate(ptc_project, ["learned_spans"], split=split)
    assert (result["train_documents"], result["test_documents"]) == (len(split[0]), len(split[1]))
    learned = result["recommenders"]["learned_spans"]
    for label in LABELS:
        ours, chance = learned[label]["suggested"], learned[label]["random"]
        assert ours["reference"] > 0 and ours["suggested"] > 0
        assert ours["f1"] >= 3 * chance["f1"] and ours["f1"] - chance["f1"] >= 0.05, (label, ours, chance)


def test_evaluating_the_whole_set_reports_every_label_and_leaves_no_model_behind(ptc_project) -> None:
    result = suggestions.evaluate(ptc_project, test_fraction=0.2, seed=1)
    assert (result["train_documents"], result["test_documents"]) == (20, 5)
    assert set(result["recommenders"]) == {"phrase_memory", "learned_spans", "attribution_cues"}
    assert set(LABELS) <= set(result["all"])
    assert any("skipped" in note for note in result["notes"])  # techniques with a handful of examples
    assert not suggestions.model_folder(ptc_project).exists()
