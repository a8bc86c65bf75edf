"""Outgoing flows on all four versions: sale confirmation, reservation, validation, backorders, wizards.

Clients: odoorpc (JSON-RPC), odoo-client-lib (legacy /xmlrpc/ endpoints) and xmlrpc.client, all unmodified.
"""

from __future__ import annotations

import odoolib
import odoorpc

from .conftest import DB, Sim
from .flows import new_product, qty_on_hand, sell, set_processed, validate


def test_sale_to_delivery_with_lots_and_serials_odoorpc(sim: Sim) -> None:
    odoo = odoorpc.ODOO("127.0.0.1", port=sim.port)
    assert odoo.version == sim.version
    odoo.login(DB, "admin", "admin")
    Product = odoo.env["product.product"]
    p1, p2, p3 = (Product.search([("default_code", "=", c)])[0] for c in ("SKU00001", "SKU00002", "SKU00003"))
    customer = odoo.env["res.partner"].search([("name", "=", "Customer 0001 SA")])[0]
    so_id = odoo.env["sale.order"].create(
        {
            "partner_id": customer,
            "order_line": [
                (0, 0, {"product_id": p1, "product_uom_qty": 10}),
                (0, 0, {"product_id": p2, "product_uom_qty": 40}),
                (0, 0, {"product_id": p3, "product_uom_qty": 2}),
            ],
        }
    )
    order = odoo.env["sale.order"].browse(so_id)
    assert order.state == "draft"
    order.action_confirm()
    order = odoo.env["sale.order"].browse(so_id)
    assert order.state == "sale"
    picking = order.picking_ids[0]
    assert picking.name.startswith("WH/OUT/")
    assert (picking.origin, picking.state, picking.picking_type_code) == (order.name, "assigned", "outgoing")
    assert picking.partner_id.name == "Customer 0001 Depot"  # the delivery address child
    assert (picking.location_id.complete_name, picking.location_dest_id.complete_name) == (
        "WH/Stock",
        "Partners/Customers",
    )
    reserved = "reserved_uom_qty" if sim.major == 16 else "quantity"
    lines = odoo.execute_kw(
        "stock.move.line",
        "search_read",
        [[("picking_id", "=", picking.id)]],
        {"fields": ["product_id", "lot_id", reserved], "order": "id"},
    )
    # FEFO: the lot expiring first is reserved first; serials one line per unit
    assert [(ln["product_id"][0], ln["lot_id"] and ln["lot_id"][1], ln[reserved]) for ln in lines] == [
        (p1, False, 10.0),
        (p2, "LOT-00002-A", 30.0),
        (p2, "LOT-00002-B", 10.0),
        (p3, "SN-00003-001", 1.0),
        (p3, "SN-00003-002", 1.0),
    ]
    result = odoo.execute_kw("stock.picking", "button_validate", [[picking.id]])
    if sim.major == 16:
        # 16.0: nothing done yet, so the immediate-transfer wizard comes back
        assert result["res_model"] == "stock.immediate.transfer"
        assert result["context"]["button_validate_picking_ids"] == [picking.id]
        wiz = odoo.execute_kw(
            "stock.immediate.transfer",
            "create",
            [{"pick_ids": [(4, picking.id)]}],
            {"context": result["context"]},
        )
        assert (
            odoo.execute_kw("stock.immediate.transfer", "process", [[wiz]], {"context": result["context"]})
            is True
        )
    else:
        assert result is True  # 17+: reserved quantities are processed by default
    picking = odoo.env["stock.picking"].browse(picking.id)
    assert picking.state == "done"
    assert picking.date_done
    assert [ln.qty_delivered for ln in odoo.env["sale.order"].browse(so_id).order_line] == [10.0, 40.0, 2.0]
    assert odoo.env["sale.order"].browse(so_id).invoice_status == "to invoice"
    assert odoo.execute_kw("product.product", "read", [[p1, p2, p3], ["qty_available"]]) == [
        {"id": p1, "qty_available": 90.0},
        {"id": p2, "qty_available": 40.0},
        {"id": p3, "qty_available": 3.0},
    ]
    lot_b = odoo.env["stock.lot"].search([("name", "=", "LOT-00002-B")])
    assert odoo.execute_kw("stock.lot", "read", [lot_b, ["product_qty"]])[0]["product_qty"] == 40.0


def _lib(sim: Sim) -> odoolib.Connection:
    return odoolib.get_connection(
        hostname="127.0.0.1", port=sim.port, protocol="xmlrpc", database=DB, login="admin", password="admin"
    )


def test_partial_with_backorder_wizard_odoolib(sim: Sim) -> None:
    product = new_product(sim, "BO-1", qty=20)
    so, pick = sell(sim, [(product, 10)])
    conn = _lib(sim)
    moves = conn.get_model("stock.move").search_read([("picking_id", "=", pick)], ["id"])
    set_processed(sim, moves[0]["id"], 6)
    action = conn.get_model("stock.picking").button_validate([pick])
    assert action["res_model"] == "stock.backorder.confirmation"
    assert action["name"] == "Create Backorder?"
    assert action["context"]["button_validate_picking_ids"] == [pick]
    assert action["context"]["default_pick_ids"] == [[4, pick]]
    assert (
        conn.get_model("stock.picking").read(pick, ["state"])["state"] == "assigned"
    )  # nothing validated yet
    wizard = conn.get_model("stock.backorder.confirmation")
    wiz_id = wizard.create({"pick_ids": [[4, pick]]}, context=action["context"])
    assert wizard.process([wiz_id], context=action["context"]) is True
    done = conn.get_model("stock.picking").read(pick, ["state", "backorder_ids", "move_ids"])
    assert done["state"] == "done"
    assert len(done["backorder_ids"]) == 1
    bo = conn.get_model("stock.picking").read(
        done["backorder_ids"][0], ["state", "backorder_id", "origin", "name", "move_ids"]
    )
    assert (bo["state"], bo["backorder_id"][0]) == ("assigned", pick)
    assert (
        bo["name"].startswith("WH/OUT/")
        and bo["origin"] == conn.get_model("sale.order").read(so, ["name"])["name"]
    )
    assert [
        m["product_uom_qty"] for m in conn.get_model("stock.move").read(done["move_ids"], ["product_uom_qty"])
    ] == [6.0]
    assert [
        m["product_uom_qty"] for m in conn.get_model("stock.move").read(bo["move_ids"], ["product_uom_qty"])
    ] == [4.0]
    assert (
        conn.get_model("sale.order.line").search_read([("order_id", "=", so)], ["qty_delivered"])[0][
            "qty_delivered"
        ]
        == 6.0
    )
    assert qty_on_hand(sim, product) == 14.0


def test_partial_without_backorder_wizard(sim: Sim) -> None:
    product = new_product(sim, "NBO-1", qty=20)
    so, pick = sell(sim, [(product, 10)])
    move = sim.x("stock.move", "search", [["picking_id", "=", pick]])[0]
    set_processed(sim, move, 7)
    action = sim.x("stock.picking", "button_validate", [pick])
    wiz = sim.x(
        "stock.backorder.confirmation", "create", {"pick_ids": [[4, pick]]}, context=action["context"]
    )
    assert (
        sim.x("stock.backorder.confirmation", "process_cancel_backorder", [wiz], context=action["context"])
        is True
    )
    row = sim.x("stock.picking", "read", [pick], ["state", "backorder_ids", "move_ids"])[0]
    assert (row["state"], row["backorder_ids"]) == ("done", [])
    moves = sim.x("stock.move", "read", row["move_ids"], ["state", "product_uom_qty"])
    assert sorted((m["state"], m["product_uom_qty"]) for m in moves) == [("cancel", 3.0), ("done", 7.0)]
    assert (
        sim.x("sale.order.line", "search_read", [["order_id", "=", so]], ["qty_delivered"])[0][
            "qty_delivered"
        ]
        == 7.0
    )


def test_wizard_without_validate_context_does_nothing(sim: Sim) -> None:
    product = new_product(sim, "WZ-1", qty=5)
    _, pick = sell(sim, [(product, 5)])
    wiz = sim.x("stock.backorder.confirmation", "create", {"pick_ids": [[4, pick]]})
    assert sim.x("stock.backorder.confirmation", "process", [wiz]) is True
    assert sim.x("stock.picking", "read", [pick], ["state"])[0]["state"] == "assigned"


def test_context_keys_skip_the_wizard(sim: Sim) -> None:
    product = new_product(sim, "CTX-1", qty=30)
    _, with_bo = sell(sim, [(product, 10)])
    set_processed(sim, sim.x("stock.move", "search", [["picking_id", "=", with_bo]])[0], 4)
    assert validate(sim, with_bo, skip_backorder=True) is True
    assert len(sim.x("stock.picking", "read", [with_bo], ["backorder_ids"])[0]["backorder_ids"]) == 1
    _, no_bo = sell(sim, [(product, 10)])
    set_processed(sim, sim.x("stock.move", "search", [["picking_id", "=", no_bo]])[0], 4)
    assert validate(sim, no_bo, skip_backorder=True, picking_ids_not_to_backorder=[no_bo]) is True
    row = sim.x("stock.picking", "read", [no_bo], ["state", "backorder_ids"])[0]
    assert (row["state"], row["backorder_ids"]) == ("done", [])
    # a type set to never create backorders cancels the rest without asking
    out_type = sim.x("stock.warehouse", "search_read", [["code", "=", "WH"]], ["out_type_id"])[0][
        "out_type_id"
    ][0]
    sim.x("stock.picking.type", "write", [out_type], {"create_backorder": "never"})
    try:
        _, never = sell(sim, [(product, 5)])
        set_processed(sim, sim.x("stock.move", "search", [["picking_id", "=", never]])[0], 2)
        assert validate(sim, never) is True
        assert sim.x("stock.picking", "read", [never], ["backorder_ids"])[0]["backorder_ids"] == []
    finally:
        sim.x("stock.picking.type", "write", [out_type], {"create_backorder": "ask"})
    assert qty_on_hand(sim, product) == 20.0


def test_revalidating_a_done_picking(sim: Sim) -> None:
    """Addendum: 16.0 raises the 'no quantities' UserError; current 17+ builds skip done pickings (True)."""
    product = new_product(sim, "RV-1", qty=3)
    _, pick = sell(sim, [(product, 3)])
    set_processed(sim, sim.x("stock.move", "search", [["picking_id", "=", pick]])[0], 3)
    assert validate(sim, pick) is True
    if sim.major == 16:
        fault = sim.fault("stock.picking", "button_validate", [pick])
        assert fault.faultCode == 2
        assert fault.faultString == (
            "You cannot validate a transfer if no quantities are reserved nor done. To "
            "force the transfer, switch in edit mode and encode the done quantities."
        )
    else:
        assert validate(sim, pick) is True
    assert qty_on_hand(sim, product) == 0.0


def test_sanity_check_messages(sim: Sim) -> None:
    """The empty-transfer text is [V] for 16 and 18+; 17.0 is unverified and uses the 16.0 wording here."""
    out_type = sim.x("stock.warehouse", "search_read", [["code", "=", "WH"]], ["out_type_id"])[0][
        "out_type_id"
    ][0]
    empty = sim.x("stock.picking", "create", {"picking_type_id": out_type})
    fault = sim.fault("stock.picking", "button_validate", [empty])
    assert fault.faultCode == 2
    assert fault.faultString == (
        "Please add some items to move."
        if sim.major <= 17
        else "You can't validate an empty transfer. Please add some products to move before proceeding."
    )
    lot_product = new_product(sim, "LOTLESS", tracking="lot")
    in_type = sim.x("stock.warehouse", "search_read", [["code", "=", "WH"]], ["in_type_id"])[0]["in_type_id"][
        0
    ]
    receipt = sim.x(
        "stock.picking",
        "create",
        {
            "picking_type_id": in_type,
            "move_ids": [
                [
                    0,
                    0,
                    {
                        "product_id": lot_product,
                        "product_uom_qty": 4,
                        **({"name": "x"} if sim.major <= 18 else {}),
                    },
                ]
            ],
        },
    )
    sim.x("stock.picking", "action_confirm", [receipt])
    set_processed(sim, sim.x("stock.move", "search", [["picking_id", "=", receipt]])[0], 4)
    fault = sim.fault("stock.picking", "button_validate", [receipt])
    assert (fault.faultCode, fault.faultString) == (
        2,
        "You need to supply a Lot/Serial number for products [LOTLESS] Test LOTLESS.",
    )


def test_action_assign_nothing_to_check(sim: Sim) -> None:
    product = new_product(sim, "AS-1", qty=2)
    _, pick = sell(sim, [(product, 2)])
    fault = sim.fault("stock.picking", "action_assign", [pick])
    assert (fault.faultCode, fault.faultString) == (2, "Nothing to check the availability for.")


def test_partial_availability_and_tracking_ref(sim: Sim) -> None:
    product = new_product(sim, "PA-1", qty=4)
    _, pick = sell(sim, [(product, 6)])
    move = sim.x("stock.move", "search_read", [["picking_id", "=", pick]], ["state"])[0]
    assert move["state"] == "partially_available"
    assert sim.x("stock.picking", "read", [pick], ["state"])[0]["state"] == "assigned"
    carrier = sim.x("delivery.carrier", "search", [["name", "=", "UPS Ground"]])[0]
    set_processed(sim, sim.x("stock.move", "search", [["picking_id", "=", pick]])[0], 4)
    assert validate(sim, pick, skip_backorder=True, picking_ids_not_to_backorder=[pick]) is True
    # tracking numbers are plain writes; accepted on done pickings in every version ([U]: chosen yes)
    assert (
        sim.x(
            "stock.picking", "write", [pick], {"carrier_id": carrier, "carrier_tracking_ref": "1Z999,1Z998"}
        )
        is True
    )
    row = sim.x("stock.picking", "read", [pick], ["carrier_id", "carrier_tracking_ref", "state"])[0]
    assert row == {
        "id": pick,
        "carrier_id": [carrier, "UPS Ground"],
        "carrier_tracking_ref": "1Z999,1Z998",
        "state": "done",
    }


def test_sale_confirm_twice_and_cancel(sim: Sim) -> None:
    """17+ refuse anything not draft/sent [V]. 16.0 only refuses done/cancel and lists the forbidden state
    keys (read in 16-era copies of core, [S]); re-confirming a confirmed 16.0 order launches nothing new.
    The cancel wizard for non-draft orders in 16-18 is [S]/[U]: chosen for every non-draft order unless
    disable_cancel_warning is set."""
    product = new_product(sim, "SC-1", qty=2)
    so, pick = sell(sim, [(product, 1)])
    name = sim.x("sale.order", "read", [so], ["name"])[0]["name"]
    if sim.major >= 17:
        fault = sim.fault("sale.order", "action_confirm", [so])
        assert fault.faultCode == 2
        assert fault.faultString == f"The following orders are not in a state requiring confirmation: {name}"
    else:
        assert sim.x("sale.order", "action_confirm", [so]) is True
        assert sim.x("sale.order", "read", [so], ["picking_ids"])[0]["picking_ids"] == [pick]
        assert len(sim.x("stock.move", "search", [["picking_id", "=", pick]])) == 1
    if sim.major <= 18:
        action = sim.x("sale.order", "action_cancel", [so])
        assert action["res_model"] == "sale.order.cancel"
        assert sim.x("sale.order", "action_cancel", [so], context={"disable_cancel_warning": True}) is True
    else:
        assert sim.x("sale.order", "action_cancel", [so]) is True
    assert sim.x("sale.order", "read", [so], ["state"])[0]["state"] == "cancel"
    assert sim.x("stock.picking", "read", [pick], ["state"])[0]["state"] == "cancel"
    fault = sim.fault("sale.order", "action_confirm", [so])
    assert fault.faultCode == 2
    if sim.major == 16:
        assert (
            fault.faultString == "It is not allowed to confirm an order in the following states: done, cancel"
        )


def test_16_set_quantities_to_reservation(sim: Sim) -> None:
    """16.0 only ([V]); whether 17.0 still has it is unverified: chosen absent from 17.0 on."""
    product = new_product(sim, "SQ-1", qty=5)
    _, pick = sell(sim, [(product, 5)])
    if sim.major != 16:
        fault = sim.fault("stock.picking", "action_set_quantities_to_reservation", [pick])
        assert fault.faultCode == 1 and "AttributeError" in fault.faultString
        return
    from .flows import expect_none_fault

    expect_none_fault(sim, "stock.picking", "action_set_quantities_to_reservation", [pick])
    assert (
        sim.x("stock.move.line", "search_read", [["picking_id", "=", pick]], ["qty_done"])[0]["qty_done"]
        == 5.0
    )
    assert validate(sim, pick) is True


def test_confirmed_order_lines_follow_to_the_delivery(sim: Sim) -> None:
    first = new_product(sim, "UPD-1", qty=20)
    second = new_product(sim, "UPD-2", qty=20)
    so, pick = sell(sim, [(first, 5)])
    line = sim.x("sale.order.line", "search", [["order_id", "=", so]])[0]
    sim.x("sale.order.line", "write", [line], {"product_uom_qty": 8})
    sim.x("sale.order", "write", [so], {"order_line": [[0, 0, {"product_id": second, "product_uom_qty": 3}]]})
    moves = sim.x(
        "stock.move", "search_read", [["picking_id", "=", pick]], ["product_id", "product_uom_qty", "state"]
    )
    assert sorted((m["product_id"][0], m["product_uom_qty"], m["state"]) for m in moves) == [
        (first, 8.0, "assigned"),
        (second, 3.0, "assigned"),
    ]
    sim.x("sale.order.line", "write", [line], {"product_uom_qty": 6})
    assert (
        sim.x("stock.move", "search_read", [["sale_line_id", "=", line]], ["product_uom_qty"])[0][
            "product_uom_qty"
        ]
        == 6.0
    )


def test_order_from_second_warehouse(sim: Sim) -> None:
    wh2 = sim.x("stock.warehouse", "search_read", [["code", "=", "WH2"]], ["lot_stock_id", "out_type_id"])[0]
    product = new_product(sim, "WH2-1")
    quant = sim.x(
        "stock.quant",
        "create",
        {"product_id": product, "location_id": wh2["lot_stock_id"][0], "inventory_quantity": 9},
        context={"inventory_mode": True},
    )
    sim.fault("stock.quant", "action_apply_inventory", [quant])  # None → fault, applied
    so = sim.x(
        "sale.order",
        "create",
        {
            "partner_id": sim.customer(5),
            "warehouse_id": wh2["id"],
            "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 4}]],
        },
    )
    sim.x("sale.order", "action_confirm", [so])
    pick = sim.x("sale.order", "read", [so], ["picking_ids"])[0]["picking_ids"]
    row = sim.x("stock.picking", "read", pick, ["name", "picking_type_id", "location_id", "state"])[0]
    assert row["name"].startswith("WH2/OUT/")
    assert (row["picking_type_id"][0], row["location_id"][1], row["state"]) == (
        wh2["out_type_id"][0],
        "WH2/Stock",
        "assigned",
    )


def test_ship_other_lots_and_serials_than_reserved_odoolib(sim: Sim) -> None:
    """The warehouse reports the lots/serials it really shipped; they replace the reserved ones."""
    lot_p = new_product(sim, "SWAP-LOT", tracking="lot", lots={"SW-L1": 5, "SW-L2": 5})
    sn_p = new_product(sim, "SWAP-SN", tracking="serial", lots={f"SW-S{i}": 1 for i in range(1, 5)})
    _, pick = sell(sim, [(lot_p, 3), (sn_p, 2)])
    conn = _lib(sim)
    lines = conn.get_model("stock.move.line").search_read(
        [("picking_id", "=", pick)], ["product_id", "lot_id"], order="id"
    )
    assert [(ln["product_id"][0], ln["lot_id"][1]) for ln in lines] == [
        (lot_p, "SW-L1"),
        (sn_p, "SW-S1"),
        (sn_p, "SW-S2"),
    ]
    lots = {name: sim.one("stock.lot", [["name", "=", name]]) for name in ("SW-L2", "SW-S3", "SW-S4")}
    done = {sim.qty_field: 1.0} | ({"picked": True} if sim.major >= 17 else {})
    lot_line, sn1, sn2 = (ln["id"] for ln in lines)
    conn.get_model("stock.move.line").write([lot_line], done | {"lot_id": lots["SW-L2"], sim.qty_field: 3.0})
    conn.get_model("stock.move.line").write([sn1], done | {"lot_id": lots["SW-S3"]})
    conn.get_model("stock.move.line").write([sn2], done | {"lot_id": lots["SW-S4"]})
    assert conn.get_model("stock.picking").button_validate([pick]) is True
    on_hand = {
        r["name"]: r["product_qty"]
        for r in conn.get_model("stock.lot").search_read(
            [("product_id", "in", [lot_p, sn_p])], ["name", "product_qty"]
        )
    }
    assert on_hand == {"SW-L1": 5.0, "SW-L2": 2.0, "SW-S1": 1.0, "SW-S2": 1.0, "SW-S3": 0.0, "SW-S4": 0.0}


def test_over_delivery_is_accepted(sim: Sim) -> None:
    """The extra quantity becomes an extra move merged into the original one: demand = processed quantity."""
    product = new_product(sim, "OVER-1", qty=10)
    so, pick = sell(sim, [(product, 3)])
    move = sim.x("stock.move", "search", [["picking_id", "=", pick]])[0]
    set_processed(sim, move, 5)
    assert validate(sim, pick) is True
    row = sim.x("stock.move", "read", [move], ["product_uom_qty", "state"])[0]
    assert (row["product_uom_qty"], row["state"]) == (5.0, "done")
    assert (
        sim.x("sale.order.line", "search_read", [["order_id", "=", so]], ["qty_delivered"])[0][
            "qty_delivered"
        ]
        == 5.0
    )
    assert qty_on_hand(sim, product) == 5.0
