"""Odoo RPC calls and wall time: releasing 1,000 confirmed orders and applying 1,000 shipment
confirmations, crossdock's connector beside a naive per-record client (one read per record, as
many hand-written integration scripts do), on the same emulator in the same run."""

from __future__ import annotations

import asyncio
import time
import xmlrpc.client
from typing import Any

from crossdock.connectors.base import Delivery
from crossdock.connectors.odoo.sink import OdooSink, OdooSinkOptions
from crossdock.connectors.odoo.source import OdooSource, OdooSourceOptions
from crossdock.sim.odoo.orm import open_database
from crossdock.sim.odoo.seed import seed
from crossdock.sim.odoo.server import OdooServer

VERSION, DB, LOGIN, PASSWORD = "17.0", "crossdock", "admin", "admin"
SKUS = [f"SKU{n:05d}" for n in (1, 4, 5)]  # untracked, stocked: every order can ship in full


class NaiveClient:
    """What a hand-written script does: the standard library's XML-RPC, one record at a time."""

    def __init__(self, url: str):
        self.proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
        self.calls = 0

    def x(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.proxy.execute_kw(DB, 2, PASSWORD, model, method, list(args), kwargs)

    def release(self, order_names: list[str]) -> list[dict]:
        released = []
        for name in order_names:
            [order_id] = self.x("sale.order", "search", [["name", "=", name]])
            [order] = self.x("sale.order", "read", [order_id], ["name", "partner_id", "client_order_ref"])
            [partner] = self.x(
                "res.partner", "read", [order["partner_id"][0]], ["name", "street", "city", "zip"]
            )
            for picking_id in self.x("stock.picking", "search", [["origin", "=", name]]):
                [picking] = self.x(
                    "stock.picking", "read", [picking_id], ["name", "move_ids", "scheduled_date"]
                )
                lines = []
                for move_id in picking["move_ids"]:
                    [move] = self.x("stock.move", "read", [move_id], ["product_id", "product_uom_qty"])
                    [product] = self.x("product.product", "read", [move["product_id"][0]], ["default_code"])
                    lines.append((product["default_code"], move["product_uom_qty"]))
                released.append({"order": order["name"], "ship_to": partner["name"], "lines": lines})
        return released

    def ship(self, order_name: str, lines: dict[str, float], tracking: str) -> None:
        [picking_id] = self.x(
            "stock.picking", "search", [["origin", "=", order_name], ["state", "!=", "done"]]
        )
        [picking] = self.x("stock.picking", "read", [picking_id], ["move_ids", "state"])
        for move_id in picking["move_ids"]:
            [move] = self.x(
                "stock.move", "read", [move_id], ["product_id", "product_uom_qty", "move_line_ids"]
            )
            # match the warehouse's line by SKU, as the confirmation names products by SKU
            [product] = self.x("product.product", "read", [move["product_id"][0]], ["default_code"])
            shipped = lines[product["default_code"]]
            for line_id in move["move_line_ids"]:
                self.x("stock.move.line", "read", [line_id], ["quantity"])
                self.x("stock.move.line", "write", [line_id], {"quantity": shipped, "picked": True})
        self.x("stock.picking", "write", [picking_id], {"carrier_tracking_ref": tracking})
        self.x("stock.picking", "button_validate", [picking_id])
        self.x("stock.picking", "read", [picking_id], ["state"])


def _stock_up(proxy: NaiveClient) -> None:
    """Enough stock that every order reserves in full (the naive client ships what is reserved)."""
    [house] = proxy.x("stock.warehouse", "search_read", [["code", "=", "WH"]], ["lot_stock_id"])
    products = [proxy.x("product.product", "search", [["default_code", "=", code]])[0] for code in SKUS]
    quants = proxy.x(
        "stock.quant",
        "create",
        [
            {"product_id": p, "location_id": house["lot_stock_id"][0], "inventory_quantity": 100_000}
            for p in products
        ],
        context={"inventory_mode": True},
    )
    try:
        proxy.x("stock.quant", "action_apply_inventory", quants)
    except xmlrpc.client.Fault as fault:  # Odoo returns None here, which XML-RPC cannot marshal
        if "cannot marshal None" not in fault.faultString:
            raise


def _orders(proxy: NaiveClient, count: int) -> list[str]:
    partners = proxy.x("res.partner", "search", [["name", "like", "Customer"]])
    products = [proxy.x("product.product", "search", [["default_code", "=", code]])[0] for code in SKUS]
    values = [
        {
            "partner_id": partners[n % len(partners)],
            "client_order_ref": f"PO-{n}",
            "order_line": [
                [0, 0, {"product_id": p, "product_uom_qty": 1 + (n + i) % 3}] for i, p in enumerate(products)
            ],
        }
        for n in range(count)
    ]
    ids = proxy.x("sale.order", "create", values)
    proxy.x("sale.order", "action_confirm", ids)
    return [r["name"] for r in proxy.x("sale.order", "read", ids, ["name"])]


def _shipment(name: str, lines: list[tuple[str, float]], n: int) -> dict:
    return {
        "shipment_id": f"SH-{name}",
        "order_id": name,
        "warehouse_code": "WH",
        "shipped_at": "2026-11-27T10:00:00Z",
        "final": True,
        "tracking_number": f"1Z{n:010d}",
        "lines": [
            {"line_no": str(i), "sku": sku, "shipped_quantity": {"value": str(qty)}}
            for i, (sku, qty) in enumerate(lines, 1)
        ],
    }


async def _crossdock(
    url: str, names: list[str], batch_transfers: str = "auto"
) -> tuple[list[dict], tuple[int, float], tuple[int, float]]:
    options = dict(url=url, db=DB, login=LOGIN, secret=PASSWORD)
    source = OdooSource("odoo", "odoo", OdooSourceOptions(**options, streams=["orders"], poll_interval=0.001))
    started = time.perf_counter()
    items = await source.poll(10_000)
    release = (source.client.calls, time.perf_counter() - started)
    wanted = set(names)
    orders = [i.body["data"] for i in items if i.body["data"]["order_id"] in wanted]
    await source.close()
    sink = OdooSink("odoo", OdooSinkOptions(**options, batch_transfers=batch_transfers))
    deliveries = [
        Delivery(
            n,
            f"k{n}",
            "odoo",
            "shipment.confirmed",
            _shipment(o["order_id"], [(ln["sku"], ln["quantity"]["value"]) for ln in o["lines"]], n),
            1,
        )
        for n, o in enumerate(orders)
    ]
    started = time.perf_counter()
    failures = 0
    for start in range(0, len(deliveries), 100):  # the dispatcher hands the sink a claim at a time
        outcomes = await sink.deliver_many(deliveries[start : start + 100])
        failures += sum(1 for o in outcomes if isinstance(o, Exception))
    apply = (sink.client.calls, time.perf_counter() - started)
    await sink.close()
    if failures:
        raise RuntimeError(f"{failures} shipments failed in the benchmark")
    return orders, release, apply


def run(orders: int = 1000) -> list[dict]:
    server = OdooServer(seed(open_database(":memory:", VERSION), skus=200, customers=50, suppliers=5)).start()
    try:
        naive = NaiveClient(server.url)
        _stock_up(naive)
        # Each client gets its own 1,000 orders, created just before it runs, so the source's poll
        # sees only those (the ones before are done by then).
        ours = _orders(naive, orders)
        released, release, apply = asyncio.run(_crossdock(server.url, ours))
        assert len(released) == orders, f"crossdock released {len(released)} of {orders}"
        _, _, apply_plain = asyncio.run(
            _crossdock(server.url, _orders(naive, orders), batch_transfers="never")
        )
        theirs = _orders(naive, orders)
        naive.calls = 0
        started = time.perf_counter()
        naive_released = naive.release(theirs)
        naive_release = (naive.calls, time.perf_counter() - started)
        naive.calls = 0
        started = time.perf_counter()
        for n, order in enumerate(naive_released):
            naive.ship(order["order"], dict(order["lines"]), f"1Z{n:010d}")
        naive_apply = (naive.calls, time.perf_counter() - started)
    finally:
        server.stop()
    release_task, apply_task = (
        f"release {orders:,} confirmed orders",
        f"apply {orders:,} shipment confirmations",
    )
    rows = []
    for task, subject, measured, baseline in (
        (release_task, "crossdock connector", release, naive_release),
        (release_task, "naive per-record client (baseline)", naive_release, naive_release),
        (apply_task, "crossdock connector, Batch Transfers installed", apply, naive_apply),
        (apply_task, "crossdock connector, without Batch Transfers", apply_plain, naive_apply),
        (apply_task, "naive per-record client (baseline)", naive_apply, naive_apply),
    ):
        rows.append(
            {
                "benchmark": f"Odoo {VERSION}: {task}",
                "subject": subject,
                "rpc_calls": measured[0],
                "seconds": round(measured[1], 2),
                "calls_vs_naive": f"1/{baseline[0] / measured[0]:,.1f}" if measured is not baseline else "1",
            }
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
