"""856 Ship Notice/Manifest (ASN to a retail customer) <-> ShipmentConfirmation.

Outbound the ASN is built from a ShipmentConfirmation plus the SalesOrder it ships (ship-to, customer,
customer PO), as an HL tree: S (shipment) - O (order) - P (one per package, MAN*GM SSCC-18) - I (one per
package content), BSN05 0001; without packages S - O - I (one per lot), BSN05 0004.

Inbound (reading an ASN) gives a ShipmentConfirmation: lines are gathered from the item levels by LIN01
(line number) in order of first appearance, packages from the pack levels. One order per ASN is
mapped: with several O levels the first one's order reference is used. ``final`` is not carried.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crossdock.model import Package, SalesOrder, ShipmentConfirmation

from ..model import TransactionSet
from .common import (
    Body,
    Problem,
    Seg,
    Segment,
    aggregate_lots,
    dtm,
    fail_if,
    find_dtm,
    lin_item,
    lin_segment,
    loops,
    n1_address,
    n1_loops,
    n1_party,
    parse_datetime,
    party_code,
    qty_out,
    ref_value,
    refs,
    sscc_from_mark,
    x12_time,
)
from .partner import PartnerProfile
from .w945 import _units, package_mark

SET_ID = "856"
DOCUMENT = ShipmentConfirmation
SHIPPED = "011"
EXPIRY = "036"
SHIP_FROM = "SF"
PACK_UOM = {"LB": "lb", "KG": "kg"}  # PO407 is a unit of measure code, not a weight unit code
PACK_UOM_OUT = {v: k for k, v in PACK_UOM.items()}


class _Tree:
    def __init__(self) -> None:
        self.segs: list[Segment] = []
        self.count = 0

    def hl(self, parent: int | None, level: str, has_children: bool) -> int:
        self.count += 1
        self.segs.append(["HL", self.count, parent, level, "1" if has_children else "0"])
        return self.count


def to_x12(
    doc: ShipmentConfirmation, partner: PartnerProfile, order: SalesOrder | None = None
) -> list[Segment]:
    problems: list[Problem] = []
    if order is not None and order.order_id != doc.order_id:
        problems.append(
            Problem("PRF01", f"the order {order.order_id} is not the one shipped ({doc.order_id})")
        )
    day, tm = x12_time(doc.shipped_at, partner)
    packed = bool(doc.packages)
    tree = _Tree()
    tree.segs.append(["BSN", "00", doc.shipment_id, day, tm, "0001" if packed else "0004"])
    s = tree.hl(None, "S", True)
    td1: Segment = ["TD1", "CTN25", len(doc.packages)] if packed else []
    weights = [p.weight for p in doc.packages]
    if packed and all(w is not None for w in weights) and len({w.unit for w in weights if w}) == 1:
        unit = weights[0].unit if weights[0] else ""
        code = PACK_UOM_OUT.get(unit)
        if code:
            td1 += [None, None, None, "G", sum((w.value for w in weights if w), Decimal(0)), code]
    if td1:
        tree.segs.append(td1)
    scac = partner.scac_out(doc.carrier)
    if scac is None:
        problems.append(Problem("TD503", f"no SCAC for carrier {doc.carrier!r}"))
    routing = None
    if doc.service_level is not None:
        routing = partner.code_out("service_levels", doc.service_level) or doc.service_level
    tree.segs.append(["TD5", None, "2", scac, None, routing])
    if doc.tracking_number:
        tree.segs.append(["REF", partner.ref("tracking"), doc.tracking_number])
    tree.segs.append(dtm(SHIPPED, doc.shipped_at, partner))
    if order is not None:
        tree.segs += n1_address(partner.entity("ship_to"), order.ship_to, None, partner)
    tree.segs.append(n1_party(SHIP_FROM, None, doc.warehouse_code, partner))
    o = tree.hl(s, "O", True)
    tree.segs.append(["PRF", (order.customer_po if order else None) or doc.order_id])
    tree.segs.append(["REF", partner.ref("order"), doc.order_id])
    if order is not None:
        tree.segs.append(
            n1_party(partner.entity("customer"), order.customer.name, order.customer.code, partner)
        )
    expiry = {lq.lot: lq.expiry for line in doc.lines for lq in line.lots}
    by_package: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    loose: list[tuple[Any, dict[str, Any]]] = []
    first_of_line: set[str] = set()
    for line in doc.lines:
        for unit in _units(line, doc.packages, problems):
            pkg: Package | None = unit["pkg"]
            (by_package.setdefault(pkg.package_id, []) if pkg else loose).append((line, unit))

    def item(parent: int, line: Any, unit: dict[str, Any]) -> None:
        tree.hl(parent, "I", False)
        tree.segs.append(lin_segment(line.line_no, line.sku, unit["lot"], partner))
        value, code = qty_out(
            unit["qty"].value, unit["qty"].uom, partner, f"SN103 line {line.line_no}", problems
        )
        sn1: Segment = ["SN1", None, value, code]
        if line.line_no not in first_of_line and line.ordered_quantity is not None:
            sn1 += [None, line.ordered_quantity.value, code]
        first_of_line.add(line.line_no)
        tree.segs.append(sn1)
        tree.segs += [["REF", partner.ref("serial"), serial] for serial in unit["serials"]]
        if unit["lot"] and expiry.get(unit["lot"]):
            tree.segs.append(dtm(EXPIRY, expiry[unit["lot"]], partner))

    for pkg in doc.packages:
        p = tree.hl(o, "P", True)
        if pkg.weight is not None:
            code = PACK_UOM_OUT.get(pkg.weight.unit)
            if code is None:
                problems.append(
                    Problem("PO407", f"package {pkg.package_id}: no unit code for {pkg.weight.unit!r}")
                )
            tree.segs.append(["PO4", None, None, None, None, "G", pkg.weight.value, code])
        if pkg.tracking_number:
            tree.segs.append(["REF", partner.ref("tracking"), pkg.tracking_number])
        tree.segs.append(package_mark(pkg))
        for line, unit in by_package.get(pkg.package_id, []):
            item(p, line, unit)
    for line, unit in loose:
        item(o, line, unit)
    tree.segs.append(["CTT", tree.count])
    fail_if(problems, SET_ID)
    return tree.segs


def _package(body: Body, loop: list[Seg], partner: PartnerProfile) -> dict[str, Any]:
    mark = next((s for s in loop if s.id == "MAN" and s.get(1) in ("GM", "ZZ")), None)
    sscc = sscc_from_mark(mark.get(2)) if mark and mark.get(1) == "GM" else None
    package_id = (mark.get(3) or sscc if sscc else mark.get(2)) if mark else f"HL{loop[0].get(1)}"
    po4 = body.first("PO4", loop)
    weight = body.decimal(po4, 6, "gross weight per pack", required=False) if po4 else None
    unit = po4.get(7) if po4 else ""
    return {
        "package_id": package_id,
        "sscc": sscc,
        "tracking_number": ref_value(loop, "REF", partner.ref("tracking")),
        "weight": {"value": weight, "unit": PACK_UOM.get(unit, unit.lower())} if weight is not None else None,
        "contents": [],
    }


def from_x12(source: TransactionSet | list[list[str]], partner: PartnerProfile) -> ShipmentConfirmation:
    body = Body.of(source, SET_ID, partner)
    bsn = body.need_segment("BSN", "beginning segment for ship notice")
    shipment_id = body.need(bsn, 2, "shipment identification")
    levels = list(loops(body.segs, "HL", ("CTT",)))
    kinds = {hl[0].get(1): hl[0].get(3) for hl in levels}
    ship = next((hl for hl in levels if hl[0].get(3) == "S"), None)
    if ship is None:
        body.problem("HL03", "no shipment level (HL03 S)", expected="S")
    orders = [hl for hl in levels if hl[0].get(3) == "O"]
    if not orders:
        body.problem("HL03", "no order level (HL03 O)", expected="O")
    ship = ship or []
    shipped_at = find_dtm(body, ship, SHIPPED, partner)
    if shipped_at is None and bsn is not None and bsn.get(3):
        shipped_at = parse_datetime(body, bsn, 3, 4, partner)
    parties = n1_loops(ship)
    warehouse = party_code(parties.get(SHIP_FROM) or parties.get(partner.entity("warehouse")))
    if warehouse is None:
        body.problem("N1", "ship-from party missing", expected=f"N101 {SHIP_FROM}")
    td5 = body.first("TD5", ship)
    scac = td5.get(3) if td5 else ""
    routing = td5.get(5) if td5 else ""
    order_id = None
    if orders:
        prf = body.first("PRF", orders[0])
        order_id = ref_value(orders[0], "REF", partner.ref("order")) or (prf.get(1) if prf else None)
        if not order_id:
            body.problem("PRF01", "no order reference at the order level", orders[0][0])
    packages: dict[str, dict[str, Any]] = {}
    lines: dict[str, dict[str, Any]] = {}
    lot_units: dict[str, list[dict[str, Any]]] = {}  # per line, for aggregate_lots
    for hl in levels:
        if hl[0].get(3) == "P":
            packages[hl[0].get(1)] = _package(body, hl, partner)
    for n, hl in enumerate(lvl for lvl in levels if lvl[0].get(3) == "I"):
        lin = body.need_segment("LIN", f"item identification of HL {hl[0].get(1)}", hl)
        sn1 = body.need_segment("SN1", f"item detail of HL {hl[0].get(1)}", hl)
        if lin is None or sn1 is None:
            continue
        sku, lot = lin_item(body, lin, partner)
        qty = body.decimal(sn1, 2, "units shipped")
        unit = body.need(sn1, 3, "unit of measure")
        uom = partner.unit_in(unit)
        line_no = lin.get(1) or str(n + 1)
        serials = [s.get(2) for s in refs(hl, "REF", partner.ref("serial"))]
        line = lines.setdefault(
            line_no,
            {
                "line_no": line_no,
                "sku": sku,
                "ordered_quantity": None,
                "shipped_quantity": {"value": Decimal(0), "uom": uom},
                "lots": [],
                "serials": [],
            },
        )
        ordered = body.decimal(sn1, 5, "quantity ordered", required=False)
        if ordered is not None and line["ordered_quantity"] is None:
            line["ordered_quantity"] = {"value": ordered, "uom": uom}
        line["shipped_quantity"]["value"] += qty or 0
        line["serials"] += serials
        if lot:
            expiry = find_dtm(body, hl, EXPIRY, partner)
            lot_units.setdefault(line_no, []).append({"lot": lot, "qty": qty, "uom": uom, "expiry": expiry})
        parent = hl[0].get(2)
        if kinds.get(parent) == "P" and parent in packages:
            content = {
                "line_no": line_no,
                "sku": sku,
                "quantity": {"value": qty, "uom": uom},
                "lot": lot,
                "serials": serials,
            }
            packages[parent]["contents"].append(content)
    for line_no, line in lines.items():
        line["lots"] = aggregate_lots(lot_units.get(line_no, []))
    if not lines:
        body.problem("HL03", "no item level (HL03 I)", expected="I")
    return body.build(
        ShipmentConfirmation,
        shipment_id=shipment_id,
        order_id=order_id,
        warehouse_code=warehouse,
        lines=list(lines.values()),
        packages=list(packages.values()),
        carrier=partner.carrier_in(scac),
        service_level=partner.service_levels.get(routing, routing) if routing else None,
        tracking_number=ref_value(ship, "REF", partner.ref("tracking")),
        shipped_at=shipped_at,
    )
