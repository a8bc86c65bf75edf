"""943 -> 944 with over / short / damaged, 947 after a cycle count, the daily 846, and 180 returns."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from .hub import Hub, expected_receipt, return_authorization, sales_order


async def test_943_becomes_a_notice_and_944_reports_over_and_damaged(hub: Hub) -> None:
    hub.tpl.wms_call("POST", "/_sim/config", {"over_receipt_rate": 1.0, "damaged_rate": 1.0})
    await hub.send("943_IN1.edi", hub.interchange("943", expected_receipt("IN1", [("1", "SKU00001", "50")])))
    await hub.wait_for("997_")
    assert hub.tpl.state()["notices"] == {"IN1": "EXPECTED"}
    assert hub.tpl.advance(44) == []
    (name,) = hub.tpl.advance(1)
    assert name == "944_IN1_000000002.edi"
    receipt = await hub.document(name)
    assert (receipt.receipt_id, receipt.purchase_order, receipt.warehouse_code) == ("IN1", "PO-IN1", "WH1")
    assert receipt.received_at == datetime(2027, 1, 4, 8, 45, tzinfo=UTC)
    (line,) = receipt.lines
    assert (line.line_no, line.sku) == ("1", "SKU00001")
    assert (line.expected_quantity.value, line.received_quantity.value, line.damaged_quantity.value) == (
        Decimal(50),
        Decimal(OVER_RECEIVED),
        Decimal(OVER_DAMAGED),
    )
    assert line.putaway_location == "A-01-1"
    text = await hub.text(name)
    over = Decimal(OVER_RECEIVED) - 50
    assert f"W13*{format(over, 'f')}*EA*02" in text and f"W13*{OVER_DAMAGED}*EA*01" in text


async def test_944_reports_a_short_receipt(hub: Hub) -> None:
    hub.tpl.wms_call("POST", "/_sim/config", {"short_receipt_rate": 1.0})
    await hub.send("943_IN2.edi", hub.interchange("943", expected_receipt("IN2", [("1", "SKU00006", "40")])))
    await hub.wait_for("997_")
    (name,) = hub.tpl.advance(45)
    (line,) = (await hub.document(name)).lines
    assert (line.expected_quantity.value, line.received_quantity.value, line.damaged_quantity) == (
        Decimal(40),
        Decimal(SHORT_RECEIVED),
        None,
    )
    assert f"W13*{40 - SHORT_RECEIVED}*EA*03" in await hub.text(name)


async def test_947_after_a_cycle_count(hub: Hub) -> None:
    hub.tpl.wms_call("POST", "/_sim/config", {"cycle_count_variance_rate": 1.0})
    (name,) = hub.tpl.cycle_count(sku="SKU00001")
    assert name.startswith("947_ADJ-000001_")
    adjustment = await hub.document(name)
    assert (adjustment.adjustment_id, adjustment.warehouse_code) == ("ADJ-000001", "WH1")
    (line,) = adjustment.lines
    assert (line.sku, line.delta.value, line.reason, line.partner_reason_code, line.location) == (
        "SKU00001",
        Decimal(CC_DELTA),
        "cycle_count",
        "02",  # generic-3pl's code for a cycle count
        "A-01-1",
    )
    on_hand = hub.tpl.wms_call("GET", "/v1/inventory?granularity=SKU&sku=SKU00001")
    assert on_hand["balances"][0]["on_hand"] == str(100 + CC_DELTA)


async def test_846_every_midnight(hub: Hub) -> None:
    assert hub.tpl.advance(15 * 60 + 59) == []  # 08:00 -> 23:59
    (name,) = hub.tpl.advance(1)
    assert name.startswith("846_SNAP-000001_")
    snapshot = await hub.document(name)
    assert snapshot.taken_at == datetime(2027, 1, 5, tzinfo=UTC)
    lines = {(ln.sku, ln.lot, ln.location): (ln.quantity.value, ln.status) for ln in snapshot.lines}
    assert lines[("SKU00001", None, "A-01-1")] == (Decimal(100), "available")
    assert lines[("SKU00002", "LOT-00002-A", "A-02-2")] == (Decimal(30), "available")
    assert lines[("SKU00002", "LOT-00002-B", "A-02-1")] == (Decimal(50), "available")
    assert lines[("SKU00003", None, "A-03-1")] == (Decimal(5), "available")
    expiry = {ln.lot: ln.expiry for ln in snapshot.lines if ln.lot}
    assert expiry == {
        "LOT-00002-A": datetime(2027, 6, 1, tzinfo=UTC),
        "LOT-00002-B": datetime(2027, 11, 28, tzinfo=UTC),
    }
    wms = hub.tpl.wms_call("GET", "/v1/inventory?granularity=SKU_LOT_LOCATION")
    assert len(snapshot.lines) == len(wms["balances"])


async def test_180_return_authorization_and_receipt(hub: Hub) -> None:
    await hub.send("940_SO0042.edi", hub.interchange("940", sales_order()))
    await hub.wait_for("997_")
    hub.tpl.advance(120)  # shipped: SN-00003-001 and -002 left with the order
    rma = return_authorization("RMA-1", "SO0042", "SKU00003", ["SN-00003-002"])
    await hub.send(
        "180_RMA-1.edi", hub.interchange("180", rma, issued_at=datetime(2027, 1, 4, 10, tzinfo=UTC))
    )
    await hub.wait_for("997_", count=2)
    assert hub.tpl.state()["notices"] == {"RMA-1": "EXPECTED"}
    (name,) = hub.tpl.advance(45)
    assert name.startswith("180_RMA-1_")
    receipt = await hub.document(name)
    assert type(receipt).__name__ == "ReturnReceipt"
    assert (receipt.rma_id, receipt.warehouse_code) == ("RMA-1", "WH1")
    (line,) = receipt.lines
    assert (line.line_no, line.sku, line.quantity.value, line.serials) == (
        "1",
        "SKU00003",
        1,
        ["SN-00003-002"],
    )
    assert (line.condition, line.disposition) == RETURN_GRADE


OVER_RECEIVED = 52
OVER_DAMAGED = 1
SHORT_RECEIVED = 39
CC_DELTA = -2
RETURN_GRADE = ("opened", "refurbish")
