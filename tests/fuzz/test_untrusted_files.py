"""Files from strangers never harm a project: no entity is expanded, no external file is read, no archive
expands without limit; each is refused with a clear error and the database is unchanged."""

import sqlite3
import zipfile

import pytest

from annotator.services import importing
from tests.fuzz.cases import _docx


def dump(project) -> list[str]:
    with sqlite3.connect(project.database.file_path) as conn:
        return list(conn.iterdump())


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOP SECRET CONTENT")
    return path


def qdpx(path, project_qde: bytes, extra: dict[str, bytes] | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_qde)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def test_qdpx_external_entity_is_refused(project, tmp_path, secret) -> None:
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>'
    ).encode()
    path = qdpx(tmp_path / "xxe.qdpx", xxe)
    before = dump(project)
    report = importing.import_paths(project, [path], "tester", "qdpx")
    [(_, reason)] = report.failed
    assert reason.startswith(str(path)) and "refused" in reason and "TOP SECRET" not in reason
    assert dump(project) == before


def test_qdpx_billion_laughs_is_refused_through_the_importer(project, tmp_path) -> None:
    entities = '<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    bomb = f'<?xml version="1.0"?><!DOCTYPE p [{entities}]><Project xmlns="urn:QDA-XML:project:1.0" name="&i;"/>'
    path = qdpx(tmp_path / "laughs.qdpx", bomb.encode())
    before = dump(project)
    [(_, reason)] = importing.import_paths(project, [path], "tester", "qdpx").failed
    assert "refused" in reason and dump(project) == before


def test_qdpx_zip_bomb_is_refused_before_it_is_unpacked(project, tmp_path) -> None:
    """Found while fuzzing: the .qdpx reader read its entries without the archive limits the zip importer has."""
    path = qdpx(tmp_path / "bomb.qdpx", b"<Project/>", {"sources/big.txt": b"\0" * (20 * 2**20)})
    before = dump(project)
    [(_, reason)] = importing.import_paths(project, [path], "tester", "qdpx").failed
    assert reason.startswith(str(path)) and "zip bomb" in reason
    assert dump(project) == before


def test_qdpx_damaged_entry_is_a_clear_error(project, tmp_path) -> None:
    """Found while fuzzing: a damaged entry raised BadZipFile from inside the reader."""
    path = qdpx(tmp_path / "p.qdpx", b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>' * 50)
    data = bytearray(path.read_bytes())
    data[40:60] = b"\xff" * 20  # inside the compressed project.qde
    path.write_bytes(bytes(data))
    [(_, reason)] = importing.import_paths(project, [path], "tester", "qdpx").failed
    assert reason.startswith(str(path)) and "cannot be read (" not in reason


def test_docx_external_entity_is_not_read(project, tmp_path, secret) -> None:
    path = tmp_path / "hostile.docx"
    _docx(path)
    hostile = tmp_path / "out.docx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"?>", f'?><!DOCTYPE w [<!ENTITY x SYSTEM "file://{secret}">]>'.encode(), 1)
                data = data.replace(b"The minister", b"&x; The minister", 1)
            dst.writestr(item, data)
    report = importing.import_paths(project, [hostile], "tester", "docx")
    for _, reason in report.failed:
        assert reason.startswith(str(hostile)) and "TOP SECRET" not in reason
    with sqlite3.connect(project.database.file_path) as conn:
        texts = [t for (t,) in conn.execute("SELECT text FROM documents")]
    assert not any("TOP SECRET" in t for t in texts)


def test_zip_with_an_impossible_version_is_a_clear_error(project, tmp_path) -> None:
    """Found while fuzzing: zipfile raises NotImplementedError for a version field it does not know."""
    path = tmp_path / "articles.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "The minister said taxes will rise.")
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = b"\xff\x00"  # version needed to extract: 25.5
    path.write_bytes(bytes(data))
    before = dump(project)
    [(_, reason)] = importing.import_paths(project, [path], "tester").failed
    assert reason.startswith(str(path)) and "not a readable zip archive" in reason
    assert dump(project) == before
