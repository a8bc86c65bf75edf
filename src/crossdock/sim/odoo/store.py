"""SQLite persistence with an in-memory working set.

Every model's rows live in memory (fast domain evaluation in Python); each committed call writes the rows
it touched to SQLite in one SQLite transaction, so a file database survives a restart.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (model TEXT NOT NULL, id INTEGER NOT NULL, vals TEXT NOT NULL,
                                    PRIMARY KEY (model, id));
CREATE TABLE IF NOT EXISTS sequences (model TEXT PRIMARY KEY, next_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Table:
    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self.next_id = 1
        self._indexes: dict[str, dict[Any, set[int]]] = {}

    def lookup(self, fname: str, value: Any) -> set[int]:
        idx = self._indexes.get(fname)
        if idx is None:
            idx = {}
            for rid, row in self.rows.items():
                idx.setdefault(_key(row.get(fname)), set()).add(rid)
            self._indexes[fname] = idx
        return idx.get(_key(value), set())

    def put(self, rid: int, row: dict[str, Any] | None) -> None:
        old = self.rows.get(rid)
        for fname, idx in self._indexes.items():
            if old is not None:
                idx.get(_key(old.get(fname)), set()).discard(rid)
            if row is not None:
                idx.setdefault(_key(row.get(fname)), set()).add(rid)
        if row is None:
            self.rows.pop(rid, None)
        else:
            self.rows[rid] = row
            self.next_id = max(self.next_id, rid + 1)


def _key(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if value is None:
        return False
    return value


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.executescript(SCHEMA)
        self.lock = threading.RLock()
        self.tables: dict[str, Table] = {}
        self.meta: dict[str, Any] = {}
        self._load()

    def _load(self) -> None:
        for model, rid, vals in self.conn.execute("SELECT model, id, vals FROM records"):
            self.table(model).put(rid, json.loads(vals))
        for model, next_id in self.conn.execute("SELECT model, next_id FROM sequences"):
            self.table(model).next_id = next_id
        for key, value in self.conn.execute("SELECT key, value FROM meta"):
            self.meta[key] = json.loads(value)

    def table(self, model: str) -> Table:
        tab = self.tables.get(model)
        if tab is None:
            tab = self.tables[model] = Table()
        return tab

    def set_meta(self, key: str, value: Any) -> None:
        self.meta[key] = value
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))

    def persist(self, touched: set[tuple[str, int]]) -> None:
        """Write the touched rows (or their deletion) and the id sequences in one SQLite transaction."""
        if not touched:
            return
        upserts, deletes = [], []
        for model, rid in touched:
            row = self.table(model).rows.get(rid)
            if row is None:
                deletes.append((model, rid))
            else:
                upserts.append((model, rid, json.dumps(row)))
        seqs = [(m, self.table(m).next_id) for m in {m for m, _ in touched}]
        cur = self.conn.cursor()
        cur.execute("BEGIN")
        try:
            cur.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?)", upserts)
            cur.executemany("DELETE FROM records WHERE model = ? AND id = ?", deletes)
            cur.executemany("INSERT OR REPLACE INTO sequences VALUES (?, ?)", seqs)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.conn.close()
