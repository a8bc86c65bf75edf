"""Small SQL helpers that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def dialect_insert(conn: Connection, table: Table):
    """An INSERT that knows ON CONFLICT, for the connection's dialect."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def insert_ignoring_conflicts(conn: Connection, table: Table, index_elements: list[str]):
    """INSERT ... ON CONFLICT DO NOTHING."""
    return dialect_insert(conn, table).on_conflict_do_nothing(index_elements=index_elements)


def lock_rows(query, conn: Connection):
    """Claim rows so that concurrent workers skip them (PostgreSQL); SQLite serialises writers anyway."""
    if conn.dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query
