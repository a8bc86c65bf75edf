"""945 Warehouse Shipping Advice <-> ShipmentConfirmation.

Layout: one LX loop per shipment line; inside it one W12 loop per shipped unit of that line: per package
content when the document has packages (MAN*GM SSCC / MAN*ZZ package id in the W12 loop), else per lot,
else one. The first W12 of a line carries ordered quantity and difference (W1202/W1204) and N9*LI.
Lots go in W1209 (and N9 with the expiry in N904); serials in N9 or MAN per the profile; the package
weight in W1210-W1212 of the package's first W12; the package tracking number in N9 (tracking qualifier).
On input W12 loops are regrouped into lines by N9*LI, so LX-per-carton and LX-per-lot 945s read the same.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crossdock.model import Money, Package, ShipmentConfirmation, ShipmentLine

from ..model import TransactionSet
from .common import (
    LOT_MAX,
    Body,
    Problem,
    Seg,
    Segment,
    aggregate_lots,
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
    sscc_from_mark,
    sscc_mark,
    unit_in,
    weight_code,
    x12_datetime,
)
from .partner import PartnerProfile

SET_ID = "945"
DOCUMENT = ShipmentConfirmation
SHIPPED = "11"


def serial_segments(serials: list[str], partner: PartnerProfile) -> list[Segment]:
    if partner.serial_segment == "MAN":
        return [["MAN", partner.ref("serial"), s] for s in serials]
    return [n9(partner.ref("serial"), s) for s in serials]


def read_serials(segs: list[Seg], partner: PartnerProfile) -> list[str]:
    sid, value_i = ("MAN", 2) if partner.serial_segment == "MAN" else ("N9", 2)
    return [s.get(value_i) for s in refs(segs, sid, partner.ref("serial"))]


def package_mark(pkg: Package) -> Segment:
    if pkg.sscc:
        return ["MAN", "GM", sscc_mark(pkg.sscc)] + ([pkg.package_id] if pkg.package_id != pkg.sscc else [])
    return ["MAN", "ZZ", pkg.package_id]


def _units(line: ShipmentLine, packages: list[Package], problems: list[Problem]) -> list[dict[str, Any]]:
    """What each W12 loop of a line carries: quantity, lot, serials, package."""
    where = f"line {line.line_no}"
    contents = [(p, c) for p in packages for c in p.contents if c.line_no == line.line_no]
    if contents:
        units = [{"qty": c.quantity, "lot": c.lot, "serials": c.serials, "pkg": p} for p, c in contents]
        if sum(c.quantity.value for _, c in contents) != line.shipped_quantity.value:
            problems.append(
                Problem("W1203", f"{where}: package contents do not add up to the shipped quantity")
            )
        lots: dict[str, Decimal] = {}
        for _, c in contents:
            if c.lot:
                lots[c.lot] = lots.get(c.lot, Decimal(0)) + c.quantity.value
        if lots != {lq.lot: lq.quantity.value for lq in line.lots}:
            problems.append(Problem("W1209", f"{where}: lots disagree with the package contents"))
        if [s for _, c in contents for s in c.serials] != line.serials:
            problems.append(Problem("N9", f"{where}: serials disagree with the package contents"))
        return units
    if line.lots:
        if sum(lq.quantity.value for lq in line.lots) != line.shipped_quantity.value:
            problems.append(
                Problem("W1203", f"{where}: lot quantities do not add up to the shipped quantity")
            )
        units = [{"qty": lq.quantity, "lot": lq.lot, "serials": [], "pkg": None} for lq in line.lots]
        units[0]["serials"] = line.serials
        return units
    return [{"qty": line.shipped_quantity, "lot": None, "serials": line.serials, "pkg": None}]


def lines_out(doc: ShipmentConfirmation, partner: PartnerProfile, problems: list[Problem]) -> list[Segment]:
    segs: list[Segment] = []
    expiry = {lq.lot: lq.expiry for line in doc.lines for lq in line.lots}
    seen: set[str] = set()
    for n, line in enumerate(doc.lines, start=1):
        segs.append(["LX", n])
        shipped = line.shipped_quantity
        ordered = line.ordered_quantity
        if ordered is not None and ordered.uom != shipped.uom:
            problems.append(Problem("W1202", f"line {line.line_no}: ordered and shipped units differ"))
        for i, unit in enumerate(_units(line, doc.packages, problems)):
            value, code = qty_out(
                unit["qty"].value, unit["qty"].uom, partner, f"W1205 line {line.line_no}", problems
            )
            first = i == 0
            short = ordered is not None and shipped.value < ordered.value
            w12: Segment = ["W12", "CP" if short else "CC"]
            w12 += (
                [ordered.value, value, ordered.value - shipped.value]
                if first and ordered
                else [None, value, None]
            )
            lot = unit["lot"]
            w12 += [code, None, partner.sku_qualifier, line.sku, lot if lot and len(lot) <= LOT_MAX else None]
            pkg: Package | None = unit["pkg"]
            new_pkg = pkg is not None and pkg.package_id not in seen
            if new_pkg and pkg is not None and pkg.weight is not None:
                w12 += [pkg.weight.value, "G", weight_code(pkg.weight.unit, partner, "W1212", problems)]
            segs.append(w12)
            if first:
                segs.append(n9(partner.ref("line"), line.line_no))
            segs += lot_segments(lot, expiry.get(lot), partner)
            if partner.serial_segment == "N9":
                segs += serial_segments(unit["serials"], partner)
            if new_pkg and pkg is not None and pkg.tracking_number:
                segs.append(n9(partner.ref("tracking"), pkg.tracking_number))
            if partner.serial_segment == "MAN":
                segs += serial_segments(unit["serials"], partner)
            if pkg is not None:
                seen.add(pkg.package_id)
                segs.append(package_mark(pkg))
    for pkg in doc.packages:
        if pkg.package_id not in seen:
            problems.append(Problem("MAN", f"package {pkg.package_id} has no contents to report"))
    return segs


def freight_out(cost: Money, partner: PartnerProfile, problems: list[Problem]) -> Segment:
    """G72 freight charge: G7208 is N2 (implied cents), so amounts carry at most two decimals."""
    currency = partner.defaults.get("currency", "USD")
    if cost.currency != currency:
        problems.append(Problem("G7208", f"freight in {cost.currency}, the partner's currency is {currency}"))
    if cost.amount != cost.amount.quantize(Decimal("0.01")) or cost.amount < 0:
        problems.append(Problem("G7208", "freight amount must be positive with at most two decimals"))
    code = partner.defaults.get("freight_charge", "504")
    return [
        "G72",
        code,
        partner.defaults.get("freight_handling", "06"),
        None,
        None,
        None,
        None,
        None,
        cost.amount,
    ]


def freight_in(body: Body, head: list[Seg], partner: PartnerProfile) -> dict[str, Any] | None:
    code = partner.defaults.get("freight_charge", "504")
    g72 = next((s for s in head if s.id == "G72" and s.get(1) == code), None)
    cents = body.decimal(g72, 8, "freight amount") if g72 is not None else None
    if cents is None:
        return None
    return {"amount": cents / 100, "currency": partner.defaults.get("currency", "USD")}


def totals(doc: ShipmentConfirmation, partner: PartnerProfile) -> Segment:
    """W03: units shipped, total package weight (when every package has one, in one unit), package count."""
    w03: Segment = ["W03", sum((line.shipped_quantity.value for line in doc.lines), Decimal(0))]
    weights = [p.weight for p in doc.packages if p.weight is not None]
    code = partner.unit_out(weights[0].unit.upper()) if weights else None
    if code and len(weights) == len(doc.packages) and len({w.unit for w in weights}) == 1:
        w03 += [sum((w.value for w in weights), Decimal(0)), code]
    else:
        w03 += [None, None]
    if doc.packages:
        w03 += [None, None, len(doc.packages)]
    return w03


def to_x12(doc: ShipmentConfirmation, partner: PartnerProfile) -> list[Segment]:
    problems: list[Problem] = []
    day, _ = x12_datetime(doc.shipped_at, partner)
    reporting = partner.defaults.get("final" if doc.final else "partial", "F" if doc.final else "P")
    segs: list[Segment] = [["W06", reporting, doc.order_id, day, doc.shipment_id]]
    segs.append(n1_party(partner.entity("warehouse"), None, doc.warehouse_code, partner))
    if doc.tracking_number:
        segs.append(n9(partner.ref("tracking"), doc.tracking_number))
    segs.append(g62(SHIPPED, doc.shipped_at, partner))
    scac = partner.scac_out(doc.carrier)
    if scac is None:
        problems.append(
            Problem("W2702", f"no SCAC for carrier {doc.carrier!r}", expected="a SCAC or a profile carrier")
        )
    routing = None
    if doc.service_level is not None:
        routing = partner.code_out("service_levels", doc.service_level) or doc.service_level
    segs.append(
        ["W27", partner.defaults.get("transport", "M"), scac, routing, partner.defaults.get("payment")]
    )
    if doc.freight_cost is not None:
        segs.append(freight_out(doc.freight_cost, partner, problems))
    segs += lines_out(doc, partner, problems)
    segs.append(totals(doc, partner))
    fail_if(problems, SET_ID)
    return segs


def marks_of(body: Body, segs: list[Seg], partner: PartnerProfile) -> list[tuple[str, str | None, Any]]:
    """Package marks: (package id, SSCC-18 or None, quantity on it or None)."""
    marks: list[tuple[str, str | None, Any]] = [
        (s.get(3) or sscc_from_mark(s.get(2)), sscc_from_mark(s.get(2)), None)
        if s.get(1) == "GM"
        else (s.get(2), None, None)
        for s in segs
        if s.id == "MAN" and s.get(1) in ("GM", "ZZ") and s.get(2)
    ]
    # 3PLs that label pallets with N9*LV (license plate or SSCC, N903 = quantity on it)
    for s in refs(segs, "N9", partner.ref("license_plate")):
        plate = s.get(2)
        sscc = sscc_from_mark(plate) if len(plate) == 20 and plate.isdigit() else None
        marks.append((sscc or plate, sscc, body.decimal(s, 3, "quantity on the pallet", required=False)))
    return marks


def read_units(body: Body, lx: list[Seg], partner: PartnerProfile) -> list[dict[str, Any]]:
    """Read the W12 loops of one LX loop: quantity, unit, sku, lot, expiry, serials, package marks."""
    units = []
    for loop in loops(lx, "W12"):
        w = loop[0]
        qty = body.decimal(w, 3, "quantity shipped")
        lot, expiry = read_lot(body, w.get(9), loop, partner)
        marks = marks_of(body, loop, partner)
        units.append(
            {
                "seg": w,
                "loop": loop,
                "qty": qty,
                "uom": unit_in(body, w, 5, partner),
                "sku": find_sku(body, w, [(7, 8)], partner),
                "lot": lot,
                "expiry": expiry,
                "serials": read_serials(loop, partner),
                "marks": marks,
            }
        )
    return units


def from_x12(source: TransactionSet | list[list[str]], partner: PartnerProfile) -> ShipmentConfirmation:
    body = Body.of(source, SET_ID, partner)
    head = header(body.segs, "LX")
    w06 = body.need_segment("W06", "warehouse shipment identification", head)
    order_id = body.need(w06, 2, "depositor order number")
    shipment_id = body.need(w06, 4, "shipment identification")
    shipped_at = find_g62(body, head, SHIPPED, partner)
    if shipped_at is None and w06 is not None:
        if w06.get(3):
            shipped_at = parse_datetime(body, w06, 3, None, partner)
        else:
            body.problem("W0603", "ship date missing (no W0603 and no G62*11)", w06)
    parties = n1_loops(head)
    warehouse = party_code(parties.get(partner.entity("warehouse"))) or party_code(parties.get("SF"))
    if warehouse is None:
        body.problem("N1", "warehouse party missing", expected=f"N101 {partner.entity('warehouse')} or SF")
    w27 = body.need_segment("W27", "carrier detail", head)
    scac = body.need(w27, 2, "carrier SCAC") if w27 else ""
    routing = w27.get(3) if w27 else ""
    lines: list[dict[str, Any]] = []
    packages: dict[str, dict[str, Any]] = {}
    # units are grouped into lines by N9 line number, so both layouts read the same: LX per line (ours)
    # and LX per carton with its MAN*GM before the W12s (x12-notes 3.2 skeleton)
    by_line: dict[str, list[dict[str, Any]]] = {}
    for lx in loops(body.segs, "LX", ("W03",)):
        units = read_units(body, lx, partner)
        if not units:
            body.problem("W12", f"mandatory segment missing in LX {lx[0].get(1)}", lx[0])
            continue
        carton = marks_of(body, header(lx, "W12"), partner)
        line_no = lx[0].get(1)
        for u in units:
            line_no = ref_value(u["loop"], "N9", partner.ref("line")) or line_no
            u["marks"] = u["marks"] or carton
            by_line.setdefault(line_no, []).append(u)
    for line_no, units in by_line.items():
        first = units[0]
        ordered = next(
            (
                o
                for u in units
                if (o := body.decimal(u["seg"], 2, "quantity ordered", required=False)) is not None
            ),
            None,
        )
        shipped = sum((u["qty"] for u in units if u["qty"] is not None), Decimal(0))
        lines.append(
            {
                "line_no": line_no,
                "sku": first["sku"],
                "ordered_quantity": {"value": ordered, "uom": first["uom"]} if ordered is not None else None,
                "shipped_quantity": {"value": shipped, "uom": first["uom"]},
                "lots": aggregate_lots(units),
                "serials": [s for u in units for s in u["serials"]],
            }
        )
        for u in units:
            for package_id, sscc, on_pallet in u["marks"]:
                pkg = packages.get(package_id)
                if pkg is None:
                    w: Seg = u["seg"]
                    weight = body.decimal(w, 10, "package weight", required=False)
                    unit = w.get(12)
                    pkg = packages[package_id] = {
                        "package_id": package_id,
                        "sscc": sscc,
                        "tracking_number": ref_value(u["loop"], "N9", partner.ref("tracking")),
                        "weight": {"value": weight, "unit": partner.weight_units.get(unit, unit)}
                        if weight is not None
                        else None,
                        "contents": [],
                    }
                pkg["contents"].append(
                    {
                        "line_no": line_no,
                        "sku": u["sku"],
                        "quantity": {"value": u["qty"] if on_pallet is None else on_pallet, "uom": u["uom"]},
                        "lot": u["lot"],
                        "serials": u["serials"],
                    }
                )
    if not lines:
        body.problem("LX", "mandatory loop missing (at least one shipped line)")
    return body.build(
        ShipmentConfirmation,
        shipment_id=shipment_id,
        order_id=order_id,
        warehouse_code=warehouse,
        lines=lines,
        packages=list(packages.values()),
        carrier=partner.carrier_in(scac),
        service_level=partner.service_levels.get(routing, routing) if routing else None,
        tracking_number=ref_value(head, "N9", partner.ref("tracking")),
        freight_cost=freight_in(body, head, partner),
        shipped_at=shipped_at,
        final=(w06.get(1) if w06 else "F") != partner.defaults.get("partial", "P"),
    )
