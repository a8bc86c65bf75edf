"""Exact unit conversions for flows, from the item master (a case of 12 is exactly 12 each)."""

from __future__ import annotations

from typing import Any

from ..model import Item, Quantity, UnknownUom
from ..model.base import plain  # re-exported: flows import it from here
from .base import FlowContext, FlowError


def item(ctx: FlowContext, sku: str) -> Item | None:
    data = ctx.documents.get("Item", sku)
    if data is None:
        if ctx.settings.require_known_items:
            raise FlowError(f"unknown SKU {sku!r}: not in the item master")
        return None
    return Item.model_validate(data)


def convert(
    ctx: FlowContext, sku: str, quantity: dict[str, Any] | Quantity, to_uom: str | None
) -> dict[str, str]:
    """`quantity` in `to_uom` (None: the item's base unit), exactly; unchanged when no conversion is known."""
    quantity = quantity if isinstance(quantity, Quantity) else Quantity.model_validate(quantity)
    known = item(ctx, sku)
    target = to_uom or (known.base_uom if known else quantity.uom)
    if target == quantity.uom:
        return {"value": plain(quantity.value), "uom": quantity.uom}
    if known is None:
        raise FlowError(f"SKU {sku!r}: cannot convert {quantity.uom} to {target} without the item master")
    try:
        converted = known.convert(quantity, target)
    except UnknownUom as exc:
        raise FlowError(str(exc)) from None
    return {"value": plain(converted.value), "uom": target}
