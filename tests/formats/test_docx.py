"""Word files, written here with python-docx: paragraphs and tables in order, properties as metadata."""

import zipfile

import docx
import pytest

from annotator.core.errors import InputError
from annotator.formats.docx import read_docx
from annotator.formats.registry import ReadOptions, detect


def write_docx(path, paragraphs, title="", author="", table=None) -> None:
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = author
    document.core_properties.language = "de-DE"
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.add_paragraph("After the table.")
    document.save(str(path))


def test_paragraphs_and_tables_in_reading_order_with_properties(tmp_path) -> None:
    path = tmp_path / "story.docx"
    write_docx(
        path,
        ["Minister resigns 😀", "", "The minister resigned on Tuesday.", "Zoë said: «c'est fini» — שלום."],
        title="Minister resigns over tax plan",
        author="Lois Lane",
        table=[["Party", "Seats"], ["Greens", "12"]],
    )
    assert detect(path).name == "docx"
    [bundle] = list(read_docx(path, ReadOptions()))
    doc = bundle.document
    assert doc.text == (
        "Minister resigns 😀\n\nThe minister resigned on Tuesday.\nZoë said: «c'est fini» — שלום.\n"
        "Party\tSeats\nGreens\t12\nAfter the table."
    )
    assert (doc.title, doc.author, doc.language) == ("Minister resigns over tax plan", "Lois Lane", "de-DE")
    assert doc.metadata["source_format"] == "docx" and doc.metadata["docx_author"] == "Lois Lane"
    assert doc.newline == "lf"


def test_title_falls_back_to_the_first_line(tmp_path) -> None:
    path = tmp_path / "untitled.docx"
    write_docx(path, ["", "Budget row deepens", "Text."])
    [bundle] = list(read_docx(path, ReadOptions()))
    assert bundle.document.title == "Budget row deepens"


def test_empty_fake_and_old_word_files_are_refused(tmp_path) -> None:
    empty = tmp_path / "empty.docx"
    document = docx.Document()
    document.save(str(empty))
    with pytest.raises(InputError, match="holds no text"):
        list(read_docx(empty, ReadOptions()))
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # an old binary .doc renamed
    with pytest.raises(InputError, match=r"fake.docx: not a Word .docx file \(old .doc files"):
        list(read_docx(fake, ReadOptions()))
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("hello.txt", "not a word package")
    with pytest.raises(InputError, match="not a readable Word .docx file"):
        list(read_docx(broken, ReadOptions()))


def test_a_docx_that_is_a_zip_bomb_is_refused_before_opening(tmp_path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b" " * (20 * 2**20))
    with pytest.raises(InputError, match="expands .* times"):
        list(read_docx(path, ReadOptions()))
