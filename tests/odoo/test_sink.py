"""Applying confirmations to Odoo: quantities, lots, serials, packages, tracking, backorders, idempotency."""

from __future__ import annotations

import itertools

import pytest

from crossdock.connectors.base import Delivery, Outcome, PermanentError
from crossdock.connectors.odoo.sink import OdooSink, OdooSinkOptions
from crossdock.model import InventoryAdjustment
from crossdock.sim.odoo.versions import personality

from .conftest import API_KEY, DB, LOGIN, PASSWORD

ids = itertools.count(1)


@pytest.fixture
async def sink(odoo):
    made = OdooSink(
        "odoo",
        OdooSinkOptions(url=odoo.url, db=DB, login=LOGIN, secret=API_KEY if odoo.major >= 19 else PASSWORD),
    )
    yield made
    await made.close()


def delivery(action: str, payload: dict) -> Delivery:
    n = next(ids)
    return Delivery(
        outbox_id=n, idempotency_key=f"k{n}", endpoint="odoo", action=action, payload=payload, attempt=1
    )


def shipment(shipment_id: str, order: str, lines: list[dict], final: bool = False, **extra) -> Delivery:
    return delivery(
        "shipment.confirmed",
        {
            "shipment_id": shipment_id,
            "order_id": order,
            "warehouse_code": "WH",
            "shipped_at": "2026-11-27T10:00:00Z",
            "lines": lines,
            "final": final,
            **extra,
        },
    )


def line(n: int, sku: str, qty: str, **extra) -> dict:
    return {"line_no": str(n), "sku": sku, "shipped_quantity": {"value": qty}, **extra}


async def test_partial_shipment_with_lots_serials_package_and_tracking_leaves_a_backorder(odoo, sink):
    order, name = odoo.sell_order([("SKU00001", 10), ("SKU00002", 20), ("SKU00003", 2)])
    first = shipment(
        f"A-{name}",
        name,
        [
            line(1, "SKU00001", "6"),
            line(
                2,
                "SKU00002",
                "20",
                lots=[
                    {"lot": "LOT-00002-A", "quantity": {"value": "5"}},
                    {"lot": "LOT-00002-B", "quantity": {"value": "15"}},
                ],
            ),
            line(3, "SKU00003", "2", serials=["SN-00003-001", "SN-00003-002"]),
        ],
        tracking_number="1Z999AA10123456784",
        freight_cost={"amount": "18.40"},
        packages=[
            {"package_id": "BOX1", "sscc": "000123456789012345", "weight": {"value": "7.5", "unit": "kg"}}
        ],
    )
    [outcome] = await sink.deliver_many([first])
    assert isinstance(outcome, Outcome) and outcome.detail["backorder"]
    done, backorder = odoo.pickings(name)
    assert (done["state"], done["carrier_tracking_ref"], done["carrier_price"]) == (
        "done",
        "1Z999AA10123456784",
        18.4,
    )
    assert backorder["state"] != "done" and backorder["backorder_id"][0] == done["id"]
    delivered = {
        r["product_id"][1]: r["qty_delivered"]
        for r in odoo.x(
            "sale.order.line", "search_read", [["order_id", "=", order]], ["product_id", "qty_delivered"]
        )
    }
    assert sorted(delivered.values()) == [2.0, 6.0, 20.0]
    lots = odoo.x(
        "stock.move.line",
        "search_read",
        [["picking_id", "=", done["id"]], ["lot_id", "!=", False]],
        ["lot_id", "result_package_id"],
    )
    assert sorted(r["lot_id"][1] for r in lots) == [
        "LOT-00002-A",
        "LOT-00002-B",
        "SN-00003-001",
        "SN-00003-002",
    ]
    # The one package without contents holds every line, under its SSCC and with its weight.
    moved = odoo.x("stock.move.line", "search_read", [["picking_id", "=", done["id"]]], ["result_package_id"])
    assert len(moved) == 5 and {r["result_package_id"] and r["result_package_id"][1] for r in moved} == {
        "000123456789012345"
    }
    [package] = odoo.x(
        personality(odoo.version).package_model,
        "read",
        [moved[0]["result_package_id"][0]],
        ["name", "shipping_weight"],
    )
    assert (package["name"], package["shipping_weight"]) == ("000123456789012345", 7.5)
    # Redelivery (the runtime delivers at least once): reported as applied, nothing changes.
    [again] = await sink.deliver_many([first])
    assert again.detail["already_applied"] is True
    assert [p["state"] for p in odoo.pickings(name)] == ["done", backorder["state"]]
    # The rest ships later, finally: it lands on the backorder and leaves nothing open.
    [rest] = await sink.deliver_many([shipment(f"B-{name}", name, [line(1, "SKU00001", "4")], final=True)])
    assert rest.detail["picking_id"] == backorder["id"] and rest.detail["backorder"] is None
    assert [p["state"] for p in odoo.pickings(name)] == ["done", "done"]


async def test_final_short_shipment_cancels_the_rest(odoo, sink):
    order, name = odoo.sell_order([("SKU00001", 10)])
    [outcome] = await sink.deliver_many([shipment(f"S-{name}", name, [line(1, "SKU00001", "7")], final=True)])
    assert outcome.detail["backorder"] is None
    assert [p["state"] for p in odoo.pickings(name)] == ["done"]
    [row] = odoo.x("sale.order.line", "search_read", [["order_id", "=", order]], ["qty_delivered"])
    assert row["qty_delivered"] == 7


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        ([line(1, "SKU00001", "2"), line(2, "NO-SUCH-SKU", "1")], "unknown SKU 'NO-SUCH-SKU'"),
        ([line(1, "SKU00001", "99")], "SKU 'SKU00001': 99 confirmed but only 3"),
        (
            [line(1, "SKU00001", "1"), line(2, "SKU00002", "2")],
            "SKU 'SKU00002' is lot-tracked: a lot / serial",
        ),
        ([line(1, "SKU00005", "1")], "SKU 'SKU00005' is not on this picking"),
        (
            [line(2, "SKU00002", "2", lots=[{"lot": "LOT-NOPE", "quantity": {"value": "2"}}])],
            "lot / serial 'LOT-NOPE' of SKU 'SKU00002' does not exist in Odoo",
        ),
    ],
)
async def test_bad_confirmations_are_refused_and_nothing_is_half_applied(odoo, sink, lines, reason):
    name = odoo.sell([("SKU00001", 3), ("SKU00002", 2)])
    before = odoo.x(
        "stock.move.line",
        "search_read",
        [["picking_id.origin", "=", name]],
        ["quantity" if odoo.major > 16 else "qty_done"],
    )
    [outcome] = await sink.deliver_many([shipment(f"X-{name}", name, lines)])
    assert isinstance(outcome, PermanentError) and reason in str(outcome)
    [picking] = odoo.pickings(name)
    assert picking["state"] != "done"
    after = odoo.x(
        "stock.move.line",
        "search_read",
        [["picking_id.origin", "=", name]],
        ["quantity" if odoo.major > 16 else "qty_done"],
    )
    assert after == before


async def test_a_batch_applies_each_document_once_and_isolates_failures(odoo, sink):
    orders = [odoo.sell([("SKU00004", 2)]) for _ in range(4)]
    batch = [shipment(f"M-{n}", n, [line(1, "SKU00004", "2")], final=True) for n in orders]
    batch.append(shipment("M-dup", orders[0], [line(1, "SKU00004", "1")]))  # same order twice in one batch
    batch.append(shipment("M-unknown", "S99999", [line(1, "SKU00004", "1")]))
    await sink.client.connect()
    await sink.writer.fields("stock.picking")
    calls = sink.client.calls
    outcomes = await sink.deliver_many(batch)
    assert [type(o).__name__ for o in outcomes] == ["Outcome"] * 4 + ["TransientError", "PermanentError"]
    assert "no open outgoing picking in Odoo for 'S99999'" in str(outcomes[-1])
    assert all(odoo.pickings(n)[0]["state"] == "done" for n in orders)
    # Batch Transfers is installed: the four pickings are written by one batch, not one call each.
    assert sink.client.calls - calls <= 12
    [batch] = odoo.x(
        "stock.picking.batch",
        "search_read",
        [["name", "=", "crossdock shipments M-" + orders[0]]],
        ["picking_ids", "state"],
    )
    assert len(batch["picking_ids"]) == 4 and batch["state"] == "done"


async def test_without_batch_transfers_each_picking_is_written_alone(odoo):
    secret = API_KEY if odoo.major >= 19 else PASSWORD
    sink = OdooSink(
        "odoo", OdooSinkOptions(url=odoo.url, db=DB, login=LOGIN, secret=secret, batch_transfers="never")
    )
    orders = [odoo.sell([("SKU00004", 1)]) for _ in range(3)]
    await sink.client.connect()
    await sink.writer.fields("stock.picking")
    calls = sink.client.calls
    outcomes = await sink.deliver_many(
        [shipment(f"N-{n}", n, [line(1, "SKU00004", "1")], final=True) for n in orders]
    )
    assert all(isinstance(o, Outcome) for o in outcomes)
    assert sink.client.calls - calls == 3 + 8  # one write per picking, eight calls for the whole batch
    assert odoo.x("stock.picking.batch", "search", [["name", "like", "N-"]]) == []
    await sink.close()


async def test_receipt_with_lots_expiry_and_over_receipt(odoo, sink):
    po = odoo.buy([("SKU00001", 10), ("SKU00002", 5)])
    receipt_name = odoo.pickings(po)[0]["name"]
    [outcome] = await sink.deliver_many(
        [
            delivery(
                "receipt.confirmed",
                {
                    "receipt_id": receipt_name,
                    "purchase_order": po,
                    "warehouse_code": "WH",
                    "received_at": "2026-11-27T09:00:00Z",
                    "lines": [
                        {"line_no": "1", "sku": "SKU00001", "received_quantity": {"value": "12"}},
                        {
                            "line_no": "2",
                            "sku": "SKU00002",
                            "received_quantity": {"value": "5"},
                            "lots": [
                                {
                                    "lot": f"NEW-{po}",
                                    "quantity": {"value": "5"},
                                    "expiry": "2027-06-30T00:00:00Z",
                                }
                            ],
                        },
                    ],
                },
            )
        ]
    )
    assert isinstance(outcome, Outcome), outcome
    received = {
        r["product_id"][1].split("]")[0].strip("["): r["qty_received"]
        for r in odoo.x(
            "purchase.order.line", "search_read", [["order_id.name", "=", po]], ["product_id", "qty_received"]
        )
    }
    assert received == {"SKU00001": 12.0, "SKU00002": 5.0}
    [lot] = odoo.x("stock.lot", "search_read", [["name", "=", f"NEW-{po}"]], ["expiration_date"])
    assert lot["expiration_date"].startswith("2027-06-30")


async def test_inventory_adjustment_is_applied_once(odoo, sink):
    before = odoo.on_hand("SKU00005")
    adjustment = delivery(
        "inventory.adjusted",
        {
            "adjustment_id": f"CC-{odoo.version}",
            "warehouse_code": "WH",
            "adjusted_at": "2026-11-27T11:00:00Z",
            "lines": [{"sku": "SKU00005", "delta": {"value": "-3"}, "reason": "cycle_count"}],
        },
    )
    [first] = await sink.deliver_many([adjustment])
    assert isinstance(first, Outcome) and odoo.on_hand("SKU00005") == before - 3
    [second] = await sink.deliver_many([adjustment])  # a redelivery: the same absolute count, no double
    assert isinstance(second, Outcome) and odoo.on_hand("SKU00005") == before - 3


async def test_adjustment_targets_take_the_same_reads_for_any_number_of_lines(odoo, sink):
    skus = ["SKU00005", "SKU00006", "SKU00007", "SKU00008"]
    document = InventoryAdjustment.model_validate(
        {
            "adjustment_id": f"CC-many-{odoo.version}",
            "warehouse_code": "WH",
            "adjusted_at": "2026-11-27T11:00:00Z",
            "lines": [{"sku": sku, "delta": {"value": "1"}, "reason": "cycle_count"} for sku in skus],
        }
    )
    await sink.client.connect()
    calls = sink.client.calls
    targets = await sink.writer._targets(document)
    assert sink.client.calls - calls <= 4  # warehouse, products, lots, quants: not two reads per line
    [house] = odoo.x("stock.warehouse", "search_read", [["code", "=", "WH"]], ["lot_stock_id"])
    for sku, target in zip(skus, targets, strict=True):
        quants = odoo.x(
            "stock.quant",
            "search_read",
            [["product_id.default_code", "=", sku], ["location_id", "=", house["lot_stock_id"][0]]],
            ["quantity"],
        )
        assert target["target"] == sum(q["quantity"] for q in quants) + 1


async def test_unknown_action_is_refused(sink):
    [outcome] = await sink.deliver_many([delivery("order.released", {})])
    assert isinstance(outcome, PermanentError) and "cannot apply 'order.released'" in str(outcome)


async def test_tracking_updates_reach_the_delivery_once(odoo, sink):
    name = odoo.sell([("SKU00001", 1)])
    manifest = delivery(
        "shipment.manifested",
        {
            "shipment_id": f"L-{name}",
            "order_id": name,
            "carrier": "UPS",
            "carrier_service": "UPS_GROUND",
            "tracking_number": "1ZLABEL",
            "freight_cost": {"amount": "9.10"},
            "manifested_at": "2026-11-27T08:00:00Z",
        },
    )
    [outcome] = await sink.deliver_many([manifest])
    assert outcome.detail["already_applied"] is False
    event = delivery(
        "shipment.in_transit",
        {
            "tracking_number": "1ZLABEL",
            "carrier": "UPS",
            "status": "in_transit",
            "order_id": name,
            "occurred_at": "2026-11-27T15:00:00Z",
        },
    )
    [again] = await sink.deliver_many([event])
    assert again.detail["already_applied"] is True  # the number was already there
    [picking] = odoo.pickings(name)
    assert (picking["carrier_tracking_ref"], picking["carrier_price"]) == ("1ZLABEL", 9.1)
    orphan = delivery(
        "shipment.delivered",
        {
            "tracking_number": "1ZX",
            "carrier": "UPS",
            "status": "delivered",
            "occurred_at": "2026-11-27T15:00:00Z",
        },
    )
    [refused] = await sink.deliver_many([orphan])
    assert isinstance(refused, PermanentError) and "needs the order" in str(refused)


async def test_return_receipt_puts_goods_back(odoo, sink):
    name = odoo.sell([("SKU00001", 4)])
    [picking] = odoo.pickings(name)
    odoo.deliver_all(picking["id"])
    before = odoo.on_hand("SKU00001")
    context = {"active_id": picking["id"], "active_ids": [picking["id"]], "active_model": "stock.picking"}
    values = {"picking_id": picking["id"]}
    if odoo.major == 16:
        move = odoo.x("stock.move", "search", [["picking_id", "=", picking["id"]]])[0]
        values["product_return_moves"] = [
            [0, 0, {"product_id": odoo.product("SKU00001"), "quantity": 3, "move_id": move}]
        ]
    wizard = odoo.x("stock.return.picking", "create", values, context=context)
    if odoo.major >= 17:
        lines = odoo.x("stock.return.picking", "read", [wizard], ["product_return_moves"])[0][
            "product_return_moves"
        ]
        odoo.x("stock.return.picking.line", "write", lines, {"quantity": 3})
    action = odoo.x(
        "stock.return.picking",
        personality(odoo.version).return_method,
        [wizard],
        context=context,
    )
    rma = odoo.x("stock.picking", "read", [action["res_id"]], ["name"])[0]["name"]
    [outcome] = await sink.deliver_many(
        [
            delivery(
                "return.received",
                {
                    "rma_id": rma,
                    "warehouse_code": "WH",
                    "received_at": "2026-11-28T09:00:00Z",
                    "lines": [
                        {
                            "line_no": "1",
                            "sku": "SKU00001",
                            "quantity": {"value": "2"},
                            "condition": "new",
                            "disposition": "restock",
                        },
                        {
                            "line_no": "1",
                            "sku": "SKU00001",
                            "quantity": {"value": "1"},
                            "condition": "damaged",
                            "disposition": "scrap",
                        },
                    ],
                },
            )
        ]
    )
    assert isinstance(outcome, Outcome), outcome
    assert odoo.x("stock.picking", "read", [action["res_id"]], ["state"])[0]["state"] == "done"
    assert odoo.on_hand("SKU00001") == before + 2  # the damaged unit went to scrap, not back on the shelf
    scrapped = odoo.x(
        "stock.move.line",
        "search_read",
        [["picking_id", "=", action["res_id"]], ["location_dest_id.name", "ilike", "scrap"]],
        ["id"],
    )
    assert len(scrapped) == 1


async def test_snapshot_reconciliation_adjusts_small_differences_and_raises_the_rest(odoo, sink):
    on_hand = {code: odoo.on_hand(code) for code in ("SKU00001", "SKU00004", "SKU00005")}
    lot_a = odoo.on_hand("SKU00002", "LOT-00002-A")
    snapshot = delivery(
        "inventory.reconcile",
        {
            "snapshot_id": f"SNAP-{odoo.version}",
            "warehouse_code": "WH",
            "taken_at": "2026-11-27T23:00:00Z",
            "tolerance": {"units": "2", "percent": "0"},
            "lines": [
                {"sku": "SKU00001", "quantity": {"value": str(on_hand["SKU00001"])}},  # agrees
                {"sku": "SKU00004", "quantity": {"value": str(on_hand["SKU00004"] - 2)}},  # within tolerance
                {"sku": "SKU00005", "quantity": {"value": str(on_hand["SKU00005"] - 40)}},  # for review
                {"sku": "SKU00002", "lot": "LOT-00002-A", "quantity": {"value": str(lot_a)}},
            ],
        },
    )
    [outcome] = await sink.deliver_many([snapshot])
    assert isinstance(outcome, Outcome), outcome
    assert outcome.detail["adjusted"] >= 1
    assert any(line["sku"] == "SKU00005" for line in outcome.detail["review"])
    assert odoo.on_hand("SKU00004") == on_hand["SKU00004"] - 2  # adjusted to the warehouse's count
    assert odoo.on_hand("SKU00005") == on_hand["SKU00005"]  # left alone, raised for review
