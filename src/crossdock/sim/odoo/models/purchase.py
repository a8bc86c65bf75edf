"""purchase.order / purchase.order.line and the receipt created by button_confirm."""

from __future__ import annotations

from typing import Any

from ..fields import Boolean, Char, Datetime, Float, Integer, Many2one, One2many, Selection
from ..orm import Env
from ..registry import Registry
from .product import product_display
from .stock import move_name, order_line_done_qty
from .stock_flow import confirm_moves, refresh_picking_state


def _states(major: int) -> list[tuple[str, str]]:
    states = [
        ("draft", "RFQ"),
        ("sent", "RFQ Sent"),
        ("to approve", "To Approve"),
        ("purchase", "Purchase Order"),
    ]
    if major <= 18:
        states.append(("done", "Locked"))
    return states + [("cancel", "Cancelled")]


def _qty_received(env: Env, line_id: int) -> float:
    uom = env.row("purchase.order.line", line_id).get(env.p.line_uom_field)
    return order_line_done_qty(env, "purchase_line_id", line_id, uom, "supplier", inbound=True)


def _qty_invoiced(env: Env, line_id: int) -> float:
    return sum(
        env.row("account.move.line", a)["quantity"]
        for a in env.store.table("account.move.line").lookup("purchase_line_id", line_id)
        if env.row("account.move", env.row("account.move.line", a)["move_id"])["state"] != "cancel"
    )


def register(reg: Registry) -> None:
    major = reg.major
    uom_field = reg.p.line_uom_field
    reg.model(
        "purchase.order",
        "Purchase Order",
        [
            Char("name", "Order Reference", default="New", extra={"copy": False}),
            Many2one("partner_id", "res.partner", "Vendor", required=True),
            Char("partner_ref", "Vendor Reference"),
            Char("origin", "Source Document"),
            Datetime("date_order", "Order Deadline", default=lambda env: env.now),
            Datetime("date_approve", "Confirmation Date", readonly=True),
            Datetime("date_planned", "Expected Arrival"),
            Selection("state", _states(major), "Status", default="draft", extra={"copy": False}),
            Boolean("locked", "Locked", since=19),
            Boolean("acknowledged", "Acknowledged", since=19),
            Many2one("company_id", "res.company", "Company", default=1),
            Many2one("currency_id", "res.currency", "Currency", default=1),
            Many2one("user_id", "res.users", "Buyer", default=lambda env: env.uid),
            Many2one(
                "picking_type_id",
                "stock.picking.type",
                "Deliver To",
                default=lambda env: _default_in_type(env),
            ),
            Many2one("dest_address_id", "res.partner", "Dropship Address"),
            One2many("order_line", "purchase.order.line", "order_id", "Order Lines", extra={"copy": True}),
            One2many(
                "picking_ids",
                "stock.picking",
                "purchase_id",
                "Receptions",
                compute=lambda env, rid: _pickings(env, rid),
            ),
            Integer(
                "incoming_picking_count",
                "Incoming Shipment count",
                compute=lambda env, rid: len(_pickings(env, rid)),
            ),
            Float(
                "amount_total",
                "Total",
                compute=lambda env, rid: round(
                    sum(
                        _subtotal(env, ln)
                        for ln in env.store.table("purchase.order.line").lookup("order_id", rid)
                    ),
                    2,
                ),
            ),
            Selection(
                "invoice_status",
                [("no", "Nothing to Bill"), ("to invoice", "Waiting Bills"), ("invoiced", "Fully Billed")],
                "Billing Status",
                compute=lambda env, rid: _invoice_status(env, rid),
            ),
            Char("notes" if major <= 18 else "note", "Terms and Conditions"),
        ],
        order="id desc",
    )
    reg.model(
        "purchase.order.line",
        "Purchase Order Line",
        [
            Many2one("order_id", "purchase.order", "Order Reference", required=True, ondelete="cascade"),
            Integer("sequence", default=10),
            Many2one("product_id", "product.product", "Product"),
            Char("name", "Description"),
            Float("product_qty", "Quantity", default=1.0),
            Float(
                "product_uom_qty",
                "Total Quantity",
                compute=lambda env, rid: env.row("purchase.order.line", rid)["product_qty"],
            ),
            Many2one(uom_field, "uom.uom", "Unit of Measure"),
            Float("price_unit", "Unit Price"),
            Float("price_subtotal", "Subtotal", compute=lambda env, rid: _subtotal(env, rid)),
            Datetime("date_planned", "Expected Arrival"),
            Float("qty_received", "Received Qty", extra={"copy": False}),
            Selection(
                "qty_received_method",
                [("manual", "Manual"), ("stock_moves", "Stock Moves")],
                "Received Qty Method",
                compute=lambda env, rid: "stock_moves",
            ),
            Float("qty_invoiced", "Billed Qty", compute=_qty_invoiced),
            One2many("move_ids", "stock.move", "purchase_line_id", "Reservation"),
            Many2one("product_packaging_id", "product.packaging", "Packaging", until=18),
            Selection("state", _states(major), related="order_id.state"),
            Selection("display_type", [("line_section", "Section"), ("line_note", "Note")], "Display Type"),
        ],
        order="order_id, sequence, id",
    )
    reg.models["purchase.order"].before_create.append(_order_defaults)
    reg.models["purchase.order.line"].before_create.append(_line_defaults)
    reg.method("purchase.order", "button_confirm")(button_confirm)
    reg.method("purchase.order", "button_cancel")(button_cancel)
    reg.method("purchase.order", "button_draft")(button_draft)
    reg.method("purchase.order", "button_done" if major <= 18 else "button_lock")(button_lock)


def _subtotal(env: Env, line_id: int) -> float:
    ln = env.row("purchase.order.line", line_id)
    return round(ln["product_qty"] * ln["price_unit"], 2)


def _invoice_status(env: Env, order_id: int) -> str:
    order = env.row("purchase.order", order_id)
    if order["state"] not in ("purchase", "done"):
        return "no"
    lines = list(env.store.table("purchase.order.line").lookup("order_id", order_id))
    if any(
        env.row("purchase.order.line", ln).get("qty_received", 0) - _qty_invoiced(env, ln) > 1e-6
        for ln in lines
    ):
        return "to invoice"
    if lines and all(
        _qty_invoiced(env, ln) >= env.row("purchase.order.line", ln)["product_qty"] - 1e-6 for ln in lines
    ):
        return "invoiced"
    return "no"


def _default_in_type(env: Env) -> int | bool:
    whs = sorted(env.store.table("stock.warehouse").rows)
    return env.row("stock.warehouse", whs[0])["in_type_id"] if whs else False


def _pickings(env: Env, order_id: int) -> list[int]:
    out = set()
    for ln in env.store.table("purchase.order.line").lookup("order_id", order_id):
        for mid in env.store.table("stock.move").lookup("purchase_line_id", ln):
            pid = env.row("stock.move", mid).get("picking_id")
            if pid:
                out.add(pid)
    return sorted(out)


def _order_defaults(env: Env, vals: dict) -> dict:
    if vals.get("name", "New") in ("New", "/", False):
        vals["name"] = f"P{env.store.table('purchase.order').next_id:05d}"
    return vals


def _line_defaults(env: Env, vals: dict) -> dict:
    product = vals.get("product_id")
    if product and env.exists("product.product", product):
        vals.setdefault("name", product_display(env, product))
        vals.setdefault(
            env.p.line_uom_field,
            env.value("product.product", product, "uom_po_id" if env.p.major <= 18 else "uom_id"),
        )
        vals.setdefault("price_unit", env.value("product.product", product, "standard_price"))
    vals.setdefault("date_planned", env.now)
    return vals


def button_confirm(env: Env, model: str, ids: list[int]) -> bool:
    env.check_access(model, "write")
    env.check_ids(model, ids)
    for oid in ids:
        if env.row(model, oid)["state"] not in ("draft", "sent"):
            continue  # Odoo silently skips orders in other states
        env.write(model, [oid], {"state": "purchase", "date_approve": env.now})
        _create_receipt(env, oid)
    return True


def _create_receipt(env: Env, order_id: int) -> int | None:
    order = env.row("purchase.order", order_id)
    lines = [
        ln
        for ln in env.value("purchase.order", order_id, "order_line")
        if env.row("purchase.order.line", ln).get("product_id")
        and env.value("product.product", env.row("purchase.order.line", ln)["product_id"], "type")
        != "service"
    ]
    if not lines:
        return None
    ptype_id = order["picking_type_id"]
    ptype = env.row("stock.picking.type", ptype_id)
    pid = env.create(
        "stock.picking",
        {
            "picking_type_id": ptype_id,
            "partner_id": order["partner_id"],
            "origin": order["name"],
            "location_id": ptype["default_location_src_id"],
            "location_dest_id": ptype["default_location_dest_id"],
            "scheduled_date": order.get("date_planned") or env.now,
        },
    )
    moves = []
    for ln in lines:
        line = env.row("purchase.order.line", ln)
        moves.append(
            env.create(
                "stock.move",
                {
                    **move_name(env, line["product_id"]),
                    "picking_id": pid,
                    "product_id": line["product_id"],
                    "product_uom_qty": line["product_qty"],
                    "product_uom": line[env.p.line_uom_field],
                    "purchase_line_id": ln,
                    "partner_id": order["partner_id"],
                },
            )
        )
    confirm_moves(env, moves)
    refresh_picking_state(env, pid)
    return pid


def button_cancel(env: Env, model: str, ids: list[int]) -> bool:
    from .stock_flow import action_cancel

    for oid in ids:
        picks = [
            p for p in _pickings(env, oid) if env.row("stock.picking", p)["state"] not in ("done", "cancel")
        ]
        action_cancel(env, "stock.picking", picks)
        env.write(model, [oid], {"state": "cancel"})
    return True


def button_draft(env: Env, model: str, ids: list[int]) -> bool:
    env.write(model, ids, {"state": "draft"})
    return True


def button_lock(env: Env, model: str, ids: list[int]) -> Any:
    if env.p.major >= 19:
        env.write(model, ids, {"locked": True})
    else:
        env.write(model, ids, {"state": "done"})
    return None if env.p.major <= 18 else True


def refresh_received(env: Env, move_ids: list[int]) -> None:
    lines = {env.row("stock.move", m).get("purchase_line_id") for m in move_ids} - {False, None}
    for ln in lines:
        qty = _qty_received(env, ln)
        if abs(env.row("purchase.order.line", ln).get("qty_received", 0.0) - qty) > 1e-9:
            env.write("purchase.order.line", [ln], {"qty_received": qty})
