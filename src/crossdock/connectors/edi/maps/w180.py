"""180 Return Merchandise Authorization and Notification <-> ReturnAuthorization / ReturnReceipt.

The 180 varies most between guides (x12-notes §3.9); this map follows one layout and lets the profile
choose the codes. BGN07 (transaction type, ``defaults.return_authorization`` / ``return_receipt``) tells
an authorization from a receipt notification. BGN02 is the RMA number; BGN03/BGN04 the document date
(the issue time of an authorization, the receipt time of a receipt). One BLI loop per line: N9 line
number, lot and serials (at most 10 per line: N9 repeats 12 times), RDR01/RDR02 condition and disposition
codes (profile ``return_conditions`` / ``return_dispositions``), RDR04 the free-text reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crossdock.model import ReturnAuthorization, ReturnReceipt, utc_now

from ..model import TransactionSet
from .common import (
    Body,
    Problem,
    Seg,
    Segment,
    dtm,
    fail_if,
    find_dtm,
    find_sku,
    header,
    loops,
    n1_loops,
    n1_party,
    n9,
    parse_datetime,
    party_code,
    qty_out,
    ref_value,
    refs,
    x12_time,
)
from .partner import PartnerProfile

SET_ID = "180"
DOCUMENT = ReturnAuthorization
EXPECTED = "017"
MAX_SERIALS = 10


def _types(partner: PartnerProfile) -> tuple[str, str]:
    return partner.defaults.get("return_authorization", "RA"), partner.defaults.get("return_receipt", "RR")


def to_x12(
    doc: ReturnAuthorization | ReturnReceipt, partner: PartnerProfile, issued_at: datetime | None = None
) -> list[Segment]:
    problems: list[Problem] = []
    authorization, receipt = _types(partner)
    is_receipt = isinstance(doc, ReturnReceipt)
    when = doc.received_at if isinstance(doc, ReturnReceipt) else (issued_at or utc_now())
    day, tm = x12_time(when, partner)
    segs: list[Segment] = [
        ["BGN", "00", doc.rma_id, day, tm, None, None, receipt if is_receipt else authorization]
    ]
    if isinstance(doc, ReturnAuthorization):
        if doc.order_id:
            segs.append(["PRF", doc.order_id])
        if doc.expected_date:
            segs.append(dtm(EXPECTED, doc.expected_date, partner))
        if doc.return_tracking_number:
            segs.append(["REF", partner.ref("tracking"), doc.return_tracking_number])
        if doc.carrier:
            scac = partner.scac_out(doc.carrier)
            if scac is None:
                problems.append(Problem("TD503", f"no SCAC for carrier {doc.carrier!r}"))
            segs.append(["TD5", None, "2", scac])
        segs.append(n1_party(partner.entity("customer"), doc.customer.name, doc.customer.code, partner))
    segs.append(n1_party(partner.entity("warehouse"), None, doc.warehouse_code, partner))
    for line in doc.lines:
        value, unit = qty_out(
            line.quantity.value, line.quantity.uom, partner, f"BLI04 line {line.line_no}", problems
        )
        segs.append(["BLI", partner.sku_qualifier, line.sku, value, unit])
        segs.append(n9(partner.ref("line"), line.line_no))
        if line.lot:
            segs.append(n9(partner.ref("lot"), line.lot))
        if len(line.serials) > MAX_SERIALS:
            problems.append(Problem("N9", f"line {line.line_no}: more than {MAX_SERIALS} serials"))
        segs += [n9(partner.ref("serial"), s) for s in line.serials]
        if isinstance(doc, ReturnReceipt):
            condition = partner.code_out("conditions", line.condition.value)
            disposition = partner.code_out("dispositions", line.disposition.value)
            if condition is None or disposition is None:
                problems.append(
                    Problem(
                        "RDR",
                        f"line {line.line_no}: no code for {line.condition.value}/{line.disposition.value}",
                    )
                )
            segs.append(["RDR", condition, disposition])
        elif line.reason:
            segs.append(["RDR", None, None, None, line.reason])
    fail_if(problems, SET_ID)
    return segs


def _line(body: Body, loop: list[Seg], partner: PartnerProfile, is_receipt: bool) -> dict[str, Any]:
    bli = loop[0]
    qty = body.decimal(bli, 3, "quantity")
    unit = body.need(bli, 4, "unit of measure")
    rdr = body.first("RDR", loop)
    values: dict[str, Any] = {
        "line_no": ref_value(loop, "N9", partner.ref("line")) or "",
        "sku": find_sku(body, bli, [(1, 2)], partner),
        "quantity": {"value": qty, "uom": partner.unit_in(unit)},
        "lot": ref_value(loop, "N9", partner.ref("lot")),
        "serials": [s.get(2) for s in refs(loop, "N9", partner.ref("serial"))],
    }
    if is_receipt:
        if rdr is None:
            body.problem("RDR", "condition and disposition missing", bli)
            return values
        for i, key, table in ((1, "condition", partner.conditions), (2, "disposition", partner.dispositions)):
            code = rdr.get(i)
            if code not in table:
                body.problem(
                    rdr.ref(i), f"{key} code not in the profile", rdr, expected="/".join(table), found=code
                )
            values[key] = table.get(code)
    else:
        values["reason"] = (rdr.get(4) or None) if rdr else None
    return values


def from_x12(
    source: TransactionSet | list[list[str]], partner: PartnerProfile
) -> ReturnAuthorization | ReturnReceipt:
    body = Body.of(source, SET_ID, partner)
    head = header(body.segs, "BLI")
    bgn = body.need_segment("BGN", "beginning segment", head)
    rma_id = body.need(bgn, 2, "RMA number")
    is_receipt = bgn is not None and bgn.get(7) == _types(partner)[1]
    parties = n1_loops(head)
    warehouse = party_code(parties.get(partner.entity("warehouse")))
    if warehouse is None:
        body.problem("N1", "warehouse party missing", expected=f"N101 {partner.entity('warehouse')}")
    lines = []
    for n, loop in enumerate(loops(body.segs, "BLI"), start=1):
        line = _line(body, loop, partner, is_receipt)
        line["line_no"] = line["line_no"] or str(n)
        lines.append(line)
    if not lines:
        body.problem("BLI", "mandatory loop missing (at least one returned item)")
    if is_receipt:
        received = parse_datetime(body, bgn, 3, 4, partner) if bgn and body.need(bgn, 3, "date") else None
        return body.build(
            ReturnReceipt, rma_id=rma_id, warehouse_code=warehouse, lines=lines, received_at=received
        )
    customer = parties.get(partner.entity("customer"))
    if customer is None:
        body.problem("N1", "customer party missing", expected=f"N101 {partner.entity('customer')}")
    td5 = body.first("TD5", head)
    prf = body.first("PRF", head)
    return body.build(
        ReturnAuthorization,
        rma_id=rma_id,
        order_id=(prf.get(1) or None) if prf else None,
        customer={"code": party_code(customer), "name": customer[0].get(2) or None} if customer else {},
        warehouse_code=warehouse,
        lines=lines,
        carrier=partner.carrier_in(td5.get(3)) if td5 else None,
        return_tracking_number=ref_value(head, "REF", partner.ref("tracking")),
        expected_date=find_dtm(body, head, EXPECTED, partner),
    )
