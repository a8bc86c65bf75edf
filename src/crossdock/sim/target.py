"""A scriptable target system for demos and tests: applies commands like the file sink, and
can be told to be down for a while, to be slow, or to refuse documents that match a rule
(as a real WMS refuses an unknown SKU). It answers through the same Sink contract as a real
connector, so the runtime's retries, circuit breaker and dead letters meet real behaviour.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..connectors.base import Delivery, Outcome, PermanentError, TransientError
from ..connectors.files.sink import FileSink, FileSinkOptions


class RejectRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="dotted path into the command payload, e.g. lines.0.sku")
    equals: Any
    reason: str


class SimTargetOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: Path
    outage_attempts: int = Field(
        default=0, ge=0, description="the first N attempts fail as if the target were down"
    )
    delay_ms: float = Field(default=0, ge=0)
    reject: list[RejectRule] = Field(default_factory=list)
    fsync: bool = False


def _lookup(payload: Any, dotted: str) -> Any:
    value = payload
    for part in dotted.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    return value


class SimTarget:
    Options = SimTargetOptions

    def __init__(self, name: str, options: SimTargetOptions):
        self.name = name
        self.options = options
        self.files = FileSink(name, FileSinkOptions(path=options.path, fsync=options.fsync))
        self.attempts = 0

    async def deliver(self, delivery: Delivery) -> Outcome:
        self.attempts += 1
        if self.options.delay_ms:
            await asyncio.sleep(self.options.delay_ms / 1000)
        if self.attempts <= self.options.outage_attempts:
            raise TransientError(f"{self.name} is unavailable (connection refused)")
        for rule in self.options.reject:
            if _lookup(delivery.payload, rule.field) == rule.equals:
                raise PermanentError(
                    f"{self.name} refused {delivery.action}: {rule.reason}",
                    detail={"field": rule.field, "value": rule.equals},
                )
        written = self.files.write(delivery)
        # The pid tells which worker process applied it (tests prove several workers share the load).
        return Outcome(acknowledged=True, detail={"already_applied": not written, "applied_by": os.getpid()})

    async def close(self) -> None:
        return None
