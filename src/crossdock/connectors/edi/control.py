"""Control numbers for outbound envelopes (ISA13, GS06, ST02).

The hub's persistent implementation lives in the store; ``InMemoryControlNumbers`` is for tests, tools and
single-process use. Implementations must never hand out the same number twice for a (partner, kind).
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

Kind = Literal["isa", "gs", "st"]
KINDS: tuple[str, ...] = ("isa", "gs", "st")
MAXIMUM = {"isa": 999_999_999, "gs": 999_999_999, "st": 999_999_999}


@runtime_checkable
class ControlNumbers(Protocol):
    def next(self, partner_id: str, kind: str) -> int:
        """Return a fresh control number for ``partner_id``; ``kind`` is "isa", "gs" or "st"."""
        ...


class ControlNumberExhausted(RuntimeError):
    pass


class InMemoryControlNumbers:
    """Monotonic counters per (partner, kind) from ``start``; exhaustion raises instead of wrapping."""

    def __init__(self, start: int = 1) -> None:
        if start < 1:
            raise ValueError("control numbers start at 1")
        self._start = start
        self._last: dict[tuple[str, str], int] = {}

    def next(self, partner_id: str, kind: str) -> int:
        if kind not in KINDS:
            raise ValueError(f"unknown control number kind {kind!r}: use one of {', '.join(KINDS)}")
        key = (partner_id, kind)
        value = self._last.get(key, self._start - 1) + 1
        if value > MAXIMUM[kind]:
            raise ControlNumberExhausted(f"{kind} control numbers for {partner_id!r} are exhausted")
        self._last[key] = value
        return value
