"""947 Warehouse Inventory Adjustment Advice <-> InventoryAdjustment.

W1901 is the partner's reason code, translated through the profile's ``adjustment_reasons`` (codes the
profile does not know become ``other``); the code itself is kept in ``partner_reason_code``. W1902 is the
signed delta. The lot sits in W1909 (x12-notes Addenda), the note in G69, the location in N9.
"""

from __future__ import annotations

from crossdock.model import AdjustmentReason, InventoryAdjustment

from ..model import TransactionSet
from .common import (
    LOT_MAX,
    Body,
    Problem,
    Segment,
    fail_if,
    find_g62,
    find_sku,
    g62,
    header,
    loops,
    n1_loops,
    n1_party,
    n9,
    parse_datetime,
    party_code,
    qty_out,
    ref_value,
    x12_datetime,
)
from .partner import PartnerProfile

SET_ID = "947"
DOCUMENT = InventoryAdjustment


def _adjusted_qualifier(partner: PartnerProfile) -> str:
    return partner.defaults.get("adjusted_g62", "09")


def to_x12(doc: InventoryAdjustment, partner: PartnerProfile) -> list[Segment]:
    problems: list[Problem] = []
    day, _ = x12_datetime(doc.adjusted_at, partner)
    # x12-notes Addenda: W15 carries both adjustment numbers or neither
    segs: list[Segment] = [["W15", day, doc.adjustment_id, doc.adjustment_id]]
    segs.append(n1_party(partner.entity("warehouse"), None, doc.warehouse_code, partner))
    segs.append(g62(_adjusted_qualifier(partner), doc.adjusted_at, partner))
    for n, line in enumerate(doc.lines, start=1):
        code = line.partner_reason_code or partner.code_out("adjustment_reasons", line.reason.value)
        if code is None:
            problems.append(Problem("W1901", f"line {n}: no partner code for reason {line.reason.value!r}"))
        elif partner.adjustment_reasons.get(code, AdjustmentReason.OTHER) != line.reason:
            problems.append(
                Problem("W1901", f"line {n}: partner code {code!r} does not mean {line.reason.value!r}")
            )
        value, unit = qty_out(line.delta.value, line.delta.uom, partner, f"W1903 line {n}", problems)
        lot = line.lot if line.lot and len(line.lot) <= LOT_MAX else None
        segs.append(["W19", code, value, unit, None, partner.sku_qualifier, line.sku, None, None, lot])
        if line.note:
            segs.append(["G69", line.note])
        if line.lot and lot is None:
            segs.append(n9(partner.ref("lot"), line.lot))
        if line.location:
            segs.append(n9(partner.ref("location"), line.location))
    fail_if(problems, SET_ID)
    return segs


def from_x12(source: TransactionSet | list[list[str]], partner: PartnerProfile) -> InventoryAdjustment:
    body = Body.of(source, SET_ID, partner)
    head = header(body.segs, "W19")
    w15 = body.need_segment("W15", "warehouse adjustment identification", head)
    adjustment_id = (w15.get(2) or w15.get(3)) if w15 else ""
    if w15 is not None and not adjustment_id:
        body.problem("W1502", "adjustment number missing (W1502 and W1503 are empty)", w15)
    adjusted_at = find_g62(body, head, _adjusted_qualifier(partner), partner)
    if adjusted_at is None and w15 is not None and body.need(w15, 1, "adjustment date"):
        adjusted_at = parse_datetime(body, w15, 1, None, partner)
    warehouse = party_code(n1_loops(head).get(partner.entity("warehouse")))
    if warehouse is None:
        body.problem("N1", "warehouse party missing", expected=f"N101 {partner.entity('warehouse')}")
    lines = []
    for loop in loops(body.segs, "W19"):
        w19 = loop[0]
        code = body.need(w19, 1, "adjustment reason code")
        delta = body.decimal(w19, 2, "adjusted quantity")
        unit = body.need(w19, 3, "unit of measure")
        g69 = body.first("G69", loop)
        lines.append(
            {
                "sku": find_sku(body, w19, [(5, 6), (7, 8)], partner),
                "delta": {"value": delta, "uom": partner.unit_in(unit)},
                "reason": partner.adjustment_reasons.get(code, AdjustmentReason.OTHER),
                "partner_reason_code": code or None,
                "lot": w19.get(9) or ref_value(loop, "N9", partner.ref("lot")),
                "location": ref_value(loop, "N9", partner.ref("location")),
                "note": g69.get(1) if g69 else None,
            }
        )
    if not lines:
        body.problem("W19", "mandatory loop missing (at least one adjustment)")
    return body.build(
        InventoryAdjustment,
        adjustment_id=adjustment_id,
        warehouse_code=warehouse,
        adjusted_at=adjusted_at,
        lines=lines,
    )
