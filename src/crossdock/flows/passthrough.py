"""The simplest flow: forward the canonical document unchanged to the route's endpoint."""

from __future__ import annotations

from ..model import CloudEvent, Document
from .base import Command, FlowContext, FlowError, flow


@flow("passthrough")
def passthrough(document: Document, event: CloudEvent, ctx: FlowContext) -> list[Command]:
    if ctx.endpoint is None:
        raise FlowError("passthrough needs an endpoint on its route")
    return [Command(action=event.type, payload=document.model_dump(mode="json", exclude_none=True))]
