"""Backups of the open project: made on demand and at an interval while editing, listed, and restored."""

from __future__ import annotations

from pathlib import Path

from annotator import paths
from annotator.core.errors import StoreError
from annotator.services.project import Project
from annotator.store import backups as store_backups
from annotator.store.backups import BackupFile, check_backup
from annotator.store.engine import parse_url

__all__ = ["BackupFile", "backup_folder", "check_backup", "list_backups", "make_backup", "restore", "restore_file"]

INTERVAL = "interval"  # the reason of automatic backups while editing: the only ones pruned to the last N


def backup_folder(project: Project) -> Path:
    return project.database.backup_dir or paths.backup_dir()


def _project_file(project: Project) -> Path:
    path = project.database.file_path
    if path is None:
        raise StoreError(f"{project.where} is not a SQLite project file; back up a server database with its own tools")
    return path


def list_backups(project: Project) -> list[BackupFile]:
    """This project's backups, newest first."""
    return store_backups.list_backups(backup_folder(project), _project_file(project).stem)


def make_backup(project: Project, reason: str = "manual", keep: int | None = None) -> Path:
    """A verified copy of the project; with keep, older backups of the same reason beyond the newest keep are
    deleted (used for interval backups, so they never fill the disk)."""
    folder = backup_folder(project)
    made = project.database.backup(folder, reason=reason)
    if keep is not None:
        store_backups.prune(folder, _project_file(project).stem, reason, keep)
    return made


def restore(project: Project, backup: Path) -> Path:
    """Replace the open project's contents with a backup; the current state is backed up first (returned)."""
    path = _project_file(project)
    check_backup(backup)  # refuse before closing anything
    project.database.engine.dispose()
    safety = store_backups.restore_sqlite(backup, path, backup_folder(project))
    project.forget_scheme()
    return safety


def restore_file(url: str | Path | None, backup: Path) -> Path:
    """Restore without opening the project (it may be too damaged to open); returns the backup of the old file."""
    parsed = parse_url(url or paths.default_database_path())
    name = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        raise StoreError(f"{url} is not a SQLite project file; restore a server database with its own tools")
    return store_backups.restore_sqlite(backup, Path(name), paths.backup_dir())
