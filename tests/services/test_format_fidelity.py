"""Files of other tools through a project: imported, stored, exported to the same format, they come back as they
went in; what cannot be kept is in the import's fidelity report; --check reads without storing."""

from __future__ import annotations

import shutil
from pathlib import Path

from annotator.formats.registry import ReadOptions
from annotator.services import exporting, importing
from tests.conftest import shared_data
from tests.formats.test_brat import FULL, TEXT, ann_lines, write

NEW = {"label_map": "new"}


def test_brat_files_come_back_the_same_through_a_project(project, tmp_path) -> None:
    folder = tmp_path / "brat"
    shutil.copytree(shared_data("format_examples", "brat"), folder)
    write(folder, "full", TEXT, FULL)
    report = importing.import_paths(project, [folder], "tester", "brat", ReadOptions(extra=dict(NEW)))
    assert not report.failed, report.failed
    assert report.fidelity.kept[("brat", "event")] == 7 + 3 and not report.fidelity.left_out
    out = tmp_path / "out"
    exporting.export(project, "brat", out)
    for name in ("000-introduction", "090-event_structures", "full"):
        assert ann_lines(out / "brat" / f"{name}.ann") == ann_lines(folder / f"{name}.ann"), name
        assert (out / "brat" / f"{name}.txt").read_bytes() == (folder / f"{name}.txt").read_bytes()


def test_two_annotators_of_one_text_keep_their_own_ids_and_lines(project, tmp_path) -> None:
    write(tmp_path / "in" / "alice", "doc", "Taxes will rise.", "T4\tclaim 0 5\tTaxes\nN1\tReference T4 db:1\tTax\n")
    write(tmp_path / "in" / "bob", "doc", "Taxes will rise.", "T9\tclaim 6 10\twill\n#3\tLemma T9\twill\n")
    report = importing.import_paths(project, [tmp_path / "in"], "tester", "brat", ReadOptions(extra=dict(NEW)))
    assert len(report.imported) == 1 and len(report.duplicates) == 1 and report.annotations == 2
    out = tmp_path / "out"
    exporting.export(project, "brat", out)
    assert ann_lines(out / "alice" / "doc.ann") == ["N1\tReference T4 db:1\tTax", "T4\tclaim 0 5\tTaxes"]
    assert ann_lines(out / "bob" / "doc.ann") == ["#3\tLemma T9\twill", "T9\tclaim 6 10\twill"]


def test_check_reads_and_reports_without_storing(project, tmp_path) -> None:
    folder = write(tmp_path / "in", "full", TEXT, FULL)
    report = importing.import_paths(project, [folder], "tester", "brat", check=True)
    assert report.checked and not report.failed and len(report.imported) == 1 and report.annotations == 7
    assert report.fidelity.preserved[("brat", "normalization")] == 2
    assert "nothing was stored" in report.summary()
    assert any("the scheme lacks" in note and "Merge-org" in note for note in report.notes)
    assert list(exporting.bundles(project)) == []


def test_a_mismatched_offset_fails_the_file_naming_the_region_unless_reanchored(project, tmp_path) -> None:
    folder = write(tmp_path / "in", "doc", "Taxes will rise. It will.", "T1\tclaim 6 10\tIt\n")
    report = importing.import_paths(project, [folder], "tester", "brat", ReadOptions(extra=dict(NEW)))
    assert report.failed and "entity T1" in report.failed[0][1] and str(Path(folder, "doc.ann")) in report.failed[0][1]
    assert list(exporting.bundles(project)) == []
    moved = importing.import_paths(project, [folder], "tester", "brat", ReadOptions(reanchor=True, extra=dict(NEW)))
    assert not moved.failed and moved.fidelity.moves and "from 6..10 to 17..19" in moved.fidelity.moves[0]


def test_inception_files_come_back_the_same_through_a_project(project, tmp_path) -> None:
    from annotator.formats.webanno_read import read_tsv
    from tests.formats.test_webanno import RICH, meaning

    folder = tmp_path / "tsv"
    (folder / "annotation" / "test.txt").mkdir(parents=True)
    shutil.copy(shared_data("format_examples", "webanno_tsv3", "example2.first2sentences.tsv"), folder / "ex2.tsv")
    (folder / "rich.tsv").write_text(RICH, encoding="utf-8")
    # two users' files of one text, laid out as INCEpTION's project export does
    for user, name in (("alice", "testSimpleChain"), ("bob", "testZeroLengthSpansWithFeatureValues")):
        source = shared_data("format_examples", "webanno_tsv3", f"{name}.reference.tsv")
        shutil.copy(source, folder / "annotation" / "test.txt" / f"{user}.tsv")
    report = importing.import_paths(project, [folder], "tester", "webanno", ReadOptions(extra=dict(NEW)))
    assert not report.failed, report.failed
    assert len(report.imported) == 3 and len(report.duplicates) == 1
    assert report.fidelity.preserved[("webanno", "zero-width annotation")] == 2
    out = tmp_path / "out"
    exporting.export(project, "webanno", out)
    for name in ("ex2.tsv", "rich.tsv", "annotation/test.txt/alice.tsv", "annotation/test.txt/bob.tsv"):
        original, back = meaning(read_tsv(folder / name, ReadOptions())), meaning(read_tsv(out / name, ReadOptions()))
        for joined in ("header", "label_features"):  # the two users' layer declarations are joined
            assert set(original["data"].pop(joined, ())) <= set(back["data"].pop(joined, ())), name
        assert back == original, name
    assert (out / "rich.tsv").read_text(encoding="utf-8") == RICH


def test_label_studio_tasks_come_back_the_same_through_a_project(project, tmp_path) -> None:
    import json

    from tests.formats.test_labelstudio import RICH, canonical

    source = tmp_path / "tasks.json"
    source.write_text(json.dumps(RICH, ensure_ascii=False), encoding="utf-8")
    report = importing.import_paths(project, [source], "tester", None, ReadOptions(extra=dict(NEW)))
    assert not report.failed, report.failed
    assert report.fidelity.preserved[("labelstudio", "prediction")] == 1
    out = tmp_path / "out.json"
    exporting.export(project, "labelstudio", out)
    assert canonical(json.loads(out.read_text(encoding="utf-8"))) == canonical(RICH)


def test_doccano_users_files_stay_apart_and_come_back_through_a_project(project, tmp_path) -> None:
    import json

    from tests.formats.test_doccano import TEXT, by_meaning, records

    line = {"id": 12, "text": TEXT, "source": "wire"}
    alice = {**line, "entities": [{"id": 4, "label": "ORG", "start_offset": 0, "end_offset": 6}], "relations": []}
    alice["Comments"] = ["check"]
    bob = {**line, "label": [[0, 6, "ORG"], [44, 54, "PERSON"]], "Comments": []}
    for name, record in (("alice", alice), ("bob", bob)):
        (tmp_path / f"{name}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    paths = [tmp_path / "alice.jsonl", tmp_path / "bob.jsonl"]
    report = importing.import_paths(project, paths, "tester", None, ReadOptions(extra=dict(NEW)))
    assert not report.failed and report.annotations == 3 and len(report.duplicates) == 1
    [bundle] = exporting.bundles(project)
    assert sorted(a.annotator for a in bundle.annotations) == ["alice", "bob", "bob"]
    out = tmp_path / "out.jsonl"
    exporting.export(project, "doccano", out)
    assert by_meaning(records(out)) == by_meaning([alice, bob])


def test_a_qda_project_comes_back_through_a_project_with_its_codebook_and_sets(project, tmp_path) -> None:
    from annotator.services import collections
    from tests.formats.test_qdpx import C_UNUSED, meaning, project_file

    source = project_file(tmp_path / "in.qdpx")
    report = importing.import_paths(project, [source], "tester", None, ReadOptions(extra=dict(NEW)))
    assert not report.failed, report.failed
    assert report.fidelity.kept[("qdpx", "code added to the scheme")] == 6
    framing = project.scheme.label("Framing")
    assert framing.guideline == "Not used yet: instructions only."  # an unused code's instructions are kept
    assert project.scheme.label("Claim").colour == "#ff0000"
    assert [c.name for c in collections.list_collections(project)] == ["Batch 1"]
    out = tmp_path / "out.qdpx"
    exporting.export(project, "qdpx", out)
    got, expected = meaning(out), meaning(source)
    assert got["sources"] == expected["sources"] and got["texts"] == expected["texts"]
    assert got["project"] == expected["project"]
    for part in ("Users", "Variables", "Cases", "Notes", "Links", "Sets", "Graphs"):
        assert got["parts"][part] == expected["parts"][part], part
    codes = repr(got["parts"]["CodeBook"])
    assert C_UNUSED in codes and "Not used yet" in codes and "claim" in codes  # theirs and the project's own


def test_the_change_log_records_each_files_fidelity_report(project, tmp_path) -> None:
    from annotator.store import change_log

    folder = write(tmp_path / "brat", "full", TEXT, FULL)
    report = importing.import_paths(project, [folder], "t", "brat", ReadOptions(extra={"label_map": "new"}))
    assert not report.failed
    with project.transaction() as session:
        [record] = [c for c in change_log.entries(session) if c.entity == "file"]
    assert record.actor == "t" and record.after["format"] == "brat" and record.after["documents"] == 1
    assert record.after["fidelity"] == report.fidelity.to_dict() and record.after["fidelity"]["preserved"]
    assert project.log_problems() == []
