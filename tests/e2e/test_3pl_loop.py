"""The EDI leg end to end: Odoo emulator -> crossdock -> 3PL emulator over SFTP and X12 -> back.

Same flows as the WMS leg (outbound.release / outbound.confirm, inbound.expect / receive);
only the endpoint and the source differ: a 3PL reached by a profile, a transport and files.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from crossdock.config import parse_config
from crossdock.core.runtime import Runtime
from crossdock.core.tables import outbox
from crossdock.sim.odoo.person import OdooPerson
from crossdock.sim.tpl import TplConfig, TplEmulator

from .conftest import DB, quiet


def config_for(odoo, tpl, tmp_path):
    transport = (
        f"{{kind: sftp, host: 127.0.0.1, port: {tpl.port}, username: hub, password: dock-door-7, "
        f"host_key: '{tpl.host_key_line}'}}"
    )
    return parse_config(f"""
store: {{url: "sqlite:///{tmp_path / "cd.db"}"}}
runtime: {{poll_interval: 0.01}}
systems: {{odoo: {{role: erp}}, acme: {{role: warehouse}}}}
sources:
  odoo: {{kind: odoo, system: odoo, url: "{odoo.url}", db: {DB}, login: admin, secret: admin,
         streams: [orders, incoming], once: true, overlap_seconds: 5}}
  acme-in:
    kind: edi
    system: acme
    profile: generic-3pl
    files: {{partner: acme, transport: {transport}, once: true, poll_interval: 0,
            folders: {{inbox: outbound, processing: outbound/processing, archive: outbound/archive,
                      error: outbound/error}}}}
    replies: {{partner: acme, transport: {transport}, upload_folder: inbound, work_dir: '{tmp_path / "acks"}'}}
    acknowledges: acme
endpoints:
  acme: {{kind: edi, system: acme, profile: generic-3pl,
          files: {{partner: acme, transport: {transport}, upload_folder: inbound, work_dir: '{tmp_path / "out"}'}}}}
  odoo: {{kind: odoo, system: odoo, url: "{odoo.url}", db: {DB}, login: admin, secret: admin}}
flows:
  warehouses: {{WH: {{endpoint: acme}}}}
  erp_endpoint: odoo
routes:
  - {{type: order.released, flow: outbound.release}}
  - {{type: shipment.confirmed, flow: outbound.confirm}}
  - {{type: receipt.expected, flow: inbound.expect}}
  - {{type: receipt.confirmed, flow: inbound.receive}}
""")


async def settle(config) -> Runtime:
    runtime = Runtime(config)
    await runtime.run(until_idle=True)
    return runtime


async def test_orders_and_receipts_through_a_3pl_over_edi(odoo, tmp_path):
    person = OdooPerson(odoo.url)
    order = person.sell([("SKU00001", 4), ("SKU00002", 3)])
    po = person.buy([("SKU00006", 20)])
    config_tpl = TplConfig(
        root=tmp_path / "exchange", profile="generic-3pl", password="dock-door-7", wms=quiet(), port=0
    )
    async with TplEmulator(config_tpl) as tpl:
        config = config_for(odoo, tpl, tmp_path)
        await (await settle(config)).close()  # the 940 and the 943 are uploaded
        await asyncio.sleep(0.5)  # the 3PL picks them up and answers 997s
        written = await asyncio.to_thread(tpl.advance, 600)  # a shift: ship, receive
        assert any(name.startswith("945_") for name in written) and any(n.startswith("944_") for n in written)
        runtime = await settle(config)
        [picking] = person.pickings(order)
        assert picking["state"] == "done" and picking["carrier_tracking_ref"]
        [receipt] = [p for p in person.pickings(po) if not p["backorder_id"]]
        assert receipt["state"] == "done"
        with runtime.store.engine.connect() as conn:
            sent = dict(
                conn.execute(select(outbox.c.action, outbox.c.state).where(outbox.c.endpoint == "acme")).all()
            )
        assert sent == {
            "order.released": "acknowledged",
            "receipt.expected": "acknowledged",
        }  # their 997s came
        assert not runtime.ops.dead_letters()
        await runtime.close()
