"""documents.boilerplate: the ranges of a document's text that are page furniture, marked but never cut

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 20:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, never a batch (copy-and-move) on SQLite: dropping the old documents table would cascade to
# every annotation, the connection enforcing foreign keys.


def upgrade() -> None:
    op.add_column("documents", sa.Column("boilerplate", sa.JSON(), server_default=sa.text("'[]'"), nullable=False))


def downgrade() -> None:
    op.drop_column("documents", "boilerplate")
