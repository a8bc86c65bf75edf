"""What a flow is: a pure function from a canonical document to commands for target systems.

Flows hold no I/O and no clock of their own: everything they need arrives in the document, the
event and the context, so the same input always yields the same commands (which is what makes
replay safe and flows testable alone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..model import CloudEvent, Document
from .settings import FlowSettings


@dataclass(frozen=True)
class Command:
    """One effect to apply on one target. `key` makes it unique within its message."""

    action: str
    payload: dict[str, Any]
    endpoint: str | None = None
    key: str | None = None


class Documents(Protocol):
    """Read-only view of the latest known business documents (an order, an item, an expected receipt)."""

    def get(self, doc_type: str, key: str) -> dict[str, Any] | None: ...


class NoDocuments:
    def get(self, doc_type: str, key: str) -> dict[str, Any] | None:
        return None


@dataclass(frozen=True)
class FlowContext:
    endpoint: str | None
    settings: FlowSettings = field(default_factory=FlowSettings)
    documents: Documents = field(default_factory=NoDocuments)


class FlowError(ValueError):
    """The document cannot be turned into commands; the reason is for a person to act on."""


Flow = Callable[[Document, CloudEvent, FlowContext], list[Command]]
FLOWS: dict[str, Flow] = {}


def flow(name: str) -> Callable[[Flow], Flow]:
    def register(function: Flow) -> Flow:
        if name in FLOWS:
            raise ValueError(f"flow {name!r} is registered twice")
        FLOWS[name] = function
        return function

    return register
