"""PDF files, written here with fpdf2: the text layer with metadata; a scan without one gets a clear message."""

import pytest
from fpdf import FPDF

from annotator.core.errors import InputError
from annotator.formats.pdf import read_pdf
from annotator.formats.registry import ReadOptions, detect


def write_pdf(path, pages, title="", author="") -> None:
    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 10, text)
        else:
            pdf.rect(20, 20, 100, 60, style="F")  # a picture of a page: no text layer
    pdf.output(str(path))


def test_text_layer_of_every_page_with_metadata(tmp_path) -> None:
    path = tmp_path / "report.pdf"
    write_pdf(
        path,
        ["Budget row deepens\nThe minister said taxes will rise by 5%.", "Page two: reactions."],
        title="Budget row deepens",
        author="Jane Doe",
    )
    assert detect(path).name == "pdf"
    [bundle] = list(read_pdf(path, ReadOptions()))
    doc = bundle.document
    assert doc.text.startswith("Budget row deepens\nThe minister said taxes will rise by 5%.")
    assert doc.text.endswith("\n\nPage two: reactions.")
    assert (doc.title, doc.author) == ("Budget row deepens", "Jane Doe")
    assert doc.metadata["source_format"] == "pdf" and doc.metadata["pages"] == 2


def test_pdf_detected_by_content_whatever_its_name(tmp_path) -> None:
    path = tmp_path / "download"
    write_pdf(path, ["Some words."])
    assert detect(path).name == "pdf"


def test_a_scan_without_text_layer_gets_a_clear_message(tmp_path) -> None:
    path = tmp_path / "scan.pdf"
    write_pdf(path, ["", ""])
    with pytest.raises(InputError, match=r"scan.pdf: the PDF has no text layer on any of its 2 pages .*OCR"):
        list(read_pdf(path, ReadOptions()))


def test_damaged_and_encrypted_pdfs_are_refused(tmp_path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"garbage " * 100)
    with pytest.raises(InputError, match="broken.pdf: not a readable PDF"):
        list(read_pdf(broken, ReadOptions()))
    locked = tmp_path / "locked.pdf"
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Hidden words")
    pdf.output(str(locked))
    with pytest.raises(InputError, match="password-protected"):
        list(read_pdf(locked, ReadOptions()))
