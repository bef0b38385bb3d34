"""Zip archives: checked before anything is unpacked, then unpacked into a folder the caller owns.

An archive is refused whole when an entry would land outside the folder (absolute names, '..', links), when it
holds more than MAX_ZIP_ENTRIES entries, or when it would expand beyond MAX_ZIP_TOTAL_BYTES or MAX_ZIP_RATIO times
its packed size. The sizes in the zip directory are not trusted: unpacking counts the bytes it writes.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from annotator.core.errors import InputError
from annotator.formats.limits import (
    MAX_ZIP_ENTRIES,
    MAX_ZIP_RATIO,
    MAX_ZIP_TOTAL_BYTES,
    ZIP_RATIO_FLOOR_BYTES,
    describe,
)

CHUNK = 1 << 16
# Folders that archivers add and nobody means to import.
JUNK_PARTS = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"}


def is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError) as exc:  # NotImplementedError: found by
        raise InputError(f"not a readable zip archive ({exc})", str(path)) from None  # fuzzing (bad version field)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None


def _safe_name(name: str) -> PurePosixPath | None:
    """The entry's relative path, or None when it would escape the folder it is unpacked into."""
    name = name.replace("\\", "/")
    pure = PurePosixPath(name)
    if not pure.parts or name.startswith("/") or ".." in pure.parts or ":" in pure.parts[0]:
        return None
    return pure


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def check_zip(path: Path, archive: zipfile.ZipFile | None = None) -> list[zipfile.ZipInfo]:
    """The entries worth unpacking (files, junk left out), or InputError saying why the archive is refused."""
    own = archive is None
    zf = archive or _open(path)
    try:
        infos = zf.infolist()
    finally:
        if own:
            zf.close()
    where = str(path)
    if len(infos) > MAX_ZIP_ENTRIES:
        raise InputError(f"the archive holds {len(infos)} entries, over the limit of {MAX_ZIP_ENTRIES}", where)
    total = packed = 0
    for info in infos:
        if _safe_name(info.filename) is None or _is_link(info):
            raise InputError(f"refused: entry '{info.filename}' would be written outside the archive's folder", where)
        if info.flag_bits & 0x1:
            raise InputError(f"entry '{info.filename}' is encrypted; unpack it yourself first", where)
        if info.file_size > ZIP_RATIO_FLOOR_BYTES and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise InputError(
                f"refused: entry '{info.filename}' expands {ratio} times (limit {MAX_ZIP_RATIO}); a zip bomb?", where
            )
        total += info.file_size
        packed += info.compress_size
    if total > MAX_ZIP_TOTAL_BYTES:
        raise InputError(f"refused: the archive expands to over the {describe(MAX_ZIP_TOTAL_BYTES)} limit", where)
    if total > ZIP_RATIO_FLOOR_BYTES and total > MAX_ZIP_RATIO * max(packed, 1):
        raise InputError(f"refused: the archive expands {total // max(packed, 1)} times (limit {MAX_ZIP_RATIO})", where)
    return [i for i in infos if not i.is_dir() and not JUNK_PARTS.intersection(PurePosixPath(i.filename).parts)]


def extract_zip(path: Path, folder: Path) -> list[Path]:
    """Unpack the archive's files into folder after check_zip; returns the files written, in archive order."""
    written: list[Path] = []
    with _open(path) as zf:
        entries = check_zip(path, zf)
        budget = MAX_ZIP_TOTAL_BYTES
        for info in entries:
            relative = _safe_name(info.filename)
            assert relative is not None  # check_zip refused the archive otherwise
            target = folder.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, target.open("wb") as out:
                    size = 0
                    while chunk := src.read(CHUNK):
                        size += len(chunk)
                        budget -= len(chunk)
                        if size > info.file_size or budget < 0:
                            raise InputError(f"refused: entry '{info.filename}' is larger than it claims", str(path))
                        out.write(chunk)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
                raise InputError(f"cannot unpack '{info.filename}': {exc}", str(path)) from None
            except OSError as exc:
                raise InputError(f"cannot unpack '{info.filename}': {exc.strerror or exc}", str(path)) from None
            written.append(target)
    return written
