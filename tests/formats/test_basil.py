"""BASIL: sentence-relative offsets placed in the rebuilt text, article-level fields as document annotations."""

from __future__ import annotations

import json

import pytest

from annotator.core.errors import InputError
from annotator.formats.basil import read_basil, rebuild_text
from annotator.formats.registry import ReadOptions
from annotator.services import exporting, importing
from tests.conftest import shared_data


def test_corpus_sample_imports_with_every_phrase_on_its_text(project) -> None:
    corpus = shared_data("basil")
    report = importing.import_paths(project, [corpus], "tester", "basil", ReadOptions(extra={"label_map": "new"}))
    assert not report.failed, report.failed
    assert len(report.imported) == 15
    phrases = 0
    for article in sorted((corpus / "annotations").rglob("*_ann.json")):
        phrases += len(json.loads(article.read_text(encoding="utf-8"))["phrase-level-annotations"])
    found = list(exporting.bundles(project))
    spans = [(a, b.document.text) for b in found for a in b.annotations if a.fragments]
    assert len(spans) == phrases
    assert all(a.label == "bias" and a.subtype in ("lexical", "informational") for a, _ in spans)
    stances = [a for b in found for a in b.annotations if a.label == "relative_stance"]
    assert len(stances) == 15 and all(a.is_document_level for a in stances)
    feelings = [a for b in found for a in b.annotations if a.label == "author_feeling"]
    assert feelings and all("target" in a.attributes for a in feelings)
    assert project.scheme.label("relative_stance").scope.value == "document"


def test_offsets_count_from_their_sentence(tmp_path) -> None:
    article = {"title": "Héadline 😀", "body-paragraphs": [["First one.", "Second one."], ["Third."]]}
    text, starts, _ = rebuild_text(article)
    assert text == "Héadline 😀\n\nFirst one. Second one.\n\nThird."
    assert starts == {"title": 0, "p0": 12, "p1": 23, "p2": 36}
    (tmp_path / "a.json").write_text(json.dumps(article), encoding="utf-8")
    phrases = [
        {"id": "p1", "start": 0, "end": 6, "txt": "Second", "bias": "lex", "polarity": "neg"},
        {"id": "title", "start": 9, "end": 10, "txt": "😀", "bias": "inf"},
    ]
    (tmp_path / "a_ann.json").write_text(json.dumps({"phrase-level-annotations": phrases}), encoding="utf-8")
    [bundle] = read_basil(tmp_path / "a.json", ReadOptions())
    assert sorted(a.covered_texts(text)[0] for a in bundle.annotations) == ["Second", "😀"]


def test_a_phrase_whose_txt_differs_is_reported_with_file_and_line(tmp_path) -> None:
    article = {"title": "T", "body-paragraphs": [["Taxes will rise."]]}
    (tmp_path / "a.json").write_text(json.dumps(article), encoding="utf-8")
    phrases = [
        {"id": "p0", "start": 0, "end": 5, "txt": "Taxes", "bias": "lex"},
        {"id": "p0", "start": 6, "end": 10, "txt": "wont", "bias": "lex"},
    ]
    ann = tmp_path / "a_ann.json"
    ann.write_text(json.dumps({"phrase-level-annotations": phrases}, indent=1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_basil(tmp_path / "a.json", ReadOptions()))
    assert caught.value.path == str(ann) and '"wont"' in ann.read_text().splitlines()[caught.value.line - 1]
