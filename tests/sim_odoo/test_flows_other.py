"""Receipts with lots/serials, returns, inventory counts and invoices on all four versions."""

from __future__ import annotations

import odoolib
import odoorpc

from .conftest import DB, Sim
from .flows import expect_none_fault, new_product, qty_on_hand, sell, set_processed, validate, wh_stock


def _receive_lines(
    sim: Sim, picking: int, plan: dict[int, list[tuple[str | None, float]]], expiry: str | None = None
) -> None:
    """Replace the receipt's move lines with explicit lot_name lines, as a WMS confirmation is applied."""
    qty = sim.qty_field
    for move in sim.x(
        "stock.move", "search_read", [["picking_id", "=", picking]], ["product_id", "move_line_ids"]
    ):
        lots = plan[move["product_id"][0]]
        sim.x("stock.move.line", "unlink", move["move_line_ids"])
        for lot_name, amount in lots:
            vals = {"move_id": move["id"], "picking_id": picking, qty: amount}
            if lot_name:
                vals["lot_name"] = lot_name
            if expiry and lot_name:
                vals["expiration_date"] = expiry
            if sim.major >= 17:
                vals["picked"] = True
            sim.x("stock.move.line", "create", vals)


def test_purchase_receipt_with_lots_and_serials_odoorpc(sim: Sim) -> None:
    lot_p = new_product(sim, "RCV-LOT", tracking="lot", use_expiration_date=True, expiration_time=200)
    sn_p = new_product(sim, "RCV-SN", tracking="serial")
    plain = new_product(sim, "RCV-PLAIN")
    odoo = odoorpc.ODOO("127.0.0.1", port=sim.port)
    odoo.login(DB, "admin", "admin")
    vendor = odoo.env["res.partner"].search([("name", "=", "Supplier 001 NV")])[0]
    po_id = odoo.env["purchase.order"].create(
        {
            "partner_id": vendor,
            "partner_ref": "V-REF-9",
            "order_line": [
                (0, 0, {"product_id": lot_p, "product_qty": 12, "price_unit": 3.0}),
                (0, 0, {"product_id": sn_p, "product_qty": 2, "price_unit": 50.0}),
                (0, 0, {"product_id": plain, "product_qty": 5, "price_unit": 1.0}),
            ],
        }
    )
    assert odoo.execute_kw("purchase.order", "button_confirm", [[po_id]]) is True
    po = odoo.env["purchase.order"].browse(po_id)
    assert po.state == "purchase"
    receipt = po.picking_ids[0]
    assert receipt.name.startswith("WH/IN/")
    assert (receipt.picking_type_code, receipt.state, receipt.location_id.complete_name) == (
        "incoming",
        "assigned",
        "Partners/Vendors",
    )
    _receive_lines(
        sim,
        receipt.id,
        {lot_p: [("RCV-LOT-1", 12)], sn_p: [("SN-R-1", 1), ("SN-R-2", 1)], plain: [(None, 5)]},
        expiry="2027-01-31 00:00:00",
    )
    assert odoo.execute_kw("stock.picking", "button_validate", [[receipt.id]]) is True
    assert odoo.env["stock.picking"].browse(receipt.id).state == "done"
    lots = odoo.execute_kw(
        "stock.lot",
        "search_read",
        [[("product_id", "in", [lot_p, sn_p])]],
        {"fields": ["name", "product_qty", "expiration_date"], "order": "name"},
    )
    assert [(lot["name"], lot["product_qty"]) for lot in lots] == [
        ("RCV-LOT-1", 12.0),
        ("SN-R-1", 1.0),
        ("SN-R-2", 1.0),
    ]
    assert lots[0]["expiration_date"] == "2027-01-31 00:00:00"
    received = odoo.execute_kw(
        "purchase.order.line",
        "search_read",
        [[("order_id", "=", po_id)]],
        {"fields": ["qty_received"], "order": "id"},
    )
    assert [r["qty_received"] for r in received] == [12.0, 2.0, 5.0]
    assert (qty_on_hand(sim, lot_p), qty_on_hand(sim, sn_p), qty_on_hand(sim, plain)) == (12.0, 2.0, 5.0)
    # receiving a serial number that is already in stock is refused
    po2 = sim.x(
        "purchase.order",
        "create",
        {"partner_id": vendor, "order_line": [[0, 0, {"product_id": sn_p, "product_qty": 1}]]},
    )
    sim.x("purchase.order", "button_confirm", [po2])
    pick2 = sim.x("purchase.order", "read", [po2], ["picking_ids"])[0]["picking_ids"][0]
    _receive_lines(sim, pick2, {sn_p: [("SN-R-1", 1)]})
    before = sim.x("stock.picking", "read", [pick2], ["state"])[0]["state"]
    # not in the reference: the text of stock.quant's check_quantity constraint (core copies)
    fault = sim.fault("stock.picking", "button_validate", [pick2])
    assert fault.faultCode == 2
    assert fault.faultString == (
        "The serial number has already been assigned: \n Product: [RCV-SN] Test RCV-SN, Serial Number: SN-R-1"
    )
    assert sim.x("stock.picking", "read", [pick2], ["state"])[0]["state"] == before  # rolled back
    assert before != "done"
    # button_confirm skips orders that are not draft/sent
    assert sim.x("purchase.order", "button_confirm", [po_id]) is True
    bill = sim.x("purchase.order", "action_create_invoice", [po_id])
    move = sim.x(
        "account.move", "read", [bill["res_id"]], ["move_type", "invoice_origin", "amount_total", "ref"]
    )[0]
    assert (move["move_type"], move["amount_total"], move["ref"]) == ("in_invoice", 141.0, "V-REF-9")


def test_return_of_delivery(sim: Sim) -> None:
    product = new_product(sim, "RET-1", qty=10)
    so, pick = sell(sim, [(product, 5)])
    set_processed(sim, sim.x("stock.move", "search", [["picking_id", "=", pick]])[0], 5)
    assert validate(sim, pick) is True
    ctx = {"active_id": pick, "active_ids": [pick], "active_model": "stock.picking"}
    move = sim.x("stock.move", "search", [["picking_id", "=", pick]])[0]
    if sim.major == 16:
        # 16.0: the lines come from an onchange that RPC never runs, so they are sent explicitly
        defaults = sim.x("stock.return.picking", "default_get", ["picking_id", "location_id"], context=ctx)
        assert defaults["picking_id"] == pick
        wiz = sim.x(
            "stock.return.picking",
            "create",
            {
                "picking_id": pick,
                "location_id": defaults["location_id"],
                "product_return_moves": [
                    [0, 0, {"product_id": product, "quantity": 2, "move_id": move, "to_refund": True}]
                ],
            },
            context=ctx,
        )
    else:
        wiz = sim.x("stock.return.picking", "create", {}, context=ctx)
        line = sim.x("stock.return.picking", "read", [wiz], ["product_return_moves"])[0][
            "product_return_moves"
        ]
        default_qty = sim.x("stock.return.picking.line", "read", line, ["quantity"])[0]["quantity"]
        assert default_qty == (5.0 if sim.major == 17 else 0.0)  # 17: returnable remainder; 18+: zero
        if sim.major >= 18:
            fault = sim.fault("stock.return.picking", "action_create_returns", [wiz], context=ctx)
            assert fault.faultString == "Please specify at least one non-zero quantity."
        sim.x("stock.return.picking.line", "write", line, {"quantity": 2})
    method = "create_returns" if sim.major <= 17 else "action_create_returns"
    action = sim.x("stock.return.picking", method, [wiz], context=ctx)
    assert (action["type"], action["res_model"]) == ("ir.actions.act_window", "stock.picking")
    ret = action["res_id"]
    fields = ["origin", "picking_type_code", "state", "location_id", "location_dest_id"]
    if sim.major >= 17:
        fields.append("return_id")
    row = sim.x("stock.picking", "read", [ret], fields)[0]
    pick_name = sim.x("stock.picking", "read", [pick], ["name"])[0]["name"]
    assert row["origin"] == f"Return of {pick_name}"
    assert (row["picking_type_code"], row["state"]) == ("incoming", "assigned")
    assert (row["location_id"][1], row["location_dest_id"][1]) == ("Partners/Customers", "WH/Stock")
    if sim.major >= 17:
        assert row["return_id"][0] == pick
        assert sim.x("stock.picking", "read", [pick], ["return_count"])[0]["return_count"] == 1
    ret_move = sim.x("stock.move", "search_read", [["picking_id", "=", ret]], ["origin_returned_move_id"])[0]
    assert ret_move["origin_returned_move_id"][0] == move
    set_processed(sim, ret_move["id"], 2)
    assert validate(sim, ret) is True
    assert qty_on_hand(sim, product) == 7.0
    # to_refund lowering qty_delivered is [U] in the reference: chosen yes (the default in recent versions)
    assert (
        sim.x("sale.order.line", "search_read", [["order_id", "=", so]], ["qty_delivered"])[0][
            "qty_delivered"
        ]
        == 3.0
    )
    # a picking that is not done cannot be returned: refused by default_get from the active_id context
    _, open_pick = sell(sim, [(product, 1)])
    ctx_open = {"active_id": open_pick, "active_ids": [open_pick], "active_model": "stock.picking"}
    fault = sim.fault("stock.return.picking", "create", {}, context=ctx_open)
    assert (fault.faultCode, fault.faultString) == (2, "You may only return Done pickings.")
    # ... and by the action when the wizard names the picking itself
    bad = sim.x("stock.return.picking", "create", {"picking_id": open_pick})
    fault = sim.fault("stock.return.picking", method, [bad])
    assert (fault.faultCode, fault.faultString) == (2, "You may only return Done pickings.")
    if sim.major == 16:
        # without lines (no onchange over RPC) the 16.0 wizard has nothing to return
        empty = sim.x("stock.return.picking", "create", {"picking_id": pick})
        fault = sim.fault("stock.return.picking", method, [empty])
        assert fault.faultString == "Please specify at least one non-zero quantity."


def test_inventory_count(sim: Sim) -> None:
    product = new_product(sim, "INV-1", qty=10)
    loc = wh_stock(sim)
    quant = sim.x(
        "stock.quant",
        "create",
        {"product_id": product, "location_id": loc, "inventory_quantity": 42},
        context={"inventory_mode": True},
    )
    again = sim.x(
        "stock.quant",
        "create",
        {"product_id": product, "location_id": loc, "inventory_quantity": 41},
        context={"inventory_mode": True},
    )
    assert again == quant  # same product/location/lot/package/owner: the existing quant is returned
    row = sim.x(
        "stock.quant",
        "read",
        [quant],
        ["quantity", "inventory_quantity", "inventory_diff_quantity", "inventory_quantity_set"],
    )[0]
    assert row == {
        "id": quant,
        "quantity": 10.0,
        "inventory_quantity": 41.0,
        "inventory_diff_quantity": 31.0,
        "inventory_quantity_set": True,
    }
    expect_none_fault(sim, "stock.quant", "action_apply_inventory", [quant])  # applied and committed anyway
    row = sim.x(
        "stock.quant", "read", [quant], ["quantity", "inventory_quantity_set", "inventory_diff_quantity"]
    )[0]
    assert row == {
        "id": quant,
        "quantity": 41.0,
        "inventory_quantity_set": False,
        "inventory_diff_quantity": 0.0,
    }
    moves = sim.x(
        "stock.move",
        "search_read",
        [["product_id", "=", product], ["is_inventory", "=", True]],
        ["location_id", "location_dest_id", "product_uom_qty", "state"],
        order="id",
    )
    assert [
        (m["location_id"][1], m["location_dest_id"][1], m["product_uom_qty"], m["state"]) for m in moves
    ] == [
        ("Virtual Locations/Inventory adjustment", "WH/Stock", 10.0, "done"),
        ("Virtual Locations/Inventory adjustment", "WH/Stock", 31.0, "done"),
    ]
    # over JSON-RPC the None result is simply absent; odoo-client-lib maps a missing `result` to False
    conn = odoolib.get_connection(
        hostname="127.0.0.1", port=sim.port, protocol="jsonrpc", database=DB, login="admin", password="admin"
    )
    quants = conn.get_model("stock.quant")
    quants.write([quant], {"inventory_quantity": 40}, context={"inventory_mode": True})
    assert quants.action_apply_inventory([quant]) is False
    assert qty_on_hand(sim, product) == 40.0
    # a count made before stock moved is outdated: the conflict wizard comes back, nothing is applied
    quants.write([quant], {"inventory_quantity": 5}, context={"inventory_mode": True})
    _, pick = sell(sim, [(product, 1)])
    set_processed(sim, sim.x("stock.move", "search", [["picking_id", "=", pick]])[0], 1)
    validate(sim, pick)
    action = sim.x("stock.quant", "action_apply_inventory", [quant])
    assert action["res_model"] == "stock.inventory.conflict"
    assert qty_on_hand(sim, product) == 39.0
    fault = sim.fault(
        "stock.quant",
        "create",
        {"product_id": product, "location_id": loc, "quantity": 3},
        context={"inventory_mode": True},
    )
    assert (fault.faultCode, fault.faultString) == (
        2,
        "Quant's creation is restricted, you can't do this operation.",
    )


def test_invoice_from_delivered_quantities(sim: Sim) -> None:
    product = new_product(sim, "INVC-1", qty=10)
    so, pick = sell(sim, [(product, 8)])
    set_processed(sim, sim.x("stock.move", "search", [["picking_id", "=", pick]])[0], 6)
    validate(sim, pick, skip_backorder=True)
    ctx = {"active_model": "sale.order", "active_ids": [so], "active_id": so, "open_invoices": True}
    wiz = sim.x("sale.advance.payment.inv", "create", {"advance_payment_method": "delivered"}, context=ctx)
    action = sim.x("sale.advance.payment.inv", "create_invoices", [wiz], context=ctx)
    assert (action["res_model"], action["type"]) == ("account.move", "ir.actions.act_window")
    inv = action["res_id"]
    so_name = sim.x("sale.order", "read", [so], ["name"])[0]["name"]
    row = sim.x(
        "account.move",
        "read",
        [inv],
        ["move_type", "state", "invoice_origin", "amount_total", "invoice_line_ids", "name"],
    )[0]
    assert (row["move_type"], row["state"], row["invoice_origin"], row["amount_total"], row["name"]) == (
        "out_invoice",
        "draft",
        so_name,
        60.0,
        "/",
    )
    line = sim.x("account.move.line", "read", row["invoice_line_ids"], ["quantity", "price_unit"])
    assert [(ln["quantity"], ln["price_unit"]) for ln in line] == [(6.0, 10.0)]
    assert sim.x("account.move", "action_post", [inv]) is False  # [U] in the reference: chosen False
    posted = sim.x("account.move", "read", [inv], ["state", "name", "create_date"])[0]
    assert posted["state"] == "posted"
    assert posted["name"].startswith(f"INV/{posted['create_date'][:4]}/")
    status = sim.x("sale.order", "read", [so], ["invoice_status", "invoice_ids"])[0]
    assert status == {
        "id": so,
        "invoice_status": "no",
        "invoice_ids": [inv],
    }  # 2 undelivered, nothing to invoice
    fault = sim.fault("sale.advance.payment.inv", "create_invoices", [wiz], context=ctx)
    assert fault.faultCode == 2 and fault.faultString.startswith("There is no invoiceable line.")


def test_stock_per_warehouse_context(sim: Sim) -> None:
    product = new_product(sim, "CTXQ-1", qty=12)
    wh2 = sim.one("stock.warehouse", [["code", "=", "WH2"]])
    wh = sim.one("stock.warehouse", [["code", "=", "WH"]])

    def qty(**ctx: object) -> float:
        return sim.x("product.product", "read", [product], ["qty_available"], context=ctx)[0]["qty_available"]

    assert (qty(), qty(warehouse=wh), qty(warehouse=wh2), qty(location=wh_stock(sim))) == (
        12.0,
        12.0,
        0.0,
        12.0,
    )
    groups = sim.x(
        "stock.quant", "read_group", [["product_id", "=", product]], ["quantity:sum"], ["location_id"]
    )
    assert [(g["location_id"][1], g["quantity"]) for g in groups] == [("WH/Stock", 12.0)]


def test_sale_in_another_uom(sim: Sim) -> None:
    """A line in dozens, product stocked in units: the move keeps the line UoM, reservation is in units."""
    product = new_product(sim, "UOM-1", qty=50)
    dozens = sim.one("uom.uom", [["name", "=", "Dozens"]])
    uom_field = "product_uom_id" if sim.major >= 19 else "product_uom"
    so = sim.x(
        "sale.order",
        "create",
        {
            "partner_id": sim.customer(4),
            "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 2, uom_field: dozens}]],
        },
    )
    sim.x("sale.order", "action_confirm", [so])
    pick = sim.x("sale.order", "read", [so], ["picking_ids"])[0]["picking_ids"][0]
    move = sim.x(
        "stock.move", "search_read", [["picking_id", "=", pick]], ["product_uom", "product_qty", "state"]
    )
    assert move == [
        {"id": move[0]["id"], "product_uom": [dozens, "Dozens"], "product_qty": 24.0, "state": "assigned"}
    ]
    if sim.major == 16:
        line = sim.x("stock.move.line", "search", [["picking_id", "=", pick]])
        sim.x("stock.move.line", "write", line, {"qty_done": 24})  # move lines are in the product UoM
    assert sim.x("stock.picking", "button_validate", [pick]) is True
    assert (
        sim.x("sale.order.line", "search_read", [["order_id", "=", so]], ["qty_delivered"])[0][
            "qty_delivered"
        ]
        == 2.0
    )
    assert qty_on_hand(sim, product) == 26.0


def test_put_in_pack(sim: Sim) -> None:
    product = new_product(sim, "PACK-1", qty=6)
    _, pick = sell(sim, [(product, 6)])
    set_processed(sim, sim.x("stock.move", "search", [["picking_id", "=", pick]])[0], 6)
    package = sim.x("stock.picking", "action_put_in_pack", [pick])
    model = "stock.package" if sim.major >= 19 else "stock.quant.package"
    lines = sim.x("stock.move.line", "search_read", [["picking_id", "=", pick]], ["result_package_id"])
    name = sim.x(model, "read", [package], ["name"])[0]["name"]
    assert [ln["result_package_id"] for ln in lines] == [[package, name]]
    fault = sim.fault("stock.picking", "action_put_in_pack", [pick])
    assert fault.faultCode == 2 and fault.faultString.startswith(
        "There is nothing eligible to put in a pack."
    )
    assert validate(sim, pick) is True
