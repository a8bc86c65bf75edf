"""The latest known version of each business document, kept for flows to consult.

Flows stay pure: they read documents through this view, which the processor builds inside its
transaction (documents processed earlier in the same batch are seen first), and the processor
writes the batch's documents back in the same transaction as the commands.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from .sql import dialect_insert
from .tables import documents


class DocumentView:
    def __init__(self, conn: Connection):
        self.conn = conn
        self.pending: dict[tuple[str, str], tuple[dict[str, Any], int]] = {}
        self._cache: dict[tuple[str, str], dict[str, Any] | None] = {}

    def get(self, doc_type: str, key: str) -> dict[str, Any] | None:
        wanted = (doc_type, key)
        if wanted in self.pending:
            return self.pending[wanted][0]
        if wanted not in self._cache:
            text = self.conn.execute(
                select(documents.c.payload).where(
                    documents.c.doc_type == doc_type, documents.c.business_key == key
                )
            ).scalar_one_or_none()
            self._cache[wanted] = json.loads(text) if text else None
        return self._cache[wanted]

    def remember(self, doc_type: str, key: str, payload: dict[str, Any], message_id: int) -> None:
        self.pending[(doc_type, key)] = (payload, message_id)

    def flush(self, now: datetime) -> None:
        if not self.pending:
            return
        rows = [
            {
                "doc_type": t,
                "business_key": k,
                "payload": json.dumps(p, default=str),
                "message_id": m,
                "updated_at": now,
            }
            for (t, k), (p, m) in self.pending.items()
        ]
        statement = dialect_insert(self.conn, documents)
        self.conn.execute(
            statement.on_conflict_do_update(
                index_elements=["doc_type", "business_key"],
                set_={
                    "payload": statement.excluded.payload,
                    "message_id": statement.excluded.message_id,
                    "updated_at": statement.excluded.updated_at,
                },
            ),
            rows,
        )
        self.pending.clear()
