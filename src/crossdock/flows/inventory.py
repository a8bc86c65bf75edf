"""Inventory: a warehouse's adjustments go to Odoo; its snapshot is reconciled against Odoo's stock.

`reconcile` is the pure comparison (the Odoo sink supplies Odoo's quantities, which only it can
read); differences within tolerance become adjustments with the warehouse's reason, the rest are
raised for review, and inventory accuracy is the share of SKU/lot positions that agree.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ..model import CloudEvent, InventoryAdjustment, InventorySnapshot
from .base import Command, FlowContext, flow
from .outbound import erp_endpoint


@flow("inventory.adjust")
def adjust(adjustment: InventoryAdjustment, event: CloudEvent, ctx: FlowContext) -> list[Command]:
    return [
        Command(
            action="inventory.adjusted",
            payload=adjustment.model_dump(mode="json", exclude_none=True),
            endpoint=erp_endpoint(ctx),
        )
    ]


@flow("inventory.reconcile")
def snapshot(snap: InventorySnapshot, event: CloudEvent, ctx: FlowContext) -> list[Command]:
    payload = snap.model_dump(mode="json", exclude_none=True)
    payload["tolerance"] = {
        "units": str(ctx.settings.reconcile_tolerance_units),
        "percent": str(ctx.settings.reconcile_tolerance_percent),
    }
    return [Command(action="inventory.reconcile", payload=payload, endpoint=erp_endpoint(ctx))]


def reconcile(
    wms: dict[tuple[str, str | None], Decimal],
    erp: dict[tuple[str, str | None], Decimal],
    tolerance_units: Decimal,
    tolerance_percent: Decimal,
) -> dict[str, Any]:
    """Compare on-hand by (sku, lot); the WMS counts, so within tolerance Odoo is adjusted to it."""
    lines, adjust_lines, review = [], [], []
    for key in sorted(set(wms) | set(erp), key=lambda k: (k[0], k[1] or "")):
        counted, booked = wms.get(key, Decimal(0)), erp.get(key, Decimal(0))
        difference = counted - booked
        line = {
            "sku": key[0],
            "lot": key[1],
            "wms": str(counted),
            "erp": str(booked),
            "difference": str(difference),
        }
        if difference == 0:
            line["result"] = "match"
        else:
            limit = max(tolerance_units, abs(booked) * tolerance_percent / 100)
            line["result"] = "adjusted" if abs(difference) <= limit else "review"
            (adjust_lines if line["result"] == "adjusted" else review).append(line)
        lines.append(line)
    matched = sum(1 for line in lines if line["result"] == "match")
    return {
        "lines": lines,
        "adjust": adjust_lines,
        "review": review,
        "positions": len(lines),
        "accuracy": str((Decimal(matched) / len(lines) * 100).quantize(Decimal("0.01")))
        if lines
        else "100.00",
    }


def totals(lines: list[dict[str, Any]]) -> dict[tuple[str, str | None], Decimal]:
    summed: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    for line in lines:
        summed[(line["sku"], line.get("lot"))] += Decimal(str(line["quantity"]["value"]))
    return dict(summed)
