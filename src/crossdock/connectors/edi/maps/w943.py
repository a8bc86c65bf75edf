"""943 Warehouse Stock Transfer Shipment Advice <-> ExpectedReceipt.

W0602 (depositor order number) carries the receipt id, which the 944 answers in W1704; W0604 the ASN /
shipment reference; W0606 the purchase order. When a partner sends no PO (W0606 nor header N9*PO),
the receipt id stands in for it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crossdock.model import ExpectedReceipt

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
    lot_segments,
    n1_loops,
    n1_party,
    n9,
    party_code,
    qty_out,
    read_lot,
    ref_value,
)
from .partner import PartnerProfile

SET_ID = "943"
DOCUMENT = ExpectedReceipt
ESTIMATED_DELIVERY = "17"


def to_x12(doc: ExpectedReceipt, partner: PartnerProfile) -> list[Segment]:
    problems: list[Problem] = []
    segs: list[Segment] = [["W06", "F", doc.receipt_id, None, doc.asn_reference, None, doc.purchase_order]]
    segs.append(n1_party(partner.entity("supplier"), doc.supplier.name, doc.supplier.code, partner))
    segs.append(n1_party(partner.entity("warehouse"), None, doc.warehouse_code, partner))
    if doc.expected_date:
        segs.append(g62(ESTIMATED_DELIVERY, doc.expected_date, partner))
    scac = partner.scac_out(doc.carrier)
    if scac is None:
        problems.append(Problem("W2702", f"no SCAC for carrier {doc.carrier!r}"))
    segs.append(["W27", partner.defaults.get("transport", "M"), scac])
    for line in doc.lines:
        value, code = qty_out(
            line.quantity.value, line.quantity.uom, partner, f"W0402 line {line.line_no}", problems
        )
        lot = line.lot if line.lot and len(line.lot) <= LOT_MAX else None
        segs.append(["W04", value, code, None, partner.sku_qualifier, line.sku, None, None, lot])
        segs.append(n9(partner.ref("line"), line.line_no))
        segs += lot_segments(line.lot, line.expiry, partner)
    segs.append(["W03", sum((line.quantity.value for line in doc.lines), Decimal(0))])
    fail_if(problems, SET_ID)
    return segs


def from_x12(source: TransactionSet | list[list[str]], partner: PartnerProfile) -> ExpectedReceipt:
    body = Body.of(source, SET_ID, partner)
    head = header(body.segs, "W04")
    w06 = body.need_segment("W06", "warehouse shipment identification", head)
    receipt_id = body.need(w06, 2, "depositor order number (receipt id)")
    parties = n1_loops(head)
    supplier_loop = parties.get(partner.entity("supplier"))
    supplier: dict[str, Any] = {}
    if supplier_loop:
        supplier = {"code": party_code(supplier_loop), "name": supplier_loop[0].get(2) or None}
    elif partner.defaults.get("supplier"):
        supplier = {"code": partner.defaults["supplier"]}
    else:
        body.problem("N1", "supplier party missing", expected=f"N101 {partner.entity('supplier')}")
    warehouse = party_code(parties.get(partner.entity("warehouse")))
    if warehouse is None:
        body.problem("N1", "warehouse party missing", expected=f"N101 {partner.entity('warehouse')}")
    w27 = body.need_segment("W27", "carrier detail", head)
    scac = body.need(w27, 2, "carrier SCAC")
    purchase_order = (w06.get(6) if w06 else "") or ref_value(head, "N9", partner.ref("purchase_order"))
    lines = []
    for loop in loops(body.segs, "W04", ("W03",)):
        w04 = loop[0]
        qty = body.decimal(w04, 1, "units shipped")
        unit = body.need(w04, 2, "unit of measure")
        lot, expiry = read_lot(body, w04.get(8), loop, partner)
        lines.append(
            {
                "line_no": ref_value(loop, "N9", partner.ref("line")) or str(len(lines) + 1),
                "sku": find_sku(body, w04, [(4, 5), (6, 7)], partner),
                "quantity": {"value": qty, "uom": partner.unit_in(unit)},
                "lot": lot,
                "expiry": expiry,
            }
        )
    if not lines:
        body.problem("W04", "mandatory loop missing (at least one item)")
    return body.build(
        ExpectedReceipt,
        receipt_id=receipt_id,
        purchase_order=purchase_order or receipt_id,
        supplier=supplier,
        warehouse_code=warehouse,
        expected_date=find_g62(body, head, ESTIMATED_DELIVERY, partner),
        carrier=partner.carrier_in(scac),
        asn_reference=(w06.get(4) or None) if w06 else None,
        lines=lines,
    )
