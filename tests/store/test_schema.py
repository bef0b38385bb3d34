import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from annotator.core.errors import StoreError
from annotator.services import documents
from annotator.services.project import Project
from annotator.store import full_text, schema
from annotator.store.database import Database
from annotator.store.tables import Base

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "db").glob("schema_*.sqlite"))


def test_new_database_is_created_and_stamped_at_head(tmp_path) -> None:
    db = Database.open(tmp_path / "new.sqlite")
    assert db.created
    assert schema.current_revision(db.engine) == schema.head_revision()
    assert db.check() == []
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_migrations_from_empty_build_exactly_the_tables_of_the_code(tmp_path) -> None:
    db = Database(tmp_path / "migrated.sqlite")
    schema._run(lambda config: schema.command.upgrade(config, "head"), db.engine)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": full_text.include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_there_is_a_fixture_database_for_the_current_schema() -> None:
    assert any(f.stem == f"schema_{schema.head_revision()}" for f in FIXTURES)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_every_released_schema_upgrades_with_its_data(fixture: Path, tmp_path) -> None:
    copy = tmp_path / fixture.name
    shutil.copy(fixture, copy)
    project = Project.open(copy)
    rows = documents.list_documents(project)
    assert len(rows) == 5 and sum(r.annotation_count for r in rows) == 71
    assert schema.current_revision(project.database.engine) == schema.head_revision()
    assert project.database.check() == []


def test_an_older_schema_is_backed_up_before_upgrading(tmp_path) -> None:
    oldest = FIXTURES[0]
    path = tmp_path / oldest.name
    shutil.copy(oldest, path)
    backups = tmp_path / "backups"
    Database.open(path, backup_dir=backups).close()
    made = list(backups.glob("*.sqlite"))
    assert len(made) == 1 and f"before-upgrade-{oldest.stem.removeprefix('schema_')}" in made[0].name


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path) -> None:
    path = tmp_path / "future.sqlite"
    Database.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer version of this app"):
        Database.open(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 20)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a database file"):
        Database.open(path)
    assert path.read_bytes() == before


def test_a_foreign_sqlite_database_is_refused(tmp_path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE things (x)")
    with pytest.raises(StoreError, match="not one of this app's projects"):
        Database.open(path)


@pytest.mark.sqlite_only
def test_backup_is_a_verified_copy(tmp_path, sample_project) -> None:
    target = sample_project.database.backup(tmp_path / "bk")
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 71
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_a_database_written_by_an_earlier_version_round_trips_through_native_jsonl(fixture: Path, tmp_path) -> None:
    from annotator.services import exporting, importing

    copy = tmp_path / fixture.name
    shutil.copy(fixture, copy)
    exporting.export(Project.open(copy), "jsonl", tmp_path / "before.jsonl")
    fresh = Project.open(tmp_path / "fresh.sqlite")
    assert not importing.import_paths(fresh, [tmp_path / "before.jsonl"], "loader", "jsonl").failed
    exporting.export(fresh, "jsonl", tmp_path / "after.jsonl")
    before = (tmp_path / "before.jsonl").read_bytes()
    assert before.count(b"\n") == 5 and (tmp_path / "after.jsonl").read_bytes() == before


@pytest.mark.postgres
def test_migrations_build_exactly_the_tables_of_the_code_on_postgresql() -> None:
    from tests import pg

    if reason := pg.unavailable_reason():
        pytest.skip(reason)
    name = pg.unique_name("annotator_migrate")
    db = Database(pg.create_database(name))
    try:
        schema._run(lambda config: schema.command.upgrade(config, "head"), db.engine)
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"include_object": full_text.include_object}), Base.metadata
            )
        assert diff == []
    finally:
        db.close()
        pg.drop_database(name)
