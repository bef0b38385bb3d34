"""Migration 0002: a project from before full-text search becomes searchable, on SQLite and PostgreSQL, and a
new project gets exactly the index the migration builds."""

import shutil
import sqlite3
from pathlib import Path

import psycopg
import pytest

from annotator.services.project import Project
from annotator.services.search import search
from annotator.store import schema
from annotator.store.database import Database
from tests import pg

FIXTURE_0001 = Path(__file__).parents[1] / "fixtures" / "db" / "schema_0001.sqlite"


def index_sql(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name LIKE 'documents_fts%' AND sql IS NOT NULL "
            "OR name LIKE 'ix_documents_%' ORDER BY name"
        ).fetchall()
    conn.close()
    return [row[0] for row in rows]


def test_a_project_from_before_full_text_search_is_upgraded_and_searchable(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURE_0001, path)
    project = Project.open(path)
    hits = search(project, "turbines")
    assert [h.title for h in hits] == ["Offshore wind farm promises 900 jobs, fishermen fear for their grounds"]
    assert project.database.check() == []
    project.close()
    Project.open(tmp_path / "new.sqlite").close()
    assert (
        index_sql(path) == index_sql(tmp_path / "new.sqlite")
        and len(index_sql(path)) == 12  # table, 4 shadow tables, 3 triggers, 4 indexes
    )  # table, 4 shadow tables, 3 triggers, 1 index


def test_a_server_project_from_before_full_text_search_is_upgraded_and_searchable() -> None:
    if reason := pg.unavailable_reason():
        pytest.skip(reason)
    name = pg.unique_name("fts_upgrade")
    url = pg.create_database(name)
    try:
        db = Database(url)
        schema._run(lambda config: schema.command.upgrade(config, "0001"), db.engine)
        db.close()
        with psycopg.connect(pg._conninfo(url), autocommit=True) as conn:
            conn.execute(
                "INSERT INTO documents (uuid, sha256, title, text, length, encoding, newline, source, outlet, "
                "author, published, language, meta, created, version) VALUES ('u1', 'h1', 'Wind', "
                "'Offshore turbines approved.', 27, 'utf-8', 'none', '', '', '', '', '', '{}', now(), 1)"
            )
        project = Project.open(url)
        assert schema.current_revision(project.database.engine) == schema.head_revision()
        assert [(h.title, h.match) for h in search(project, "turbines")] == [("Wind", (9, 17))]
        project.close()
    finally:
        pg.drop_database(name)
