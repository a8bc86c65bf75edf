"""Odoo -> crossdock -> WMS -> crossdock -> Odoo over real HTTP on loopback: the outbound loop."""

from __future__ import annotations

from crossdock.core import ledger
from crossdock.core.runtime import Runtime
from crossdock.sim.odoo.person import OdooPerson
from crossdock.sim.wms import WmsOperator

from .conftest import hub_config


async def test_released_orders_ship_and_come_back_validated(odoo, wms, tmp_path):
    person, warehouse = OdooPerson(odoo.url), WmsOperator(wms)
    x = person.x
    first = person.sell([("SKU00001", 3), ("SKU00002", 2)])
    second = person.sell([("SKU00001", 1)])
    config = hub_config(odoo, wms, tmp_path, streams="[orders]")
    runtime = Runtime(config)
    await runtime.run(until_idle=True)  # Odoo's orders reach the WMS
    orders = [warehouse.get(f"/v1/orders/{name}") for name in (first, second)]
    assert [o["status"] for o in orders] == ["RECEIVED", "RECEIVED"]
    warehouse.post("/_sim/advance", {"minutes": 600})  # a shift in the warehouse
    await runtime.close()
    runtime = Runtime(config)  # the next run reads the WMS's feed from the stored cursor
    await runtime.run(until_idle=True)
    pickings = x(
        "stock.picking",
        "search_read",
        [["origin", "in", [first, second]]],
        ["origin", "state", "carrier_tracking_ref"],
    )
    assert sorted((p["origin"], p["state"]) for p in pickings) == sorted([(first, "done"), (second, "done")])
    assert all(p["carrier_tracking_ref"].startswith("1Z") for p in pickings)
    lots = x(
        "stock.move.line",
        "search_read",
        [["picking_id.origin", "=", first], ["lot_id", "!=", False]],
        ["lot_id"],
    )
    assert lots, "the lot-tracked line came back with the lots the warehouse picked"
    with runtime.store.engine.connect() as conn:
        trail = [e.state for e in ledger.trace(conn, f"wms:{first}")]
    assert trail.count("acknowledged") >= 1
    assert not runtime.ops.dead_letters()
    await runtime.close()
