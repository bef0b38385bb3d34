"""brat standoff: round trip, discontinuous spans, the brat tutorial example, folders per annotator, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from annotator.core.errors import InputError
from annotator.formats.brat import read_brat
from annotator.formats.registry import ReadOptions
from annotator.services import exporting, importing
from annotator.services.project import Project
from tests.conftest import shared_data
from tests.formats.strategies import bundles, relations_of, round_trip, spans_of


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(fragments=3, relations=True, notes=True, attributes=True))
def test_round_trip(bundle) -> None:
    back = round_trip("brat", [bundle])
    assert {b.document.text for b in back} == {bundle.document.text}
    assert sorted((x for b in back for x in spans_of(b)), key=repr) == spans_of(bundle)
    got = sorted(((a.label, a.fragments, a.note, yes_no(a.attributes)) for b in back for a in b.annotations), key=repr)
    assert got == sorted(((a.label, a.fragments, a.note, a.attributes) for a in bundle.annotations), key=repr)
    assert sorted((x for b in back for x in relations_of(b)), key=repr) == relations_of(bundle)


def yes_no(attributes: dict) -> dict:
    """brat writes yes/no attributes as the values yes and no; the import's label mapping makes them booleans."""
    return {k: {"yes": True, "no": False}.get(v, v) for k, v in attributes.items()}


def write(folder: Path, name: str, text: str, ann: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{name}.ann").write_text(ann, encoding="utf-8")
    return folder


def test_discontinuous_span_with_bom_and_emoji(tmp_path) -> None:
    text = "\ufeffThe 😀 minister,\r\nwho spoke, said taxes rise."
    a, b = text.index("The"), text.index("said")
    folder = write(tmp_path / "carol", "doc", text, f"T1\tclaim {a} {a + 3};{b} {b + 4}\tThe said\n")
    [bundle] = read_brat(folder, ReadOptions())
    [ann] = bundle.annotations
    assert ann.annotator == "carol"
    assert ann.covered_texts(bundle.document.text) == ["The", "said"]
    assert bundle.document.text == text


def test_a_span_whose_text_does_not_match_names_file_and_line(tmp_path) -> None:
    folder = write(tmp_path / "a", "doc", "Taxes will rise.", "T1\tclaim 0 5\tTaxes\nT2\tclaim 6 10\twont\n")
    with pytest.raises(InputError) as caught:
        list(read_brat(folder, ReadOptions()))
    assert caught.value.path == str(folder / "doc.ann") and caught.value.line == 2
    assert "'will'" in caught.value.reason and "'wont'" in caught.value.reason


def test_the_brat_tutorial_example_reads_with_events_attributes_and_notes() -> None:
    folder = shared_data("format_examples", "brat")
    bundles = {
        b.document.metadata.get("file", b.document.source): b for b in read_brat(folder, ReadOptions(annotator="dana"))
    }
    [bundle] = [b for name, b in bundles.items() if name.endswith("000-introduction.txt")]
    text = bundle.document.text
    by_text = {a.covered_texts(text)[0]: a for a in bundle.annotations}
    assert len(bundle.annotations) == 7 and {a.annotator for a in bundle.annotations} == {"dana"}
    assert by_text["Raul Salinas de Gortari"].attributes == {"Mention": "Name", "Individual": True}
    assert by_text["$100 million"].note == "100000000 USD"
    assert "Wikipedia:64488" in by_text["former Mexican president"].note
    kinds = {(r.type, by_text["moving"].uuid == r.source) for r in bundle.relations}
    assert ("Giver-Arg", True) in kinds and ("Family", False) in kinds and len(bundle.relations) == 6


def test_project_round_trip_keeps_annotators_as_folders(sample_project, tmp_path) -> None:
    out = tmp_path / "brat"
    project = Project.open(tmp_path / "other.sqlite")
    report = exporting.export(sample_project, "brat", out)
    assert sorted(p.name for p in out.iterdir()) == ["alice", "bob"]
    assert (out / "alice" / "annotation.conf").read_text().startswith("[entities]\n")
    assert "genre" not in (out / "alice" / "annotation.conf").read_text()  # document-level: no brat form
    back = importing.import_paths(project, [out], "tester", "brat")
    assert not back.failed and len(back.imported) == 5
    people = {a.name for a in project.annotators()}
    assert {"alice", "bob"} <= people
    exported = list(exporting.bundles(sample_project))
    spans = [a for b in exported for a in b.annotations if a.fragments]
    assert back.annotations == len(spans) < report.annotations
    assert any("document-level" in note for note in report.notes)
    theirs = sorted((a.annotator, a.label, a.subtype, a.fragments, a.attributes, a.note) for a in spans)
    ours = sorted(
        (a.annotator, a.label, a.subtype, a.fragments, a.attributes, a.note)
        for b in exporting.bundles(project)
        for a in b.annotations
    )
    assert ours == theirs
    again = importing.import_paths(project, [out], "tester", "brat")
    assert again.annotations == 0 and len(again.duplicates) == 10  # each folder holds the five texts
