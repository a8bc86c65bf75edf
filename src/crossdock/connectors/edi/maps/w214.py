"""214 Transportation Carrier Shipment Status <-> TrackingEvent.

``from_x12`` returns a list: a 214 carries any number of status details (one event per AT7 that has a
status code; appointment-only AT7s are skipped). AT701 goes through the profile's ``tracking_statuses``;
AT702 other than NS (normal) is the event's ``exception_code``. AT705/AT706 are read in the zone AT707
names (LT or none: the partner's zone). Location is MS1 (city, state, country), description K1, the order
L11 (inside the LX loop, where both 4010 and 5010 allow it). ``to_x12`` writes one LX per event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from crossdock.model import TrackingEvent

from ..model import TransactionSet
from .common import Body, Problem, Seg, Segment, fail_if, loops, parse_datetime, x12_time
from .partner import PartnerProfile

SET_ID = "214"
DOCUMENT = TrackingEvent
NORMAL = "NS"
K1_MAX = 30

# AT707 time codes; the standard/daylight codes are fixed offsets, the plain ones follow the region's rules
TIME_CODES: dict[str, Any] = {
    "UT": UTC,
    "GM": UTC,
    "ET": ZoneInfo("America/New_York"),
    "CT": ZoneInfo("America/Chicago"),
    "MT": ZoneInfo("America/Denver"),
    "PT": ZoneInfo("America/Los_Angeles"),
    "ES": timezone(timedelta(hours=-5)),
    "CS": timezone(timedelta(hours=-6)),
    "MS": timezone(timedelta(hours=-7)),
    "PS": timezone(timedelta(hours=-8)),
    "ED": timezone(timedelta(hours=-4)),
    "CD": timezone(timedelta(hours=-5)),
    "MD": timezone(timedelta(hours=-6)),
    "PD": timezone(timedelta(hours=-7)),
}


def _location_out(location: str) -> Segment:
    parts = location.split(", ")
    if len(parts) == 3 and len(parts[1]) == 2 and 2 <= len(parts[2]) <= 3 and len(parts[0]) >= 2:
        return ["MS1", *parts]
    return ["MS1", location]


def _description_out(text: str) -> list[Segment]:
    chunks = [text[i : i + K1_MAX] for i in range(0, len(text), K1_MAX)]
    return [["K1", *chunks[i : i + 2]] for i in range(0, len(chunks), 2)]


def to_x12(events: TrackingEvent | Sequence[TrackingEvent], partner: PartnerProfile) -> list[Segment]:
    items = [events] if isinstance(events, TrackingEvent) else list(events)
    problems: list[Problem] = []
    if not items:
        raise ValueError("no tracking event to write")
    first = items[0]
    if any(
        (e.tracking_number, e.carrier, e.shipment_id)
        != (first.tracking_number, first.carrier, first.shipment_id)
        for e in items
    ):
        problems.append(
            Problem("B10", "one 214 carries the events of one shipment (tracking number, carrier)")
        )
    scac = partner.scac_out(first.carrier)
    if scac is None:
        problems.append(Problem("B1003", f"no SCAC for carrier {first.carrier!r}"))
    segs: list[Segment] = [["B10", first.tracking_number, first.shipment_id, scac]]
    zone_code = "UT" if partner.zone.key == "UTC" else "LT"
    for n, event in enumerate(items, start=1):
        code = partner.code_out("tracking_statuses", event.status.value)
        if code is None:
            problems.append(Problem("AT701", f"event {n}: no status code for {event.status.value!r}"))
        day, tm = x12_time(event.occurred_at, partner)
        segs += [["LX", n], ["AT7", code, event.exception_code or NORMAL, None, None, day, tm, zone_code]]
        if event.location:
            segs.append(_location_out(event.location))
        if event.order_id:
            segs.append(["L11", event.order_id, partner.ref("order")])
        if event.description:
            segs += _description_out(event.description)
    fail_if(problems, SET_ID)
    return segs


def _event(
    body: Body, b10: Seg | None, lx: list[Seg], at7_loop: list[Seg], partner: PartnerProfile
) -> dict[str, Any]:
    at7 = at7_loop[0]
    code = at7.get(1)
    status = partner.tracking_statuses.get(code)
    if status is None:
        body.problem(
            "AT701",
            "status code not in the profile's tracking_statuses",
            at7,
            expected="/".join(partner.tracking_statuses),
            found=code,
        )
    if not at7.get(5):
        body.problem("AT705", "mandatory element missing (status date)", at7)
    tz_code = at7.get(7)
    zone = TIME_CODES.get(tz_code) if tz_code not in ("", "LT") else partner.zone
    if zone is None:
        body.problem(
            "AT707", "time code not supported", at7, expected="/".join(["LT", *TIME_CODES]), found=tz_code
        )
    occurred = parse_datetime(body, at7, 5, 6, partner, zone) if at7.get(5) and zone is not None else None
    ms1 = next((s for s in at7_loop if s.id == "MS1"), None)
    location = ", ".join(v for v in ms1.els[1:4] if v) if ms1 else None
    l11 = next((s for s in lx if s.id == "L11" and s.get(2) == partner.ref("order")), None)
    text = "".join(v for s in lx if s.id == "K1" for v in s.els[1:3])
    reason = at7.get(2)
    return {
        "tracking_number": (b10.get(1) or b10.get(2)) if b10 else "",
        "carrier": partner.carrier_in(b10.get(3)) if b10 else None,
        "status": status,
        "occurred_at": occurred,
        "shipment_id": (b10.get(2) or None) if b10 else None,
        "order_id": l11.get(1) if l11 else None,
        "location": location or None,
        "description": text or None,
        "exception_code": reason if reason and reason != NORMAL else None,
    }


def from_x12(source: TransactionSet | list[list[str]], partner: PartnerProfile) -> list[TrackingEvent]:
    body = Body.of(source, SET_ID, partner)
    b10 = body.need_segment("B10", "beginning segment for shipment status")
    if b10 is not None and not (b10.get(1) or b10.get(2)):
        body.problem("B1001", "no carrier reference (B1001) nor shipment id (B1002) to track by", b10)
    body.need(b10, 3, "carrier SCAC")
    values = []
    for lx in loops(body.segs, "LX"):
        for at7_loop in loops(lx, "AT7", ("L11", "MAN", "Q7", "K1", "AT5", "AT8", "N1")):
            if at7_loop[0].get(1):
                values.append(_event(body, b10, lx, at7_loop, partner))
    if not values:
        body.problem("AT7", "no shipment status (AT701) in the set")
    body.check()
    return [body.build(TrackingEvent, **v) for v in values]
