"""Durable, never-reused counters per (scope, kind): EDI interchange / group / set control numbers.

One atomic upsert per call (INSERT ... ON CONFLICT DO UPDATE ... RETURNING), so two processes
sharing a PostgreSQL store never hand out the same number, and a restart continues where the
last committed number left off.
"""

from __future__ import annotations

from .sql import dialect_insert
from .store import Store
from .tables import control_numbers


class StoreCounters:
    def __init__(self, store: Store, start: int = 1):
        self.store = store
        self.start = start

    def next(self, scope: str, kind: str) -> int:
        with self.store.engine.begin() as conn:
            statement = (
                dialect_insert(conn, control_numbers)
                .values(partner=scope, kind=kind, last_value=self.start)
                .on_conflict_do_update(
                    index_elements=["partner", "kind"],
                    set_={"last_value": control_numbers.c.last_value + 1},
                )
                .returning(control_numbers.c.last_value)
            )
            return int(conn.execute(statement).scalar_one())
