"""Both emulators on loopback, and crossdock configured between them."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossdock.config import Config, parse_config
from crossdock.sim.odoo import OdooServer, open_database, seed
from crossdock.sim.odoo.person import OdooPerson  # noqa: F401 - the tests' hands in Odoo
from crossdock.sim.wms import WmsConfig, WmsServer

DB, WMS_KEY = "crossdock", "wms-key"


@pytest.fixture
def odoo():
    server = OdooServer(seed(open_database(":memory:", "17.0"), skus=20, customers=4, suppliers=2)).start()
    yield server
    server.stop()


def quiet(**overrides) -> WmsConfig:
    base = dict(
        seed=3,
        api_key=WMS_KEY,
        cycle_count_bins_per_day=0,
        webhook_retry_base_s=0.05,
        webhook_timeout_s=1.0,
    )
    return WmsConfig.undisturbed(**{**base, **overrides})


@pytest.fixture
def wms():
    with WmsServer(config=quiet()) as server:
        yield server


def hub_config(
    odoo, wms, folder: Path, *, webhook: bool = False, streams: str = "[orders, incoming]"
) -> Config:
    hook = "webhook_port: 0, webhook_secret: hook-secret, subscribe: true," if webhook else ""
    return parse_config(f"""
store: {{url: "sqlite:///{folder / "cd.db"}"}}
runtime: {{poll_interval: 0.01}}
systems: {{odoo: {{role: erp}}, wms: {{role: warehouse}}}}
sources:
  odoo: {{kind: odoo, system: odoo, url: "{odoo.url}", db: {DB}, login: admin, secret: admin, streams: {streams},
         once: true, overlap_seconds: 5}}
  wms: {{kind: wms, system: wms, url: "{wms.url}", api_key: {WMS_KEY}, facilities: {{WH: WH1}}, once: true,
        {hook} poll_interval: 0.01}}
endpoints:
  wms: {{kind: wms, system: wms, url: "{wms.url}", api_key: {WMS_KEY}, facilities: {{WH: WH1}},
        retry: {{base_delay: 0.02, max_delay: 0.1, max_attempts: 100}}, breaker: {{failure_threshold: 3,
        reset_after: 0.05}}}}
  odoo: {{kind: odoo, system: odoo, url: "{odoo.url}", db: {DB}, login: admin, secret: admin}}
  reports: {{kind: file, path: "{folder / "reports"}"}}
flows:
  warehouses: {{WH: {{endpoint: wms}}}}
  erp_endpoint: odoo
  reports_endpoint: reports
routes:
  - {{type: order.released, flow: outbound.release}}
  - {{type: order.cancelled, flow: outbound.cancel}}
  - {{type: shipment.confirmed, flow: outbound.confirm}}
  - {{type: receipt.expected, flow: inbound.expect}}
  - {{type: receipt.confirmed, flow: inbound.receive}}
  - {{type: return.authorized, flow: returns.authorize}}
  - {{type: return.received, flow: returns.receive}}
  - {{type: inventory.adjusted, flow: inventory.adjust}}
  - {{type: inventory.snapshot, flow: inventory.reconcile}}
""")
