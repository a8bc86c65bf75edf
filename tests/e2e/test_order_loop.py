"""Odoo -> crossdock -> WMS -> crossdock -> Odoo over real HTTP on loopback: the outbound loop."""

from __future__ import annotations

import xmlrpc.client

import httpx
import pytest

from crossdock.config import parse_config
from crossdock.core import ledger
from crossdock.core.runtime import Runtime
from crossdock.sim.odoo import OdooServer, open_database, seed
from crossdock.sim.wms import WmsConfig, WmsServer

DB = "crossdock"


@pytest.fixture
def odoo():
    server = OdooServer(seed(open_database(":memory:", "17.0"), skus=20, customers=4, suppliers=2)).start()
    yield server
    server.stop()


@pytest.fixture
def wms():
    config = WmsConfig(
        seed=3,
        api_key="wms-key",
        short_pick_rate=0.0,
        mispick_rate=0.0,
        over_receipt_rate=0.0,
        short_receipt_rate=0.0,
        damaged_rate=0.0,
        return_short_rate=0.0,
        cycle_count_bins_per_day=0,
    )
    with WmsServer(config=config) as server:
        yield server


def config_for(odoo, wms, tmp_path) -> str:
    return f"""
store: {{url: "sqlite:///{tmp_path / "cd.db"}"}}
runtime: {{poll_interval: 0.01}}
systems: {{odoo: {{role: erp}}, wms: {{role: warehouse}}}}
sources:
  odoo: {{kind: odoo, system: odoo, url: "{odoo.url}", db: {DB}, login: admin, secret: admin, streams: [orders],
         once: true}}
  wms: {{kind: wms, system: wms, url: "{wms.url}", api_key: wms-key, facilities: {{WH: WH1}}, once: true,
        poll_interval: 0.01}}
endpoints:
  wms: {{kind: wms, system: wms, url: "{wms.url}", api_key: wms-key, facilities: {{WH: WH1}}}}
  odoo: {{kind: odoo, system: odoo, url: "{odoo.url}", db: {DB}, login: admin, secret: admin}}
flows:
  warehouses: {{WH: {{endpoint: wms}}}}
  erp_endpoint: odoo
routes:
  - {{type: order.released, flow: outbound.release}}
  - {{type: shipment.confirmed, flow: outbound.confirm, endpoint: odoo}}
"""


def sale(odoo, lines):
    proxy = xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/2/object")

    def x(model, method, *args, **kw):
        return proxy.execute_kw(DB, 2, "admin", model, method, list(args), kw)

    partner = x("res.partner", "search", [["name", "=", "Customer 0001 SA"]])[0]
    products = {code: x("product.product", "search", [["default_code", "=", code]])[0] for code, _ in lines}
    order = x(
        "sale.order",
        "create",
        {
            "partner_id": partner,
            "order_line": [
                [0, 0, {"product_id": products[code], "product_uom_qty": qty}] for code, qty in lines
            ],
        },
    )
    x("sale.order", "action_confirm", [order])
    return x, x("sale.order", "read", [order], ["name"])[0]["name"]


async def test_released_orders_ship_and_come_back_validated(odoo, wms, tmp_path):
    x, first = sale(odoo, [("SKU00001", 3), ("SKU00002", 2)])
    _, second = sale(odoo, [("SKU00001", 1)])
    text = config_for(odoo, wms, tmp_path)
    runtime = Runtime(parse_config(text))
    await runtime.run(until_idle=True)  # Odoo's orders reach the WMS
    async with httpx.AsyncClient(base_url=wms.url, headers={"Authorization": "Bearer wms-key"}) as http:
        orders = [(await http.get(f"/v1/orders/{name}")).json() for name in (first, second)]
        assert [o["status"] for o in orders] == ["RECEIVED", "RECEIVED"]
        (
            await http.post("/_sim/advance", json={"minutes": 600})
        ).raise_for_status()  # a shift in the warehouse
    await runtime.close()
    runtime = Runtime(parse_config(text))  # the next run reads the WMS's feed from the stored cursor
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
