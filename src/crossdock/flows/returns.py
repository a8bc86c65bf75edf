"""Returns: Odoo authorizes (RMA) -> the warehouse expects it; the warehouse receives it (condition,
disposition) -> Odoo's return picking is done."""

from __future__ import annotations

from ..model import CloudEvent, ReturnAuthorization, ReturnReceipt
from .base import Command, FlowContext, FlowError, flow
from .outbound import erp_endpoint, warehouse_endpoint


@flow("returns.authorize")
def authorize(rma: ReturnAuthorization, event: CloudEvent, ctx: FlowContext) -> list[Command]:
    endpoint, _ = warehouse_endpoint(ctx, rma.warehouse_code)
    return [
        Command(
            action="return.authorized",
            payload=rma.model_dump(mode="json", exclude_none=True),
            endpoint=endpoint,
        )
    ]


@flow("returns.receive")
def receive(receipt: ReturnReceipt, event: CloudEvent, ctx: FlowContext) -> list[Command]:
    authorized = ctx.documents.get("ReturnAuthorization", receipt.rma_id)
    if authorized is None:
        raise FlowError(f"return {receipt.rma_id!r} was never authorized")
    allowed = {line["sku"] for line in authorized["lines"]}
    for line in receipt.lines:
        if line.sku not in allowed:
            raise FlowError(f"return {receipt.rma_id}: {line.sku} was not authorized for return")
    return [
        Command(
            action="return.received",
            payload=receipt.model_dump(mode="json", exclude_none=True),
            endpoint=erp_endpoint(ctx),
        )
    ]
