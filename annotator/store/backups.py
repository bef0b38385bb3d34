"""Backups of a SQLite project: list them, check that a file is a sound backup, restore one, keep the last N.

Copies are made with SQLite's online backup API (backup_file), which is consistent even while the
project is open in the app; a restore goes the same way in the other direction, so WAL files stay coherent.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.errors import InputError, StoreError

_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}\d{6}Z)-(?P<reason>[\w.-]+)\.sqlite$")


@dataclass(frozen=True)
class BackupFile:
    path: Path
    made: datetime
    reason: str  # manual, interval, before-restore, before-upgrade-<revision>, ...
    size: int

    @property
    def project(self) -> str:
        match = _NAME.match(self.path.name)
        return match["stem"] if match else ""


def list_backups(folder: Path, project_stem: str | None = None) -> list[BackupFile]:
    """Backups in folder (of one project when its file stem is given), newest first."""
    found: list[BackupFile] = []
    for path in folder.glob("*.sqlite") if folder.is_dir() else ():
        match = _NAME.match(path.name)
        if match is None or (project_stem is not None and match["stem"] != project_stem):
            continue
        made = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        found.append(BackupFile(path, made, match["reason"], path.stat().st_size))
    return sorted(found, key=lambda b: b.made, reverse=True)


def prune(folder: Path, project_stem: str, reason: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of one kind (the interval ones); others are never pruned."""
    old = [b.path for b in list_backups(folder, project_stem) if b.reason == reason][max(keep, 0) :]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def check_backup(path: Path) -> str:
    """Raise InputError unless path is a sound backup of a project this app can open; returns its schema revision."""
    if not path.is_file():
        raise InputError("no such backup file", str(path))
    with path.open("rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise InputError("not a backup: it is not a SQLite database file", str(path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            versioned = "alembic_version" in tables
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone() if versioned else None
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise InputError(f"not a usable backup: {exc}", str(path)) from None
    if verdict != "ok":
        raise InputError(f"the backup is damaged (integrity check: {verdict})", str(path))
    if revision is None or not {"documents", "annotations", "change_log"} <= tables:
        raise InputError("not a backup of an annotation project (it has no project tables)", str(path))
    return str(revision[0])


def restore_sqlite(backup: Path, project_file: Path, backup_dir: Path) -> Path:
    """Replace the project's contents with the backup's, after backing up the current file; returns that backup.

    The caller must have closed its own connections to project_file (engine.dispose()).
    """
    check_backup(backup)
    if backup.resolve() == project_file.resolve():
        raise InputError("that is the project file itself, not a backup", str(backup))
    safety = None
    if project_file.exists():
        try:
            safety = backup_file(project_file, backup_dir, reason="before-restore")
        except StoreError:  # the current file is damaged: keep a plain copy of it, then start from a clean file
            safety = _set_aside(project_file, backup_dir)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(project_file, timeout=5)
        try:
            src.backup(dst)
            verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StoreError(f"restoring {project_file} from {backup} failed: {exc}; the project is unchanged") from None
    finally:
        src.close()
    if verdict != "ok":
        raise StoreError(f"the restored {project_file} failed its integrity check ({verdict}); see {safety}")
    return safety or backup


def backup_file(source: Path, folder: Path, reason: str) -> Path:
    """Copy a project file with SQLite's online backup API (consistent even while it is in use) and verify it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{source.stem}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-{reason}.sqlite"
    try:
        src = sqlite3.connect(source, timeout=5)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
                verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise StoreError(f"backup of {source} failed: {exc}") from None
    if verdict != "ok":
        target.unlink(missing_ok=True)
        raise StoreError(f"backup of {source} failed its integrity check: {verdict}")
    return target


def _set_aside(project_file: Path, folder: Path) -> Path:
    """A damaged project file is copied as it is (with its WAL) into the backups folder, then removed."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{project_file.stem}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}-damaged.sqlite"
    shutil.copy2(project_file, target)
    for suffix in ("-wal", "-shm"):
        side = project_file.with_name(project_file.name + suffix)
        if side.exists():
            if suffix == "-wal":
                shutil.copy2(side, target.with_name(target.name + suffix))
            side.unlink()
    project_file.unlink()
    return target
