"""Zip archives are checked before anything is unpacked: escaping names, links, bombs, too many entries."""

import stat
import zipfile

import pytest

from annotator.core.errors import InputError
from annotator.formats import archive, limits
from annotator.formats.archive import check_zip, extract_zip


def make_zip(path, entries, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def test_files_are_unpacked_junk_left_out(tmp_path) -> None:
    path = make_zip(tmp_path / "a.zip", {"one.txt": "One.", "sub/two.md": "Two.", "__MACOSX/._one.txt": "junk"})
    written = extract_zip(path, tmp_path / "out")
    assert [p.relative_to(tmp_path / "out").as_posix() for p in written] == ["one.txt", "sub/two.md"]
    assert (tmp_path / "out" / "sub" / "two.md").read_text() == "Two."


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil.txt", "sub/../../evil.txt", "C:/evil.txt", "..\\evil.txt"])
def test_entries_escaping_the_folder_refuse_the_archive(tmp_path, name) -> None:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("fine.txt", "fine")
        zf.writestr(zipfile.ZipInfo(name), "evil")
    with pytest.raises(InputError, match="would be written outside the archive's folder"):
        extract_zip(path, tmp_path / "out")
    assert not (tmp_path / "out").exists() and not (tmp_path / "evil.txt").exists()


def test_symbolic_links_are_refused(tmp_path) -> None:
    path = tmp_path / "link.zip"
    info = zipfile.ZipInfo("link.txt")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(InputError, match="outside the archive's folder"):
        check_zip(path)


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path) -> None:
    path = make_zip(tmp_path / "bomb.zip", {"zeros.txt": b"0" * (30 * 2**20)})
    with pytest.raises(InputError, match=r"bomb.zip: refused: entry 'zeros.txt' expands \d+ times \(limit 100\)"):
        check_zip(path)


def test_too_many_entries_and_too_large_are_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(archive, "MAX_ZIP_ENTRIES", 5)
    path = make_zip(tmp_path / "many.zip", {f"{i}.txt": "x" for i in range(6)})
    with pytest.raises(InputError, match="holds 6 entries, over the limit of 5"):
        check_zip(path)
    monkeypatch.setattr(archive, "MAX_ZIP_TOTAL_BYTES", 1000)
    path = make_zip(tmp_path / "big.zip", {"a.txt": bytes(range(256)) * 8}, zipfile.ZIP_STORED)
    with pytest.raises(InputError, match="expands to over the 1000 bytes limit"):
        check_zip(path)
    assert limits.MAX_ZIP_ENTRIES == 10_000  # the documented limit is the one in force


def test_an_entry_larger_than_it_claims_is_stopped(tmp_path) -> None:
    path = make_zip(tmp_path / "liar.zip", {"a.txt": b"a" * 5000}, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    # shrink the size recorded in the central directory so that the archive claims 50 bytes
    central = data.rindex(b"PK\x01\x02")
    data[central + 24 : central + 28] = (50).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="liar.zip"):
        extract_zip(path, tmp_path / "out")


def test_encrypted_and_damaged_archives(tmp_path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 this is no archive")
    with pytest.raises(InputError, match="bad.zip: not a readable zip archive"):
        check_zip(bad)
    enc = make_zip(tmp_path / "enc.zip", {"a.txt": "secret"})
    data = bytearray(enc.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    data[central + 8] |= 0x1  # mark the entry encrypted
    enc.write_bytes(bytes(data))
    with pytest.raises(InputError, match="encrypted"):
        check_zip(enc)


def test_the_readme_states_the_limits_in_force() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Importing articles") :]
    stated = [
        f"{limits.MAX_TEXT_BYTES // limits.MB} MB for one text",
        f"{limits.MAX_DOCUMENT_BYTES // limits.MB} MB for a Word",
        f"{limits.MAX_BATCH_BYTES // limits.MB} MB for a CSV",
        f"{limits.MAX_CELL_CHARS // limits.MB} M characters",
        f"more than {limits.MAX_ZIP_ENTRIES:,} entries",
        f"beyond {limits.MAX_ZIP_TOTAL_BYTES // 2**30} GB",
        f"more than {limits.MAX_ZIP_RATIO} times",
        f"entry over {limits.ZIP_RATIO_FLOOR_BYTES // limits.MB} MB",
        f"nested more than {limits.MAX_ZIP_DEPTH} deep",
    ]
    missing = [s for s in stated if s not in " ".join(section.split())]
    assert missing == []
