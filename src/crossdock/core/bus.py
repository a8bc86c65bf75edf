"""Work distribution: which worker processes which queued message.

Two buses behind one interface:
- StoreBus (embedded default): the store's queued messages are the queue; `take` returns None,
  meaning "any queued message", and the processor claims from the store directly.
- NatsBus (scale-out): each accepted message id is published to a JetStream stream; workers in
  any number of processes share one durable pull consumer. Per-subject order is still enforced
  by the processor (a message whose subject has an earlier queued message is handed back with a
  delay), so JetStream's redeliveries and parallel consumers never reorder a subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass
class Ticket:
    message_id: int
    handle: Any = None


class Bus(Protocol):
    async def start(self) -> None: ...

    async def announce(self, accepted: Sequence[tuple[int, str]]) -> None:
        """Messages (id, subject) are durably queued: make them known to the workers."""
        ...

    async def take(self, limit: int, timeout: float) -> list[Ticket] | None:
        """Message ids to process; None means any queued message (the store is the queue)."""
        ...

    async def settle(self, tickets: Sequence[Ticket], finished: set[int], deferred: set[int]) -> None:
        """Finished tickets are removed from the bus; deferred ones come back later."""
        ...

    async def close(self) -> None: ...


class StoreBus:
    async def start(self) -> None:
        return None

    async def announce(self, accepted: Sequence[tuple[int, str]]) -> None:
        return None

    async def take(self, limit: int, timeout: float) -> list[Ticket] | None:
        return None

    async def settle(self, tickets: Sequence[Ticket], finished: set[int], deferred: set[int]) -> None:
        return None

    async def close(self) -> None:
        return None
