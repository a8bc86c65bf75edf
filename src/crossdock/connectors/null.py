"""A sink that accepts everything and does nothing: measures the runtime's own cost."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .base import Delivery, Outcome


class NullSinkOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NullSink:
    Options = NullSinkOptions

    def __init__(self, name: str, options: NullSinkOptions):
        self.name = name

    async def deliver(self, delivery: Delivery) -> Outcome:
        return Outcome(acknowledged=True)

    async def close(self) -> None:
        return None
