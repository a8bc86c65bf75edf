"""The four warehouse flows end to end over real HTTP: Odoo emulator <-> crossdock <-> WMS emulator."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import func, select

from crossdock.core.runtime import Runtime
from crossdock.core.tables import ledger, messages, outbox
from crossdock.sim.odoo.person import OdooPerson
from crossdock.sim.wms import WmsOperator, WmsServer

from .conftest import hub_config, quiet


def released_orders(runtime: Runtime) -> list[dict]:
    with runtime.store.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.payload).where(outbox.c.action == "order.released")).scalars()
        return [json.loads(row) for row in rows]


async def settle(config) -> Runtime:
    runtime = Runtime(config)
    await runtime.run(until_idle=True)
    return runtime


async def test_partial_shipment_backorders_then_completes_with_lots_and_serials(odoo, wms, tmp_path):
    person, warehouse = OdooPerson(odoo.url), WmsOperator(wms)
    # 40 of SKU00001 where the warehouse has 100, but only 2 serial drills where it has 5: all ship;
    # 60 of the lot item where it has 80: two lots, FEFO.
    order = person.sell([("SKU00001", 40), ("SKU00002", 60), ("SKU00003", 2)])
    config = hub_config(odoo, wms, tmp_path)
    await (await settle(config)).close()
    warehouse.post("/_sim/advance", {"minutes": 240})
    runtime = await settle(config)
    [picking] = person.pickings(order)
    assert picking["state"] == "done" and picking["carrier_tracking_ref"]
    lines = person.x(
        "stock.move.line",
        "search_read",
        [["picking_id", "=", picking["id"]]],
        ["product_id", "lot_id", "quantity"],
    )
    lots = sorted(line["lot_id"][1] for line in lines if line["lot_id"])
    assert "SN-00003-001" in lots and any(lot.startswith("LOT-00002-") for lot in lots)
    assert not runtime.ops.dead_letters()
    await runtime.close()


async def test_short_stock_ships_part_and_leaves_a_backorder_in_odoo(odoo, tmp_path):
    with WmsServer(config=quiet()) as wms:
        person, warehouse = OdooPerson(odoo.url), WmsOperator(wms)
        order = person.sell([("SKU00001", 130)])  # the warehouse holds 100
        config = hub_config(odoo, wms, tmp_path)
        await (await settle(config)).close()
        warehouse.post("/_sim/advance", {"minutes": 240})
        runtime = await settle(config)
        done, backorder = person.pickings(order)
        assert done["state"] == "done" and backorder["state"] in ("assigned", "confirmed")
        assert backorder["backorder_id"][0] == done["id"]
        shipped = person.x(
            "sale.order.line", "search_read", [["order_id.name", "=", order]], ["qty_delivered"]
        )
        assert shipped[0]["qty_delivered"] == 100
        await runtime.close()
        # The next poll sees the backorder picking: the warehouse already holds the rest of the
        # order, so it is not released again (the WMS would refuse a second body under that id).
        runtime = await settle(config)
        assert not runtime.ops.dead_letters()
        assert [row["order_id"] for row in released_orders(runtime)] == [order]
        await runtime.close()


async def test_purchase_receipt_with_damage_and_over_receipt_reports_the_discrepancy(odoo, tmp_path):
    with WmsServer(config=quiet(over_receipt_rate=1.0, damaged_rate=1.0)) as wms:
        person, warehouse = OdooPerson(odoo.url), WmsOperator(wms)
        po = person.buy([("SKU00006", 50)])
        config = hub_config(odoo, wms, tmp_path)
        await (await settle(config)).close()
        warehouse.post("/_sim/advance", {"minutes": 600})
        runtime = await settle(config)
        [receipt] = [p for p in person.pickings(po) if not p["backorder_id"]]
        assert receipt["state"] == "done"
        [received] = person.x(
            "purchase.order.line", "search_read", [["order_id.name", "=", po]], ["qty_received"]
        )
        assert received["qty_received"] > 50  # every unit that arrived, damaged ones included
        [report] = [json.loads(p.read_text())["payload"] for p in (tmp_path / "reports").glob("*.json")]
        [line] = report["lines"]
        assert (report["purchase_order"], line["sku"], line["kind"]) == (po, "SKU00006", "over")
        assert float(line["damaged"]) >= 1 and float(line["difference"]) == received["qty_received"] - 50
        await runtime.close()


async def test_return_authorized_in_odoo_is_received_and_restocked(odoo, wms, tmp_path):
    person, warehouse = OdooPerson(odoo.url), WmsOperator(wms)
    order = person.sell([("SKU00001", 5)])
    config = hub_config(odoo, wms, tmp_path)
    await (await settle(config)).close()
    warehouse.post("/_sim/advance", {"minutes": 240})
    await (await settle(config)).close()
    [picking] = person.pickings(order)
    context = {"active_id": picking["id"], "active_ids": [picking["id"]], "active_model": "stock.picking"}
    wizard = person.x("stock.return.picking", "create", {"picking_id": picking["id"]}, context=context)
    lines = person.x("stock.return.picking", "read", [wizard], ["product_return_moves"])[0][
        "product_return_moves"
    ]
    person.x("stock.return.picking.line", "write", lines, {"quantity": 2})
    rma = person.x(
        "stock.picking",
        "read",
        [person.x("stock.return.picking", "create_returns", [wizard], context=context)["res_id"]],
        ["name"],
    )[0]["name"]
    await (await settle(config)).close()
    assert warehouse.get(f"/v1/inbound-notices/{rma.replace('/', '%2F')}")["kind"] == "RETURN"
    warehouse.post("/_sim/advance", {"minutes": 240})
    runtime = await settle(config)
    assert person.x("stock.picking", "search_read", [["name", "=", rma]], ["state"])[0]["state"] == "done"
    assert not runtime.ops.dead_letters()
    await runtime.close()


async def test_cycle_count_adjusts_odoo_and_the_snapshot_is_reconciled(odoo, tmp_path):
    with WmsServer(config=quiet(cycle_count_variance_rate=1.0)) as wms:
        person, warehouse = OdooPerson(odoo.url), WmsOperator(wms)
        config = hub_config(odoo, wms, tmp_path)

        def on_hand() -> float:
            quants = person.x(
                "stock.quant",
                "search_read",
                [["product_id.default_code", "=", "SKU00006"], ["location_id.usage", "=", "internal"]],
                ["quantity"],
            )
            return sum(q["quantity"] for q in quants)

        before = on_hand()
        warehouse.post("/_sim/cycle-count", {"sku": "SKU00006"})
        warehouse.post("/_sim/snapshot")
        runtime = await settle(config)
        with runtime.store.engine.connect() as conn:
            done = dict(
                conn.execute(
                    select(outbox.c.action, func.count())
                    .where(outbox.c.state == "acknowledged")
                    .group_by(outbox.c.action)
                ).all()
            )
            [adjusted] = (
                conn.execute(select(messages.c.payload).where(messages.c.type == "inventory.adjusted"))
                .scalars()
                .all()
            )
            report = json.loads(
                conn.execute(
                    select(ledger.c.detail).where(
                        ledger.c.state == "delivered", ledger.c.detail.like('%"accuracy"%')
                    )
                ).scalar_one()
            )
        assert done.get("inventory.adjusted") == 1 and done.get("inventory.reconcile") == 1
        delta = sum(float(line["delta"]["value"]) for line in json.loads(adjusted)["data"]["lines"])
        assert delta != 0 and on_hand() == before + delta  # Odoo moved by what the count found
        assert report["positions"] > 0 and report["adjusted"] == 0  # tolerance 0: differences go to review
        await runtime.close()


async def test_wms_outage_in_the_middle_of_a_wave_loses_nothing(odoo, wms, tmp_path):
    person, warehouse = OdooPerson(odoo.url), WmsOperator(wms)
    first = [person.sell([("SKU00008", 2)]) for _ in range(3)]
    config = hub_config(odoo, wms, tmp_path)
    await (await settle(config)).close()
    warehouse.post("/_sim/faults", {"outage": True})
    second = [person.sell([("SKU00009", 1)]) for _ in range(4)]
    runtime = Runtime(config)
    for _ in range(20):
        await runtime.step()
        await asyncio.sleep(0.02)
    with runtime.store.engine.connect() as conn:
        waiting = conn.execute(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.state.in_(("retry_scheduled", "pending", "delivering")))
        ).scalar_one()
    assert waiting == 4
    await runtime.close()
    warehouse.post("/_sim/faults", {"clear": True})
    await (await settle(config)).close()
    warehouse.post("/_sim/advance", {"minutes": 240})
    runtime = await settle(config)
    for order in first + second:
        assert [p["state"] for p in person.pickings(order)] == ["done"]
        assert warehouse.get(f"/v1/orders/{order}")["status"] == "SHIPPED"
    await runtime.close()


async def test_duplicate_and_out_of_order_webhooks_are_applied_once_in_order(odoo, tmp_path):
    with WmsServer(config=quiet()) as wms:
        person, warehouse = OdooPerson(odoo.url), WmsOperator(wms)
        orders = [person.sell([("SKU00010", 1)]) for _ in range(4)]
        config = hub_config(odoo, wms, tmp_path, webhook=True)
        runtime = Runtime(config)
        await runtime.run(until_idle=True)  # orders out, webhook subscribed
        warehouse.post("/_sim/faults", {"webhook_duplicate_rate": 1.0, "webhook_out_of_order": True})
        # The calls wait in a thread: crossdock's webhook endpoint runs on this event loop and must answer.
        await asyncio.to_thread(warehouse.post, "/_sim/advance", {"minutes": 240})
        await asyncio.to_thread(warehouse.post, "/_sim/webhooks/flush", {"timeout_s": 10})
        [source] = [s for s in runtime.sources if s.name == "wms"]
        assert source.hints >= 8  # every event arrived at least twice, shuffled
        source._exhausted = False
        await runtime.run(until_idle=True)
        for order in orders:
            assert [p["state"] for p in person.pickings(order)] == ["done"]
        with runtime.store.engine.connect() as conn:
            shipments = conn.execute(
                select(func.count()).select_from(messages).where(messages.c.type == "shipment.confirmed")
            ).scalar_one()
            applied = conn.execute(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.action == "shipment.confirmed", outbox.c.state == "acknowledged")
            ).scalar_one()
        assert shipments == applied == 4
        await runtime.close()
