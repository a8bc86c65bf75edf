"""The store's tables (SQLAlchemy Core). Alembic migrations create them; this module describes them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
Id = BigInteger().with_variant(Integer(), "sqlite")
Time = DateTime(timezone=True)

metadata = MetaData()

messages = Table(
    "cd_messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(400), nullable=False, unique=True),
    Column("event_id", String(200), nullable=False),
    Column("source", String(200), nullable=False),
    Column("system", String(80), nullable=False),
    Column("type", String(100), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("business_key", String(200)),
    Column("correlation_id", String(200)),
    Column("causation_id", String(200)),
    Column("payload", Text, nullable=False),
    Column("payload_version", Integer, nullable=False, default=1),
    Column("state", String(30), nullable=False),
    Column("error", Text),
    Column("received_at", Time, nullable=False),
    Column("updated_at", Time, nullable=False),
    Index("ix_cd_messages_state_id", "state", "id"),
    Index("ix_cd_messages_subject_id", "subject", "id"),
    Index("ix_cd_messages_business_key", "business_key"),
    Index("ix_cd_messages_received_at", "received_at"),
)

outbox = Table(
    "cd_outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("message_id", Id, ForeignKey("cd_messages.id"), nullable=False),
    Column("idempotency_key", String(500), nullable=False, unique=True),
    Column("endpoint", String(100), nullable=False),
    Column("ordering_key", String(420), nullable=False),
    Column("action", String(100), nullable=False),
    Column("business_key", String(200)),
    Column("correlation_id", String(200)),
    Column("payload", Text, nullable=False),
    Column("payload_version", Integer, nullable=False, default=1),
    Column("state", String(30), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Time, nullable=False),
    Column("lease_until", Time),
    Column("error", Text),
    Column("created_at", Time, nullable=False),
    Column("updated_at", Time, nullable=False),
    Index("ix_cd_outbox_state_due", "state", "next_attempt_at"),
    Index("ix_cd_outbox_ordering", "ordering_key", "id"),
    Index("ix_cd_outbox_message", "message_id"),
)

ledger = Table(
    "cd_ledger",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", Time, nullable=False),
    Column("state", String(30), nullable=False),
    Column("system", String(100), nullable=False),
    Column("message_id", Id),
    Column("outbox_id", Id),
    Column("business_key", String(200)),
    Column("correlation_id", String(200)),
    Column("subject", String(300)),
    Column("payload_version", Integer),
    Column("actor", String(100), nullable=False),
    Column("detail", Text),
    Column("error", Text),
    Index("ix_cd_ledger_business_key", "business_key", "id"),
    Index("ix_cd_ledger_correlation", "correlation_id", "id"),
    Index("ix_cd_ledger_system_state_at", "system", "state", "at"),
    Index("ix_cd_ledger_at", "at"),
    Index("ix_cd_ledger_message", "message_id"),
    Index("ix_cd_ledger_outbox", "outbox_id"),
)

payload_versions = Table(
    "cd_payload_versions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),
    Column("ref_id", Id, nullable=False),
    Column("version", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", Time, nullable=False),
    Index("ix_cd_payload_versions_ref", "kind", "ref_id", "version", unique=True),
)

cursors = Table(
    "cd_cursors",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", Time, nullable=False),
)

control_numbers = Table(
    "cd_control_numbers",
    metadata,
    Column("partner", String(100), primary_key=True),
    Column("kind", String(10), primary_key=True),
    Column("last_value", BigInteger, nullable=False),
)

# The latest known version of each business document, by type and key: what flows consult
# (an order's lines when its shipment comes back, an item's units, the expected receipt).
documents = Table(
    "cd_documents",
    metadata,
    Column("doc_type", String(60), primary_key=True),
    Column("business_key", String(200), primary_key=True),
    Column("payload", Text, nullable=False),
    Column("message_id", Id, nullable=False),
    Column("updated_at", Time, nullable=False),
)
