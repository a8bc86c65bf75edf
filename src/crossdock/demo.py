"""`crossdock demo`: a day at a distributor, on the embedded store, narrated from the ledger.

Starts the Odoo emulator (17.0) and the WMS emulator in this process, and crossdock between
them. Odoo releases a few dozen orders (some hundred lines) and purchase receipts; the
warehouse waves, picks (with short picks), packs and ships, receives (over, short, damaged);
the WMS goes down for a while in the middle and comes back; one order to an address without a
street is refused by the warehouse and dead-lettered, then corrected and replayed as an operator
would; customers
return goods; the night's cycle count and snapshot are reconciled against Odoo. Every phase is
a normal crossdock run; the report at the end is read from the ledger and from Odoo.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import shutil
import xmlrpc.client
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from .config import load_config
from .core import ledger
from .core.runtime import Runtime
from .core.tables import outbox
from .sim.odoo import OdooServer, open_database, seed
from .sim.odoo.person import OdooPerson
from .sim.wms import WmsConfig, WmsOperator, WmsServer

DB, WMS_KEY = "crossdock", "demo-wms-key"
# Known to both systems with the same unit (Odoo's SKU00004/7 count dozens, the warehouse eaches).
SKUS = [f"SKU{n:05d}" for n in (1, 2, 3, 6, 8, 9, 10, 11, 12)]


def _config_text(folder: Path, odoo_url: str, wms_url: str) -> str:
    return f"""\
store: {{url: "sqlite:///{folder / "crossdock.db"}"}}
runtime: {{poll_interval: 0.02, batch_size: 200}}
systems: {{odoo: {{role: erp}}, wms: {{role: warehouse}}}}
sources:
  odoo: {{kind: odoo, system: odoo, url: "{odoo_url}", db: {DB}, login: admin, secret: admin,
         streams: [orders, incoming], once: true, overlap_seconds: 5}}
  wms: {{kind: wms, system: wms, url: "{wms_url}", api_key: {WMS_KEY}, facilities: {{WH: WH1}}, once: true,
        poll_interval: 0.01}}
endpoints:
  wms:
    kind: wms
    system: wms
    url: "{wms_url}"
    api_key: {WMS_KEY}
    facilities: {{WH: WH1}}
    retry: {{base_delay: 0.05, max_delay: 0.5, max_attempts: 50}}
    breaker: {{failure_threshold: 5, reset_after: 0.3}}
  odoo: {{kind: odoo, system: odoo, url: "{odoo_url}", db: {DB}, login: admin, secret: admin}}
  reports: {{kind: file, path: "{folder / "reports"}"}}
flows:
  warehouses: {{WH: {{endpoint: wms}}}}
  erp_endpoint: odoo
  reports_endpoint: reports
  reconcile_tolerance_units: 3
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
"""


class OdooUser(OdooPerson):
    """What people do in Odoo during the day."""

    def sell_many(self, count: int, rng: random.Random) -> list[str]:
        customers = self.x("res.partner", "search", [["name", "like", "Customer"], ["is_company", "=", True]])
        products = self.products(SKUS)
        values = []
        for _ in range(count):
            skus = rng.sample(SKUS, rng.randint(2, 5))
            values.append(
                {
                    "partner_id": rng.choice(customers),
                    "client_order_ref": f"PO-{rng.randint(1000, 9999)}",
                    "order_line": [
                        [0, 0, {"product_id": products[s], "product_uom_qty": rng.randint(1, 6)}]
                        for s in skus
                    ],
                }
            )
        ids = self.x("sale.order", "create", values)
        self.x("sale.order", "action_confirm", ids)
        return [r["name"] for r in self.x("sale.order", "read", ids, ["name"])]

    def sell_to_new_address(self) -> str:
        """A customer's new delivery address, keyed in without its street."""
        customer = self.x("res.partner", "search", [["name", "like", "Customer"], ["is_company", "=", True]])[
            0
        ]
        country = self.x("res.partner", "read", [customer], ["country_id"])[0]["country_id"]
        address = self.x(
            "res.partner",
            "create",
            {
                "name": "New Depot (no street yet)",
                "type": "delivery",
                "parent_id": customer,
                "city": "Liege",
                "zip": "4000",
                "country_id": country[0] if country else False,
            },
        )
        order = self.x(
            "sale.order",
            "create",
            {
                "partner_id": customer,
                "partner_shipping_id": address,
                "order_line": [
                    [0, 0, {"product_id": self.products(["SKU00001"])["SKU00001"], "product_uom_qty": 2}]
                ],
            },
        )
        self.x("sale.order", "action_confirm", [order])
        return self.x("sale.order", "read", [order], ["name"])[0]["name"]

    def align_stock(self, balances: list[dict]) -> int:
        """Go-live: Odoo's on-hand at WH/Stock set to the warehouse's count, per SKU and lot."""
        [house] = self.x("stock.warehouse", "search_read", [["code", "=", "WH"]], ["lot_stock_id"])
        products = self.products(SKUS)
        lots = {
            (r["product_id"][0], r["name"]): r["id"]
            for r in self.x(
                "stock.lot",
                "search_read",
                [["product_id", "in", list(products.values())]],
                ["name", "product_id"],
            )
        }
        values = []
        for line in balances:
            product = products.get(line["sku"])
            if product is None or line.get("status") not in (None, "available"):
                continue
            lot = lots.get((product, line["lot"])) if line.get("lot") else False
            if line.get("lot") and not lot:
                lot = self.x("stock.lot", "create", {"name": line["lot"], "product_id": product})
            values.append(
                {
                    "product_id": product,
                    "location_id": house["lot_stock_id"][0],
                    "lot_id": lot or False,
                    "inventory_quantity": float(line["on_hand"]),
                }
            )
        quants = self.x("stock.quant", "create", values, context={"inventory_mode": True})
        try:
            self.x("stock.quant", "action_apply_inventory", quants, context={"inventory_mode": True})
        except xmlrpc.client.Fault as fault:  # Odoo returns None, which XML-RPC cannot marshal
            if "cannot marshal None" not in fault.faultString:
                raise
        return len(values)

    def return_goods(self, order: str) -> str | None:
        done = self.x(
            "stock.picking",
            "search_read",
            [["origin", "=", order], ["state", "=", "done"]],
            ["move_ids"],
            limit=1,
        )
        if not done:
            return None
        picking = done[0]["id"]
        context = {"active_id": picking, "active_ids": [picking], "active_model": "stock.picking"}
        wizard = self.x("stock.return.picking", "create", {"picking_id": picking}, context=context)
        action = self.x("stock.return.picking", "create_returns", [wizard], context=context)
        return self.x("stock.picking", "read", [action["res_id"]], ["name"])[0]["name"]


async def _settle(config, console: Console, label: str) -> None:
    runtime = Runtime(config)
    try:
        await runtime.run(until_idle=True)
    finally:
        await runtime.close()
    console.print(f"  crossdock: {label}")


def run_demo(folder: Path, orders: int, console: Console) -> None:
    folder = folder.resolve()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rng = random.Random(2026)
    # The narration below tells what happens; the runtime's own log lines would drown it.
    logging.getLogger("crossdock").setLevel(logging.ERROR)
    odoo = OdooServer(seed(open_database(":memory:", "17.0"), skus=60, customers=12, suppliers=4)).start()
    # A warehouse having a bad day, so that every path shows: short picks, over/short/damaged receipts.
    wms = WmsServer(
        config=WmsConfig(
            seed=11,
            api_key=WMS_KEY,
            short_pick_rate=0.04,
            over_receipt_rate=0.25,
            short_receipt_rate=0.25,
            damaged_rate=0.2,
        )
    ).start()
    try:
        (folder / "crossdock.yaml").write_text(_config_text(folder, odoo.url, wms.url))
        config = load_config(folder / "crossdock.yaml")
        warehouse = WmsOperator(wms)
        asyncio.run(_day(config, OdooUser(odoo.url), warehouse, orders, rng, console, folder))
        warehouse.close()
    finally:
        wms.stop()
        odoo.stop()
    console.print(f"\nthe store and the configuration are in {folder}; try:")
    console.print(
        f"  crossdock status -c {folder / 'crossdock.yaml'}   (also: dlq list, trace <order>, ledger --state failed)"
    )


async def _day(
    config,
    user: OdooUser,
    warehouse: WmsOperator,
    orders: int,
    rng: random.Random,
    console: Console,
    folder: Path,
) -> None:
    console.rule("crossdock demo: a day between Odoo and the warehouse")
    balances = warehouse.get("/v1/inventory?granularity=SKU_LOT")["balances"]
    console.print(
        f"07:00 go-live: Odoo's stock aligned to the warehouse's count ({user.align_stock(balances)} positions)"
    )
    morning = user.sell_many(orders, rng)
    morning.append(user.sell_to_new_address())
    purchases = [user.buy([(rng.choice(SKUS), rng.randint(20, 60)) for _ in range(3)]) for _ in range(3)]
    console.print(f"08:00 Odoo confirms {len(morning)} sale orders and {len(purchases)} purchase orders")
    await _settle(config, console, "released the orders and the expected receipts to the warehouse")
    runtime = Runtime(config)
    refused = [d for d in runtime.ops.dead_letters() if d.kind == "command"]
    await runtime.close()
    for letter in refused:
        console.print(f"  [red]dead letter {letter.ref} {letter.business_key}: {letter.error}[/red]")
    dead = next((d for d in refused if "street" in (d.error or "")), None)

    summary = warehouse.post("/_sim/advance", {"minutes": 180})
    console.print(f"11:00 the warehouse ran {summary['tasks_run']}: {summary['events_by_type']}")
    await _settle(config, console, "brought shipments and receipts back to Odoo")

    warehouse.post("/_sim/faults", {"outage": True})
    afternoon = user.sell_many(max(4, orders // 4), rng)
    console.print(f"13:00 the WMS is down; Odoo confirms {len(afternoon)} more orders")
    runtime = Runtime(config)
    await runtime.start()
    for _ in range(12):  # a few rounds while the warehouse is unreachable
        await runtime.step()
        await asyncio.sleep(0.05)
    waiting = runtime.ops.status()["commands"]
    await runtime.close()
    retrying = sum(r["count"] for r in waiting if r["state"] == "retry_scheduled")
    console.print(f"  crossdock: {retrying} deliveries waiting to retry, circuit breaker open, nothing lost")
    warehouse.post("/_sim/faults", {"clear": True})
    await _settle(config, console, "the WMS is back: every waiting order delivered")

    if dead:
        runtime = Runtime(config)
        runtime.ops.correct(
            dead.ref,
            "demo-operator",
            "customer service phoned the depot for its street",
            changes={"ship_to.street": "400 Webster St"},
        )
        runtime.ops.replay(dead.ref, "demo-operator", "replay after correction")
        await runtime.close()
        console.print(
            f"14:00 an operator corrects {dead.ref} ({dead.business_key}: ship_to.street added) "
            "and replays it"
        )
        await _settle(config, console, "the corrected order reached the warehouse")

    summary = warehouse.post("/_sim/advance", {"minutes": 420})
    console.print(f"21:00 the warehouse ran {summary['tasks_run']}")
    await _settle(config, console, "confirmations applied in Odoo")

    returned = [r for r in (user.return_goods(o) for o in morning[:3]) if r]
    console.print(f"next day 08:00 customers return goods: {', '.join(returned)}")
    await _settle(config, console, "return authorizations sent to the warehouse")
    summary = warehouse.post("/_sim/advance", {"minutes": 600})
    warehouse.post("/_sim/cycle-count", {})
    warehouse.post("/_sim/snapshot")
    console.print(f"18:00 returns received, a cycle count and a snapshot: {summary['events_by_type']}")
    await _settle(config, console, "returns, adjustments and the reconciliation applied in Odoo")
    _report(config, user, folder, console)


def _discrepancy(line: dict) -> str:
    if line["kind"] == "damaged":
        return f"{line['sku']} damaged {line['damaged']}"
    damaged = f" (damaged {line['damaged']})" if line["damaged"] != "0" else ""
    return f"{line['sku']} {line['kind']} {line['difference']}{damaged}"


def _report(config, user: OdooUser, folder: Path, console: Console) -> None:
    runtime = Runtime(config, sources=[])
    with runtime.store.engine.connect() as conn:
        transitions = dict(
            conn.execute(select(ledger.ledger.c.state, func.count()).group_by(ledger.ledger.c.state)).all()
        )
        delivered = dict(
            conn.execute(
                select(outbox.c.action, func.count())
                .where(outbox.c.state.in_(("delivered", "acknowledged")))
                .group_by(outbox.c.action)
            ).all()
        )
        reconciled = (
            conn.execute(
                select(ledger.ledger.c.detail).where(
                    ledger.ledger.c.state == "delivered",
                    ledger.ledger.c.system == "odoo",
                    ledger.ledger.c.detail.like('%"accuracy"%'),
                )
            )
            .scalars()
            .all()
        )
    pickings = user.x(
        "stock.picking", "search_read", [["picking_type_code", "=", "outgoing"]], ["state", "backorder_id"]
    )
    states = Counter(p["state"] for p in pickings)
    reports = [json.loads(p.read_text())["payload"] for p in (folder / "reports").glob("*.json")]
    table = Table(title="what happened")
    table.add_column("")
    table.add_column("", justify="right")
    rows = [
        ("orders released to the warehouse", delivered.get("order.released", 0)),
        ("shipment confirmations applied in Odoo", delivered.get("shipment.confirmed", 0)),
        (
            "deliveries done in Odoo / still open",
            f"{states.get('done', 0)} / {states.get('assigned', 0) + states.get('confirmed', 0)}",
        ),
        ("backorders created", sum(1 for p in pickings if p["backorder_id"])),
        ("receipts applied in Odoo", delivered.get("receipt.confirmed", 0)),
        ("discrepancy reports (lines)", f"{len(reports)} ({sum(len(r['lines']) for r in reports)})"),
        ("returns received", delivered.get("return.received", 0)),
        ("inventory adjustments applied", delivered.get("inventory.adjusted", 0)),
        ("retries after failures", transitions.get("retry_scheduled", 0)),
        ("dead letters now", len(runtime.ops.dead_letters())),
        ("corrections / replays", f"{transitions.get('corrected', 0)} / {transitions.get('replayed', 0)}"),
    ]
    for number, detail in enumerate(reconciled, 1):
        data = json.loads(detail)
        rows.append(
            (
                f"snapshot {number} reconciled: accuracy, adjusted, for review",
                f"{data['accuracy']} %, {data['adjusted']}, {len(data['review'])}",
            )
        )
    for label, value in rows:
        table.add_row(label, str(value))
    console.print(table)
    for report in reports[:3]:
        lines = ", ".join(_discrepancy(line) for line in report["lines"])
        console.print(f"  discrepancy {report['receipt_id']} ({report['supplier'].get('name')}): {lines}")
    console.print("ledger transitions: " + ", ".join(f"{k} {v}" for k, v in sorted(transitions.items())))
    runtime.store.dispose()
