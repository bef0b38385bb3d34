"""Suggestions, learning records and blind-annotation rules; the provenance of an accepted suggestion on its
annotation; the origin of accepted suggestions spelt "suggestion"

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 00:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Plain ALTER TABLE on annotations, never a batch (copy-and-move) on SQLite: dropping the old table would cascade
# to every fragment and relation, the connection enforcing foreign keys.


def _document_id() -> sa.Column:
    return sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.add_column("annotations", sa.Column("provenance", sa.JSON(), nullable=True))
    op.execute("UPDATE annotations SET origin = 'suggestion' WHERE origin = 'suggested'")
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        _document_id(),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("subtype", sa.String(200), nullable=True),
        sa.Column("fragments", sa.JSON(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("relations", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("recommender", sa.String(200), nullable=False),
        sa.Column("recommender_version", sa.String(100), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_suggestions_document_id", "suggestions", ["document_id"])
    op.create_table(
        "learning_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        _document_id(),
        sa.Column("annotator_id", sa.Integer(), sa.ForeignKey("annotators.id"), nullable=False),
        sa.Column("fragments", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("subtype", sa.String(200), nullable=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("suggestion", sa.String(36), nullable=True),
        sa.Column("recommender", sa.String(200), nullable=False),
        sa.Column("recommender_version", sa.String(100), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("annotation", sa.String(36), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_learning_records_document_id", "learning_records", ["document_id"])
    op.create_table(
        "blind_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.UniqueConstraint("kind", "name"),
    )


def downgrade() -> None:
    op.drop_table("blind_rules")
    op.drop_table("learning_records")
    op.drop_table("suggestions")
    op.execute("UPDATE annotations SET origin = 'suggested' WHERE origin = 'suggestion'")
    op.drop_column("annotations", "provenance")
