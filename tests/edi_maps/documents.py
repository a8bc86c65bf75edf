"""Canonical documents used by the round-trip tests (only fields the maps carry; see docs/edi-maps.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from crossdock.model import (
    ExpectedReceipt,
    InventoryAdjustment,
    InventorySnapshot,
    ReceiptConfirmation,
    ReturnAuthorization,
    ReturnReceipt,
    SalesOrder,
    ShipmentConfirmation,
    TrackingEvent,
)

T = datetime(2026, 3, 2, 16, 45, tzinfo=UTC)
EXPIRY = datetime(2027, 1, 31, 6, 0, tzinfo=UTC)  # midnight in Chicago, 06:00 in UTC


def sales_order() -> SalesOrder:
    return SalesOrder(
        order_id="SO0042",
        customer={"code": "C100", "name": "Acme Retail"},
        ship_to={
            "name": "Acme DC 7",
            "street": "1 Main St",
            "street2": "Dock 4",
            "city": "Reno",
            "state": "NV",
            "zip": "89501",
            "country": "US",
            "phone": "7755550100",
            "email": "dock@acme.example",
        },
        warehouse_code="WH-EAST",
        customer_po="PO-77",
        carrier_service="UPS_GROUND",
        service_level="ground",
        requested_date=datetime(2026, 3, 1, 14, 30, tzinfo=UTC),
        promised_date=datetime(2026, 3, 5, 6, 0, tzinfo=UTC),
        compliance=[{"code": "SSCC_LABEL", "text": "label every carton"}, {"code": "GIFT_WRAP"}],
        lines=[
            {
                "line_no": "1",
                "sku": "SKU-1",
                "quantity": {"value": Decimal("12"), "uom": "CS"},
                "requested_lot": "L-2026-01",
            },
            {"line_no": "2", "sku": "SKU-2", "quantity": {"value": Decimal("1.375"), "uom": "KG"}},
            {"line_no": "3", "sku": "SKU-3", "quantity": {"value": Decimal("40"), "uom": "EA"}},
        ],
    )


def shipment() -> ShipmentConfirmation:
    return ShipmentConfirmation(
        shipment_id="SH-9001",
        order_id="SO0042",
        warehouse_code="WH-EAST",
        carrier="ups",
        service_level="ground",
        tracking_number="1Z999AA10123456784",
        freight_cost={"amount": "48.50", "currency": "USD"},
        shipped_at=T,
        final=False,
        lines=[
            {
                "line_no": "1",
                "sku": "SKU-1",
                "ordered_quantity": {"value": "12", "uom": "CS"},
                "shipped_quantity": {"value": "10", "uom": "CS"},
                "lots": [
                    {"lot": "L-2026-01", "quantity": {"value": "6", "uom": "CS"}, "expiry": EXPIRY},
                    {"lot": "LOT-WITH-A-LONG-NAME", "quantity": {"value": "4", "uom": "CS"}},
                ],
            },
            {
                "line_no": "2",
                "sku": "SKU-2",
                "ordered_quantity": {"value": "2", "uom": "EA"},
                "shipped_quantity": {"value": "2", "uom": "EA"},
                "serials": ["SN-1", "SN-2"],
            },
        ],
        packages=[
            {
                "package_id": "PKG-1",
                "sscc": "001234560000000018",
                "tracking_number": "1Z999AA10000000001",
                "weight": {"value": "12.5", "unit": "lb"},
                "contents": [
                    {
                        "line_no": "1",
                        "sku": "SKU-1",
                        "quantity": {"value": "6", "uom": "CS"},
                        "lot": "L-2026-01",
                    },
                    {
                        "line_no": "2",
                        "sku": "SKU-2",
                        "quantity": {"value": "2", "uom": "EA"},
                        "serials": ["SN-1", "SN-2"],
                    },
                ],
            },
            {
                "package_id": "PKG-2",
                "sscc": "001234560000000025",
                "weight": {"value": "3.25", "unit": "kg"},
                "contents": [
                    {
                        "line_no": "1",
                        "sku": "SKU-1",
                        "quantity": {"value": "4", "uom": "CS"},
                        "lot": "LOT-WITH-A-LONG-NAME",
                    }
                ],
            },
        ],
    )


def short_shipment() -> ShipmentConfirmation:
    """No packages, a short-shipped line, a line shipped as nothing."""
    return ShipmentConfirmation(
        shipment_id="SH-9002",
        order_id="SO0043",
        warehouse_code="WH-EAST",
        carrier=None,
        shipped_at=datetime(2026, 3, 3, 0, 0, 0, tzinfo=UTC),
        lines=[
            {
                "line_no": "10",
                "sku": "SKU-9",
                "ordered_quantity": {"value": "5", "uom": "EA"},
                "shipped_quantity": {"value": "3", "uom": "EA"},
            },
            {
                "line_no": "20",
                "sku": "SKU-8",
                "ordered_quantity": {"value": "1", "uom": "PL"},
                "shipped_quantity": {"value": "0", "uom": "PL"},
            },
        ],
    )


def expected_receipt() -> ExpectedReceipt:
    return ExpectedReceipt(
        receipt_id="WH/IN/00012",
        purchase_order="PO-5001",
        supplier={"code": "SUP-1", "name": "Widget Works"},
        warehouse_code="WH-EAST",
        expected_date=datetime(2026, 3, 9, 15, 0, tzinfo=UTC),
        carrier="fedex",
        asn_reference="ASN-77",
        lines=[
            {
                "line_no": "1",
                "sku": "SKU-1",
                "quantity": {"value": "100", "uom": "CS"},
                "lot": "L-2026-01",
                "expiry": EXPIRY,
            },
            {"line_no": "2", "sku": "SKU-2", "quantity": {"value": "0.5", "uom": "KG"}},
        ],
    )


def receipt() -> ReceiptConfirmation:
    return ReceiptConfirmation(
        receipt_id="WH/IN/00012",
        purchase_order="PO-5001",
        warehouse_code="WH-EAST",
        received_at=datetime(2026, 3, 9, 17, 20, 5, tzinfo=UTC),
        lines=[
            {
                "line_no": "1",
                "sku": "SKU-1",
                "expected_quantity": {"value": "100", "uom": "CS"},
                "received_quantity": {"value": "98", "uom": "CS"},
                "damaged_quantity": {"value": "3", "uom": "CS"},
                "lots": [
                    {"lot": "L-2026-01", "quantity": {"value": "90", "uom": "CS"}, "expiry": EXPIRY},
                    {"lot": "L-2026-02", "quantity": {"value": "8", "uom": "CS"}},
                ],
                "putaway_location": "A-01-02",
            },
            {
                "line_no": "2",
                "sku": "SKU-2",
                "expected_quantity": {"value": "4", "uom": "EA"},
                "received_quantity": {"value": "5", "uom": "EA"},
                "serials": ["SN-10", "SN-11", "SN-12", "SN-13", "SN-14"],
            },
        ],
    )


def adjustment() -> InventoryAdjustment:
    return InventoryAdjustment(
        adjustment_id="ADJ-311",
        warehouse_code="WH-EAST",
        adjusted_at=datetime(2026, 3, 10, 23, 15, tzinfo=UTC),
        lines=[
            {
                "sku": "SKU-1",
                "delta": {"value": Decimal("-13"), "uom": "CS"},
                "reason": "damaged",
                "partner_reason_code": None,
                "lot": "L-2026-01",
                "location": "A-01-02",
                "note": "forklift damage",
            },
            {"sku": "SKU-2", "delta": {"value": Decimal("2.5"), "uom": "KG"}, "reason": "found"},
            {
                "sku": "SKU-3",
                "delta": {"value": Decimal("-1"), "uom": "EA"},
                "reason": "quality_hold",
                "lot": "LOT-WITH-A-LONG-NAME",
            },
        ],
    )


def snapshot() -> InventorySnapshot:
    return InventorySnapshot(
        snapshot_id="SNAP-20260311",
        warehouse_code="WH-EAST",
        taken_at=datetime(2026, 3, 11, 6, 0, tzinfo=UTC),
        lines=[
            {
                "sku": "SKU-1",
                "quantity": {"value": "120", "uom": "CS"},
                "lot": "L-2026-01",
                "expiry": EXPIRY,
                "location": "A-01-02",
            },
            {
                "sku": "SKU-1",
                "quantity": {"value": "3", "uom": "CS"},
                "lot": "L-2026-01",
                "status": "damaged",
            },
            {"sku": "SKU-2", "quantity": {"value": "0", "uom": "KG"}, "status": "on_hold"},
            {"sku": "SKU-3", "quantity": {"value": "7", "uom": "EA"}, "status": "quarantine"},
            {"sku": "SKU-4", "quantity": {"value": "9", "uom": "EA"}, "status": "allocated"},
        ],
    )


def tracking_events() -> list[TrackingEvent]:
    base = {"tracking_number": "PRO-778899", "carrier": "ups", "shipment_id": "SH-9001"}
    return [
        TrackingEvent(
            **base,
            status="picked_up",
            occurred_at=datetime(2026, 3, 2, 18, 5, tzinfo=UTC),
            location="RENO, NV, US",
            order_id="SO0042",
        ),
        TrackingEvent(
            **base,
            status="exception",
            occurred_at=datetime(2026, 3, 3, 9, 41, 30, tzinfo=UTC),
            exception_code="AH",
            location="Sparks hub",
            description="Weather delay at the Sparks hub, rescheduled for the next available day",
        ),
        TrackingEvent(**base, status="delivered", occurred_at=datetime(2026, 3, 4, 0, 0, tzinfo=UTC)),
    ]


def return_authorization() -> ReturnAuthorization:
    return ReturnAuthorization(
        rma_id="RMA-501",
        order_id="SO0042",
        customer={"code": "C100", "name": "Acme Retail"},
        warehouse_code="WH-EAST",
        carrier="fedex",
        return_tracking_number="RT-123",
        expected_date=datetime(2026, 3, 20, 15, 0, tzinfo=UTC),
        lines=[
            {
                "line_no": "1",
                "sku": "SKU-1",
                "quantity": {"value": "2", "uom": "CS"},
                "reason": "arrived crushed",
                "lot": "L-2026-01",
            },
            {"line_no": "2", "sku": "SKU-2", "quantity": {"value": "1", "uom": "EA"}, "serials": ["SN-1"]},
        ],
    )


def return_receipt() -> ReturnReceipt:
    return ReturnReceipt(
        rma_id="RMA-501",
        warehouse_code="WH-EAST",
        received_at=datetime(2026, 3, 21, 14, 10, tzinfo=UTC),
        lines=[
            {
                "line_no": "1",
                "sku": "SKU-1",
                "quantity": {"value": "2", "uom": "CS"},
                "condition": "damaged",
                "disposition": "scrap",
                "lot": "L-2026-01",
            },
            {
                "line_no": "2",
                "sku": "SKU-2",
                "quantity": {"value": "1", "uom": "EA"},
                "condition": "opened",
                "disposition": "restock",
                "serials": ["SN-1"],
            },
        ],
    )
