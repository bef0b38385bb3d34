"""The suggestions service on a project (SQLite and PostgreSQL): what it reads, what it leaves out, where models go."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.model import Annotation, Fragment
from annotator.services import collections, documents, suggestions
from annotator.services.annotating import Annotating
from annotator.suggesting import plugins
from annotator.suggesting.plugins import GROUP


def test_read_project_gives_each_span_once_without_document_level_labels(sample_project) -> None:
    docs = suggestions.read_project(sample_project)
    assert len(docs) == 5 and all(d.language == "en" for d in docs)
    labels = {s.label for d in docs for s in d.spans}
    assert "genre" not in labels and "primary_frame" not in labels and "attribution" in labels
    for d in docs:
        keys = [(s.label, s.subtype, s.fragments) for s in d.spans]
        assert len(keys) == len(set(keys))
        people = Annotating(sample_project, "alice").annotations(d.id, ["alice", "bob"])
        assert set(keys) == {(a.label, a.subtype, a.fragments) for a in people if a.fragments}


def test_suggestions_repeat_no_annotation_and_fit_the_scheme(sample_project, tmp_path) -> None:
    run = suggestions.suggest(sample_project, folder=tmp_path / "models")
    assert run.suggestions, "the samples hold quotations and reporting verbs"
    existing = {
        (d.id, tuple((f.start, f.end) for f in s.fragments), s.label)
        for d in suggestions.read_project(sample_project)
        for s in d.spans
    }
    scheme = sample_project.scheme
    for s in run.suggestions:
        assert s.key not in existing
        assert scheme.has_label(s.label) and scheme.label(s.label).scope.value == "span"
        assert s.subtype is None or s.subtype in {t.name for t in scheme.subtypes(s.label)}
        for name, value in s.attributes.items():
            scheme.label(s.label).attribute(name).check(value)
        assert run.texts[s.document][s.start : s.end].strip() == run.texts[s.document][s.start : s.end]
    recommenders = {s.recommender for s in run.suggestions}
    assert {"attribution_cues", "learned_spans"} <= recommenders
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["learned_spans", "phrase_memory"]
    assert any("skipped" in m for m in run.messages())  # most sample labels have only a few examples


def test_labels_and_attributes_the_scheme_lacks_are_left_out_with_a_note(sample_project, monkeypatch) -> None:
    point = EntryPoint("off_scheme", "tests.suggesting.fake_plugins:OffScheme", GROUP)
    monkeypatch.setattr(plugins, "entry_points", lambda group: [point])
    run = suggestions.suggest(sample_project, folder=None)
    assert [(s.label, s.subtype, s.attributes) for s in run.suggestions] == [
        ("opinion", "loaded_language", {"polarity": "negative"})
    ] * 5
    assert run.messages() == [
        "off_scheme: 'genre/opinion' is not a span label of the project's scheme; 5 suggestions left out",
        "off_scheme: 'opinion/hyperbole' is not a span label of the project's scheme; 5 suggestions left out",
        "off_scheme: 'propaganda' is not a span label of the project's scheme; 5 suggestions left out",
    ]


def test_a_collection_limits_the_documents_not_the_training(sample_project, tmp_path) -> None:
    first = documents.list_documents(sample_project)[0].uuid
    collections.add_documents(sample_project, "batch", [first], "alice")
    run = suggestions.suggest(sample_project, ["attribution_cues", "phrase_memory"], "batch", folder=tmp_path)
    assert {s.document for s in run.suggestions} <= {first} and list(run.texts) == [first]
    assert run.training.trained == ["phrase_memory"]
    import json

    assert json.loads((tmp_path / "phrase_memory" / "meta.json").read_text())["documents"] == 5
    with pytest.raises(AnnotatorError, match="nope"):
        suggestions.suggest(sample_project, collection="nope", folder=tmp_path)


def test_models_are_reused_until_annotations_change_and_train_refreshes_them(sample_project, tmp_path) -> None:
    names = ["phrase_memory"]
    assert suggestions.suggest(sample_project, names, folder=tmp_path).training.trained == names
    again = suggestions.suggest(sample_project, names, folder=tmp_path)
    assert again.training.loaded == names and again.training.notes == []
    doc = documents.list_documents(sample_project)[0].uuid
    Annotating(sample_project, "carol").create(Annotation(doc, "carol", "claim", (Fragment(0, 4),)))
    stale = suggestions.suggest(sample_project, names, folder=tmp_path)
    assert stale.training.loaded == names and "trained before the latest annotations" in stale.messages()[0]
    assert suggestions.suggest(sample_project, names, train=True, folder=tmp_path).training.trained == names


def test_models_live_beside_a_sqlite_file_or_in_the_data_folder_for_a_server(project, backend, isolated_dirs) -> None:
    folder = suggestions.model_folder(project)
    if backend == "sqlite":
        assert folder == project.database.file_path.with_name("project.sqlite.models")
    else:
        assert folder.parent == isolated_dirs / "data" / "media-annotator" / "models"
        assert "/" not in folder.name and ":" not in folder.name


def test_evaluating_needs_annotated_documents_on_both_sides(project) -> None:
    with pytest.raises(AnnotatorError, match="two annotated documents or more; the project has 0"):
        suggestions.evaluate(project)
