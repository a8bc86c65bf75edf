"""What the EDI connector keeps between sending and acknowledging: files, control numbers, acks.

All of it lives in the store's key-value table (cursors), so a restart neither reuses a control
number nor forgets which of our sets a 997 acknowledges.
"""

from __future__ import annotations

import json
from typing import Any

from ...core.counters import StoreCounters
from ...core.cursors import Cursors, KeyValue, MemoryKeyValue
from .control import InMemoryControlNumbers


class EdiMemory:
    def __init__(self, partner: str):
        self.partner = partner
        self.keys: KeyValue = MemoryKeyValue()
        self.counters: Any = InMemoryControlNumbers()

    def bind(self, store) -> None:
        self.keys = Cursors(store)
        self.counters = StoreCounters(store)

    def sent_file(self, key_hash: str) -> dict[str, Any] | None:
        saved = self.keys.get(f"edi:{self.partner}:file:{key_hash}")
        return json.loads(saved) if saved else None

    def remember_file(self, key_hash: str, record: dict[str, Any], idempotency_key: str) -> None:
        self.keys.set(f"edi:{self.partner}:file:{key_hash}", json.dumps(record))
        groups: dict[int, list[list[str]]] = {}
        for group, set_control in record["sets"]:
            self.keys.set(f"edi:{self.partner}:sent:{int(group)}:{set_control}", idempotency_key)
            groups.setdefault(int(group), []).append([set_control, idempotency_key])
        for group, sets in groups.items():  # a 997 may acknowledge a whole group without listing its sets
            self.keys.set(f"edi:{self.partner}:group:{group}", json.dumps(sets))

    def sent_key(self, group_control: str, set_control: str) -> str | None:
        try:
            group = int(group_control)
        except ValueError:
            return None
        return self.keys.get(f"edi:{self.partner}:sent:{group}:{set_control}")

    def sent_group(self, group_control: str) -> list[tuple[str, str]]:
        """(ST02, idempotency key) of every set we sent in a group."""
        try:
            saved = self.keys.get(f"edi:{self.partner}:group:{int(group_control)}")
        except ValueError:
            return []
        return [tuple(pair) for pair in json.loads(saved)] if saved else []
