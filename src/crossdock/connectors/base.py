"""The two shapes every connector takes: a Source that brings messages in, a Sink that applies commands.

Connectors do I/O and nothing else: no business rules (flows have those) and no durability
(the runtime has that). A sink must be idempotent on `Delivery.idempotency_key` and should check
the target's state first, because the runtime delivers at least once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Delivery:
    outbox_id: int
    idempotency_key: str
    endpoint: str
    action: str
    payload: dict[str, Any]
    attempt: int
    business_key: str | None = None
    correlation_id: str | None = None


@dataclass(frozen=True)
class Outcome:
    """A delivery the target accepted. `acknowledged`: the target also confirmed the business effect."""

    acknowledged: bool = False
    detail: dict[str, Any] | None = None


class DeliveryError(Exception):
    """The target did not accept the delivery. `retryable` says whether trying again can help."""

    retryable = True

    def __init__(self, message: str, detail: dict[str, Any] | None = None):
        super().__init__(message)
        self.detail = detail


class TransientError(DeliveryError):
    retryable = True


class PermanentError(DeliveryError):
    retryable = False


class Sink(Protocol):
    async def deliver(self, delivery: Delivery) -> Outcome: ...

    async def close(self) -> None: ...


@dataclass
class Incoming:
    """Something a source received: raw text (JSON), or an already parsed dict, plus where it came from.

    A source that refuses an input itself (a webhook whose signature is wrong) still hands it
    over with meta["rejection"] = (kind, reason), so the refusal is recorded and kept.
    """

    body: str | bytes | dict[str, Any]
    system: str
    origin: str
    meta: dict[str, Any] = field(default_factory=dict)


class Source(Protocol):
    name: str

    async def poll(self, limit: int) -> Sequence[Incoming]:
        """Up to `limit` new items; an empty batch when nothing is waiting."""
        ...

    async def commit(self, items: Sequence[Incoming]) -> None:
        """The items are durably in the inbox: the source may forget them (move, ack, advance)."""
        ...

    @property
    def exhausted(self) -> bool:
        """True when a finite source (a folder read once) has nothing more to give."""
        ...

    async def close(self) -> None: ...
