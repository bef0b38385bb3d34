"""brat standoff: files come back as they went in (ids, events, roles, modifiers, notes of any type,
normalizations, equivalences, binary attributes, file names), annotators, errors with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.formats import registry
from annotator.formats.brat import read_brat
from annotator.formats.registry import ReadOptions, WriteOptions
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


def ann_lines(path: Path) -> list[str]:
    """A .ann file by meaning: its lines in any order (R lines end in a tab in brat's files, or not)."""
    return sorted(line.rstrip("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def again(folder: Path, tmp_path: Path, options: ReadOptions | None = None) -> tuple[list, Path]:
    """Read a brat folder, write what was read into a new folder; (bundles, the folder written)."""
    fmt = registry.get("brat")
    read = list(fmt.read(folder, options or ReadOptions()))
    out = tmp_path / "out"
    fmt.write(read, out, WriteOptions())
    return read, out


TEXT = "\ufeffGoogle and YouTube merged 😀, said Wikinews.\r\nThe firm did not merge. Ünïcodé ends here."
FULL = """T1\tOrganization 1 7\tGoogle
T2\tOrganization 12 19\tYouTube
T3\tMerge-org 20 26\tmerged
E1\tMerge-org:T3 Org-Arg:T1 Org-Arg2:T2
E2\tMerge-org:T3 Org-Arg:T2
T4\tReport 30 34\tsaid
T5\tOrganization 35 43\tWikinews
E3\tReport:T4 Reporter-Arg:T5 Event-Arg:E1
T6\tOrganization 46 54;63 68\tThe firm merge
R1\tAlias Arg1:T6 Arg2:T1\t
R2\tPart Parent:T1 Child:T2
A1\tNegated E2
M2\tSpeculation E3
A3\tConfidence E1 High
A4\tIndividual T5
A5\tChecked R1
#1\tAnnotatorNotes T1\ttwo lines\\nhere
#2\tLemma T2\tyoutube
#3\tAnnotatorNotes R1\ta note on a relation
#4\tAnnotatorNotes T3\ton the trigger
N1\tReference T5 Wikipedia:1234\tWikinews
N2\tReference E1 Wikidata:Q95
*\tEquiv T1 T6
T7\tEmpty 70 70\t
A6\tIndividual T7
"""


def test_every_construct_comes_back_the_same(tmp_path) -> None:
    folder = write(tmp_path / "in", "doc", TEXT, FULL)
    options = ReadOptions()
    [bundle], out = again(folder, tmp_path, options)
    assert ann_lines(out / "brat" / "doc.ann") == ann_lines(folder / "doc.ann")
    assert (out / "brat" / "doc.txt").read_bytes() == (folder / "doc.txt").read_bytes()
    by_key = {bundle.document.metadata["brat"]["ids"][a.uuid]: a for a in bundle.annotations}
    # two events share the trigger "merged": two annotations; the trigger is no annotation of its own
    assert sorted(by_key) == ["E1", "E2", "E3", "T1", "T2", "T5", "T6"]
    assert by_key["E1"].fragments == by_key["E2"].fragments and by_key["E1"].uuid != by_key["E2"].uuid
    assert by_key["E2"].attributes == {"Negated": True} and by_key["E3"].attributes == {"Speculation": True}
    assert by_key["E1"].attributes == {"Confidence": "High"} and by_key["T5"].attributes == {"Individual": True}
    assert by_key["T1"].note == "two lines\nhere" and by_key["T2"].note == ""  # a Lemma note is not a note
    args = {(by_key_of(bundle, r.source), r.type, by_key_of(bundle, r.target)) for r in bundle.relations}
    assert ("E1", "Org-Arg", "T2") in args and ("E3", "Event-Arg", "E1") in args  # numbers off, nesting kept
    assert ("T6", "Alias", "T1") in args and ("T1", "Part", "T2") in args
    lines = options.fidelity.lines()
    assert lines[0] == (
        "kept: 4 attributes (brat), 1 document (brat), 4 entities (brat), 3 events (brat), 5 event arguments (brat),"
        " 1 note (brat), 2 relations (brat)"
    )
    assert lines[1] == (
        "kept as format data only: 2 attributes (brat), 1 equivalence (brat), 2 normalizations (brat), 3 notes (brat),"
        " 1 zero-width entity (brat)"
    )
    assert not options.fidelity.left_out


def by_key_of(bundle, uuid: str) -> str:
    return bundle.document.metadata["brat"]["ids"][uuid]


def test_the_brat_tutorial_files_come_back_the_same(tmp_path) -> None:
    folder = shared_data("format_examples", "brat")
    options = ReadOptions()
    read, out = again(folder, tmp_path, options)
    for name in ("000-introduction", "090-event_structures"):
        assert ann_lines(out / "brat" / f"{name}.ann") == ann_lines(folder / f"{name}.ann"), name
        assert (out / "brat" / f"{name}.txt").read_bytes() == (folder / f"{name}.txt").read_bytes()
    intro = next(b for b in read if b.document.metadata["brat"]["name"] == "000-introduction")
    assert {a.annotator for a in intro.annotations} == {"brat"}  # not the folder's name
    by_text = {a.covered_texts(intro.document.text)[0]: a for a in intro.annotations}
    assert by_text["Raul Salinas de Gortari"].attributes == {"Mention": "Name", "Individual": True}
    assert by_text["moving"].attributes == {"Confidence": "High"}  # on the event, as the file says
    assert "Wikipedia" not in by_text["former Mexican president"].note  # a normalization is no note
    conf = (out / "brat" / "annotation.conf").read_text(encoding="utf-8")
    assert "Merge-org\tOrg-Arg*:Organization" in conf and "Individual\tArg:<ENTITY>\n" in conf


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_files_come_back_the_same(tmp_path_factory, data) -> None:
    text = "Alpha beta gamma delta epsilon zeta eta theta iota kappa."
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    lines, entities, events = [], [], []
    for n, (start, end) in enumerate(data.draw(st.lists(st.sampled_from(words), min_size=2, max_size=8)), start=1):
        lines.append(f"T{n}\t{data.draw(st.sampled_from(['Org', 'Per', 'Trig']))} {start} {end}\t{text[start:end]}")
        entities.append(f"T{n}")
    for n in range(1, data.draw(st.integers(0, 3)) + 1):
        trigger = data.draw(st.sampled_from(entities))
        kind = next(line.split("\t")[1].split()[0] for line in lines if line.startswith(trigger + "\t"))
        targets = data.draw(st.lists(st.sampled_from([e for e in entities if e != trigger] + events), max_size=3))
        roles = [f"Arg{'' if k == 0 else k + 1}:{t}" for k, t in enumerate(targets)]
        lines.append(f"E{n}\t" + " ".join([f"{kind}:{trigger}", *roles]))
        events.append(f"E{n}")
    triggers = {line.split("\t")[1].split()[0].split(":")[1] for line in lines if line.startswith("E")}
    owners = [e for e in entities if e not in triggers] + events
    for n, owner in enumerate(data.draw(st.lists(st.sampled_from(owners), max_size=4, unique=True)), start=1):
        lines.append(f"A{n}\tFlag {owner}" + data.draw(st.sampled_from(["", " high", " low"])))
        lines.append(f"#{n}\t{data.draw(st.sampled_from(['AnnotatorNotes', 'Lemma']))} {owner}\tnote {n}")
        lines.append(f"N{n}\tReference {owner} db:{n}\tname {n}")
    plain = [e for e in entities if e not in triggers]
    if len(plain) >= 2:
        lines.append(f"R1\tLink Arg1:{plain[0]} Arg2:{plain[1]}")
        lines.append(f"*\tEquiv {plain[0]} {plain[1]}")
    folder = write(tmp_path_factory.mktemp("in"), "doc", text, "\n".join(lines) + "\n")
    _, out = again(folder, tmp_path_factory.mktemp("out"))
    assert ann_lines(out / "brat" / "doc.ann") == ann_lines(folder / "doc.ann")


def test_annotators_come_from_sub_folders_or_the_option_never_a_flat_folders_name(tmp_path) -> None:
    write(tmp_path / "flat", "doc", "Taxes rise.", "T1\tclaim 0 5\tTaxes\n")
    [flat] = read_brat(tmp_path / "flat", ReadOptions())
    assert {a.annotator for a in flat.annotations} == {"brat"}
    write(tmp_path / "team" / "alice", "doc", "Taxes rise.", "T1\tclaim 0 5\tTaxes\n")
    write(tmp_path / "team" / "bob", "doc", "Taxes rise.", "T1\tclaim 6 10\trise\n")
    found = {a.annotator for b in read_brat(tmp_path / "team", ReadOptions()) for a in b.annotations}
    assert found == {"alice", "bob"}
    forced = {a.annotator for b in read_brat(tmp_path / "team", ReadOptions(annotator="eve")) for a in b.annotations}
    assert forced == {"eve"}


def test_discontinuous_span_with_bom_and_emoji(tmp_path) -> None:
    text = "\ufeffThe 😀 minister,\r\nwho spoke, said taxes rise."
    a, b = text.index("The"), text.index("said")
    folder = write(tmp_path / "carol", "doc", text, f"T1\tclaim {a} {a + 3};{b} {b + 4}\tThe said\n")
    [bundle] = read_brat(folder, ReadOptions())
    [ann] = bundle.annotations
    assert ann.covered_texts(bundle.document.text) == ["The", "said"]
    assert bundle.document.text == text


def test_a_span_whose_text_does_not_match_names_the_entity_file_and_line(tmp_path) -> None:
    folder = write(tmp_path / "a", "doc", "Taxes will rise. It will.", "T1\tclaim 0 5\tTaxes\nT2\tclaim 6 10\tIt\n")
    with pytest.raises(InputError) as caught:
        list(read_brat(folder, ReadOptions()))
    assert caught.value.path == str(folder / "doc.ann") and caught.value.line == 2
    assert (
        "entity T2" in caught.value.reason and "'will'" in caught.value.reason and "--reanchor" in caught.value.reason
    )
    options = ReadOptions(reanchor=True)
    [bundle] = read_brat(folder, options)
    moved = next(a for a in bundle.annotations if a.label == "claim" and a.start > 5)
    assert moved.covered_texts(bundle.document.text) == ["It"] and moved.start == 17
    assert options.fidelity.moves == [f"{folder / 'doc.ann'}:2: entity T2 from 6..10 to 17..19 ('It')"]


@pytest.mark.parametrize(
    ("ann", "line", "rule"),
    [
        ("T1\tclaim 0 5\tTaxes\nR1\tLink Arg1:T1\n", 2, "a relation is 'Type Arg1:ID Arg2:ID'"),
        ("T1\tclaim 0 5\tTaxes\nR1\tLink Arg1:T1 Arg2:T9\n", 2, "refers to T9, which this file does not define"),
        ("T1\tclaim zero 5\tTaxes\n", 1, "offsets are 'start end' pairs"),
        ("T1\tclaim 0 5\tTaxes\nE1\tMerge:T7 Arg:T1\n", 2, "an event names its trigger"),
        ("T1\tclaim 0 5\tTaxes\nT1\tclaim 6 10\trise\n", 2, "the id T1 is used twice"),
        ("T1\tclaim 0 5\tTaxes\nX1\twhat\n", 2, "a brat line starts with an id"),
        ("T1\tclaim 0 5\tTaxes\nA1\tNegated\n", 2, "an attribute is 'Name ID'"),
    ],
)
def test_a_line_that_breaks_a_rule_says_which_with_file_and_line(tmp_path, ann, line, rule) -> None:
    folder = write(tmp_path / "x", "doc", "Taxes rise.", ann)
    with pytest.raises(InputError) as caught:
        list(read_brat(folder, ReadOptions()))
    assert caught.value.path == str(folder / "doc.ann") and caught.value.line == line
    assert rule in caught.value.reason


def test_a_zero_width_entity_is_kept_without_rejecting_the_folder(tmp_path) -> None:
    write(tmp_path / "f", "one", "Taxes rise.", "T1\tclaim 0 5\tTaxes\nT2\tGap 5 5\t\n")
    write(tmp_path / "f", "two", "Prices fall.", "T1\tclaim 0 6\tPrices\n")
    options = ReadOptions()
    read = list(read_brat(tmp_path / "f", options))
    assert sorted(len(b.annotations) for b in read) == [1, 1]
    assert options.fidelity.preserved[("brat", "zero-width entity")] == 1


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
