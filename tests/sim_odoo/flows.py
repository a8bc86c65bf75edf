"""Helpers shared by the business-flow tests (version-aware, the way real integration scripts are)."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import pytest

from .conftest import Sim


def storable(sim: Sim) -> dict[str, Any]:
    return {"type": "consu", "is_storable": True} if sim.major >= 18 else {"type": "product"}


def expect_none_fault(sim: Sim, model: str, method: str, *args: Any, **kwargs: Any) -> None:
    """Methods returning None fault over XML-RPC after their transaction committed."""
    with pytest.raises(xmlrpc.client.Fault) as info:
        sim.x(model, method, *args, **kwargs)
    assert info.value.faultCode == 1
    assert "cannot marshal None unless allow_none is enabled" in info.value.faultString


def wh_stock(sim: Sim) -> int:
    return sim.x("stock.warehouse", "search_read", [["code", "=", "WH"]], ["lot_stock_id"])[0][
        "lot_stock_id"
    ][0]


def new_product(
    sim: Sim, code: str, qty: float = 0.0, tracking: str = "none", lots: dict | None = None, **extra: Any
) -> int:
    """Create a storable product and count stock into WH/Stock with inventory mode."""
    pid = sim.x(
        "product.product",
        "create",
        {
            "name": f"Test {code}",
            "default_code": code,
            "tracking": tracking,
            "invoice_policy": "delivery",
            "list_price": 10.0,
            **storable(sim),
            **extra,
        },
    )
    counts = lots or ({None: qty} if qty else {})
    quants = []
    for lot_name, lot_qty in counts.items():
        vals = {"product_id": pid, "location_id": wh_stock(sim), "inventory_quantity": lot_qty}
        if lot_name:
            vals["lot_id"] = sim.x("stock.lot", "create", {"name": lot_name, "product_id": pid})
        quants.append(sim.x("stock.quant", "create", vals, context={"inventory_mode": True}))
    if quants:
        expect_none_fault(sim, "stock.quant", "action_apply_inventory", quants)
    return pid


def sell(sim: Sim, lines: list[tuple[int, float]], customer: int = 1) -> tuple[int, int]:
    so = sim.x(
        "sale.order",
        "create",
        {
            "partner_id": sim.customer(customer),
            "order_line": [[0, 0, {"product_id": p, "product_uom_qty": q}] for p, q in lines],
        },
    )
    assert sim.x("sale.order", "action_confirm", [so]) is True
    picks = sim.x("sale.order", "read", [so], ["picking_ids"])[0]["picking_ids"]
    assert len(picks) == 1
    return so, picks[0]


def set_processed(sim: Sim, move_id: int, qty: float) -> None:
    """Process `qty` of an untracked move: qty_done on its line (16) or quantity + picked (17+)."""
    if sim.major == 16:
        assert sim.x("stock.move", "write", [move_id], {"quantity_done": qty}) is True
    else:
        assert sim.x("stock.move", "write", [move_id], {"quantity": qty, "picked": True}) is True


def qty_on_hand(sim: Sim, product: int) -> float:
    return sim.x("product.product", "read", [product], ["qty_available"])[0]["qty_available"]


def validate(sim: Sim, picking: int, **context: Any) -> Any:
    return (
        sim.x("stock.picking", "button_validate", [picking], context=context)
        if context
        else sim.x("stock.picking", "button_validate", [picking])
    )
