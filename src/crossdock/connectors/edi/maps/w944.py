"""944 Warehouse Stock Transfer Receipt Advice <-> ReceiptConfirmation.

W1704 carries the receipt id (= 943 W0602; W1703, the warehouse's receipt number, repeats it on output).
One W07 loop per received lot (one when no lots), each with N9*LI; 5010 wraps each line's W07 loops in
an LX loop. Discrepancies follow the x12-notes Addenda: W13 with condition codes from the profile
(damaged / over / short); the received quantity includes damaged units. On input the expected quantity
is received + short - over.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crossdock.model import ReceiptConfirmation, ReceiptLine

from ..model import TransactionSet
from .common import (
    LOT_MAX,
    Body,
    Problem,
    Seg,
    Segment,
    fail_if,
    find_g62,
    find_sku,
    g62,
    header,
    loops,
    lot_segments,
    n1_loops,
    n1_party,
    n9,
    parse_datetime,
    party_code,
    qty_out,
    read_lot,
    ref_value,
    refs,
    unit_in,
    x12_datetime,
)
from .partner import PartnerProfile

SET_ID = "944"
DOCUMENT = ReceiptConfirmation


def _received_qualifier(partner: PartnerProfile) -> str:
    return partner.defaults.get("received_g62", "09")


def _line_segments(line: ReceiptLine, partner: PartnerProfile, problems: list[Problem]) -> list[Segment]:
    where = f"line {line.line_no}"
    received = line.received_quantity
    units = [(lq.lot, lq.quantity.value, lq.expiry) for lq in line.lots] or [(None, received.value, None)]
    if line.lots and sum(u[1] for u in units) != received.value:
        problems.append(Problem("W0701", f"{where}: lot quantities do not add up to the received quantity"))
    segs: list[Segment] = []
    for i, (lot, value, expiry) in enumerate(units):
        value, code = qty_out(value, received.uom, partner, f"W0702 {where}", problems)
        segs.append(
            [
                "W07",
                value,
                code,
                None,
                partner.sku_qualifier,
                line.sku,
                None,
                None,
                lot if lot and len(lot) <= LOT_MAX else None,
            ]
        )
        segs.append(n9(partner.ref("line"), line.line_no))
        segs += lot_segments(lot, expiry, partner)
        if i:
            continue
        segs += [n9(partner.ref("serial"), s) for s in line.serials]
        if line.putaway_location:
            segs.append(n9(partner.ref("location"), line.putaway_location))
        codes = partner.discrepancy_codes
        if line.damaged_quantity is not None:
            dmg, dcode = qty_out(
                line.damaged_quantity.value, line.damaged_quantity.uom, partner, "W1302", problems
            )
            segs.append(["W13", dmg, dcode, codes["damaged"]])
        expected = line.expected_quantity
        if expected is not None:
            if expected.uom != received.uom:
                problems.append(Problem("W1302", f"{where}: expected and received units differ"))
            diff = received.value - expected.value
            if diff:
                segs.append(["W13", abs(diff), code, codes["over" if diff > 0 else "short"]])
    return segs


def to_x12(doc: ReceiptConfirmation, partner: PartnerProfile) -> list[Segment]:
    problems: list[Problem] = []
    day, _ = x12_datetime(doc.received_at, partner)
    segs: list[Segment] = [["W17", "F", day, doc.receipt_id, doc.receipt_id]]
    segs.append(n1_party(partner.entity("warehouse"), None, doc.warehouse_code, partner))
    if doc.purchase_order:
        segs.append(n9(partner.ref("purchase_order"), doc.purchase_order))
    segs.append(g62(_received_qualifier(partner), doc.received_at, partner))
    five = partner.release == "005010"
    for n, line in enumerate(doc.lines, start=1):
        if five:
            segs.append(["LX", n])
        segs += _line_segments(line, partner, problems)
    segs.append(["W14", sum((line.received_quantity.value for line in doc.lines), Decimal(0))])
    fail_if(problems, SET_ID)
    return segs


def _group(units: list[list[Seg]], partner: PartnerProfile) -> list[list[list[Seg]]]:
    """4010 has no LX: consecutive W07 loops with the same N9*LI (or, without it, the same item) form a line."""
    lines: list[list[list[Seg]]] = []
    last_key: tuple[str, str] | None = None
    for loop in units:
        key = (ref_value(loop, "N9", partner.ref("line")) or "", loop[0].get(5))
        if lines and key == last_key:
            lines[-1].append(loop)
        else:
            lines.append([loop])
        last_key = key
    return lines


def _read_line(body: Body, n: int, unit_loops: list[list[Seg]], partner: PartnerProfile) -> dict[str, Any]:
    first = unit_loops[0]
    w07 = first[0]
    uom = unit_in(body, w07, 2, partner)
    received = Decimal(0)
    lots = []
    for loop in unit_loops:
        qty = body.decimal(loop[0], 1, "quantity received")
        received += qty or 0
        lot, expiry = read_lot(body, loop[0].get(8), loop, partner)
        if lot:
            lots.append({"lot": lot, "quantity": {"value": qty, "uom": uom}, "expiry": expiry})
    found: dict[str, Decimal] = {}
    for seg in first:
        if seg.id == "W13":
            value = body.decimal(seg, 1, "discrepancy quantity")
            if value is not None:
                found[seg.get(3)] = found.get(seg.get(3), Decimal(0)) + value
    codes = partner.discrepancy_codes
    damaged = found.get(codes["damaged"])
    expected = received + found.get(codes["short"], Decimal(0)) - found.get(codes["over"], Decimal(0))
    return {
        "line_no": ref_value(first, "N9", partner.ref("line")) or str(n),
        "sku": find_sku(body, w07, [(4, 5), (6, 7)], partner),
        "expected_quantity": {"value": expected, "uom": uom},
        "received_quantity": {"value": received, "uom": uom},
        "damaged_quantity": {"value": damaged, "uom": uom} if damaged is not None else None,
        "lots": lots,
        "serials": [s.get(2) for s in refs(first, "N9", partner.ref("serial"))],
        "putaway_location": ref_value(first, "N9", partner.ref("location")),
    }


def from_x12(source: TransactionSet | list[list[str]], partner: PartnerProfile) -> ReceiptConfirmation:
    body = Body.of(source, SET_ID, partner)
    trigger = "LX" if body.is_5010 else "W07"
    head = header(body.segs, trigger)
    w17 = body.need_segment("W17", "warehouse receipt identification", head)
    receipt_id = (w17.get(4) if w17 else "") or body.need(w17, 3, "receipt number")
    received_at = find_g62(body, head, _received_qualifier(partner), partner)
    if received_at is None and w17 is not None:
        body.need(w17, 2, "receipt date")
        received_at = parse_datetime(body, w17, 2, None, partner)
    warehouse = party_code(n1_loops(head).get(partner.entity("warehouse")))
    if warehouse is None:
        body.problem("N1", "warehouse party missing", expected=f"N101 {partner.entity('warehouse')}")
    if body.is_5010:
        groups = [list(loops(lx, "W07")) for lx in loops(body.segs, "LX", ("W14",))]
    else:
        groups = _group(list(loops(body.segs, "W07", ("W14",))), partner)
    lines = [_read_line(body, n, g, partner) for n, g in enumerate(groups, start=1) if g]
    if not lines:
        body.problem("W07", "mandatory loop missing (at least one received item)")
    return body.build(
        ReceiptConfirmation,
        receipt_id=receipt_id,
        purchase_order=ref_value(head, "N9", partner.ref("purchase_order")),
        warehouse_code=warehouse,
        lines=lines,
        received_at=received_at,
    )
