"""Outbound: a released order goes to the warehouse that ships it; its confirmations come back to Odoo.

- order.released -> `order.released` to the warehouse's endpoint, quantities in the units that
  warehouse counts in;
- order.cancelled -> `order.cancelled` to the warehouse that has the order;
- shipment.confirmed -> `shipment.confirmed` to the ERP, each line in the unit it was ordered in,
  refused if the order is unknown, a line ships more than was ordered, or a lot-tracked item
  ships without its lots.
"""

from __future__ import annotations

from decimal import Decimal

from ..model import CloudEvent, OrderCancellation, SalesOrder, ShipmentConfirmation
from .base import Command, FlowContext, FlowError, flow
from .units import convert, item


def warehouse_endpoint(ctx: FlowContext, warehouse_code: str | None) -> tuple[str, str]:
    """(endpoint, units) for a warehouse; the route's endpoint when the warehouse is not configured."""
    route = ctx.settings.warehouses.get(warehouse_code or "")
    if route is not None:
        return route.endpoint, route.units
    if ctx.endpoint:
        return ctx.endpoint, "as_ordered"
    raise FlowError(f"no endpoint reaches warehouse {warehouse_code!r}: add it under flows.warehouses")


def erp_endpoint(ctx: FlowContext) -> str:
    endpoint = ctx.endpoint or ctx.settings.erp_endpoint
    if not endpoint:
        raise FlowError("no ERP endpoint: set flows.erp_endpoint or the route's endpoint")
    return endpoint


@flow("outbound.release")
def release(order: SalesOrder, event: CloudEvent, ctx: FlowContext) -> list[Command]:
    endpoint, units = warehouse_endpoint(ctx, order.warehouse_code)
    payload = order.model_dump(mode="json", exclude_none=True)
    for line in payload["lines"]:
        known = item(ctx, line["sku"])
        if units != "as_ordered" and known is not None:
            line["quantity"] = convert(ctx, line["sku"], line["quantity"], None if units == "base" else units)
    return [Command(action="order.released", payload=payload, endpoint=endpoint)]


@flow("outbound.cancel")
def cancel(cancellation: OrderCancellation, event: CloudEvent, ctx: FlowContext) -> list[Command]:
    order = ctx.documents.get("SalesOrder", cancellation.order_id)
    if order is None:
        raise FlowError(f"cancellation of unknown order {cancellation.order_id!r}: it was never released")
    endpoint, _ = warehouse_endpoint(ctx, order.get("warehouse_code"))
    return [
        Command(
            action="order.cancelled",
            payload=cancellation.model_dump(mode="json", exclude_none=True),
            endpoint=endpoint,
        )
    ]


@flow("outbound.confirm")
def confirm(shipment: ShipmentConfirmation, event: CloudEvent, ctx: FlowContext) -> list[Command]:
    data = ctx.documents.get("SalesOrder", shipment.order_id)
    if data is None:
        raise FlowError(f"shipment {shipment.shipment_id} confirms unknown order {shipment.order_id!r}")
    order = SalesOrder.model_validate(data)
    ordered = {line.line_no: line for line in order.lines}
    payload = shipment.model_dump(mode="json", exclude_none=True)
    for line, out in zip(shipment.lines, payload["lines"], strict=True):
        source = ordered.get(line.line_no)
        if source is None:  # a WMS that does not echo line references: match by SKU when unambiguous
            same_sku = [candidate for candidate in order.lines if candidate.sku == line.sku]
            if len(same_sku) == 1:
                source = same_sku[0]
                out["line_no"] = source.line_no
        if source is None or source.sku != line.sku:
            raise FlowError(
                f"shipment {shipment.shipment_id} line {line.line_no} ({line.sku}) is not on order "
                f"{order.order_id}"
            )
        out["shipped_quantity"] = convert(ctx, line.sku, line.shipped_quantity, source.quantity.uom)
        if Decimal(out["shipped_quantity"]["value"]) > source.quantity.value:
            raise FlowError(
                f"shipment {shipment.shipment_id} line {line.line_no}: {out['shipped_quantity']['value']} "
                f"{source.quantity.uom} shipped but {source.quantity} ordered"
            )
        out["ordered_quantity"] = source.quantity.model_dump(mode="json")
        known = item(ctx, line.sku)
        if known is not None and known.tracking != "none" and not (line.lots or line.serials):
            raise FlowError(
                f"shipment {shipment.shipment_id} line {line.line_no}: {line.sku} is "
                f"{known.tracking}-tracked but no {known.tracking} was given (lines.{line.line_no}.lots)"
            )
        for lot in out.get("lots", []):
            lot["quantity"] = convert(ctx, line.sku, lot["quantity"], source.quantity.uom)
    return [Command(action="shipment.confirmed", payload=payload, endpoint=erp_endpoint(ctx))]
