"""846 Inventory Inquiry/Advice <-> InventorySnapshot.

One LIN loop per snapshot line: LIN (line number, SKU, and the lot as a second ID pair), DTM*036 expiry,
REF location, QTY with the stock status as QTY01 (profile ``stock_statuses``). On input every QTY of a LIN
loop becomes a line. BIA02 is the profile's report type (``defaults.report_type``); whether the snapshot
is complete or a delta is a partner agreement the syntax does not show (x12-notes §3.6).
"""

from __future__ import annotations

from decimal import Decimal

from crossdock.model import InventorySnapshot

from ..model import TransactionSet
from .common import (
    Body,
    Problem,
    Segment,
    dtm,
    fail_if,
    find_dtm,
    header,
    lin_item,
    lin_segment,
    loops,
    n1_loops,
    n1_party,
    parse_datetime,
    party_code,
    qty_out,
    ref_value,
    x12_time,
)
from .partner import PartnerProfile

SET_ID = "846"
DOCUMENT = InventorySnapshot
EXPIRY = "036"


def to_x12(doc: InventorySnapshot, partner: PartnerProfile) -> list[Segment]:
    problems: list[Problem] = []
    day, tm = x12_time(doc.taken_at, partner)
    segs: list[Segment] = [["BIA", "00", partner.defaults.get("report_type", "DD"), doc.snapshot_id, day, tm]]
    segs.append(n1_party(partner.entity("warehouse"), None, doc.warehouse_code, partner))
    total = Decimal(0)
    for n, line in enumerate(doc.lines, start=1):
        segs.append(lin_segment(n, line.sku, line.lot, partner))
        if line.expiry:
            segs.append(dtm(EXPIRY, line.expiry, partner))
        if line.location:
            segs.append(["REF", partner.ref("location"), line.location])
        status = partner.code_out("stock_statuses", line.status.value)
        if status is None:
            problems.append(
                Problem("QTY01", f"line {n}: no quantity qualifier for status {line.status.value!r}")
            )
        value, unit = qty_out(line.quantity.value, line.quantity.uom, partner, f"QTY03 line {n}", problems)
        total += value
        segs.append(["QTY", status, value, (unit,)])
    segs.append(["CTT", len(doc.lines), total])
    fail_if(problems, SET_ID)
    return segs


def from_x12(source: TransactionSet | list[list[str]], partner: PartnerProfile) -> InventorySnapshot:
    body = Body.of(source, SET_ID, partner)
    head = header(body.segs, "LIN")
    bia = body.need_segment("BIA", "beginning segment for inventory inquiry/advice", head)
    snapshot_id = body.need(bia, 3, "reference identification")
    taken_at = parse_datetime(body, bia, 4, 5, partner) if bia and body.need(bia, 4, "date") else None
    warehouse = party_code(n1_loops(head).get(partner.entity("warehouse")))
    if warehouse is None:
        body.problem("N1", "warehouse party missing", expected=f"N101 {partner.entity('warehouse')}")
    lines = []
    for loop in loops(body.segs, "LIN", ("CTT",)):
        lin = loop[0]
        sku, lot = lin_item(body, lin, partner)
        common = {
            "sku": sku,
            "lot": lot,
            "expiry": find_dtm(body, loop, EXPIRY, partner),
            "location": ref_value(loop, "REF", partner.ref("location")),
        }
        qtys = [s for s in loop if s.id == "QTY"]
        if not qtys:
            body.problem("QTY", f"no quantity for LIN {lin.get(1)}", lin)
        for qty in qtys:
            code = qty.get(1)
            if code not in partner.stock_statuses:
                body.problem(
                    "QTY01",
                    "quantity qualifier not in the profile's stock_statuses",
                    qty,
                    expected="/".join(partner.stock_statuses),
                    found=code,
                )
            value = body.decimal(qty, 2, "quantity")
            unit = qty.get(3).split(body.component)[0]
            if not unit:
                body.problem("QTY03", "unit of measure missing", qty)
            lines.append(
                {
                    **common,
                    "quantity": {"value": value, "uom": partner.unit_in(unit)},
                    "status": partner.stock_statuses.get(code),
                }
            )
    return body.build(
        InventorySnapshot, snapshot_id=snapshot_id, warehouse_code=warehouse, taken_at=taken_at, lines=lines
    )
