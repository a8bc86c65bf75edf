"""940 Warehouse Shipping Order <-> SalesOrder."""

from __future__ import annotations

from typing import Any

from crossdock.model import ComplianceInstruction, SalesOrder

from ..model import TransactionSet
from .common import (
    Body,
    Problem,
    Segment,
    fail_if,
    find_g62,
    find_sku,
    g62,
    header,
    loops,
    n1_address,
    n1_loops,
    n1_party,
    n9,
    party_code,
    qty_out,
    read_address,
    ref_value,
    unit_in,
)
from .partner import PartnerProfile

SET_ID = "940"
DOCUMENT = SalesOrder
REQUESTED_SHIP = "10"
REQUESTED_DELIVERY = "02"


def _w66(order: SalesOrder, partner: PartnerProfile, problems: list[Problem]) -> Segment | None:
    payment = partner.defaults.get("payment", "PP")
    transport = partner.defaults.get("transport", "M")
    if order.carrier_service is not None:
        service = partner.services.get(order.carrier_service)
        if service is None:
            # an untranslated service travels as routing text and comes back unchanged
            return ["W66", payment, transport, None, None, order.carrier_service]
        if order.service_level not in (None, service.get("level")):
            problems.append(
                Problem(
                    "W66", f"service_level {order.service_level!r} disagrees with {order.carrier_service}"
                )
            )
        return (
            ["W66", payment, service.get("transport", transport), None, None, service.get("routing")]
            + [None] * 4
            + [service.get("scac")]
        )
    if order.service_level is not None:
        routing = partner.code_out("service_levels", order.service_level)
        if routing is None:
            problems.append(Problem("W6605", f"no routing text for service level {order.service_level!r}"))
        return ["W66", payment, transport, None, None, routing]
    return None


def to_x12(order: SalesOrder, partner: PartnerProfile) -> list[Segment]:
    problems: list[Problem] = []
    segs: list[Segment] = [["W05", partner.defaults.get("order_new", "N"), order.order_id, order.customer_po]]
    segs += n1_address(partner.entity("ship_to"), order.ship_to, None, partner)
    segs.append(n1_party(partner.entity("customer"), order.customer.name, order.customer.code, partner))
    if partner.depositor:
        segs.append(
            n1_party(
                partner.entity("depositor"),
                partner.depositor.get("name"),
                partner.depositor.get("code"),
                partner,
            )
        )
    if order.warehouse_code:
        segs.append(n1_party(partner.entity("warehouse"), None, order.warehouse_code, partner))
    if order.requested_date:
        segs.append(g62(REQUESTED_SHIP, order.requested_date, partner))
    if order.promised_date:
        segs.append(g62(REQUESTED_DELIVERY, order.promised_date, partner))
    for note in order.compliance:
        code = partner.code_out("compliance_notes", note.code)
        if code is None:
            problems.append(Problem("NTE01", f"no note code for compliance instruction {note.code!r}"))
        segs.append(["NTE", code, note.text or note.code])
    w66 = _w66(order, partner, problems)
    if w66:
        segs.append(w66)
    total = 0
    for n, line in enumerate(order.lines, start=1):
        value, unit = qty_out(
            line.quantity.value, line.quantity.uom, partner, f"W0102 line {line.line_no}", problems
        )
        total += value
        segs += [["LX", n], ["W01", value, unit, None, partner.sku_qualifier, line.sku]]
        segs.append(n9(partner.ref("line"), line.line_no))
        if line.requested_lot:
            segs.append(n9(partner.ref("lot"), line.requested_lot))
    segs.append(["W76", total])
    fail_if(problems, SET_ID)
    return segs


def from_x12(source: TransactionSet | list[list[str]], partner: PartnerProfile) -> SalesOrder:
    body = Body.of(source, SET_ID, partner)
    head = header(body.segs, "LX")
    w05 = body.need_segment("W05", "shipping order identification", head)
    order_id = body.need(w05, 2, "depositor order number")
    parties = n1_loops(head)
    ship_to = parties.get(partner.entity("ship_to"))
    if ship_to is None:
        body.problem("N1", "ship-to party missing", expected=f"N101 {partner.entity('ship_to')}")
    # without a buyer party the consignee (ship-to) is the customer
    customer = parties.get(partner.entity("customer")) or ship_to
    customer_ref: dict[str, Any] = {}
    if customer:
        customer_ref = {"code": party_code(customer), "name": customer[0].get(2) or None}
    values: dict[str, Any] = {
        "order_id": order_id,
        "customer": customer_ref,
        "ship_to": read_address(ship_to, body) if ship_to else {},
        "customer_po": (w05.get(3) or None) if w05 else None,
        "warehouse_code": party_code(parties.get(partner.entity("warehouse"))),
        "requested_date": find_g62(body, head, REQUESTED_SHIP, partner),
        "promised_date": find_g62(body, head, REQUESTED_DELIVERY, partner),
    }
    notes = []
    for seg in head:
        if seg.id == "NTE":
            code = partner.compliance_notes.get(seg.get(1), seg.get(1) or "NOTE")
            text = seg.get(2)
            notes.append(ComplianceInstruction(code=code, text=None if text == code else text))
    values["compliance"] = notes
    w66 = body.first("W66", head)
    if w66 is not None:
        routing, scac = w66.get(5), w66.get(10)
        match = next(
            (
                code
                for code, s in partner.services.items()
                if s.get("scac") == scac and s.get("routing") == routing
            ),
            None,
        )
        if match is not None:
            values["carrier_service"] = match
            values["service_level"] = partner.services[match].get("level")
        elif routing in partner.service_levels and not scac:
            values["service_level"] = partner.service_levels[routing]
        else:
            values["carrier_service"] = routing or scac or None
    lines = []
    for lx in loops(body.segs, "LX", ("W76",)):
        w01 = body.need_segment("W01", f"line item of LX {lx[0].get(1)}", lx)
        if w01 is None:
            continue
        qty = body.decimal(w01, 1, "quantity ordered")
        unit = unit_in(body, w01, 2, partner)
        sku = find_sku(body, w01, [(4, 5), (6, 7)], partner)
        line_no = ref_value(lx, "N9", partner.ref("line")) or lx[0].get(1)
        lines.append(
            {
                "line_no": line_no,
                "sku": sku,
                "quantity": {"value": qty, "uom": unit},
                "requested_lot": ref_value(lx, "N9", partner.ref("lot")),
            }
        )
    if not lines:
        body.problem("LX", "mandatory loop missing (at least one order line)")
    return body.build(SalesOrder, lines=lines, **values)
