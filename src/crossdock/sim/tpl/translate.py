"""Canonical documents <-> the WMS emulator's contract (requests and event payloads).

Inbound (hub -> 3PL): SalesOrder / ExpectedReceipt / ReturnAuthorization become WMS request bodies.
Outbound (3PL -> hub): WMS events become ShipmentConfirmation, ReceiptConfirmation, ReturnReceipt,
InventoryAdjustment and InventorySnapshot, following the table in docs/wms-emulator.md.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crossdock.connectors.edi.maps import PartnerProfile
from crossdock.connectors.wms.profile import load_profile
from crossdock.model import (
    ExpectedReceipt,
    InventoryAdjustment,
    InventorySnapshot,
    ReceiptConfirmation,
    ReturnAuthorization,
    ReturnReceipt,
    SalesOrder,
    ShipmentConfirmation,
)
from crossdock.model.base import Document
from crossdock.sim.wms.carriers import SCAC
from crossdock.sim.wms.clock import iso, parse_iso

# code lists from the bundled WMS profile the emulated warehouse speaks, so the two cannot drift
_CODE_LISTS = load_profile("crossdock").profile.code_lists
REASONS: dict[str, str] = _CODE_LISTS["reason"]  # the WMS's adjustment codes -> canonical reasons
SERVICES: dict[str, str] = _CODE_LISTS["service_level"]  # canonical service level -> the WMS's
WMS_CODE_BY_SCAC = {scac: code for code, scac in SCAC.items()}


def _iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment else None


def _day(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).date().isoformat() if moment else None


def _utc(text: str | None) -> datetime | None:
    """WMS times ("...Z") and dates ("2027-06-01", taken as midnight UTC) as aware datetimes."""
    return parse_iso(text) if text else None


def _carrier(order: SalesOrder, partner: PartnerProfile) -> dict[str, str]:
    """The 940's W66 service -> a WMS carrier code; an unknown carrier stays as text (the WMS rejects it)."""
    service = partner.services.get(order.carrier_service or "")
    level = order.service_level or (service or {}).get("level") or "ground"
    if service is None and order.carrier_service is None:
        return {"code": "UPS", "service": SERVICES.get(level, "GROUND")}
    scac = (service or {}).get("scac") or (order.carrier_service or "")
    canonical = partner.carrier_in(scac) or scac
    code = WMS_CODE_BY_SCAC.get(scac) or (canonical.upper() if canonical.upper() in SCAC else canonical)
    return {"code": code, "service": SERVICES.get(level, "GROUND")}


def order_body(order: SalesOrder, partner: PartnerProfile) -> dict[str, Any]:
    ship_to = order.ship_to
    return {
        "external_id": order.order_id,
        "order_number": order.order_id,
        "ship_to": {
            "name": ship_to.name,
            "street": ship_to.street,
            "city": ship_to.city,
            "state": ship_to.state,
            "zip": ship_to.zip,
            "country": ship_to.country,
        },
        "carrier": _carrier(order, partner),
        "service_level": order.service_level,
        "ship_by": _iso(order.promised_date),
        "instructions": [{"code": c.code, "text": c.text} for c in order.compliance],
        "fulfilment_policy": {"allow_partial": True, "on_shortage": "BACKORDER"},
        "lines": [
            {
                "line_ref": line.line_no,
                "sku": line.sku,
                "qty": format(line.quantity.value, "f"),
                "uom": line.quantity.uom,
                "lot_requested": line.requested_lot,
            }
            for line in order.lines
        ],
    }


def receipt_notice_body(receipt: ExpectedReceipt) -> dict[str, Any]:
    return {
        "external_id": receipt.receipt_id,
        "kind": "ASN" if receipt.asn_reference else "PO",
        "supplier": {"code": receipt.supplier.code, "name": receipt.supplier.name},
        "po_number": receipt.purchase_order,
        "expected_at": _iso(receipt.expected_date),
        "lines": [
            {
                "line_ref": line.line_no,
                "sku": line.sku,
                "qty_expected": format(line.quantity.value, "f"),
                "uom": line.quantity.uom,
                "lot": line.lot,
                "expiry": _day(line.expiry),
            }
            for line in receipt.lines
        ],
    }


def return_notice_body(rma: ReturnAuthorization) -> dict[str, Any]:
    return {
        "external_id": rma.rma_id,
        "kind": "RETURN",
        "supplier": {"code": rma.customer.code, "name": rma.customer.name},
        "original_order_ref": rma.order_id,
        "expected_at": _iso(rma.expected_date),
        "lines": [
            {
                "line_ref": line.line_no,
                "sku": line.sku,
                "qty_expected": format(line.quantity.value, "f"),
                "uom": line.quantity.uom,
                "lot": line.lot,
                "serials": list(line.serials),
            }
            for line in rma.lines
        ],
    }


def _q(value: Any, uom: str) -> dict[str, Any]:
    return {"value": value, "uom": uom}


def shipment_document(p: dict[str, Any], warehouse: str, partner: PartnerProfile) -> ShipmentConfirmation:
    carrier = p.get("carrier") or {}
    tracking = p.get("tracking_numbers") or []
    return ShipmentConfirmation(
        shipment_id=p["wms_shipment_id"],
        order_id=p["order_external_id"],
        warehouse_code=warehouse,
        shipped_at=_utc(p["ship_date"]),
        carrier=partner.carrier_in(carrier.get("scac") or "") if carrier else None,
        service_level=p.get("service_level"),
        tracking_number=tracking[0] if tracking else None,
        freight_cost=p.get("freight_cost"),
        final=bool(p.get("closes_order", True)),
        lines=[
            {
                "line_no": ln["line_ref"],
                "sku": ln["sku"],
                "ordered_quantity": _q(ln["qty_ordered"], ln["uom"]),
                "shipped_quantity": _q(ln["qty_shipped"], ln["uom"]),
                "lots": [
                    {
                        "lot": lot["lot"],
                        "quantity": _q(lot["qty"], ln["uom"]),
                        "expiry": _utc(lot.get("expiry")),
                    }
                    for lot in ln.get("lots") or []
                ],
                "serials": ln.get("serials") or [],
            }
            for ln in p["lines"]
        ],
        packages=[
            {
                "package_id": pkg["package_id"],
                "sscc": pkg.get("sscc"),
                "tracking_number": pkg.get("tracking_number"),
                "weight": pkg.get("weight"),
                "contents": [
                    {
                        "line_no": c["line_ref"],
                        "sku": c["sku"],
                        "quantity": _q(c["qty"], c["uom"]),
                        "lot": c.get("lot"),
                        "serials": c.get("serials") or [],
                    }
                    for c in pkg.get("contents") or []
                ],
            }
            for pkg in p.get("packages") or []
        ],
    )


def receipt_document(p: dict[str, Any], warehouse: str) -> ReceiptConfirmation:
    lines = []
    for ln in p["lines"]:
        uom = ln["uom"]
        lot = ln.get("lot")
        lines.append(
            {
                "line_no": ln["line_ref"],
                "sku": ln["sku"],
                "expected_quantity": _q(ln["qty_expected"], uom),
                "received_quantity": _q(ln["qty_received"], uom),
                "damaged_quantity": _q(ln["qty_damaged"], uom)
                if ln.get("qty_damaged") not in (None, "0")
                else None,
                "lots": [
                    {"lot": lot, "quantity": _q(ln["qty_received"], uom), "expiry": _utc(ln.get("expiry"))}
                ]
                if lot
                else [],
                "serials": ln.get("serials") or [],
                "putaway_location": ln.get("location"),
            }
        )
    return ReceiptConfirmation(
        receipt_id=p["notice_external_id"],
        purchase_order=p.get("po_number"),
        warehouse_code=warehouse,
        received_at=_utc(p["received_at"]),
        lines=lines,
    )


def return_document(p: dict[str, Any], warehouse: str) -> ReturnReceipt:
    return ReturnReceipt(
        rma_id=p["notice_external_id"],
        warehouse_code=warehouse,
        received_at=_utc(p["received_at"]),
        lines=[
            {
                "line_no": ln["line_ref"],
                "sku": ln["sku"],
                "quantity": _q(ln["qty"], ln["uom"]),
                "condition": ln["condition"],
                "disposition": ln["disposition"],
                "lot": ln.get("lot"),
                "serials": ln.get("serials") or [],
            }
            for ln in p["lines"]
        ],
    )


def adjustment_document(p: dict[str, Any], warehouse: str) -> InventoryAdjustment:
    return InventoryAdjustment(
        adjustment_id=p["adjustment_id"],
        warehouse_code=warehouse,
        adjusted_at=_utc(p["adjusted_at"]),
        lines=[
            {
                "sku": ln["sku"],
                "delta": _q(ln["delta"], ln["uom"]),
                "reason": REASONS.get(ln["reason_code"], "other"),
                "lot": ln.get("lot"),
                "location": ln.get("location"),
            }
            for ln in p["lines"]
        ],
    )


def snapshot_document(p: dict[str, Any], warehouse: str) -> InventorySnapshot:
    return InventorySnapshot(
        snapshot_id=p["snapshot_id"],
        warehouse_code=warehouse,
        taken_at=_utc(p["taken_at"]),
        lines=[
            {
                "sku": ln["sku"],
                "quantity": _q(ln["on_hand"], ln["uom"]),
                "lot": ln.get("lot"),
                "expiry": _utc(ln.get("expiry")),
                "location": ln.get("location"),
                "status": ln["status"],
            }
            for ln in p["lines"]
        ],
    )


def event_document(
    event: dict[str, Any], warehouse: str, partner: PartnerProfile
) -> tuple[str, Document, str] | None:
    """(set ID, canonical document, reference for the file name) for a WMS event, None when no file is due."""
    kind, p = event["event_type"], event["payload"]
    if kind == "shipment.confirmed":
        return "945", shipment_document(p, warehouse, partner), p["order_external_id"]
    if kind == "receipt.confirmed":
        return "944", receipt_document(p, warehouse), p["notice_external_id"]
    if kind == "return.received":
        return "180", return_document(p, warehouse), p["notice_external_id"]
    if kind == "inventory.adjusted":
        return "947", adjustment_document(p, warehouse), p["adjustment_id"]
    if kind == "inventory.snapshot":
        return "846", snapshot_document(p, warehouse), p["snapshot_id"]
    return None
