"""Inbound notices (ASN, PO, RETURN): validation, idempotent create, the read model."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from .clock import iso
from .errors import bad_request, not_found, unprocessable
from .operations import schedule
from .orders import answer_repeat, fingerprint
from .warehouse import (
    Warehouse,
    parse_date,
    parse_decimal,
    parse_enum,
    parse_when,
    req_list,
    req_obj,
    req_str,
    request_lines,
)


def notice_view(notice: dict) -> dict:
    view = {k: v for k, v in notice.items() if k not in ("fingerprint", "lines")}
    view["lines"] = [
        {
            "line_ref": ln["line_ref"],
            "sku": ln["sku"],
            "uom": ln["uom"],
            "qty_expected": ln["expected"],
            "qty_received": ln["received"],
            "qty_damaged": ln["damaged"],
            "lot": ln["lot"],
            "expiry": ln["expiry"],
            "serials": ln["serials"],
        }
        for ln in notice["lines"]
    ]
    return view


def _validate(wh: Warehouse, body: dict) -> dict:
    kind = parse_enum(body.get("kind"), ("ASN", "PO", "RETURN"), "kind")
    supplier = req_obj(body, "supplier", "supplier", required=kind != "RETURN")
    if supplier is not None:
        supplier = {
            "code": req_str(supplier, "code", "supplier.code", max_len=64),
            "name": req_str(supplier, "name", "supplier.name", required=False),
        }
    expected_at = parse_when(body.get("expected_at"), "expected_at")
    lines: list[dict] = []
    for field, raw, line_ref, sku in request_lines(body, "a notice"):
        qty = parse_decimal(raw.get("qty_expected"), f"{field}.qty_expected")
        uom = req_str(raw, "uom", f"{field}.uom", required=False, max_len=20)
        lot = req_str(raw, "lot", f"{field}.lot", required=False, max_len=64)
        expiry = parse_date(raw.get("expiry"), f"{field}.expiry")
        serials = req_list(raw, "serials", f"{field}.serials", required=False)
        if not all(isinstance(s, str) for s in serials):
            raise bad_request("serials must be strings", f"{field}.serials")
        item = wh.known_item(str(sku), f"{field}.sku")
        base = wh.to_base(item, qty, uom or item["base_uom"], f"{field}.qty_expected")
        if (lot is not None or expiry is not None) and item["tracking"]["lot"] != "required":
            raise unprocessable("LOT_NOT_TRACKED", f"item {sku} is not lot-tracked", f"{field}.lot")
        lines.append(
            {
                "line_ref": line_ref,
                "sku": sku,
                "uom": item["base_uom"],
                "expected": base,
                "lot": lot,
                "expiry": expiry,
                "serials": serials,
                "received": Decimal(0),
                "damaged": Decimal(0),
            }
        )
    return {
        "kind": kind,
        "supplier": supplier,
        "po_number": req_str(body, "po_number", "po_number", required=False, max_len=100),
        "original_order_ref": req_str(body, "original_order_ref", "original_order_ref", required=False),
        "expected_at": iso(expected_at) if expected_at else None,
        "lines": lines,
    }


def create_notice(wh: Warehouse, body: Any) -> tuple[int, dict]:
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    external_id = req_str(body, "external_id", "external_id", max_len=100)
    if repeat := answer_repeat(wh.state["notices"].get(external_id), body, "notice", notice_view):
        return repeat
    spec = _validate(wh, body)
    prefix = "RMA" if spec["kind"] == "RETURN" else "RCV"
    notice = {
        "external_id": external_id,
        "wms_id": f"{prefix}-{wh.next_id('notice'):06d}",
        "status": "EXPECTED",
        **spec,
        "receipts": [],
        "created_at": iso(wh.clock.now),
        "fingerprint": fingerprint(body),
    }
    wh.state["notices"][external_id] = notice
    wh.touch("notices", external_id)
    expected = parse_when(spec["expected_at"], "expected_at")
    arrival = max(wh.clock.now, expected) if expected else wh.clock.now  # never in the past
    schedule(wh, "receive", arrival + timedelta(minutes=wh.cfg("receive_minutes")), external_id)
    return 201, notice_view(notice)


def get_notice(wh: Warehouse, external_id: str) -> dict:
    notice = wh.state["notices"].get(external_id)
    if notice is None:
        raise not_found("inbound notice", external_id)
    return notice_view(notice)
