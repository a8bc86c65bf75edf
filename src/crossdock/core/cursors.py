"""Named cursors in the store: where each polling source left off (e.g. an Odoo write_date).

Connectors also keep small facts here (files seen, control numbers sent, plans). Before a
connector is bound to a store it uses MemoryKeyValue, which has the same get/set.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import select

from .sql import dialect_insert
from .store import Store
from .tables import cursors


class Cursors:
    def __init__(self, store: Store):
        self.store = store

    def get(self, name: str) -> str | None:
        with self.store.engine.connect() as conn:
            return conn.execute(select(cursors.c.value).where(cursors.c.name == name)).scalar_one_or_none()

    def set(self, name: str, value: str) -> None:
        now = datetime.now(UTC)
        with self.store.engine.begin() as conn:
            conn.execute(
                dialect_insert(conn, cursors)
                .values(name=name, value=value, updated_at=now)
                .on_conflict_do_update(index_elements=["name"], set_={"value": value, "updated_at": now})
            )


class KeyValue(Protocol):
    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...


class MemoryKeyValue:
    """The same interface for a connector not (yet) bound to a store: kept for this process only."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value
