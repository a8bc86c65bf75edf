"""documents: the latest version of each business document

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 01:19:42.069373
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cd_documents",
        sa.Column("doc_type", sa.String(length=60), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("doc_type", "business_key"),
    )


def downgrade() -> None:
    op.drop_table("cd_documents")
