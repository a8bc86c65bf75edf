"""The emulator's event payloads map cleanly onto crossdock's canonical documents (a reference mapping)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from crossdock.model.base import Dimensions, LotQuantity, Measure, Money, Quantity, SignedQuantity
from crossdock.model.documents import (
    AdjustmentLine,
    AdjustmentReason,
    InventoryAdjustment,
    InventorySnapshot,
    Package,
    PackageContent,
    ReceiptConfirmation,
    ReceiptLine,
    ReturnReceipt,
    ReturnReceiptLine,
    ShipmentConfirmation,
    ShipmentLine,
    SnapshotLine,
)

from .conftest import advance, events_of, order_body

REASONS = {
    "CC": AdjustmentReason.CYCLE_COUNT,
    "DM": AdjustmentReason.DAMAGED,
    "EX": AdjustmentReason.EXPIRED,
    "FD": AdjustmentReason.FOUND,
    "LS": AdjustmentReason.LOST,
    "QH": AdjustmentReason.QUALITY_HOLD,
}


def _day(date: str | None) -> datetime | None:
    return datetime.fromisoformat(date).replace(tzinfo=UTC) if date else None


def _qty(value: str, uom: str) -> Quantity:
    return Quantity(value=Decimal(value), uom=uom)


def shipment(event: dict) -> ShipmentConfirmation:
    p = event["payload"]
    return ShipmentConfirmation(
        shipment_id=p["wms_shipment_id"],
        order_id=p["order_external_id"],
        warehouse_code=event["facility"],
        carrier=p["carrier"]["code"],
        service_level=p["carrier"]["service"],
        tracking_number=p["tracking_numbers"][0] if p["tracking_numbers"] else None,
        freight_cost=Money(
            amount=Decimal(p["freight_cost"]["amount"]), currency=p["freight_cost"]["currency"]
        ),
        shipped_at=p["ship_date"],
        final=p["closes_order"],
        lines=[
            ShipmentLine(
                line_no=ln["line_ref"],
                sku=ln["sku"],
                ordered_quantity=_qty(ln["qty_ordered"], ln["uom"]),
                shipped_quantity=_qty(ln["qty_shipped"], ln["uom"]),
                serials=ln["serials"],
                lots=[
                    LotQuantity(
                        lot=lot["lot"], quantity=_qty(lot["qty"], ln["uom"]), expiry=_day(lot["expiry"])
                    )
                    for lot in ln["lots"]
                ],
            )
            for ln in p["lines"]
        ],
        packages=[
            Package(
                package_id=pk["package_id"],
                sscc=pk["sscc"],
                tracking_number=pk["tracking_number"],
                weight=Measure(value=Decimal(pk["weight"]["value"]), unit=pk["weight"]["unit"]),
                dimensions=Dimensions(
                    length=Decimal(pk["dims"]["l"]),
                    width=Decimal(pk["dims"]["w"]),
                    height=Decimal(pk["dims"]["h"]),
                    unit=pk["dims"]["unit"],
                ),
                contents=[
                    PackageContent(
                        line_no=c["line_ref"],
                        sku=c["sku"],
                        quantity=_qty(c["qty"], c["uom"]),
                        lot=c["lot"],
                        serials=c["serials"],
                    )
                    for c in pk["contents"]
                ],
            )
            for pk in p["packages"]
        ],
    )


def receipt(event: dict) -> ReceiptConfirmation:
    p = event["payload"]
    return ReceiptConfirmation(
        receipt_id=p["notice_external_id"],
        purchase_order=p["po_number"],
        warehouse_code=event["facility"],
        received_at=p["received_at"],
        lines=[
            ReceiptLine(
                line_no=ln["line_ref"],
                sku=ln["sku"],
                expected_quantity=_qty(ln["qty_expected"], ln["uom"]),
                received_quantity=_qty(ln["qty_received"], ln["uom"]),
                damaged_quantity=_qty(ln["qty_damaged"], ln["uom"]),
                serials=ln["serials"],
                putaway_location=ln["location"],
                lots=[
                    LotQuantity(
                        lot=ln["lot"], quantity=_qty(ln["qty_received"], ln["uom"]), expiry=_day(ln["expiry"])
                    )
                ]
                if ln["lot"]
                else [],
            )
            for ln in p["lines"]
        ],
    )


def return_receipt(event: dict) -> ReturnReceipt:
    p = event["payload"]
    return ReturnReceipt(
        rma_id=p["notice_external_id"],
        warehouse_code=event["facility"],
        received_at=p["received_at"],
        lines=[
            ReturnReceiptLine(
                line_no=ln["line_ref"],
                sku=ln["sku"],
                quantity=_qty(ln["qty"], ln["uom"]),
                condition=ln["condition"],
                disposition=ln["disposition"],
                lot=ln["lot"],
                serials=ln["serials"],
            )
            for ln in p["lines"]
        ],
    )


def adjustment(event: dict) -> InventoryAdjustment:
    p = event["payload"]
    return InventoryAdjustment(
        adjustment_id=p["adjustment_id"],
        warehouse_code=event["facility"],
        adjusted_at=p["adjusted_at"],
        lines=[
            AdjustmentLine(
                sku=ln["sku"],
                delta=SignedQuantity(value=Decimal(ln["delta"]), uom=ln["uom"]),
                reason=REASONS[ln["reason_code"]],
                partner_reason_code=ln["reason_code"],
                lot=ln["lot"],
                location=ln["location"],
            )
            for ln in p["lines"]
        ],
    )


def snapshot(event: dict) -> InventorySnapshot:
    p = event["payload"]
    return InventorySnapshot(
        snapshot_id=p["snapshot_id"],
        warehouse_code=event["facility"],
        taken_at=p["taken_at"],
        lines=[
            SnapshotLine(
                sku=ln["sku"],
                quantity=_qty(ln["on_hand"], ln["uom"]),
                lot=ln["lot"],
                expiry=_day(ln["expiry"]),
                location=ln["location"],
                status=ln["status"],
            )
            for ln in p["lines"]
        ],
    )


def test_events_become_canonical_documents(api):
    api.post(
        "/_sim/config",
        json={"damaged_rate": 1.0, "cycle_count_variance_rate": 1.0, "cycle_count_bins_per_day": 2},
    )
    api.post(
        "/v1/orders",
        json=order_body(
            "SO0042",
            [
                {"line_ref": "10", "sku": "SKU00002", "qty": "8"},
                {"line_ref": "20", "sku": "SKU00003", "qty": "1"},
            ],
        ),
    )
    api.post(
        "/v1/inbound-notices",
        json={
            "external_id": "WH/IN/00012",
            "kind": "PO",
            "supplier": {"code": "S"},
            "po_number": "P00012",
            "lines": [
                {
                    "line_ref": "1",
                    "sku": "SKU00002",
                    "qty_expected": "6",
                    "lot": "LOT-77",
                    "expiry": "2027-08-31",
                }
            ],
        },
    )
    api.post(
        "/v1/inbound-notices",
        json={
            "external_id": "RMA0001",
            "kind": "RETURN",
            "original_order_ref": "SO0042",
            "expected_at": "2027-01-04T12:00:00Z",
            "lines": [{"line_ref": "1", "sku": "SKU00003", "qty_expected": "1"}],
        },
    )
    advance(api, 22 * 60)

    [ship] = [shipment(e) for e in events_of(api, "shipment.confirmed")]
    assert ship.business_key() == "SHP-000001" and ship.order_id == "SO0042" and ship.final is True
    assert ship.lines[0].lots == [
        LotQuantity(
            lot="LOT-00002-A", quantity=Quantity(value=Decimal(8)), expiry=datetime(2027, 6, 1, tzinfo=UTC)
        )
    ]
    assert ship.lines[1].serials == ["SN-00003-001"]
    assert sum(c.quantity.value for pk in ship.packages for c in pk.contents) == Decimal(9)

    [rcpt] = [receipt(e) for e in events_of(api, "receipt.confirmed")]
    assert rcpt.purchase_order == "P00012"
    assert (rcpt.lines[0].received_quantity.value, rcpt.lines[0].damaged_quantity.value) == (
        Decimal(6),
        Decimal(1),
    )

    [ret] = [return_receipt(e) for e in events_of(api, "return.received")]
    assert ret.rma_id == "RMA0001" and ret.lines[0].serials == ["SN-00003-001"]

    [adj] = [adjustment(e) for e in events_of(api, "inventory.adjusted")]
    assert {line.reason for line in adj.lines} == {AdjustmentReason.CYCLE_COUNT}

    [snap] = [snapshot(e) for e in events_of(api, "inventory.snapshot")]
    assert snap.taken_at == datetime(2027, 1, 5, tzinfo=UTC)
    assert {line.status for line in snap.lines} == {"available", "damaged"}
