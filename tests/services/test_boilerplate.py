"""Boilerplate ranges: stored with the document, edited (undoably, logged), carried by the native JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.core.errors import ConflictError
from annotator.core.model import Document, Fragment
from annotator.services import documents, exporting, importing
from annotator.services.editing import DocumentEditor
from annotator.services.project import Project

PAGE = "Menu Subscribe\r\nTaxes will rise 😀, the minister said.\r\nTo participate in the discussion log in"


def furniture(text: str, *lines: str) -> tuple[tuple[int, int], ...]:
    return tuple((text.index(line), text.index(line) + len(line)) for line in lines)


def test_marking_and_unmarking_is_logged_and_undoable(project) -> None:
    doc = Document(PAGE, title="Taxes")
    documents.add_document(project, doc, "alice")
    editor = DocumentEditor(project, "alice")
    editor.open(doc.uuid)
    menu, footer = furniture(PAGE, "Menu Subscribe", "To participate in the discussion log in")
    editor.mark_boilerplate(Fragment(*menu))
    editor.mark_boilerplate(Fragment(*footer))
    assert documents.get_document(project, doc.uuid).boilerplate == (menu, footer) == editor.document.boilerplate
    editor.mark_boilerplate(Fragment(menu[0], menu[0] + 4), furniture=False)  # "Menu" is article text after all
    assert documents.get_document(project, doc.uuid).boilerplate == ((menu[0] + 4, menu[1]), footer)
    assert editor.in_boilerplate(Fragment(footer[0] + 3, footer[0] + 5))
    assert not editor.in_boilerplate(Fragment(PAGE.index("Taxes"), PAGE.index("Taxes") + 5))
    editor.history.undo()
    editor.history.undo()
    assert documents.get_document(project, doc.uuid).boilerplate == (menu,)
    assert project.log_problems() == []
    assert PAGE == documents.get_document(project, doc.uuid).text  # never cut


def test_a_colleagues_change_in_between_is_refused(project) -> None:
    doc = Document(PAGE)
    documents.add_document(project, doc, "alice")
    documents.set_boilerplate(project, doc.uuid, ((0, 4),), "bob")
    with pytest.raises(ConflictError, match="boilerplate"):
        documents.set_boilerplate(project, doc.uuid, ((0, 14),), "alice", expected=())
    assert documents.get_document(project, doc.uuid).boilerplate == ((0, 4),)


def test_native_jsonl_carries_the_ranges_and_refuses_bad_ones(project, tmp_path: Path) -> None:
    doc = Document(PAGE, boilerplate=furniture(PAGE, "Menu Subscribe"))
    documents.add_document(project, doc, "alice")
    exporting.export(project, "jsonl", tmp_path / "out.jsonl")
    record = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert record["boilerplate"] == [[0, 14]]
    other = Project.open(tmp_path / "other.sqlite")
    assert not importing.import_paths(other, [tmp_path / "out.jsonl"], "loader", "jsonl").failed
    assert documents.get_document(other, doc.uuid).boilerplate == ((0, 14),)
    record["boilerplate"] = [[0, 999]]
    record["id"], record["text"] = "another", PAGE + "!"
    record.pop("sha256")
    (tmp_path / "bad.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = importing.import_paths(other, [tmp_path / "bad.jsonl"], "loader", "jsonl")
    assert report.imported == [] and "bad.jsonl:1" in report.failed[0][1] and "characters" in report.failed[0][1]
    assert len(documents.list_documents(other)) == 1


@pytest.mark.sqlite_only
def test_show_json_lists_the_ranges(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.sqlite"
    project = Project.open(path)
    doc = Document(PAGE, title="Taxes", boilerplate=furniture(PAGE, "Menu Subscribe"))
    documents.add_document(project, doc, "alice")
    with pytest.raises(SystemExit):
        main(["--db", str(path), "show", doc.uuid[:8], "--json"])
    assert json.loads(capsys.readouterr().out)["boilerplate"] == [[0, 14]]


def test_csv_context_and_adjudication_leave_furniture_out(project, tmp_path: Path) -> None:
    import csv

    from annotator.core.model import Annotation
    from annotator.services.adjudication import Adjudication
    from annotator.services.annotating import Annotating

    page = "Read more: Taxes will rise\nTaxes will rise, the minister said. Critics disagree."
    doc = Document(page, boilerplate=((0, 27),))
    documents.add_document(project, doc, "alice")
    start = page.index("the minister")
    for who in ("alice", "bob"):
        Annotating(project, who).create(Annotation(doc.uuid, who, "claim", (Fragment(start, start + 12),)))
        Annotating(project, who).create(Annotation(doc.uuid, who, "claim", (Fragment(11, 26),)))  # in the furniture
    exporting.export(project, "csv", tmp_path / "out.csv")
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert {r["sentence"] for r in rows if r["text"] == "the minister"} == {"Taxes will rise, the minister said."}
    units = Adjudication(project, "carla").units(doc.uuid, ["alice", "bob"])
    assert [u.unit.members[0].start for u in units] == [start]
