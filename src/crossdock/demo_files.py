"""`crossdock demo`: a small, real pipeline on the embedded store, narrated from the ledger.

Odoo's released orders and a WMS's shipment confirmations arrive as files; orders go to a
simulated WMS that is down for its first calls (retries, circuit breaker) and refuses a
discontinued SKU (dead letter); confirmations go to a simulated Odoo. Duplicates, a broken
file, an invalid document and a warehouse message carrying a price (ownership) are rejected
and kept. Then the dead letter is corrected and replayed, as an operator would.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .config import load_config
from .core import ledger
from .core.runtime import Runtime

DISCONTINUED = "DISC-0001"


def _config_text(folder: Path) -> str:
    return f"""\
store: {{url: "sqlite:///{folder / "crossdock.db"}"}}
runtime: {{poll_interval: 0.02, batch_size: 200}}
systems:
  odoo: {{role: erp}}
  wms: {{role: warehouse}}
sources:
  odoo-files: {{kind: files, system: odoo, path: "{folder / "inbox" / "odoo"}", watch: false}}
  wms-files: {{kind: files, system: wms, path: "{folder / "inbox" / "wms"}", watch: false}}
endpoints:
  wms:
    kind: sim-target
    system: wms
    path: "{folder / "wms-received"}"
    outage_attempts: 4
    reject: [{{field: lines.0.sku, equals: {DISCONTINUED}, reason: "unknown SKU {DISCONTINUED} (discontinued)"}}]
    retry: {{base_delay: 0.05, max_delay: 0.4, max_attempts: 6}}
    breaker: {{failure_threshold: 3, reset_after: 0.2}}
  odoo:
    kind: sim-target
    system: odoo
    path: "{folder / "odoo-received"}"
routes:
  - {{type: order.released, flow: passthrough, endpoint: wms}}
  - {{type: shipment.confirmed, flow: passthrough, endpoint: odoo}}
"""


def _order(n: int, at: datetime) -> dict:
    sku = DISCONTINUED if n == 7 else f"SKU-{n % 17:04d}"
    return {
        "id": f"odoo-so-{n}",
        "source": "odoo://main",
        "type": "order.released",
        "time": at.isoformat(),
        "data": {
            "order_id": f"SO{n:04d}",
            "customer": {"code": f"C{n % 5:03d}", "name": f"Customer {n % 5}"},
            "ship_to": {"name": f"Store {n}", "city": "Columbus", "country": "US"},
            "service_level": "ground" if n % 3 else "two_day",
            "allocation_rule": "fefo",
            "lines": [{"line_no": "1", "sku": sku, "quantity": {"value": str(1 + n % 4), "uom": "CS"}}],
        },
    }


def _shipment(n: int, at: datetime, with_price: bool = False) -> dict:
    line = {
        "line_no": "1",
        "sku": f"SKU-{n % 17:04d}",
        "shipped_quantity": {"value": str(1 + n % 4), "uom": "CS"},
    }
    if with_price:
        line["unit_price"] = {"amount": "9.99", "currency": "USD"}
    return {
        "id": f"wms-ship-{n}",
        "source": "wms://dc1",
        "type": "shipment.confirmed",
        "time": at.isoformat(),
        "data": {
            "shipment_id": f"SH{n:04d}",
            "order_id": f"SO{n:04d}",
            "warehouse_code": "DC1",
            "lines": [line],
            "carrier": "UPS",
            "tracking_number": f"1Z{n:010d}",
            "shipped_at": at.isoformat(),
        },
    }


def write_inputs(folder: Path, orders: int) -> None:
    now = datetime.now(UTC)
    odoo, wms = folder / "inbox" / "odoo", folder / "inbox" / "wms"
    odoo.mkdir(parents=True)
    wms.mkdir(parents=True)
    released = [_order(n, now) for n in range(1, orders + 1)]
    (odoo / "01-orders.jsonl").write_text("\n".join(json.dumps(o) for o in released) + "\n")
    invalid = _order(orders + 1, now)
    invalid["data"]["lines"] = []
    (odoo / "02-resent.json").write_text(json.dumps([released[2], invalid]))  # a resend and an empty order
    (odoo / "03-broken.json").write_text('{"id": "x", "type": "order.released", "data": {')
    shipped = [_shipment(n, now + timedelta(hours=2)) for n in range(1, min(orders, 10) + 1) if n != 7]
    shipped.append(_shipment(11, now, with_price=True))
    (wms / "01-shipments.jsonl").write_text("\n".join(json.dumps(s) for s in shipped) + "\n")


def _status_table(runtime: Runtime, title: str) -> Table:
    counts = runtime.ops.status()
    table = Table(title=title)
    for column in ("where", "state", "count"):
        table.add_column(column)
    for row in counts["messages"]:
        table.add_row(f"messages from {row['system']}", row["state"], str(row["count"]))
    for row in counts["commands"]:
        table.add_row(f"commands to {row['endpoint']}", row["state"], str(row["count"]))
    return table


def _ledger_counts(runtime: Runtime) -> dict[str, int]:
    from sqlalchemy import func, select

    with runtime.store.engine.connect() as conn:
        rows = conn.execute(select(ledger.ledger.c.state, func.count()).group_by(ledger.ledger.c.state)).all()
    return dict(rows)


def run_demo(folder: Path, orders: int, console: Console) -> None:
    folder = folder.resolve()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "crossdock.yaml").write_text(_config_text(folder))
    write_inputs(folder, orders)
    config = load_config(folder / "crossdock.yaml")
    console.rule("crossdock demo")
    console.print(f"working folder {folder}; {orders} orders from Odoo, shipment confirmations from the WMS")

    async def main() -> None:
        runtime = Runtime(config)
        try:
            await runtime.run(until_idle=True)
            console.print(_status_table(runtime, "after the first run"))
            dead = runtime.ops.dead_letters()
            table = Table(title="dead letters and rejections, kept for correction")
            for column in ("ref", "key", "from / to", "error"):
                table.add_column(column, overflow="fold")
            for d in dead:
                table.add_row(d.ref, d.business_key or "-", d.system, d.error or "")
            console.print(table)
            refused = [d for d in dead if d.kind == "command"]
            for d in refused:
                runtime.ops.correct(
                    d.ref,
                    "demo-operator",
                    "customer service substituted the discontinued SKU",
                    changes={"lines.0.sku": "SKU-0007"},
                )
                runtime.ops.replay(d.ref, "demo-operator", "replay after correction")
                console.print(
                    f"corrected {d.ref} ({d.business_key}): lines.0.sku {DISCONTINUED} -> SKU-0007, replayed"
                )
            await runtime.run(until_idle=True)
            console.print(_status_table(runtime, "after correction and replay"))
            counts = _ledger_counts(runtime)
            console.print("ledger transitions: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
            if refused and refused[0].business_key:
                with runtime.store.engine.connect() as conn:
                    entries = ledger.trace(conn, refused[0].business_key)
                table = Table(title=f"trace {refused[0].business_key}")
                for column in ("state", "system", "actor", "detail / error"):
                    table.add_column(column, overflow="fold")
                for e in entries:
                    table.add_row(e.state, e.system, e.actor, e.error or e.detail or "")
                console.print(table)
            wms_files = len(list((folder / "wms-received").glob("*.json")))
            odoo_files = len(list((folder / "odoo-received").glob("*.json")))
            console.print(f"the WMS holds {wms_files} orders, Odoo {odoo_files} shipment confirmations")
        finally:
            await runtime.close()

    asyncio.run(main())
    console.print(f"next: crossdock status -c {folder / 'crossdock.yaml'}   (also: trace SO0007, dlq list)")
