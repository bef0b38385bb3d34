"""Scraped articles through the import service: ranges and guesses stored, and kept by the native JSONL."""

from __future__ import annotations

from annotator.formats.registry import ReadOptions
from annotator.services import documents, exporting, importing
from annotator.services.project import Project
from tests.formats.test_scraped import BODY, FURNITURE_FOOT, HEADLINE, page


def test_ranges_and_guesses_are_stored_and_survive_the_native_jsonl(project, tmp_path) -> None:
    text = "\ufeff" + page("\r\n").replace("Home", "Home 😀")
    (tmp_path / "scraped.txt").write_bytes(text.encode("utf-8"))
    report = importing.import_paths(project, [tmp_path / "scraped.txt"], "alice")
    [(_, uuid)] = report.imported
    doc = documents.get_document(project, uuid)
    assert doc.text == text and doc.title == HEADLINE and doc.outlet == "Daily Planet"
    ranges = doc.boilerplate
    assert [text[s:e] for s, e in ranges][-1] == "\r\n".join(FURNITURE_FOOT)
    assert all(BODY[0] not in text[s:e] for s, e in ranges)

    out = tmp_path / "export.jsonl"
    exporting.export(project, "jsonl", out)
    other = Project.open(tmp_path / "other.sqlite")
    try:
        again = importing.import_paths(other, [out], "bob")
        [(_, copied)] = again.imported
        back = documents.get_document(other, copied)
        assert back.text == text and back.boilerplate == tuple(map(tuple, ranges))
        assert back.metadata["guessed"] == doc.metadata["guessed"] and back.published == doc.published
    finally:
        other.close()


def test_keep_boilerplate_stores_no_ranges(project, tmp_path) -> None:
    (tmp_path / "scraped.txt").write_text(page(), encoding="utf-8")
    options = ReadOptions(extra={"keep_boilerplate": True})
    report = importing.import_paths(project, [tmp_path / "scraped.txt"], "alice", options=options)
    doc = documents.get_document(project, report.imported[0][1])
    assert "boilerplate" not in doc.metadata and doc.title == HEADLINE
