"""Warehouse work on the simulated clock: waves, pick/pack, ship, receive, returns, cycle counts, snapshots."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from .carriers import DEFAULT_CARRIER, SCAC, freight, tracking_number
from .cartonize import cartonize
from .clock import iso, parse_iso
from .errors import unprocessable
from .orders import cancel_remainder, open_qty, release_work, set_status
from .sscc import make_sscc
from .warehouse import (
    DAMAGE_BIN,
    PACK_STATION,
    QUARANTINE_BIN,
    REFURB_BIN,
    RTV_BIN,
    STORAGE_BINS,
    Warehouse,
    is_continuous,
)

MAX_TASKS_PER_ADVANCE = 200_000


# --- scheduling --------------------------------------------------------------------------------------
def schedule(wh: Warehouse, kind: str, due: datetime, ref: str | None = None) -> None:
    wh.state["tasks"].append({"id": wh.next_id("task"), "kind": kind, "due": iso(due), "ref": ref})


def init_schedule(wh: Warehouse) -> None:
    now = wh.clock.now
    schedule(wh, "wave", now + timedelta(minutes=wh.cfg("wave_interval_min")))
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    schedule(wh, "snapshot", midnight)
    five = now.replace(hour=5, minute=0, second=0, microsecond=0)
    schedule(wh, "cycle_count", five if five > now else five + timedelta(days=1))


def advance(wh: Warehouse, minutes: float) -> dict:
    """Run every task due up to now + minutes, in due order; the clock jumps from task to task."""
    target = wh.clock.plus(minutes)
    target_iso = iso(target)  # task times are fixed-width UTC ISO strings: they sort as text
    first_seq = wh.state["next_seq"]
    before = dict(wh.state["stats"])
    ran: dict[str, int] = {}
    for _ in range(MAX_TASKS_PER_ADVANCE):
        due = [t for t in wh.state["tasks"] if t["due"] <= target_iso]
        if not due:
            break
        task = min(due, key=lambda t: (t["due"], t["id"]))
        wh.state["tasks"].remove(task)
        wh.clock.advance_to(parse_iso(task["due"]))
        run_task(wh, task)
        ran[task["kind"]] = ran.get(task["kind"], 0) + 1
    wh.clock.advance_to(target)
    by_type = {k: v - before.get(k, 0) for k, v in wh.state["stats"].items() if v != before.get(k, 0)}
    return {
        "now": iso(wh.clock.now),
        "tasks_run": ran,
        "events_emitted": wh.state["next_seq"] - first_seq,
        "events_by_type": by_type,
        "first_sequence": first_seq,
        "last_sequence": wh.state["next_seq"] - 1,
    }


def run_task(wh: Warehouse, task: dict) -> None:
    kind, ref = task["kind"], task["ref"]
    if kind == "wave":
        run_wave(wh)
        schedule(wh, "wave", wh.clock.plus(wh.cfg("wave_interval_min")))
    elif kind == "snapshot":
        if wh.cfg("snapshot_daily"):
            take_snapshot(wh)
        schedule(wh, "snapshot", wh.clock.plus(24 * 60))
    elif kind == "cycle_count":
        if wh.cfg("cycle_count_bins_per_day") > 0:
            cycle_count(wh, bins=wh.cfg("cycle_count_bins_per_day"))
        schedule(wh, "cycle_count", wh.clock.plus(24 * 60))
    elif kind == "pick_pack":
        wh.touch("orders", ref)
        pick_and_pack(wh, wh.state["orders"][ref])
    elif kind == "ship":
        wh.touch("orders", ref)
        ship(wh, wh.state["orders"][ref])
    elif kind == "receive":
        wh.touch("notices", ref)
        receive(wh, wh.state["notices"][ref])


# --- outbound ----------------------------------------------------------------------------------------
def _rule(order: dict, item: dict) -> str:
    rule = order["allocation_rule"] or item["rotation"].lower()
    return "fifo" if rule == "specific_lot" else rule


def run_wave(wh: Warehouse) -> None:
    candidates = [
        o
        for o in wh.state["orders"].values()
        if o["work"] is None
        and o["rejection_reason"] is None
        and o["status"] in ("RECEIVED", "PARTIALLY_SHIPPED", "EXCEPTION")
        and any(open_qty(ln) > 0 for ln in o["lines"])
    ]
    candidates.sort(key=lambda o: (o["ship_by"] or "9999", o["seq"]))
    for order in candidates:
        wh.touch("orders", order["external_id"])
        _release(wh, order)


def _release(wh: Warehouse, order: dict) -> None:
    policy = order["fulfilment_policy"]
    backorder = policy["on_shortage"] == "BACKORDER"
    allocs: list[dict] = []
    shorts: dict[str, Decimal] = {}
    for line in order["lines"]:
        need = open_qty(line)
        if need <= 0:
            continue
        item = wh.state["items"][line["sku"]]
        takes, short = wh.allocate(item, need, _rule(order, item), line["lot_requested"])
        allocs += [{"quant": q["id"], "line_ref": line["line_ref"], "qty": qty} for q, qty in takes]
        shorts[line["line_ref"]] = short
    any_short = any(shorts.values())
    if any_short and (not allocs or (backorder and not policy["allow_partial"])):
        for alloc in allocs:
            wh.quant(alloc["quant"])["allocated"] -= alloc["qty"]
        if backorder:  # wait for stock: nothing reserved, the shortfall shows as backordered
            for line in order["lines"]:
                line["backordered"] = shorts.get(line["line_ref"], Decimal(0))
        _await_stock_or_cancel(wh, order, backorder)
        return
    for line in order["lines"]:
        allocated = sum((a["qty"] for a in allocs if a["line_ref"] == line["line_ref"]), Decimal(0))
        line["allocated"] += allocated
        short = shorts.get(line["line_ref"], Decimal(0))
        if backorder:
            line["backordered"] = short
        else:
            line["cancelled"] += short
    order["work"] = {"allocs": allocs, "picks": [], "packages": [], "released_at": iso(wh.clock.now)}
    set_status(wh, order, "PARTIALLY_ALLOCATED" if any_short else "ALLOCATED")
    set_status(wh, order, "PICKING")
    schedule(
        wh, "pick_pack", wh.clock.plus(wh.cfg("pick_minutes") + wh.cfg("pack_minutes")), order["external_id"]
    )


def _await_stock_or_cancel(wh: Warehouse, order: dict, backorder: bool) -> None:
    """Nothing could be picked: the order waits for stock (backorder allowed) or its rest is cancelled."""
    if backorder:
        status = order["status"] if order["status"] == "PARTIALLY_SHIPPED" else "RECEIVED"
        set_status(wh, order, status, "AWAITING_STOCK")
    else:
        cancel_remainder(wh, order, "OUT_OF_STOCK")


def _missing(wh: Warehouse, qty: Decimal, continuous: bool) -> Decimal:
    if continuous:
        return max(
            (qty * Decimal(wh.rng.randint(1, 999)) / 1000).quantize(Decimal("0.001")), Decimal("0.001")
        )
    return Decimal(wh.rng.randint(1, int(qty)))


def pick_and_pack(wh: Warehouse, order: dict) -> None:
    work = order["work"]
    adjustments: list[dict] = []
    picked: dict[str, Decimal] = {}
    queue = list(work["allocs"])
    work["allocs"] = []
    rerouted: set[int] = set()
    while queue:
        alloc = queue.pop(0)
        quant = wh.quant(alloc["quant"])
        item = wh.state["items"][quant["sku"]]
        qty = alloc["qty"]
        continuous = qty != qty.to_integral_value() or is_continuous(item)
        got = qty
        if alloc["quant"] not in rerouted and wh.rng.random() < wh.cfg("short_pick_rate"):
            # the bin holds less than the book says: book the loss, send the picker to the next bin
            missing = min(_missing(wh, qty, continuous), qty)
            adjustments.append(
                {
                    "sku": quant["sku"],
                    "lot": quant["lot"],
                    "expiry": quant["expiry"],
                    "location": quant["location"],
                    "delta": -missing,
                    "reason_code": "LS",
                    "previous_on_hand": quant["on_hand"],
                    "uom": item["base_uom"],
                }
            )
            quant["on_hand"] -= missing
            quant["allocated"] -= missing
            if item["tracking"]["serial"] == "both":  # the lost units' serials leave the book with them
                quant["serials"] = quant["serials"][: int(quant["on_hand"])]
            got = qty - missing
            line = next(ln for ln in order["lines"] if ln["line_ref"] == alloc["line_ref"])
            takes, _ = wh.allocate(
                item, missing, _rule(order, item), line["lot_requested"], exclude={quant["id"]}
            )
            for q, take in takes:
                rerouted.add(q["id"])
                queue.append({"quant": q["id"], "line_ref": alloc["line_ref"], "qty": take})
        if got > 0 and wh.rng.random() < wh.cfg("mispick_rate"):
            # caught at the pack bench's scan; the right unit is re-picked unless it cannot be found in time
            metrics = wh.state["metrics"]
            metrics["mispicks_caught"] = metrics.get("mispicks_caught", 0) + 1
            if wh.rng.random() < wh.cfg("short_pick_rate"):
                one = min(got, Decimal(1))
                quant["allocated"] -= one
                got -= one
        if got <= 0:
            continue
        serials = []
        if item["tracking"]["serial"] == "both":
            serials, quant["serials"] = quant["serials"][: int(got)], quant["serials"][int(got) :]
        elif item["tracking"]["serial"] == "outbound":
            serials = [
                f"SN-{item['sku'][3:]}-{wh.next_id('serial:' + item['sku']) + 1000:05d}"
                for _ in range(int(got))
            ]
        quant["on_hand"] -= got
        quant["allocated"] -= got
        pick = {
            "line_ref": alloc["line_ref"],
            "sku": quant["sku"],
            "qty": got,
            "lot": quant["lot"],
            "expiry": quant["expiry"],
            "location": quant["location"],
            "serials": serials,
        }
        work["picks"].append(pick)
        staged = wh.add_stock(
            quant["sku"],
            got,
            PACK_STATION,
            quant["lot"],
            quant["expiry"],
            serials=serials,
            order=order["external_id"],
        )
        staged["allocated"] += got
        picked[alloc["line_ref"]] = picked.get(alloc["line_ref"], Decimal(0)) + got
    wh.drop_empty()
    if adjustments:
        _emit_adjustment(wh, adjustments, "short_pick")
    policy = order["fulfilment_policy"]
    backorder = policy["on_shortage"] == "BACKORDER"
    allocated_now = {ln["line_ref"]: ln["allocated"] - ln["picked"] for ln in order["lines"]}
    shortfall = {ref: allocated_now[ref] - picked.get(ref, Decimal(0)) for ref in allocated_now}
    if any(v > 0 for v in shortfall.values()) and backorder and not policy["allow_partial"]:
        # ship-complete order hit a short pick: everything goes back, the order waits for stock
        release_work(wh, order)
        for line in order["lines"]:
            line["allocated"] = line["picked"] = line["shipped"]
            line["backordered"] = open_qty(line)
        set_status(wh, order, "EXCEPTION", "SHORT_PICK")
        return
    nothing_picked = not work["picks"]
    for line in order["lines"]:
        short = shortfall[line["line_ref"]]
        line["picked"] += picked.get(line["line_ref"], Decimal(0))
        line["allocated"] -= short
        if short > 0:
            if backorder:
                line["backordered"] += short
            elif not nothing_picked:  # with nothing to ship, cancel_remainder cancels (and reports) it all
                line["cancelled"] += short
    if nothing_picked:
        order["work"] = None
        _await_stock_or_cancel(wh, order, backorder)
        return
    rows = [
        {
            "line_ref": p["line_ref"],
            "sku": p["sku"],
            "qty": p["qty"],
            "uom": wh.state["items"][p["sku"]]["base_uom"],
            "lot": p["lot"],
            "expiry": p["expiry"],
            "serials": p["serials"],
        }
        for p in work["picks"]
    ]
    packages = cartonize(rows, wh.state["items"])
    for package in packages:
        package["package_id"] = f"PKG-{wh.next_id('package'):06d}"
        package["sscc"] = make_sscc(wh.next_id("sscc"))
    work["packages"] = packages
    set_status(wh, order, "PACKED")
    schedule(wh, "ship", wh.clock.plus(wh.cfg("ship_minutes")), order["external_id"])


def ship(wh: Warehouse, order: dict) -> None:
    work = order["work"]
    carrier = order["carrier"] or DEFAULT_CARRIER
    code, service = carrier["code"], carrier["service"] or DEFAULT_CARRIER["service"]
    shipment_id = f"SHP-{wh.next_id('shipment'):06d}"
    packages = []
    for package in work["packages"]:
        contents = [
            {
                "line_ref": c["line_ref"],
                "sku": c["sku"],
                "qty": c["qty"],
                "uom": c["uom"],
                "lot": c["lot"],
                "expiry": c["expiry"],
                "serials": c["serials"],
            }
            for c in package["contents"]
        ]
        packages.append(
            {
                "package_id": package["package_id"],
                "sscc": package["sscc"],
                "tracking_number": tracking_number(code, service, wh.rng),
                "box": package["box"],
                "weight": package["weight"],
                "dims": package["dims"],
                "contents": contents,
            }
        )
    shipped_lines = []
    for line in order["lines"]:
        picks = [p for p in work["picks"] if p["line_ref"] == line["line_ref"]]
        if not picks:
            continue
        qty = sum((p["qty"] for p in picks), Decimal(0))
        lots: dict[tuple, Decimal] = {}
        for p in picks:
            if p["lot"] is not None:
                lots[(p["lot"], p["expiry"])] = lots.get((p["lot"], p["expiry"]), Decimal(0)) + p["qty"]
        line["shipped"] += qty
        shipped_lines.append(
            {
                "line_ref": line["line_ref"],
                "sku": line["sku"],
                "qty_ordered": line["ordered"],
                "qty_shipped": qty,
                "uom": line["uom"],
                "lots": [{"lot": lot, "expiry": exp, "qty": q} for (lot, exp), q in lots.items()],
                "serials": [s for p in picks for s in p["serials"]],
            }
        )
    for key in [k for k, q in wh.state["quants"].items() if q["order"] == order["external_id"]]:
        del wh.state["quants"][key]
    order["work"] = None
    closes = all(open_qty(line) <= 0 for line in order["lines"])
    shortages = []
    for line in order["lines"]:
        if line["backordered"] > 0:
            shortages.append(
                {"line_ref": line["line_ref"], "qty": line["backordered"], "resolution": "BACKORDERED"}
            )
        if line["cancelled"] > 0:
            shortages.append(
                {"line_ref": line["line_ref"], "qty": line["cancelled"], "resolution": "CANCELLED"}
            )
    kgs = [p["weight"]["value"] for p in packages]
    payload = {
        "wms_shipment_id": shipment_id,
        "order_external_id": order["external_id"],
        "wms_order_id": order["wms_id"],
        "order_number": order["order_number"],
        "ship_date": iso(wh.clock.now),
        "carrier": {"code": code, "service": service, "scac": SCAC.get(code)},
        "service_level": order["service_level"],
        "tracking_numbers": [p["tracking_number"] for p in packages],
        "freight_cost": {"amount": freight(service, kgs), "currency": "USD"},
        "closes_order": closes,
        "packages": packages,
        "lines": shipped_lines,
        "shortages": shortages,
    }
    order["shipments"].append(shipment_id)
    wh.state["shipments"][shipment_id] = payload
    wh.touch("shipments", shipment_id)
    wh.emit("shipment.confirmed", "shipment", order["external_id"], shipment_id, payload)
    set_status(
        wh,
        order,
        "SHIPPED" if closes else "PARTIALLY_SHIPPED",
        None if closes or not any(ln["backordered"] for ln in order["lines"]) else "AWAITING_STOCK",
    )


# --- inbound -----------------------------------------------------------------------------------------
def _vary(wh: Warehouse, qty: Decimal, continuous: bool) -> Decimal:
    fraction = Decimal(wh.rng.randint(2, 10)) / 100
    delta = qty * fraction
    delta = (
        delta.quantize(Decimal("0.001"))
        if continuous
        else max(delta.to_integral_value(ROUND_FLOOR), Decimal(1))
    )
    return delta


def receive(wh: Warehouse, notice: dict) -> None:
    if notice["kind"] == "RETURN":
        receive_return(wh, notice)
        return
    lines = []
    today = wh.clock.now.date()
    for line in notice["lines"]:
        item = wh.state["items"][line["sku"]]
        continuous = is_continuous(item)
        expected = line["expected"]
        roll = wh.rng.random()
        if roll < wh.cfg("over_receipt_rate"):
            received = expected + _vary(wh, expected, continuous)
        elif roll < wh.cfg("over_receipt_rate") + wh.cfg("short_receipt_rate"):
            received = max(expected - _vary(wh, expected, continuous), Decimal(0))
        else:
            received = expected
        damaged = Decimal(0)
        if received > 0 and wh.rng.random() < wh.cfg("damaged_rate"):
            damaged = min(received, _vary(wh, received, continuous))
        lot = line["lot"]
        if item["tracking"]["lot"] == "required" and lot is None:
            lot = f"L{today:%y%m%d}-{wh.next_id('lot'):04d}"  # the receiver prints a lot label
        expiry = line["expiry"]
        if item["tracking"]["expiry"] == "required" and expiry is None:
            expiry = (today + timedelta(days=item["shelf_life_days"] or 365)).isoformat()
        if item["tracking"]["lot"] != "required":
            lot = expiry = None
        serials = []
        if item["tracking"]["serial"] == "both":
            # the ASN's serials are scanned as announced; units beyond them get the receiver's labels
            serials = list(line["serials"])[: int(received)]
            serials += [
                f"SN-{item['sku'][3:]}-{wh.next_id('serial:' + item['sku']):03d}"
                for _ in range(int(received) - len(serials))
            ]
        good = received - damaged
        location = wh.putaway_bin(item["sku"], lot) if good > 0 else None
        if good > 0:
            wh.add_stock(item["sku"], good, location, lot, expiry, serials=serials[: int(good)])
        if damaged > 0:
            wh.add_stock(item["sku"], damaged, DAMAGE_BIN, lot, expiry, serials=serials[int(good) :])
        line["received"] += received
        line["damaged"] += damaged
        lines.append(
            {
                "line_ref": line["line_ref"],
                "sku": item["sku"],
                "qty_expected": expected,
                "qty_received": received,
                "qty_damaged": damaged,
                "uom": item["base_uom"],
                "lot": lot,
                "expiry": expiry,
                "serials": serials,
                "location": location,
                "damaged_location": DAMAGE_BIN if damaged > 0 else None,
            }
        )
    receipt_id = f"RCT-{wh.next_id('receipt'):06d}"
    notice["status"] = "RECEIVED"
    notice["receipts"].append(receipt_id)
    wh.emit(
        "receipt.confirmed",
        "inbound_notice",
        notice["external_id"],
        notice["wms_id"],
        {
            "wms_receipt_id": receipt_id,
            "notice_external_id": notice["external_id"],
            "kind": notice["kind"],
            "po_number": notice["po_number"],
            "received_at": iso(wh.clock.now),
            "is_final": True,
            "lines": lines,
        },
    )


CONDITIONS = (("new", 60), ("opened", 25), ("damaged", 10), ("defective", 5))
DISPOSITION = {
    "new": ("restock", None),
    "opened": ("refurbish", REFURB_BIN),
    "damaged": ("scrap", None),
    "defective": ("return_to_vendor", RTV_BIN),
}


def _shipped_trace(wh: Warehouse, order_ref: str | None, sku: str) -> tuple[list[str], list[tuple]]:
    order = wh.state["orders"].get(order_ref or "")
    serials: list[str] = []
    lots: list[tuple] = []
    for shipment_id in order["shipments"] if order else []:
        for line in wh.state["shipments"][shipment_id]["lines"]:
            if line["sku"] == sku:
                serials += line["serials"]
                lots += [(lot["lot"], lot["expiry"]) for lot in line["lots"]]
    return serials, lots


def receive_return(wh: Warehouse, notice: dict) -> None:
    lines = []
    for line in notice["lines"]:
        item = wh.state["items"][line["sku"]]
        expected = line["expected"]
        qty = expected
        if qty >= 1 and wh.rng.random() < wh.cfg("return_short_rate"):
            qty -= 1  # the customer kept one, or it is still in the mail
        shipped_serials, shipped_lots = _shipped_trace(wh, notice["original_order_ref"], item["sku"])
        serials = list(line["serials"] or shipped_serials)
        lot, expiry = line["lot"], line["expiry"]
        if lot is None and shipped_lots and item["tracking"]["lot"] == "required":
            lot, expiry = shipped_lots[0]
        units = int(qty) if qty == qty.to_integral_value() else 1
        counts: dict[str, Decimal] = {}
        for _ in range(units):
            condition = wh.rng.choices([c for c, _ in CONDITIONS], weights=[w for _, w in CONDITIONS])[0]
            counts[condition] = counts.get(condition, Decimal(0)) + (qty if units == 1 else 1)
        line["received"] += qty
        for condition, _ in CONDITIONS:
            count = counts.get(condition)
            if not count:
                continue
            disposition, location = DISPOSITION[condition]
            if condition != "new" and item["tracking"]["expiry"] == "required":
                disposition, location = "quarantine", QUARANTINE_BIN  # opened food never goes back on a shelf
            line_serials, serials = serials[: int(count)], serials[int(count) :]
            if disposition == "restock":
                location = wh.putaway_bin(item["sku"], lot)
            if location is not None:
                wh.add_stock(
                    item["sku"],
                    count,
                    location,
                    lot,
                    expiry,
                    serials=line_serials if item["tracking"]["serial"] == "both" else None,
                )
            lines.append(
                {
                    "line_ref": line["line_ref"],
                    "sku": item["sku"],
                    "qty_expected": expected,
                    "qty": count,
                    "uom": item["base_uom"],
                    "lot": lot,
                    "expiry": expiry,
                    "serials": line_serials,
                    "condition": condition,
                    "disposition": disposition,
                    "location": location,
                }
            )
    receipt_id = f"RTN-{wh.next_id('return'):06d}"
    notice["status"] = "RECEIVED"
    notice["receipts"].append(receipt_id)
    wh.emit(
        "return.received",
        "inbound_notice",
        notice["external_id"],
        notice["wms_id"],
        {
            "wms_receipt_id": receipt_id,
            "notice_external_id": notice["external_id"],
            "original_order_ref": notice["original_order_ref"],
            "received_at": iso(wh.clock.now),
            "lines": lines,
        },
    )


# --- inventory control ---------------------------------------------------------------------------------
def _emit_adjustment(wh: Warehouse, lines: list[dict], source: str) -> str:
    adjustment_id = f"ADJ-{wh.next_id('adjustment'):06d}"
    wh.emit(
        "inventory.adjusted",
        "inventory",
        None,
        adjustment_id,
        {"adjustment_id": adjustment_id, "source": source, "adjusted_at": iso(wh.clock.now), "lines": lines},
    )
    return adjustment_id


def cycle_count(
    wh: Warehouse, sku: str | None = None, location: str | None = None, bins: int | None = None
) -> dict:
    quants = [
        q
        for q in wh.quants(sku)
        if q["location"] in STORAGE_BINS
        and q["order"] is None
        and q["on_hand"] > 0
        and (location is None or q["location"] == location)
    ]
    if bins is not None:
        locations = sorted({q["location"] for q in quants})
        chosen = set(wh.rng.sample(locations, min(bins, len(locations))))
        quants = [q for q in quants if q["location"] in chosen]
    lines = []
    for quant in quants:
        if wh.rng.random() >= wh.cfg("cycle_count_variance_rate"):
            continue
        item = wh.state["items"][quant["sku"]]
        if is_continuous(item):
            delta = Decimal(wh.rng.choice((-1, 1))) * Decimal(wh.rng.randint(1, 500)) / 1000
        else:
            delta = Decimal(wh.rng.choice((-3, -2, -1, 1, 2)))
        delta = max(delta, quant["allocated"] - quant["on_hand"])  # reserved units were seen by the counter
        if delta == 0:
            continue
        previous = quant["on_hand"]
        quant["on_hand"] += delta
        if item["tracking"]["serial"] == "both":
            if delta < 0:
                quant["serials"] = quant["serials"][: int(quant["on_hand"])]
            else:
                quant["serials"] += [
                    f"SN-{item['sku'][3:]}-{wh.next_id('serial:' + item['sku']):03d}"
                    for _ in range(int(delta))
                ]
        lines.append(
            {
                "sku": quant["sku"],
                "lot": quant["lot"],
                "expiry": quant["expiry"],
                "location": quant["location"],
                "delta": delta,
                "reason_code": "CC",
                "previous_on_hand": previous,
                "uom": item["base_uom"],
            }
        )
    wh.drop_empty()
    adjustment_id = _emit_adjustment(wh, lines, "cycle_count") if lines else None
    return {"counted": len(quants), "adjustment_id": adjustment_id, "lines": lines}


def adjust(wh: Warehouse, sku: str, location: str, lot: str | None, delta: Decimal, reason_code: str) -> dict:
    quant = next(
        (q for q in wh.quants(sku) if q["location"] == location and q["lot"] == lot and q["order"] is None),
        None,
    )
    item = wh.state["items"][sku]
    previous = quant["on_hand"] if quant else Decimal(0)
    if previous + delta < (quant["allocated"] if quant else 0):
        raise unprocessable(
            "INSUFFICIENT_STOCK", f"{location} holds {previous} {sku}; cannot apply {delta}", "delta"
        )
    if quant is None:
        expiry = None
        quant = wh.add_stock(sku, delta, location, lot, expiry)
    else:
        quant["on_hand"] += delta
    line = {
        "sku": sku,
        "lot": lot,
        "expiry": quant["expiry"],
        "location": location,
        "delta": delta,
        "reason_code": reason_code,
        "previous_on_hand": previous,
        "uom": item["base_uom"],
    }
    wh.drop_empty()
    return {"adjustment_id": _emit_adjustment(wh, [line], "manual"), "lines": [line]}


def take_snapshot(wh: Warehouse) -> str:
    snapshot_id = f"SNAP-{wh.next_id('snapshot'):06d}"
    wh.emit(
        "inventory.snapshot",
        "inventory",
        None,
        snapshot_id,
        {
            "snapshot_id": snapshot_id,
            "taken_at": iso(wh.clock.now),
            "lines": wh.balances("SKU_LOT_LOCATION", None),
        },
    )
    return snapshot_id
