"""full-text search over documents, and an index for the document list

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08

SQLite: an external-content FTS5 table over title and text, kept in step by triggers, filled from the existing
documents. PostgreSQL: a stored generated tsvector column with a GIN index. Both: indexes on (title, outlet,
published) and (outlet, published) that the navigator sorts and filters with. The statements are written out
here as they were when this migration was made (store/full_text.py has the same ones for new databases; a test
compares the two).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQLITE = (
    "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN "
    "INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')",
)
POSTGRESQL = (
    "ALTER TABLE documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, text), 'B')) STORED",
    "CREATE INDEX ix_documents_search_vector ON documents USING gin (search_vector)",
)


def upgrade() -> None:
    # not in batch mode: rebuilding the documents table on SQLite would drop the triggers made below
    op.create_index("ix_documents_listing", "documents", ["title", "outlet", "published"], unique=False)
    op.create_index("ix_documents_outlet_published", "documents", ["outlet", "published"], unique=False)
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL:
        op.execute(sa.text(statement))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("documents_fts_insert", "documents_fts_delete", "documents_fts_update"):
            op.execute(sa.text(f"DROP TRIGGER {name}"))
        op.execute(sa.text("DROP TABLE documents_fts"))
    else:
        op.execute(sa.text("DROP INDEX ix_documents_search_vector"))
        op.execute(sa.text("ALTER TABLE documents DROP COLUMN search_vector"))
    op.drop_index("ix_documents_outlet_published", table_name="documents")
    op.drop_index("ix_documents_listing", table_name="documents")
