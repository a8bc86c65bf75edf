"""Item master: changes in Odoo go to every warehouse, after the checks a warehouse would make."""

from __future__ import annotations

from ..model import CloudEvent, Item
from .base import Command, FlowContext, FlowError, flow

# Unit codes warehouses and X12 understand (UN/ECE rec. 20 / X12 355 common subset).
KNOWN_UNITS = frozenset(
    {
        "EA",
        "PC",
        "DZ",
        "CS",
        "IN",
        "PL",
        "BX",
        "PK",
        "CT",
        "BAG",
        "KG",
        "G",
        "LB",
        "OZ",
        "L",
        "ML",
        "GA",
        "M",
        "CM",
        "MM",
        "FT",
        "YD",
        "M2",
        "M3",
        "HR",
        "DAY",
    }
)


def item_problems(item: Item, extra_units: frozenset[str] = frozenset()) -> list[str]:
    problems = []
    units = KNOWN_UNITS | extra_units
    for field, uom in [("base_uom", item.base_uom)] + [
        (f"conversions.{i}.uom", c.uom) for i, c in enumerate(item.conversions)
    ]:
        if uom not in units:
            problems.append(f"{field}: unknown unit {uom!r} (known: {', '.join(sorted(units))})")
    if item.weight is None:
        problems.append("weight: missing (warehouses need it to cartonize and rate)")
    if item.tracking != "none" and item.tracks_expiry and item.shelf_life_days is None:
        problems.append("shelf_life_days: an expiry-tracked item needs its shelf life")
    if any(pack.quantity != item.factor(pack.uom) for pack in item.packs):
        problems.append("packs: a pack's quantity disagrees with its unit's conversion")
    return problems


@flow("master.items")
def publish(item: Item, event: CloudEvent, ctx: FlowContext) -> list[Command]:
    problems = item_problems(item, frozenset(ctx.settings.extra_units))
    if problems:
        raise FlowError(f"item {item.sku} is not ready for the warehouses: " + "; ".join(problems))
    endpoints = sorted(
        {route.endpoint for route in ctx.settings.warehouses.values()}
        or ({ctx.endpoint} if ctx.endpoint else set())
    )
    if not endpoints:
        raise FlowError("no warehouse endpoint to send items to: set flows.warehouses")
    payload = item.model_dump(mode="json", exclude_none=True)
    return [
        Command(action="item.changed", payload=payload, endpoint=endpoint, key=endpoint)
        for endpoint in endpoints
    ]
