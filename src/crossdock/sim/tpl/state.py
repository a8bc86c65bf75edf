"""The emulator's own state (control numbers, files seen, sent interchanges, faults, held files).

One JSON document, rewritten atomically after every change when a state folder is given, so a restart
never hands out a control number twice. Without a folder it lives in memory only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crossdock.connectors.edi.control import KINDS, MAXIMUM, ControlNumberExhausted
from crossdock.connectors.transfer.transport import atomic_write

STATE_FILE = "tpl-state.json"


def _fresh() -> dict[str, Any]:
    return {
        "control": {},  # "isa" / "gs" / "st" -> last number handed out
        "event_cursor": 0,  # last WMS event sequence turned into a file
        "inbound": [],  # one entry per claimed file: name, sha256, interchanges, outcome, ack file
        "interchanges_seen": set(),  # "sender:ISA13" of every inbound interchange (TA1 025 on a repeat)
        "sent": {},  # GS06 we sent -> {"file", "set_id", "st02", "ack": None | "A" | "E" | "R" | ...}
        "outbound": [],  # names of the files written to outbound/, in order
        "held": [],  # delayed files: {"name", "text", "due"} (due = simulated time, ISO)
        "faults": {},
        "application_errors": [],  # business problems (unknown SKU...) a 997 cannot express
    }


class TplState:
    """Dict-backed state with atomic saves; ``data`` is the document itself."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / STATE_FILE if folder is not None else None
        self.data: dict[str, Any] = _fresh()
        if self.path is not None and self.path.exists():
            self.data.update(json.loads(self.path.read_text(encoding="utf-8")))
            self.data["interchanges_seen"] = set(self.data["interchanges_seen"])  # looked up per file

    def save(self) -> None:
        if self.path is None:
            return
        atomic_write(
            self.path, json.dumps(self.data, indent=1, sort_keys=True, default=sorted)
        )  # sets sorted


class PersistentControlNumbers:
    """The codec's ControlNumbers protocol over TplState.

    A number is recorded in the state, not saved: the emulator saves the state once before it
    publishes a file carrying the numbers, instead of once per number.
    """

    def __init__(self, state: TplState, start: int = 1) -> None:
        self.state = state
        self.start = start

    def next(self, partner_id: str, kind: str) -> int:
        if kind not in KINDS:
            raise ValueError(f"unknown control number kind {kind!r}")
        control = self.state.data["control"]
        value = int(control.get(kind, self.start - 1)) + 1
        if value > MAXIMUM[kind]:
            raise ControlNumberExhausted(f"{kind} control numbers are exhausted")
        control[kind] = value
        return value
