"""Importing articles end to end: every format, folders and zip archives, duplicates, collections, bad input
leaving the database unchanged, cancelling."""

import json
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from annotator.formats import limits, plaintext
from annotator.formats.registry import ReadOptions
from annotator.services import collections, documents, importing
from tests.dbdump import dump


def by_title(project) -> dict:
    return {r.title: documents.get_document(project, r.uuid) for r in documents.list_documents(project)}


def write_all_formats(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "crlf.txt").write_bytes("\ufeffBOM title\r\nText with 😀 and e\u0301.\r\n".encode())
    (folder / "legacy.txt").write_bytes("Caf\xe9 news\nA na\xefve r\xe9sum\xe9 \x96 d\xe9j\xe0 vu.\n".encode("latin-1"))
    (folder / "wide.md").write_bytes("# Überschrift\n\nText mit Umlauten: äöü, שלום.\n".encode("utf-16"))
    (folder / "page.html").write_text(
        "<html lang='en'><head><title>Web story</title><meta name='author' content='Ann Author'>"
        "<meta property='og:site_name' content='The Web Times'></head><body><nav>Subscribe | Login</nav>"
        "<article><h1>Web story</h1><p>"
        + "The council approved the new bus fares after a long debate on Monday evening. " * 3
        + "</p><p>"
        + "Residents said the increase would hurt commuters who rely on the service every day. " * 3
        + "</p></article><footer>Subscribe to our newsletter</footer></body></html>",
        encoding="utf-8",
    )
    word = docx.Document()
    word.core_properties.title = "Word story"
    word.add_paragraph("Word story")
    word.add_paragraph("The parliament passed the bill.")
    word.save(str(folder / "story.docx"))
    pdf = FPDF()
    pdf.set_title("PDF story")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 10, "PDF story\nThe court ruled on Friday.")
    pdf.output(str(folder / "story.pdf"))
    (folder / "batch.csv").write_bytes(
        "\ufeffheadline;body;outlet\nCSV one;First row text.;Outlet A\nCSV two;Second row text.;Outlet B\n".encode()
    )
    (folder / "batch.jsonl").write_text(
        json.dumps({"title": "JSON one", "text": "JSON row text.", "media_name": "Outlet C", "topic": "x"}) + "\n"
    )


def test_every_format_from_a_folder_with_its_metadata(project, tmp_path) -> None:
    write_all_formats(tmp_path / "in")
    report = importing.import_paths(project, [tmp_path / "in"], "alice")
    assert report.failed == []
    assert report.summary() == "9 imported, 0 duplicates skipped, 0 failed"  # 8 files, the CSV has 2 rows
    docs = by_title(project)
    assert docs["BOM title"].text == "\ufeffBOM title\r\nText with 😀 and e\u0301.\r\n"
    assert docs["Café news"].encoding == "cp1252" and docs["Café news"].text.startswith("Café news\n")
    assert docs["Überschrift"].text == "\ufeff# Überschrift\n\nText mit Umlauten: äöü, שלום.\n"
    web = docs["Web story"]
    assert (web.outlet, web.author, web.metadata["source_format"]) == ("The Web Times", "Ann Author", "html")
    assert "Subscribe" not in web.text and "bus fares" in web.text
    assert docs["Word story"].metadata["source_format"] == "docx"
    assert "court ruled" in docs["PDF story"].text
    assert docs["CSV two"].outlet == "Outlet B" and docs["CSV two"].metadata["row"] == 3
    assert docs["JSON one"].outlet == "Outlet C" and docs["JSON one"].metadata["topic"] == "x"
    sources = dict(report.imported)
    assert str(tmp_path / "in" / "batch.csv") + ":2" in sources  # batch rows are named by file and line
    assert str(tmp_path / "in" / "page.html") in sources  # a page by its file, though its source may be a URL


def test_zip_archives_recursively_named_by_the_archive(project, tmp_path) -> None:
    write_all_formats(tmp_path / "src")
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("deep/note.txt", "A note from inside the inner archive.")
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted((tmp_path / "src").iterdir()):
            zf.write(file, f"articles/{file.name}")
        zf.write(inner, "articles/inner.zip")
        zf.writestr(".hidden/skip.txt", "hidden files are left out")
        zf.writestr("__MACOSX/articles/._crlf.txt", "junk")
    assert importing.count_files([outer]) == 9  # 8 files and the inner archive
    seen = []
    report = importing.import_paths(project, [outer], "alice", progress=lambda done, name: seen.append(name) or True)
    assert report.failed == [] and len(report.imported) == 10 and len(seen) == 9
    names = {source for source, _ in report.imported}
    assert f"{outer}/articles/crlf.txt" in names and f"{outer}/articles/inner.zip/deep/note.txt" in names
    assert f"{outer}/articles/batch.csv:2" in names
    note = by_title(project)["A note from inside the inner archive."]
    assert note.source == f"{outer}/articles/inner.zip/deep/note.txt"
    assert all("annotator-zip-" not in name for name in seen)


def test_hostile_archives_are_refused_and_change_nothing(project, tmp_path) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("good.txt", "A good article.")
        zf.writestr("../../escaped.txt", "I escape.")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", b"a" * (20 * 2**20))
    before = dump(project)
    report = importing.import_paths(project, [evil, bomb], "alice")
    reasons = dict(report.failed)
    assert "would be written outside the archive's folder" in reasons[str(evil)]
    assert "expands" in reasons[str(bomb)] and "limit 100" in reasons[str(bomb)]
    assert report.imported == [] and dump(project) == before
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_zips_nested_too_deep_are_refused(project, tmp_path) -> None:
    payload = tmp_path / "level0.zip"
    with zipfile.ZipFile(payload, "w") as zf:
        zf.writestr("a.txt", "Deepest article.")
    for level in range(1, limits.MAX_ZIP_DEPTH + 1):
        wrapper = tmp_path / f"level{level}.zip"
        with zipfile.ZipFile(wrapper, "w") as zf:
            zf.write(payload, payload.name)
        payload = wrapper
    report = importing.import_paths(project, [payload], "alice")
    [(name, reason)] = report.failed
    assert name.endswith("level1.zip/level0.zip") and "nested more than 3 deep" in reason


def test_a_batch_failing_halfway_leaves_the_database_unchanged(project, tmp_path) -> None:
    importing.import_paths(project, [write_one(tmp_path / "first.txt", "Already here.")], "alice")
    bad = tmp_path / "bad.csv"
    bad.write_text("title,text\nOne,Fine text.\nTwo,\nThree,More.\n")
    good = write_one(tmp_path / "good.txt", "A later good file.")
    before = dump(project)
    report = importing.import_paths(project, [bad], "alice", collection="batch")
    assert report.failed == [(str(bad), f"{bad}:3: the text ('text') of this row is empty")]
    assert dump(project) == before  # not even the first row or the collection
    report = importing.import_paths(project, [bad, good], "alice")
    assert [s for s, _ in report.imported] == [str(good)] and len(report.failed) == 1


def write_one(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_duplicates_name_the_document_they_repeat(project, tmp_path) -> None:
    first = write_one(tmp_path / "a.txt", "Same words.")
    report = importing.import_paths(project, [first], "alice")
    [(_, original)] = report.imported
    batch = tmp_path / "b.csv"
    batch.write_text("text,title\nSame words.,Copy\nNew words.,New\nNew words.,New again\n")
    report = importing.import_paths(project, [batch, write_one(tmp_path / "c.txt", "Same words.")], "alice")
    new_uuid = next(uuid for source, uuid in report.imported if source.endswith(":3"))
    assert report.duplicates == [
        (f"{batch}:2", original),
        (f"{batch}:4", new_uuid),
        (str(tmp_path / "c.txt"), original),
    ]
    assert report.titles[original] == "Same words." and report.titles[new_uuid] == "New"
    assert report.summary() == "1 imported, 3 duplicates skipped, 0 failed"


def test_collection_gets_imported_documents_and_the_ones_duplicates_repeat(project, tmp_path) -> None:
    old = write_one(tmp_path / "old.txt", "Known article.")
    importing.import_paths(project, [old], "alice")
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"text": "Known article."}\n{"text": "Fresh article."}\n')
    importing.import_paths(project, [batch], "alice", collection="batch 1")
    [coll] = collections.list_collections(project)
    assert (coll.name, coll.size) == ("batch 1", 2)
    texts = {documents.get_document(project, u).text for u in collections.document_uuids(project, "batch 1")}
    assert texts == {"Known article.", "Fresh article."}


def test_mapping_for_one_file_and_options_for_others(project, tmp_path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("story,paper\nWords of a.,Paper A\n")
    b = tmp_path / "b.csv"
    b.write_text("text,outlet\nWords of b.,Paper B\n")
    report = importing.import_paths(
        project, [a, b], "alice", file_options={a: ReadOptions(mapping={"text": "story", "outlet": "paper"})}
    )
    assert report.failed == []
    assert {d.outlet for d in by_title(project).values()} == {"Paper A", "Paper B"}


def test_over_large_empty_and_unknown_files_are_refused(project, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(plaintext, "MAX_TEXT_BYTES", 100)
    big = write_one(tmp_path / "big.txt", "x" * 200)
    empty = write_one(tmp_path / "empty.html", "")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    report = importing.import_paths(project, [big, empty, binary], "alice")
    reasons = dict(report.failed)
    assert reasons[str(big)] == f"{big}: the text file is 200 bytes, over the 100 bytes limit"
    assert reasons[str(empty)] == f"{empty}: the file is empty"
    assert reasons[str(binary)] == f"{binary}: no importer for '.png' files"
    assert documents.list_documents(project) == []


def test_folder_walk_skips_hidden_files_but_not_a_hidden_parent(project, tmp_path) -> None:
    folder = tmp_path / ".cache" / "articles"
    folder.mkdir(parents=True)
    write_one(folder / "a.txt", "Visible article.")
    (folder / ".secret").mkdir()
    write_one(folder / ".secret" / "b.txt", "Hidden article.")
    write_one(folder / ".DS_Store", "junk")
    report = importing.import_paths(project, [folder, tmp_path / "empty"], "alice")
    assert [s for s, _ in report.imported] == [str(folder / "a.txt")]
    (tmp_path / "empty").mkdir()
    report = importing.import_paths(project, [tmp_path / "empty"], "alice")
    assert report.failed == [(str(tmp_path / "empty"), f"{tmp_path / 'empty'}: the folder holds no files to import")]


def test_cancelling_keeps_finished_files_and_rolls_back_the_current_one(project, tmp_path) -> None:
    files = [write_one(tmp_path / f"{i}.txt", f"Article number {i}.") for i in range(5)]
    report = importing.import_paths(project, files, "alice", progress=lambda done, name: done < 2)
    assert report.cancelled and len(report.imported) == 2
    assert report.summary().endswith("; cancelled before the end")
    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps({"text": f"Row {i}."}) + "\n" for i in range(importing.ROWS_PER_TICK * 3)))
    before = dump(project)
    report = importing.import_paths(project, [big], "alice", progress=lambda done, name: "rows)" not in name)
    assert report.cancelled and report.imported == [] and dump(project) == before


def test_a_reader_crash_is_reported_and_the_others_go_on(project, tmp_path, monkeypatch) -> None:
    from annotator.formats import html

    def broken(text, full_text=False):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(html, "extract", broken)
    page = write_one(tmp_path / "a.html", "<html><body><p>Words</p></body></html>")
    text = write_one(tmp_path / "b.txt", "Fine.")
    report = importing.import_paths(project, [page, text], "alice")
    assert report.failed == [(str(page), f"{page}: cannot be read (RuntimeError: parser exploded)")]
    assert len(report.imported) == 1


@pytest.mark.parametrize("name", ["notes.txt", "notes.md"])
def test_text_sources_record_their_format(project, tmp_path, name) -> None:
    importing.import_paths(project, [write_one(tmp_path / name, "Some words.")], "alice")
    [doc] = by_title(project).values()
    assert doc.metadata["source_format"] == ("markdown" if name.endswith(".md") else "text")
