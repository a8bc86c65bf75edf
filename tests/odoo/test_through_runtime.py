"""The Odoo connector wired through the runtime: Odoo -> (orders) -> a warehouse; confirmations -> Odoo."""

from __future__ import annotations

import json

from crossdock.config import parse_config
from crossdock.connectors.base import Incoming
from crossdock.core import ledger
from crossdock.core.runtime import Runtime

from .conftest import API_KEY, DB, LOGIN, PASSWORD


async def test_orders_flow_out_and_confirmations_flow_back(odoo, tmp_path):
    name = odoo.sell([("SKU00001", 3), ("SKU00004", 2)], "Customer 0003 SA")
    secret = API_KEY if odoo.major >= 19 else PASSWORD
    config = parse_config(f"""
store: {{url: "sqlite:///{tmp_path / "cd.db"}"}}
runtime: {{poll_interval: 0.01}}
systems: {{odoo: {{role: erp}}, wms: {{role: warehouse}}}}
sources:
  odoo: {{kind: odoo, system: odoo, url: "{odoo.url}", db: {DB}, login: {LOGIN}, secret: "{secret}",
         streams: [orders], once: true}}
endpoints:
  wms: {{kind: file, system: wms, path: "{tmp_path / "wms"}"}}
  odoo: {{kind: odoo, system: odoo, url: "{odoo.url}", db: {DB}, login: {LOGIN}, secret: "{secret}"}}
routes:
  - {{type: order.released, flow: passthrough, endpoint: wms}}
  - {{type: shipment.confirmed, flow: passthrough, endpoint: odoo}}
""")
    runtime = Runtime(config)
    await runtime.run(until_idle=True)
    sent = [json.loads(p.read_text()) for p in (tmp_path / "wms").glob("*.json")]
    [order] = [s["payload"] for s in sent if s["payload"]["order_id"] == name]
    confirmation = {
        "id": f"wms-{name}",
        "source": "wms://dc1",
        "type": "shipment.confirmed",
        "data": {
            "shipment_id": f"SH-{name}",
            "order_id": name,
            "warehouse_code": "WH",
            "shipped_at": "2026-11-27T12:00:00Z",
            "final": True,
            "tracking_number": "1ZRUNTIME",
            "lines": [
                {"line_no": line["line_no"], "sku": line["sku"], "shipped_quantity": line["quantity"]}
                for line in order["lines"]
            ],
        },
    }
    report = await runtime.ingest(
        [Incoming(confirmation, "wms", "test"), Incoming(confirmation, "wms", "test")]
    )
    assert len(report.accepted) == 1 and len(report.duplicates) == 1
    await runtime.run(until_idle=True)
    [picking] = odoo.pickings(name)
    assert (picking["state"], picking["carrier_tracking_ref"]) == ("done", "1ZRUNTIME")
    with runtime.store.engine.connect() as conn:
        trail = [(e.state, e.system) for e in ledger.trace(conn, f"SH-{name}")]
    assert trail[-3:] == [("delivering", "odoo"), ("delivered", "odoo"), ("acknowledged", "odoo")]
    await runtime.close()
