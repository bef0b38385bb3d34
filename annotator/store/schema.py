"""Schema lifecycle: create and stamp a new database, back up and upgrade an old one, refuse a newer one."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from annotator.core.errors import StoreError
from annotator.store.backups import backup_file
from annotator.store.engine import describe_error
from annotator.store.tables import Base


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("annotator.store.migrations")))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def prepare(engine: Engine, where: str, backup_dir: Path | None) -> str:
    """Make the database ready for this version of the app; returns what was done (created, upgraded, current)."""
    try:
        tables = set(inspect(engine).get_table_names())
        revision = current_revision(engine) if "alembic_version" in tables else None
        if not tables:
            Base.metadata.create_all(engine)
            _run(lambda config: command.stamp(config, "head"), engine)
            return "created"
        if revision is None:
            raise StoreError(f"{where} is a database, but not one of this app's projects (it has no schema version)")
        if revision == head_revision():
            return "current"
        if revision not in _known_revisions():
            raise StoreError(
                f"{where} was written by a newer version of this app (schema {revision}); "
                "update the app to open it. Nothing was changed."
            )
        if engine.url.get_backend_name() == "sqlite" and backup_dir is not None:
            backup_sqlite(engine, backup_dir, reason=f"before-upgrade-{revision}")
        _run(lambda config: command.upgrade(config, "head"), engine)
        return "upgraded"
    except DBAPIError as exc:
        raise StoreError(describe_error(exc, where)) from exc


def _run(action, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        action(config)


def backup_sqlite(engine: Engine, folder: Path, reason: str = "manual") -> Path:
    """Copy a SQLite database with the online backup API (consistent even while in use) and verify the copy."""
    source = engine.url.database
    if engine.url.get_backend_name() != "sqlite":
        raise StoreError("a server project is backed up by copying it: annotator db copy --from URL --to FILE.sqlite")
    if not source or source == ":memory:":
        raise StoreError("only a SQLite project file can be backed up this way")
    return backup_file(Path(source), folder, reason)


def integrity_problems(engine: Engine) -> list[str]:
    """What `db check` reports: SQLite's integrity and foreign-key checks, and the schema version."""
    problems: list[str] = []
    with engine.connect() as conn:
        if engine.url.get_backend_name() == "sqlite":
            verdict = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
            problems += [f"integrity: {v}" for v in verdict if v != "ok"]
            problems += [
                f"foreign key broken in {row[0]} row {row[1]}"
                for row in conn.exec_driver_sql("PRAGMA foreign_key_check")
            ]
    revision = current_revision(engine)
    if revision != head_revision():
        problems.append(f"schema version {revision} is not the current {head_revision()}; run 'annotator db upgrade'")
    return problems
