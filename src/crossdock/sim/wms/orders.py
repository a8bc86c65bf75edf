"""Outbound orders: validation, idempotent create, the read model, cancellation."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .carriers import SCAC
from .clock import iso
from .errors import ApiError, bad_request, conflict, not_found, unprocessable
from .warehouse import (
    PACK_STATION,
    Warehouse,
    parse_decimal,
    parse_enum,
    parse_when,
    req_list,
    req_obj,
    req_str,
    request_lines,
)

OPEN_STATUSES = (
    "RECEIVED",
    "ALLOCATED",
    "PARTIALLY_ALLOCATED",
    "PICKING",
    "PACKED",
    "PARTIALLY_SHIPPED",
    "EXCEPTION",
)
QTY_FIELDS = ("ordered", "allocated", "picked", "shipped", "backordered", "cancelled")


def fingerprint(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def answer_repeat(
    existing: dict | None, body: Any, what: str, view: Callable[[dict], dict]
) -> tuple[int, dict] | None:
    """A create sent again: the stored answer for the same body, a conflict for another; None when new."""
    if existing is None:
        return None
    if existing["fingerprint"] == fingerprint(body):
        return 200, view(existing)
    raise conflict(
        "IDEMPOTENCY_CONFLICT",
        f"{what} {existing['external_id']!r} exists with a different body; use a new external_id",
        "external_id",
    )


def line_view(line: dict) -> dict:
    view = {
        "line_ref": line["line_ref"],
        "sku": line["sku"],
        "uom": line["uom"],
        "qty_requested": line["qty_requested"],
        "uom_requested": line["uom_requested"],
        "lot_requested": line["lot_requested"],
    }
    view.update({f"qty_{name}": line[name] for name in QTY_FIELDS})
    return view


def order_view(order: dict) -> dict:
    hidden = {"fingerprint", "work", "lines", "seq"}
    view = {k: v for k, v in order.items() if k not in hidden}
    view["lines"] = [line_view(line) for line in order["lines"]]
    return view


def _address(body: dict) -> dict:
    raw = req_obj(body, "ship_to", "ship_to")
    assert raw is not None
    address = {
        key: req_str(raw, key, f"ship_to.{key}", required=key != "state")
        for key in ("name", "street", "city", "state", "zip", "country")
    }
    if len(address["country"] or "") != 2 or not str(address["country"]).isalpha():
        raise bad_request("ship_to.country must be an ISO 3166-1 alpha-2 code", "ship_to.country")
    address["country"] = str(address["country"]).upper()
    return address


def validate_order(wh: Warehouse, body: Any) -> dict:
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    external_id = req_str(body, "external_id", "external_id", max_len=100)
    facility = req_str(body, "facility", "facility", required=False) or wh.facility
    if facility != wh.facility:
        raise unprocessable(
            "UNKNOWN_FACILITY", f"this WMS runs facility {wh.facility}, not {facility!r}", "facility"
        )
    carrier = req_obj(body, "carrier", "carrier", required=False)
    if carrier is not None:
        carrier = {
            "code": req_str(carrier, "code", "carrier.code", max_len=20),
            "service": req_str(carrier, "service", "carrier.service", required=False, max_len=40),
        }
    instructions = []
    for i, raw in enumerate(req_list(body, "instructions", "instructions", required=False)):
        if not isinstance(raw, dict):
            raise bad_request(f"instructions[{i}] must be an object", f"instructions[{i}]")
        instructions.append(
            {
                "code": req_str(raw, "code", f"instructions[{i}].code", max_len=40),
                "text": req_str(raw, "text", f"instructions[{i}].text", required=False, max_len=500),
            }
        )
    policy_raw = req_obj(body, "fulfilment_policy", "fulfilment_policy", required=False) or {}
    allow_partial = policy_raw.get("allow_partial", True)
    if not isinstance(allow_partial, bool):
        raise bad_request(
            "fulfilment_policy.allow_partial must be a boolean", "fulfilment_policy.allow_partial"
        )
    policy = {
        "allow_partial": allow_partial,
        "on_shortage": parse_enum(
            policy_raw.get("on_shortage"),
            ("BACKORDER", "CANCEL_REMAINDER"),
            "fulfilment_policy.on_shortage",
            "BACKORDER",
        ),
    }
    rule = body.get("allocation_rule")
    if rule is not None:
        rule = parse_enum(rule, ("fifo", "fefo", "lifo", "specific_lot"), "allocation_rule")
    ship_by = parse_when(body.get("ship_by"), "ship_by")
    lines: list[dict] = []
    for field, raw, line_ref, sku in request_lines(body, "an order"):
        qty = parse_decimal(raw.get("qty"), f"{field}.qty")
        uom = req_str(raw, "uom", f"{field}.uom", required=False, max_len=20)
        lot = req_str(raw, "lot_requested", f"{field}.lot_requested", required=False, max_len=64)
        item = wh.known_item(str(sku), f"{field}.sku")
        uom = uom or item["base_uom"]
        base = wh.to_base(item, qty, uom, f"{field}.qty" if uom == item["base_uom"] else f"{field}.uom")
        if lot is not None and item["tracking"]["lot"] != "required":
            raise unprocessable("LOT_NOT_TRACKED", f"item {sku} is not lot-tracked", f"{field}.lot_requested")
        if rule == "specific_lot" and item["tracking"]["lot"] == "required" and lot is None:
            raise bad_request(
                "allocation_rule specific_lot needs lot_requested on lot-tracked lines",
                f"{field}.lot_requested",
            )
        line = {
            "line_ref": line_ref,
            "sku": sku,
            "uom": item["base_uom"],
            "qty_requested": qty,
            "uom_requested": uom,
            "lot_requested": lot,
        }
        line.update({name: Decimal(0) for name in QTY_FIELDS})
        line["ordered"] = base
        lines.append(line)
    return {
        "external_id": external_id,
        "order_number": req_str(body, "order_number", "order_number", required=False, max_len=100)
        or external_id,
        "facility": facility,
        "ship_to": _address(body),
        "carrier": carrier,
        "service_level": req_str(body, "service_level", "service_level", required=False, max_len=40),
        "ship_by": iso(ship_by) if ship_by else None,
        "allocation_rule": rule,
        "instructions": instructions,
        "fulfilment_policy": policy,
        "lines": lines,
    }


def create_order(wh: Warehouse, body: Any) -> tuple[int, dict]:
    external_id = body.get("external_id") if isinstance(body, dict) else None
    existing = wh.state["orders"].get(external_id) if isinstance(external_id, str) else None
    if repeat := answer_repeat(existing, body, "order", order_view):
        return repeat
    spec = validate_order(wh, body)
    now = iso(wh.clock.now)
    order = spec | {
        "wms_id": f"SO-{wh.next_id('order'):06d}",
        "seq": wh.next_id("order_seq"),
        "status": "RECEIVED",
        "hold_reason": None,
        "rejection_reason": None,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "shipments": [],
        "fingerprint": fingerprint(body),
        "work": None,
    }
    if order["carrier"] and order["carrier"]["code"] not in SCAC:
        # the WMS accepts the document but its routing rules cannot ship it: an asynchronous rejection
        order["status"] = "EXCEPTION"
        order["rejection_reason"] = f"CARRIER_NOT_SUPPORTED: {order['carrier']['code']}"
        wh.state["orders"][spec["external_id"]] = order
        wh.touch("orders", order["external_id"])
        wh.emit(
            "order.rejected",
            "order",
            order["external_id"],
            order["wms_id"],
            {
                "order_external_id": order["external_id"],
                "wms_order_id": order["wms_id"],
                "status": "EXCEPTION",
                "reason": order["rejection_reason"],
            },
        )
        return 201, order_view(order)
    wh.state["orders"][spec["external_id"]] = order
    wh.touch("orders", order["external_id"])
    wh.emit(
        "order.accepted",
        "order",
        order["external_id"],
        order["wms_id"],
        {
            "order_external_id": order["external_id"],
            "wms_order_id": order["wms_id"],
            "order_number": order["order_number"],
            "status": "RECEIVED",
            "lines": [
                {"line_ref": ln["line_ref"], "sku": ln["sku"], "qty_ordered": ln["ordered"], "uom": ln["uom"]}
                for ln in order["lines"]
            ],
        },
    )
    return 201, order_view(order)


def get_order(wh: Warehouse, external_id: str) -> dict:
    order = wh.state["orders"].get(external_id)
    if order is None:
        raise not_found("order", external_id)
    return order


def set_status(wh: Warehouse, order: dict, status: str, hold_reason: str | None = None) -> None:
    wh.touch("orders", order["external_id"])
    if (order["status"], order["hold_reason"]) == (status, hold_reason):
        return
    previous = order["status"]
    order["status"], order["hold_reason"] = status, hold_reason
    order["version"] += 1
    order["updated_at"] = iso(wh.clock.now)
    wh.emit(
        "order.status_changed",
        "order",
        order["external_id"],
        order["wms_id"],
        {
            "order_external_id": order["external_id"],
            "wms_order_id": order["wms_id"],
            "status": status,
            "previous_status": previous,
            "hold_reason": hold_reason,
            "lines": [line_view(line) for line in order["lines"]],
        },
    )


def release_work(wh: Warehouse, order: dict) -> None:
    """Undo reservations and put staged (picked, unshipped) goods back to the bins they came from."""
    wh.touch("orders", order["external_id"])
    work = order["work"]
    if not work:
        return
    for alloc in work["allocs"]:
        quant = wh.quant(alloc["quant"])
        if quant is not None:
            quant["allocated"] -= alloc["qty"]
    for pick in work["picks"]:
        staged = next(
            (
                q
                for q in wh.quants(pick["sku"])
                if q["order"] == order["external_id"]
                and q["lot"] == pick["lot"]
                and q["location"] == PACK_STATION
            ),
            None,
        )
        if staged is not None:
            staged["on_hand"] -= pick["qty"]
            staged["allocated"] -= pick["qty"]
            for serial in pick["serials"]:
                if serial in staged["serials"]:
                    staged["serials"].remove(serial)
        wh.add_stock(
            pick["sku"], pick["qty"], pick["location"], pick["lot"], pick["expiry"], serials=pick["serials"]
        )
    wh.drop_empty()
    wh.state["tasks"] = [
        t
        for t in wh.state["tasks"]
        if t["ref"] != order["external_id"] or t["kind"] not in ("pick_pack", "ship")
    ]
    order["work"] = None


def cancel_order(wh: Warehouse, external_id: str, body: Any) -> dict:
    order = get_order(wh, external_id)
    wh.touch("orders", external_id)
    reason = body.get("reason") if isinstance(body, dict) else None
    if reason is not None and not isinstance(reason, str):
        raise bad_request("reason must be a string", "reason")
    if order["status"] == "CANCELLED":
        return order_view(order)
    if order["status"] == "SHIPPED":
        raise ApiError(
            409, "ORDER_SHIPPED", f"order {external_id!r} has shipped: it can no longer be cancelled"
        )
    release_work(wh, order)
    for line in order["lines"]:
        line["allocated"] = line["picked"] = line["shipped"]  # its reservations are released
    cancel_remainder(wh, order, reason or "REQUESTED_BY_CLIENT")
    return order_view(order)


def open_qty(line: dict) -> Decimal:
    return line["ordered"] - line["shipped"] - line["cancelled"]


def cancel_remainder(wh: Warehouse, order: dict, reason: str) -> None:
    """Cancel what is neither shipped nor cancelled; an order that shipped some ends SHIPPED."""
    lines = []
    for line in order["lines"]:
        remainder = open_qty(line)
        if remainder > 0:
            line["cancelled"] += remainder
            line["backordered"] = Decimal(0)
            lines.append(
                {
                    "line_ref": line["line_ref"],
                    "sku": line["sku"],
                    "qty_cancelled": remainder,
                    "uom": line["uom"],
                }
            )
    shipped = any(line["shipped"] > 0 for line in order["lines"])
    finish_cancel(wh, order, reason, lines, "SHIPPED" if shipped else None)


def finish_cancel(
    wh: Warehouse, order: dict, reason: str, cancelled_lines: list[dict], final_status: str | None = None
) -> None:
    wh.emit(
        "order.cancelled",
        "order",
        order["external_id"],
        order["wms_id"],
        {
            "order_external_id": order["external_id"],
            "wms_order_id": order["wms_id"],
            "reason": reason,
            "cancelled_at": iso(wh.clock.now),
            "lines": cancelled_lines,
        },
    )
    set_status(wh, order, final_status or "CANCELLED")
