"""initial store: messages, outbox, ledger, payload versions, cursors, control numbers

Revision ID: 0001
Revises:
Create Date: 2026-11-27 00:42:37.116551
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cd_control_numbers",
        sa.Column("partner", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("last_value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("partner", "kind"),
    )
    op.create_table(
        "cd_cursors",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "cd_ledger",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("system", sa.String(length=100), nullable=False),
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("correlation_id", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("payload_version", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cd_ledger", schema=None) as batch_op:
        batch_op.create_index("ix_cd_ledger_at", ["at"], unique=False)
        batch_op.create_index("ix_cd_ledger_business_key", ["business_key", "id"], unique=False)
        batch_op.create_index("ix_cd_ledger_correlation", ["correlation_id", "id"], unique=False)
        batch_op.create_index("ix_cd_ledger_message", ["message_id"], unique=False)
        batch_op.create_index("ix_cd_ledger_outbox", ["outbox_id"], unique=False)
        batch_op.create_index("ix_cd_ledger_system_state_at", ["system", "state", "at"], unique=False)

    op.create_table(
        "cd_messages",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("idempotency_key", sa.String(length=400), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("system", sa.String(length=80), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("correlation_id", sa.String(length=200), nullable=True),
        sa.Column("causation_id", sa.String(length=200), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("payload_version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    with op.batch_alter_table("cd_messages", schema=None) as batch_op:
        batch_op.create_index("ix_cd_messages_business_key", ["business_key"], unique=False)
        batch_op.create_index("ix_cd_messages_received_at", ["received_at"], unique=False)
        batch_op.create_index("ix_cd_messages_state_id", ["state", "id"], unique=False)
        batch_op.create_index("ix_cd_messages_subject_id", ["subject", "id"], unique=False)

    op.create_table(
        "cd_payload_versions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cd_payload_versions", schema=None) as batch_op:
        batch_op.create_index("ix_cd_payload_versions_ref", ["kind", "ref_id", "version"], unique=True)

    op.create_table(
        "cd_outbox",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("idempotency_key", sa.String(length=500), nullable=False),
        sa.Column("endpoint", sa.String(length=100), nullable=False),
        sa.Column("ordering_key", sa.String(length=420), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("correlation_id", sa.String(length=200), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("payload_version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["cd_messages.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    with op.batch_alter_table("cd_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_cd_outbox_message", ["message_id"], unique=False)
        batch_op.create_index("ix_cd_outbox_ordering", ["ordering_key", "id"], unique=False)
        batch_op.create_index("ix_cd_outbox_state_due", ["state", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cd_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_cd_outbox_state_due")
        batch_op.drop_index("ix_cd_outbox_ordering")
        batch_op.drop_index("ix_cd_outbox_message")

    op.drop_table("cd_outbox")
    with op.batch_alter_table("cd_payload_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_cd_payload_versions_ref")

    op.drop_table("cd_payload_versions")
    with op.batch_alter_table("cd_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_cd_messages_subject_id")
        batch_op.drop_index("ix_cd_messages_state_id")
        batch_op.drop_index("ix_cd_messages_received_at")
        batch_op.drop_index("ix_cd_messages_business_key")

    op.drop_table("cd_messages")
    with op.batch_alter_table("cd_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_cd_ledger_system_state_at")
        batch_op.drop_index("ix_cd_ledger_outbox")
        batch_op.drop_index("ix_cd_ledger_message")
        batch_op.drop_index("ix_cd_ledger_correlation")
        batch_op.drop_index("ix_cd_ledger_business_key")
        batch_op.drop_index("ix_cd_ledger_at")

    op.drop_table("cd_ledger")
    op.drop_table("cd_cursors")
    op.drop_table("cd_control_numbers")
