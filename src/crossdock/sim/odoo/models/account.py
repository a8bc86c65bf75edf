"""account.move (invoices and bills) created from delivered / received quantities."""

from __future__ import annotations

from typing import Any

from ..errors import UserError
from ..fields import Char, Date, Float, Many2many, Many2one, One2many, Selection
from ..orm import Env
from ..registry import Registry

MOVE_TYPES = [
    ("entry", "Journal Entry"),
    ("out_invoice", "Customer Invoice"),
    ("out_refund", "Customer Credit Note"),
    ("in_invoice", "Vendor Bill"),
    ("in_refund", "Vendor Credit Note"),
    ("out_receipt", "Sales Receipt"),
    ("in_receipt", "Purchase Receipt"),
]


def _total(env: Env, move_id: int) -> float:
    return round(
        sum(
            env.row("account.move.line", ln)["quantity"] * env.row("account.move.line", ln)["price_unit"]
            for ln in env.store.table("account.move.line").lookup("move_id", move_id)
        ),
        2,
    )


def register(reg: Registry) -> None:
    reg.model(
        "account.move",
        "Journal Entry",
        [
            Char("name", "Number", default="/"),
            Char("ref", "Reference"),
            Selection("move_type", MOVE_TYPES, "Type", default="entry", required=True),
            Selection(
                "state",
                [("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")],
                "Status",
                default="draft",
            ),
            Selection(
                "payment_state",
                [
                    ("not_paid", "Not Paid"),
                    ("in_payment", "In Payment"),
                    ("paid", "Paid"),
                    ("partial", "Partially Paid"),
                    ("reversed", "Reversed"),
                    ("invoicing_legacy", "Invoicing App Legacy"),
                ],
                "Payment Status",
                default="not_paid",
            ),
            Many2one("partner_id", "res.partner", "Partner"),
            Char("invoice_origin", "Origin"),
            Date("invoice_date", "Invoice/Bill Date"),
            Date("invoice_date_due", "Due Date"),
            Many2one("currency_id", "res.currency", "Currency", default=1),
            Many2one("company_id", "res.company", "Company", default=1),
            One2many("invoice_line_ids", "account.move.line", "move_id", "Invoice lines"),
            One2many("line_ids", "account.move.line", "move_id", "Journal Items"),
            Float("amount_untaxed", "Untaxed Amount", compute=_total),
            Float("amount_total", "Total", compute=_total),
            Float(
                "amount_residual",
                "Amount Due",
                compute=lambda env, rid: (
                    0.0 if env.row("account.move", rid).get("payment_state") == "paid" else _total(env, rid)
                ),
            ),
        ],
        order="id desc",
    )
    reg.model(
        "account.move.line",
        "Journal Item",
        [
            Many2one("move_id", "account.move", "Journal Entry", required=True, ondelete="cascade"),
            Many2one("product_id", "product.product", "Product"),
            Char("name", "Label"),
            Float("quantity", "Quantity", default=1.0),
            Float("price_unit", "Unit Price"),
            Float(
                "price_subtotal",
                "Subtotal",
                compute=lambda env, rid: round(
                    env.row("account.move.line", rid)["quantity"]
                    * env.row("account.move.line", rid)["price_unit"],
                    2,
                ),
            ),
            Many2one("product_uom_id", "uom.uom", "Unit of Measure"),
            Many2one("sale_line_id", "sale.order.line", "Sales Order Line", extra={"store": True}),
            Many2one("purchase_line_id", "purchase.order.line", "Purchase Order Line"),
        ],
        rec_name="name",
    )
    reg.model(
        "sale.advance.payment.inv",
        "Sales Advance Payment Invoice",
        [
            Selection(
                "advance_payment_method",
                [
                    ("delivered", "Regular invoice"),
                    ("percentage", "Down payment (%)"),
                    ("fixed", "Down payment (fixed amount)"),
                ],
                "Create Invoice",
                default="delivered",
                required=True,
            ),
            Many2many(
                "sale_order_ids",
                "sale.order",
                "Sales Orders",
                default=lambda env: (
                    list(env.context.get("active_ids") or [])
                    if env.context.get("active_model", "sale.order") == "sale.order"
                    else []
                ),
            ),
        ],
        transient=True,
        rec_name=None,
    )
    reg.method("sale.advance.payment.inv", "create_invoices")(create_invoices)
    reg.method("account.move", "action_post")(action_post)
    reg.method("account.move", "button_cancel")(
        lambda env, model, ids: env.write(model, ids, {"state": "cancel"}) and None
    )
    reg.method("purchase.order", "action_create_invoice")(purchase_create_invoice)


def invoice_sale_orders(env: Env, order_ids: list[int]) -> list[int]:
    from .sale import _line_to_invoice

    created = []
    for oid in order_ids:
        order = env.row("sale.order", oid)
        lines = []
        for ln in env.value("sale.order", oid, "order_line"):
            row = env.row("sale.order.line", ln)
            qty = _line_to_invoice(env, ln)
            if row.get("display_type") or qty <= 1e-6:
                continue
            lines.append(
                [
                    0,
                    0,
                    {
                        "product_id": row.get("product_id") or False,
                        "name": row.get("name") or "",
                        "quantity": qty,
                        "price_unit": row["price_unit"],
                        "sale_line_id": ln,
                        "product_uom_id": row.get(env.p.line_uom_field) or False,
                    },
                ]
            )
        if lines:
            created.append(
                env.create(
                    "account.move",
                    {
                        "move_type": "out_invoice",
                        "partner_id": order.get("partner_invoice_id") or order["partner_id"],
                        "invoice_origin": order["name"],
                        "ref": order.get("client_order_ref") or False,
                        "invoice_line_ids": lines,
                    },
                )
            )
    if not created:
        raise UserError(
            "There is no invoiceable line. If a product has a Delivered quantities invoicing policy, "
            "please make sure that a quantity has been delivered."
        )
    return created


def create_invoices(env: Env, model: str, ids: list[int]) -> Any:
    env.check_ids(model, ids)
    order_ids = env.value(model, ids[0], "sale_order_ids")
    invoices = invoice_sale_orders(env, list(order_ids))
    if env.context.get("open_invoices"):
        from .sale import action_view_invoice

        return action_view_invoice(env, "sale.order", list(order_ids), invoices)
    return {"type": "ir.actions.act_window_close"}


def action_post(env: Env, model: str, ids: list[int]) -> bool:
    env.check_ids(model, ids)
    for mid in ids:
        row = env.row(model, mid)
        if row["state"] != "draft":
            raise UserError("The entry is not in draft mode, only draft entries can be posted.")
        if not env.value(model, mid, "invoice_line_ids") and row["move_type"] != "entry":
            raise UserError("You need to add a line before posting.")
        prefix = {"out_invoice": "INV", "out_refund": "RINV", "in_invoice": "BILL", "in_refund": "RBILL"}.get(
            row["move_type"], "MISC"
        )
        year = env.now[:4]
        seq = (
            sum(
                1
                for m in env.store.table("account.move").rows.values()
                if m.get("state") == "posted" and m.get("move_type") == row["move_type"]
            )
            + 1
        )
        env.write(
            model,
            [mid],
            {
                "state": "posted",
                "name": f"{prefix}/{year}/{seq:05d}",
                "invoice_date": row.get("invoice_date") or env.now[:10],
                "invoice_date_due": row.get("invoice_date_due") or env.now[:10],
            },
        )
    return False  # action_post returns False in 16+


def purchase_create_invoice(env: Env, model: str, ids: list[int]) -> dict:
    env.check_ids(model, ids)
    from .purchase import _qty_invoiced

    created = []
    for oid in ids:
        order = env.row(model, oid)
        lines = []
        for ln in env.value(model, oid, "order_line"):
            row = env.row("purchase.order.line", ln)
            qty = row.get("qty_received", 0.0) - _qty_invoiced(env, ln)
            if qty > 1e-6:
                lines.append(
                    [
                        0,
                        0,
                        {
                            "product_id": row.get("product_id") or False,
                            "name": row.get("name") or "",
                            "quantity": qty,
                            "price_unit": row["price_unit"],
                            "purchase_line_id": ln,
                        },
                    ]
                )
        if lines:
            created.append(
                env.create(
                    "account.move",
                    {
                        "move_type": "in_invoice",
                        "partner_id": order["partner_id"],
                        "invoice_origin": order["name"],
                        "ref": order.get("partner_ref") or False,
                        "invoice_line_ids": lines,
                    },
                )
            )
    if not created:
        raise UserError(
            "There is no invoiceable line. If a product has a control policy based on received "
            "quantity, please make sure that a quantity has been received."
        )
    action: dict[str, Any] = {
        "type": "ir.actions.act_window",
        "res_model": "account.move",
        "name": "Vendor Bills",
        "context": {"default_move_type": "in_invoice"},
    }
    if len(created) == 1:
        action.update(views=[[False, "form"]], view_mode="form", res_id=created[0])
    else:
        action.update(
            domain=[["id", "in", created]], view_mode="tree,form" if env.p.major == 16 else "list,form"
        )
    return action
