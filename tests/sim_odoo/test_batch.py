"""stock.picking.batch: one create links pickings and updates each; the batch follows their state."""

from __future__ import annotations


def test_batch_links_updates_and_validates(sim):
    customer = sim.customer(1)
    product = sim.product("SKU00001")
    pickings = []
    for _ in range(2):
        order = sim.x(
            "sale.order",
            "create",
            {"partner_id": customer, "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 1}]]},
        )
        sim.x("sale.order", "action_confirm", [order])
        pickings += sim.x("stock.picking", "search", [["sale_id", "=", order]])
    commands = [
        c for n, p in enumerate(pickings) for c in ([4, p, 0], [1, p, {"carrier_tracking_ref": f"T{n}"}])
    ]
    batch = sim.x("stock.picking.batch", "create", {"name": "wave 1", "picking_ids": commands})
    rows = sim.x("stock.picking", "read", pickings, ["batch_id", "carrier_tracking_ref"])
    assert [(r["batch_id"][0], r["carrier_tracking_ref"]) for r in rows] == [(batch, "T0"), (batch, "T1")]
    if sim.major == 16:
        for move in sim.x("stock.move", "search_read", [["picking_id", "in", pickings]], ["product_uom_qty"]):
            sim.x("stock.move", "write", [move["id"]], {"quantity_done": move["product_uom_qty"]})
    assert sim.x("stock.picking.batch", "read", [batch], ["state"])[0]["state"] == "draft"
    sim.x("stock.picking.batch", "action_done", [batch])
    assert sim.x("stock.picking.batch", "read", [batch], ["state"])[0]["state"] == "done"
