"""Inbound: an expected receipt goes to the warehouse; what it received goes back to Odoo, and any
difference (over, short, damaged) becomes a discrepancy report line per supplier and SKU."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..model import CloudEvent, ExpectedReceipt, ReceiptConfirmation
from .base import Command, FlowContext, FlowError, flow
from .outbound import erp_endpoint, warehouse_endpoint
from .units import convert, plain


@flow("inbound.expect")
def expect(receipt: ExpectedReceipt, event: CloudEvent, ctx: FlowContext) -> list[Command]:
    endpoint, units = warehouse_endpoint(ctx, receipt.warehouse_code)
    payload = receipt.model_dump(mode="json", exclude_none=True)
    if units != "as_ordered":
        for line in payload["lines"]:
            line["quantity"] = convert(ctx, line["sku"], line["quantity"], None if units == "base" else units)
    return [Command(action="receipt.expected", payload=payload, endpoint=endpoint)]


def discrepancies(
    expected: ExpectedReceipt, received: ReceiptConfirmation, ctx: FlowContext
) -> list[dict[str, Any]]:
    """Per SKU: expected, received, damaged, and the difference, all in the expected unit."""
    wanted: dict[str, tuple[Decimal, str]] = {}
    for line in expected.lines:
        value, uom = wanted.get(line.sku, (Decimal(0), line.quantity.uom))
        wanted[line.sku] = (value + Decimal(convert(ctx, line.sku, line.quantity, uom)["value"]), uom)
    got: dict[str, list[Decimal]] = {}
    for line in received.lines:
        uom = wanted.get(line.sku, (Decimal(0), line.received_quantity.uom))[1]
        arrived = Decimal(
            convert(ctx, line.sku, line.received_quantity, uom)["value"]
        )  # damaged units included
        damaged = (
            Decimal(convert(ctx, line.sku, line.damaged_quantity, uom)["value"])
            if line.damaged_quantity
            else 0
        )
        total = got.setdefault(line.sku, [Decimal(0), Decimal(0)])
        total[0] += arrived
        total[1] += damaged
    out = []
    for sku in sorted(set(wanted) | set(got)):
        expected_qty, uom = wanted.get(sku, (Decimal(0), "EA"))
        arrived, damaged = got.get(sku, [Decimal(0), Decimal(0)])
        difference = arrived - expected_qty
        if difference == 0 and damaged == 0:
            continue
        kind = "damaged" if difference == 0 else ("over" if difference > 0 else "short")
        out.append(
            {
                "sku": sku,
                "uom": uom,
                "expected": plain(expected_qty),
                "received": plain(arrived),
                "damaged": plain(Decimal(damaged)),
                "difference": plain(difference),
                "kind": kind,
            }
        )
    return out


@flow("inbound.receive")
def receive(receipt: ReceiptConfirmation, event: CloudEvent, ctx: FlowContext) -> list[Command]:
    data = ctx.documents.get("ExpectedReceipt", receipt.receipt_id)
    if data is None:
        raise FlowError(
            f"receipt {receipt.receipt_id!r} was never expected: no such receipt was sent to a warehouse"
        )
    expected = ExpectedReceipt.model_validate(data)
    commands = [
        Command(
            action="receipt.confirmed",
            payload=receipt.model_dump(mode="json", exclude_none=True),
            endpoint=erp_endpoint(ctx),
        )
    ]
    lines = discrepancies(expected, receipt, ctx)
    if lines and ctx.settings.reports_endpoint:
        commands.append(
            Command(
                action="discrepancy.reported",
                endpoint=ctx.settings.reports_endpoint,
                payload={
                    "receipt_id": receipt.receipt_id,
                    "purchase_order": expected.purchase_order,
                    "supplier": expected.supplier.model_dump(mode="json", exclude_none=True),
                    "warehouse_code": receipt.warehouse_code,
                    "received_at": receipt.received_at.isoformat(),
                    "lines": lines,
                },
            )
        )
    return commands
