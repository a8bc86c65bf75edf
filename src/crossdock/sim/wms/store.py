"""Persistence: the warehouse state as one JSON document plus an append-only event table in SQLite.

A file keeps state across restarts; ":memory:" gives a throw-away emulator. Decimals survive the round
trip exactly (tagged), so quantities never pass through floats.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from decimal import Decimal
from typing import Any


def qty_str(value: Decimal) -> str:
    """Canonical decimal string: no exponent, no trailing zeros ("12", "1.5", "0")."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


class _StateEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return {"$d": str(o)}
        return super().default(o)


class WireEncoder(json.JSONEncoder):
    """What clients see: decimals as canonical strings."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return qty_str(o)
        return super().default(o)


def _decode_hook(obj: dict) -> Any:
    if len(obj) == 1 and "$d" in obj:
        return Decimal(obj["$d"])
    return obj


def _state_dumps(obj: Any) -> str:
    return json.dumps(obj, cls=_StateEncoder, separators=(",", ":"))


def wire_dumps(obj: Any) -> str:
    return json.dumps(obj, cls=WireEncoder, separators=(",", ":"), ensure_ascii=False)


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._lock = threading.Lock()
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT)"
        )
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS events (sequence INTEGER PRIMARY KEY, event_type TEXT, body TEXT)"
        )
        # collections that grow without bound (orders, notices, shipments) are stored one row per entry,
        # rewritten only when touched, so a write costs the same on day one and day one hundred
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS rows (collection TEXT, key TEXT, body TEXT, PRIMARY KEY (collection, key))"
        )

    @property
    def persistent(self) -> bool:
        return self.path != ":memory:"

    def load_state(self) -> dict | None:
        if not self.persistent:
            return None
        with self._lock:
            row = self.conn.execute("SELECT body FROM state WHERE id = 1").fetchone()
            rows = self.conn.execute("SELECT collection, key, body FROM rows").fetchall()
        if row is None:
            return None
        state = json.loads(row[0], object_hook=_decode_hook)
        for collection, key, body in rows:
            state.setdefault(collection, {})[key] = json.loads(body, object_hook=_decode_hook)
        return state

    def save(self, state: dict, events: list[tuple[int, str, str]], rows: list[tuple[str, str, Any]]) -> None:
        """`state` without the row collections; `rows` are the (collection, key, entry) touched since last save."""
        # an in-memory store cannot outlive the process: serialising the state there would be pure cost
        body = _state_dumps(state) if self.persistent else None
        encoded = [(c, k, _state_dumps(v)) for c, k, v in rows] if self.persistent else []
        with self._lock:
            self.conn.execute("BEGIN")
            try:
                self.conn.executemany(
                    "INSERT INTO events (sequence, event_type, body) VALUES (?, ?, ?)", events
                )
                if body is not None:
                    self.conn.execute("INSERT OR REPLACE INTO state (id, body) VALUES (1, ?)", (body,))
                    self.conn.executemany(
                        "INSERT OR REPLACE INTO rows (collection, key, body) VALUES (?, ?, ?)", encoded
                    )
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def events_after(self, after: int, limit: int) -> list[str]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT body FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?", (after, limit)
            ).fetchall()
        return [r[0] for r in rows]

    def event_body(self, sequence: int) -> str | None:
        with self._lock:
            row = self.conn.execute("SELECT body FROM events WHERE sequence = ?", (sequence,)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        with self._lock:
            self.conn.close()
