"""sale.order / sale.order.line, delivery.carrier, and the delivery created on confirmation."""

from __future__ import annotations

from typing import Any

from ..errors import UserError
from ..fields import Boolean, Char, Datetime, Float, Integer, Many2many, Many2one, One2many, Selection
from ..orm import Env
from ..registry import Registry
from .product import product_display
from .stock import convert_qty, move_name, order_line_done_qty
from .stock_flow import confirm_moves, refresh_picking_state


def _states(major: int) -> list[tuple[str, str]]:
    states = [("draft", "Quotation"), ("sent", "Quotation Sent"), ("sale", "Sales Order")]
    if major == 16:
        states.append(("done", "Locked"))
    return states + [("cancel", "Cancelled")]


def _line_qty_delivered(env: Env, line_id: int) -> float:
    uom = env.row("sale.order.line", line_id).get(env.p.line_uom_field)
    return order_line_done_qty(env, "sale_line_id", line_id, uom, "customer", inbound=False)


def _line_qty_invoiced(env: Env, line_id: int) -> float:
    total = 0.0
    for aml in env.store.table("account.move.line").lookup("sale_line_id", line_id):
        row = env.row("account.move.line", aml)
        move = env.row("account.move", row["move_id"])
        if move["state"] != "cancel":
            sign = -1 if move["move_type"] == "out_refund" else 1
            total += sign * row["quantity"]
    return total


def _line_to_invoice(env: Env, line_id: int) -> float:
    line = env.row("sale.order.line", line_id)
    order = env.row("sale.order", line["order_id"])
    if order["state"] not in ("sale", "done"):
        return 0.0
    policy = (
        env.value("product.product", line["product_id"], "invoice_policy")
        if line.get("product_id")
        else "order"
    )
    basis = line.get("qty_delivered", 0.0) if policy == "delivery" else line["product_uom_qty"]
    return round(basis - _line_qty_invoiced(env, line_id), 6)


def _invoice_status(env: Env, order_id: int) -> str:
    order = env.row("sale.order", order_id)
    if order["state"] not in ("sale", "done"):
        return "no"
    lines = [
        ln
        for ln in env.store.table("sale.order.line").lookup("order_id", order_id)
        if not env.row("sale.order.line", ln).get("display_type")
    ]
    if any(_line_to_invoice(env, ln) > 1e-6 for ln in lines):
        return "to invoice"
    if lines and all(
        _line_qty_invoiced(env, ln) >= env.row("sale.order.line", ln)["product_uom_qty"] - 1e-6
        for ln in lines
    ):
        return "invoiced"
    return "no"


def _amount(env: Env, order_id: int) -> float:
    return round(
        sum(_subtotal(env, ln) for ln in env.store.table("sale.order.line").lookup("order_id", order_id)), 2
    )


def _subtotal(env: Env, line_id: int) -> float:
    ln = env.row("sale.order.line", line_id)
    return round(ln["product_uom_qty"] * ln["price_unit"] * (1 - (ln.get("discount") or 0) / 100), 2)


def register(reg: Registry) -> None:
    major = reg.major
    uom_field = reg.p.line_uom_field
    reg.model(
        "delivery.carrier",
        "Shipping Methods",
        [
            Char("name", "Delivery Method", required=True),
            Selection(
                "delivery_type",
                [("fixed", "Fixed Price"), ("base_on_rule", "Based on Rules")],
                "Provider",
                default="fixed",
                required=True,
            ),
            Selection(
                "integration_level",
                [("rate", "Get Rate"), ("rate_and_ship", "Get Rate and Create Shipment")],
                "Integration Level",
                default="rate_and_ship",
            ),
            Many2one("product_id", "product.product", "Delivery Product", required=True, ondelete="restrict"),
            Float("fixed_price", "Fixed Price"),
            Boolean("active", default=True),
            Many2one("company_id", "res.company", "Company"),
            Selection(
                "invoice_policy",
                [("estimated", "Estimated cost"), ("real", "Real cost")],
                "Invoicing Policy",
                default="estimated",
                since=17,
            ),
            Integer("sequence", default=10),
        ],
        order="sequence, id",
    )
    reg.model(
        "sale.order",
        "Sales Order",
        [
            Char("name", "Order Reference", default="New", extra={"copy": False}),
            Many2one("partner_id", "res.partner", "Customer", required=True),
            Many2one("partner_invoice_id", "res.partner", "Invoice Address"),
            Many2one("partner_shipping_id", "res.partner", "Delivery Address"),
            Char("client_order_ref", "Customer Reference"),
            Char("origin", "Source Document"),
            Datetime("date_order", "Order Date", default=lambda env: env.now),
            Datetime("commitment_date", "Delivery Date"),
            Datetime("validity_date", "Expiration"),
            Selection("state", _states(major), "Status", default="draft", extra={"copy": False}),
            Boolean("locked", "Locked", since=17),
            Many2one("user_id", "res.users", "Salesperson", default=lambda env: env.uid),
            Many2one("company_id", "res.company", "Company", default=1),
            Many2one("currency_id", "res.currency", "Currency", default=1),
            Many2one(
                "warehouse_id",
                "stock.warehouse",
                "Warehouse",
                default=lambda env: min(env.store.table("stock.warehouse").rows or [False]),
            ),
            One2many("order_line", "sale.order.line", "order_id", "Order Lines", extra={"copy": True}),
            One2many("picking_ids", "stock.picking", "sale_id", "Transfers"),
            Integer(
                "delivery_count",
                "Delivery Orders",
                compute=lambda env, rid: len(env.store.table("stock.picking").lookup("sale_id", rid)),
            ),
            Selection(
                "picking_policy",
                [("direct", "As soon as possible"), ("one", "When all products are ready")],
                "Shipping Policy",
                default="direct",
                required=True,
            ),
            Many2one("carrier_id", "delivery.carrier", "Delivery Method"),
            Float("amount_untaxed", "Untaxed Amount", compute=_amount),
            Float("amount_tax", "Taxes", compute=lambda env, rid: 0.0),
            Float("amount_total", "Total", compute=_amount),
            Selection(
                "invoice_status",
                [
                    ("upselling", "Upselling Opportunity"),
                    ("invoiced", "Fully Invoiced"),
                    ("to invoice", "To Invoice"),
                    ("no", "Nothing to Invoice"),
                ],
                "Invoice Status",
                compute=_invoice_status,
            ),
            Many2many(
                "invoice_ids", "account.move", "Invoices", compute=lambda env, rid: _invoices(env, rid)
            ),
            Datetime(
                "effective_date",
                "Effective Date",
                compute=lambda env, rid: min(
                    [
                        env.row("stock.picking", p)["date_done"]
                        for p in env.store.table("stock.picking").lookup("sale_id", rid)
                        if env.row("stock.picking", p).get("date_done")
                    ]
                    or [False]
                ),
            ),
            Char("note", "Terms and conditions"),
        ],
        order="date_order desc, id desc",
    )
    reg.model(
        "sale.order.line",
        "Sales Order Line",
        [
            Many2one("order_id", "sale.order", "Order Reference", required=True, ondelete="cascade"),
            Integer("sequence", default=10),
            Many2one("product_id", "product.product", "Product"),
            Char("name", "Description"),
            Float("product_uom_qty", "Quantity", default=1.0),
            Many2one(uom_field, "uom.uom", "Unit of Measure"),
            Float("price_unit", "Unit Price"),
            Float("discount", "Discount (%)"),
            Float("price_subtotal", "Subtotal", compute=_subtotal),
            Float("price_total", "Total", compute=_subtotal),
            Float("qty_delivered", "Delivery Quantity", extra={"copy": False}),
            Selection(
                "qty_delivered_method",
                [("manual", "Manual"), ("analytic", "Analytic From Expenses"), ("stock_move", "Stock Moves")],
                "Method to update delivered qty",
                compute=lambda env, rid: "stock_move",
            ),
            Float("qty_invoiced", "Invoiced Quantity", compute=_line_qty_invoiced),
            Float("qty_to_invoice", "Quantity To Invoice", compute=_line_to_invoice),
            Selection(
                "display_type",
                [("line_section", "Section"), ("line_note", "Note")]
                + ([("line_subsection", "Subsection")] if major >= 19 else []),
                "Display Type",
            ),
            Many2one("product_packaging_id", "product.packaging", "Packaging", until=18),
            Float("product_packaging_qty", "Packaging Quantity", until=18),
            One2many("move_ids", "stock.move", "sale_line_id", "Stock Moves"),
            Float("customer_lead", "Lead Time"),
            Selection("state", _states(major), related="order_id.state"),
            Many2one("order_partner_id", "res.partner", "Customer", related="order_id.partner_id"),
        ],
        order="order_id, sequence, id",
        display=lambda env, rid: (
            f"{env.row('sale.order', env.row('sale.order.line', rid)['order_id'])['name']} - "
            f"{env.row('sale.order.line', rid).get('name') or ''}"
        ),
    )

    so = reg.models["sale.order"]
    so.before_create.append(_order_defaults)
    reg.models["sale.order.line"].before_create.append(_line_defaults)
    reg.models["sale.order.line"].after_create.append(lambda env, rid, vals: _sync_line_moves(env, [rid]))
    reg.models["sale.order.line"].after_write.append(
        lambda env, ids, vals: _sync_line_moves(env, ids) if "product_uom_qty" in vals else None
    )
    reg.method("sale.order", "action_confirm")(action_confirm)
    reg.method("sale.order", "action_cancel")(action_cancel)
    reg.method("sale.order", "action_draft")(action_draft)
    reg.method("sale.order", "action_lock" if major >= 17 else "action_done")(action_lock)
    reg.method("sale.order", "action_view_invoice")(action_view_invoice)


def _invoices(env: Env, order_id: int) -> list[int]:
    moves = set()
    for ln in env.store.table("sale.order.line").lookup("order_id", order_id):
        for aml in env.store.table("account.move.line").lookup("sale_line_id", ln):
            moves.add(env.row("account.move.line", aml)["move_id"])
    return sorted(moves)


def _order_defaults(env: Env, vals: dict) -> dict:
    partner = vals.get("partner_id")
    if partner and env.exists("res.partner", partner):
        children = env.store.table("res.partner").lookup("parent_id", partner)
        delivery = sorted(c for c in children if env.row("res.partner", c).get("type") == "delivery")
        invoice = sorted(c for c in children if env.row("res.partner", c).get("type") == "invoice")
        vals.setdefault("partner_shipping_id", delivery[0] if delivery else partner)
        vals.setdefault("partner_invoice_id", invoice[0] if invoice else partner)
    if vals.get("name", "New") in ("New", "/", False):
        vals["name"] = f"S{env.store.table('sale.order').next_id:05d}"
    return vals


def _line_defaults(env: Env, vals: dict) -> dict:
    product = vals.get("product_id")
    if product and env.exists("product.product", product):
        vals.setdefault("name", product_display(env, product))
        vals.setdefault(env.p.line_uom_field, env.value("product.product", product, "uom_id"))
        vals.setdefault("price_unit", env.value("product.product", product, "list_price"))
    return vals


def action_confirm(env: Env, model: str, ids: list[int]) -> bool:
    env.check_access(model, "write")
    env.check_ids(model, ids)
    if env.p.major >= 17:
        bad = [i for i in ids if env.row(model, i)["state"] not in ("draft", "sent")]
        if bad:
            names = ", ".join(env.row(model, i)["name"] for i in bad)
            raise UserError(f"The following orders are not in a state requiring confirmation: {names}")
    elif any(env.row(model, i)["state"] in ("done", "cancel") for i in ids):
        # 16.0 only forbids done/cancel and lists the forbidden state keys, not the order's states
        raise UserError("It is not allowed to confirm an order in the following states: done, cancel")
    for oid in ids:
        already = env.row(model, oid)["state"] == "sale"
        env.write(model, [oid], {"state": "sale", "date_order": env.now})
        if already:  # 16.0 re-confirmation: procurement only launches what is not planned yet
            _sync_line_moves(env, env.value(model, oid, "order_line"))
        else:
            _create_delivery(env, oid)
    return True


def _create_delivery(
    env: Env, order_id: int, only: list[int] | None = None, qty: float | None = None
) -> int | None:
    order = env.row("sale.order", order_id)
    lines = only or [
        ln
        for ln in env.value("sale.order", order_id, "order_line")
        if env.row("sale.order.line", ln).get("product_id")
        and not env.row("sale.order.line", ln).get("display_type")
        and env.value("product.product", env.row("sale.order.line", ln)["product_id"], "type") != "service"
    ]
    if not lines:
        return None
    wh = env.row("stock.warehouse", order["warehouse_id"])
    out_type = wh["out_type_id"]
    ptype = env.row("stock.picking.type", out_type)
    shipping = order.get("partner_shipping_id") or order["partner_id"]
    pid = env.create(
        "stock.picking",
        {
            "picking_type_id": out_type,
            "partner_id": shipping,
            "origin": order["name"],
            "sale_id": order_id,
            "location_id": ptype["default_location_src_id"],
            "location_dest_id": ptype["default_location_dest_id"],
            "carrier_id": order.get("carrier_id") or False,
            "move_type": order.get("picking_policy") or "direct",
            "scheduled_date": order.get("commitment_date") or env.now,
        },
    )
    moves = []
    for ln in lines:
        line = env.row("sale.order.line", ln)
        moves.append(
            env.create(
                "stock.move",
                {
                    **move_name(env, line["product_id"]),
                    "picking_id": pid,
                    "product_id": line["product_id"],
                    "product_uom_qty": line["product_uom_qty"] if qty is None else qty,
                    "product_uom": line[env.p.line_uom_field],
                    "sale_line_id": ln,
                    "partner_id": shipping,
                    "description_picking": line.get("name") or False,
                },
            )
        )
    confirm_moves(env, moves)
    refresh_picking_state(env, pid)
    return pid


def action_cancel(env: Env, model: str, ids: list[int]) -> Any:
    env.check_ids(model, ids)
    if (
        env.p.major <= 18
        and not env.context.get("disable_cancel_warning")
        and any(env.row(model, i)["state"] != "draft" for i in ids)
    ):
        return {
            "name": "Cancel Sales Order",
            "view_mode": "form",
            "res_model": "sale.order.cancel",
            "view_id": 803,
            "type": "ir.actions.act_window",
            "target": "new",
            "context": {"default_order_id": ids[0]},
        }
    from .stock_flow import action_cancel as cancel_picking

    for oid in ids:
        picks = [
            p
            for p in env.store.table("stock.picking").lookup("sale_id", oid)
            if env.row("stock.picking", p)["state"] not in ("done", "cancel")
        ]
        cancel_picking(env, "stock.picking", picks)
        env.write(model, [oid], {"state": "cancel"})
    return True


def action_draft(env: Env, model: str, ids: list[int]) -> bool:
    for oid in ids:
        if env.row(model, oid)["state"] in ("cancel", "sent"):
            env.write(model, [oid], {"state": "draft"})
    return True


def action_lock(env: Env, model: str, ids: list[int]) -> bool:
    if env.p.major >= 17:
        env.write(model, ids, {"locked": True})
    else:
        env.write(model, ids, {"state": "done"})
    return True


def action_view_invoice(env: Env, model: str, ids: list[int], invoices: Any = None) -> dict:
    moves = sorted({m for oid in ids for m in _invoices(env, oid)})
    action: dict[str, Any] = {
        "type": "ir.actions.act_window",
        "res_model": "account.move",
        "name": "Invoices",
        "context": {"default_move_type": "out_invoice"},
    }
    if len(moves) == 1:
        action.update(views=[[False, "form"]], res_id=moves[0], view_mode="form")
    else:
        action.update(
            domain=[["id", "in", moves]], view_mode="tree,form" if env.p.major == 16 else "list,form"
        )
    return action


def _sync_line_moves(env: Env, line_ids: list[int]) -> None:
    """Lines added to (or changed on) a confirmed order adjust the open delivery, like a new procurement."""
    from .stock_flow import assign_moves, refresh_move_state

    for ln in line_ids:
        line = env.row("sale.order.line", ln)
        order = env.row("sale.order", line["order_id"])
        product = line.get("product_id")
        if order["state"] not in ("sale", "done") or not product or line.get("display_type"):
            continue
        if env.value("product.product", product, "type") == "service":
            continue
        uom = line[env.p.line_uom_field]
        moves = [
            m
            for m in env.store.table("stock.move").lookup("sale_line_id", ln)
            if env.row("stock.move", m)["state"] != "cancel"
            and not env.row("stock.move", m).get("origin_returned_move_id")
        ]
        planned = sum(
            convert_qty(
                env, env.row("stock.move", m)["product_uom_qty"], env.row("stock.move", m)["product_uom"], uom
            )
            for m in moves
        )
        delta = round(line["product_uom_qty"] - planned, 6)
        open_moves = [m for m in moves if env.row("stock.move", m)["state"] not in ("done", "cancel")]
        if abs(delta) < 1e-9 or (delta < 0 and not open_moves):
            continue
        if open_moves:
            mid = open_moves[0]
            move = env.row("stock.move", mid)
            new_qty = max(move["product_uom_qty"] + convert_qty(env, delta, uom, move["product_uom"]), 0.0)
            env.write("stock.move", [mid], {"product_uom_qty": round(new_qty, 6)})
            assign_moves(env, [mid])
            refresh_move_state(env, mid)
            continue
        out_type = env.row("stock.warehouse", order["warehouse_id"])["out_type_id"]
        picks = [
            p
            for p in sorted(env.store.table("stock.picking").lookup("sale_id", line["order_id"]))
            if env.row("stock.picking", p)["state"] not in ("done", "cancel")
            and env.row("stock.picking", p).get("picking_type_id") == out_type
        ]
        if not picks:
            _create_delivery(env, line["order_id"], [ln], delta)
            continue
        mid = env.create(
            "stock.move",
            {
                **move_name(env, product),
                "picking_id": picks[0],
                "product_id": product,
                "product_uom_qty": delta,
                "product_uom": uom,
                "sale_line_id": ln,
                "partner_id": env.row("stock.picking", picks[0]).get("partner_id") or False,
                "description_picking": line.get("name") or False,
            },
        )
        confirm_moves(env, [mid])


def refresh_delivered(env: Env, move_ids: list[int]) -> None:
    lines = {env.row("stock.move", m).get("sale_line_id") for m in move_ids} - {False, None}
    for ln in lines:
        qty = _line_qty_delivered(env, ln)
        if abs(env.row("sale.order.line", ln).get("qty_delivered", 0.0) - qty) > 1e-9:
            env.write("sale.order.line", [ln], {"qty_delivered": qty})
