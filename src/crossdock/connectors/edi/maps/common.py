"""Shared helpers for the X12 <-> canonical maps: inbound segment access with precise errors, parties,
dates, quantities, references and lots.

Outbound maps build body segments as lists (segment ID then element values) for the generator; inbound
maps read a transaction set through ``Body``, which records every missing or invalid piece as a
``Problem`` so one ``MapError`` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..model import TransactionSet
from ..versions import release_of

if TYPE_CHECKING:
    from .partner import PartnerProfile

Segment = list[Any]


@dataclass(frozen=True, slots=True)
class Problem:
    """One missing or invalid piece: ``where`` is a segment ID or an element reference such as W0502."""

    where: str
    message: str
    position: int | None = None  # set position, ST = 1
    expected: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}"
        if self.expected is not None:
            text += f" (expected {self.expected}"
            text += f", found {self.found!r})" if self.found is not None else ")"
        if self.position is not None:
            text += f" [set position {self.position}]"
        return text


class MapError(ValueError):
    """A document cannot be mapped; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem], set_id: str | None = None):
        self.problems = list(problems)
        self.set_id = set_id
        head = f"cannot map {set_id}" if set_id else "cannot map document"
        super().__init__(f"{head}: " + "; ".join(str(p) for p in self.problems))

    @property
    def where(self) -> list[str]:
        return [p.where for p in self.problems]


@dataclass(slots=True)
class Seg:
    """An inbound segment: ``els[0]`` is the segment ID; ``pos`` its set position (ST = 1)."""

    els: list[str]
    pos: int

    @property
    def id(self) -> str:
        return self.els[0]

    def get(self, i: int) -> str:
        return self.els[i] if i < len(self.els) else ""

    def ref(self, i: int) -> str:
        return f"{self.id}{i:02d}"


@dataclass(slots=True)
class Body:
    """The body of one inbound transaction set (ST/SE stripped) plus the problems found while reading it."""

    set_id: str
    segs: list[Seg]
    component: str
    release: str
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def of(
        cls, source: TransactionSet | Sequence[Sequence[str]], set_id: str, partner: PartnerProfile
    ) -> Body:
        if isinstance(source, TransactionSet):
            rows = source.segments
            component = source.chunk.delimiters.component or ">"
            release = release_of(source.version) or partner.release
        else:
            rows = [list(r) for r in source]
            component, release = ">", partner.release
        # positions count from ST = 1 even when the caller passes the body only
        start = 1 if rows and rows[0] and rows[0][0] == "ST" else 2
        segs = [Seg(list(r), i) for i, r in enumerate(rows, start=start)]
        if segs and segs[0].id == "ST":
            if segs[0].get(1) != set_id:
                raise MapError([Problem("ST01", "wrong transaction set", 1, set_id, segs[0].get(1))], set_id)
            segs = segs[1:]
        if segs and segs[-1].id == "SE":
            segs = segs[:-1]
        return cls(set_id, segs, component, release)

    @property
    def is_5010(self) -> bool:
        return self.release == "005010"

    def problem(self, where: str, message: str, seg: Seg | None = None, **kw: str | None) -> None:
        self.problems.append(Problem(where, message, seg.pos if seg else None, **kw))

    def first(self, sid: str, segs: Iterable[Seg] | None = None) -> Seg | None:
        return next((s for s in (self.segs if segs is None else segs) if s.id == sid), None)

    def need_segment(self, sid: str, what: str, segs: Iterable[Seg] | None = None) -> Seg | None:
        seg = self.first(sid, segs)
        if seg is None:
            self.problem(sid, f"mandatory segment missing ({what})")
        return seg

    def need(self, seg: Seg | None, i: int, what: str) -> str:
        """Element ``i`` of ``seg``; a problem (and "") when the segment or the element is missing."""
        if seg is None:
            return ""
        value = seg.get(i).strip()
        if not value:
            self.problem(seg.ref(i), f"mandatory element missing ({what})", seg)
        return value

    def decimal(self, seg: Seg | None, i: int, what: str, required: bool = True) -> Decimal | None:
        if seg is None:
            return None
        text = seg.get(i).strip()
        if not text:
            if required:
                self.problem(seg.ref(i), f"mandatory element missing ({what})", seg)
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            self.problem(seg.ref(i), f"not a number ({what})", seg, expected="decimal", found=text)
            return None

    def check(self) -> None:
        if self.problems:
            raise MapError(self.problems, self.set_id)

    def build(self, cls: type[Any], **values: Any) -> Any:
        """Construct the canonical document, turning model validation errors into problems."""
        self.check()
        try:
            return cls(**values)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                self.problem(f"{cls.__name__}.{loc}", err["msg"])
            raise MapError(self.problems, self.set_id) from None


def loops(segs: Sequence[Seg], trigger: str, stop: Iterable[str] = ()) -> Iterator[list[Seg]]:
    """Split ``segs`` into runs that each start at ``trigger``; segments before the first trigger and from
    the first ``stop`` segment on are not part of any run."""
    stops = set(stop)
    current: list[Seg] | None = None
    for seg in segs:
        if seg.id in stops:
            break
        if seg.id == trigger:
            if current is not None:
                yield current
            current = [seg]
        elif current is not None:
            current.append(seg)
    if current is not None:
        yield current


def header(segs: Sequence[Seg], trigger: str) -> list[Seg]:
    """Segments before the first ``trigger`` (the header area of a set)."""
    out: list[Seg] = []
    for seg in segs:
        if seg.id == trigger:
            break
        out.append(seg)
    return out


# --- dates and times ----------------------------------------------------------------------------------


def x12_datetime(value: datetime, partner: PartnerProfile) -> tuple[str, str | None]:
    """(CCYYMMDD, HHMM[SS]) in the partner's zone; the time is None at local midnight (date only).

    Sub-second precision does not exist in X12 and is dropped; seconds are kept when present.
    """
    local = value.astimezone(partner.zone)
    day = local.strftime("%Y%m%d")
    if local.time().replace(microsecond=0) == time(0) and not partner.always_time:
        return day, None
    seconds = local.second != 0 or partner.time_format == "HHMMSS"
    return day, local.strftime("%H%M%S" if seconds else "%H%M")


def x12_time(value: datetime, partner: PartnerProfile) -> tuple[str, str]:
    day, tm = x12_datetime(value, partner)
    return day, tm or "0000"


def parse_datetime(
    body: Body, seg: Seg, date_i: int, time_i: int | None, partner: PartnerProfile, zone: Any = None
) -> datetime | None:
    """Combine a DT element and an optional TM element read in the partner's zone into a UTC datetime."""
    day = seg.get(date_i).strip()
    if not day:
        return None
    tm = seg.get(time_i).strip() if time_i is not None else ""
    try:
        parsed = datetime.strptime(day, "%Y%m%d")
        if tm:
            digits = tm[:6]
            fmt = {4: "%H%M", 6: "%H%M%S"}.get(len(digits))
            if fmt is None:
                raise ValueError(tm)
            t = datetime.strptime(digits, fmt).time()
            parsed = parsed.replace(hour=t.hour, minute=t.minute, second=t.second)
    except ValueError:
        body.problem(
            seg.ref(date_i), "invalid date/time", seg, expected="CCYYMMDD [HHMM[SS]]", found=f"{day} {tm}"
        )
        return None
    return parsed.replace(tzinfo=zone or partner.zone).astimezone(UTC)


def g62(qualifier: str, value: datetime, partner: PartnerProfile) -> Segment:
    day, tm = x12_datetime(value, partner)
    return ["G62", qualifier, day] + ([partner.g62_time_qualifier, tm] if tm else [])


def find_g62(body: Body, segs: Sequence[Seg], qualifier: str, partner: PartnerProfile) -> datetime | None:
    for seg in segs:
        if seg.id == "G62" and seg.get(1) == qualifier:
            return parse_datetime(body, seg, 2, 4, partner)
    return None


def dtm(qualifier: str, value: datetime, partner: PartnerProfile) -> Segment:
    day, tm = x12_datetime(value, partner)
    return ["DTM", qualifier, day] + ([tm] if tm else [])


def find_dtm(body: Body, segs: Sequence[Seg], qualifier: str, partner: PartnerProfile) -> datetime | None:
    for seg in segs:
        if seg.id == "DTM" and seg.get(1) == qualifier:
            return parse_datetime(body, seg, 2, 3, partner)
    return None


# --- references ---------------------------------------------------------------------------------------


def n9(
    qualifier: str, value: str, expiry: datetime | None = None, partner: PartnerProfile | None = None
) -> Segment:
    """N9 reference; an expiry (lot) goes into N904/N905."""
    if expiry is None or partner is None:
        return ["N9", qualifier, value]
    day, tm = x12_datetime(expiry, partner)
    return ["N9", qualifier, value, None, day] + ([tm] if tm else [])


def refs(segs: Sequence[Seg], sid: str, qualifier: str, qual_i: int = 1, value_i: int = 2) -> list[Seg]:
    return [s for s in segs if s.id == sid and s.get(qual_i) == qualifier and s.get(value_i)]


def ref_value(segs: Sequence[Seg], sid: str, qualifier: str, qual_i: int = 1, value_i: int = 2) -> str | None:
    found = refs(segs, sid, qualifier, qual_i, value_i)
    return found[0].get(value_i) if found else None


# --- lots ---------------------------------------------------------------------------------------------

LOT_MAX = 12  # the item segments' lot element (W0408, W0708, W1209, W1909) is AN 1/12; longer lots go in N9


def lot_segments(lot: str | None, expiry: Any, partner: PartnerProfile) -> list[Segment]:
    """The N9 for a lot that has an expiry (N904/N905) or is too long for the item segment."""
    if lot and (expiry is not None or len(lot) > LOT_MAX):
        return [n9(partner.ref("lot"), lot, expiry, partner)]
    return []


def read_lot(body: Body, seg_lot: str, loop: list[Any], partner: PartnerProfile) -> tuple[str | None, Any]:
    """Lot from the item segment or N9 (lot qualifier), and its expiry from N904/N905."""
    lot = seg_lot or ref_value(loop, "N9", partner.ref("lot")) or ""
    ref = next((s for s in refs(loop, "N9", partner.ref("lot")) if s.get(2) == lot), None)
    expiry = parse_datetime(body, ref, 4, 5, partner) if ref is not None and ref.get(4) else None
    return lot or None, expiry


# --- parties (N1 loop) --------------------------------------------------------------------------------


def n1_party(entity: str, name: str | None, code: str | None, partner: PartnerProfile) -> Segment:
    if code:
        return ["N1", entity, name, partner.id_qualifier, code]
    return ["N1", entity, name]


def n1_address(entity: str, address: Any, code: str | None, partner: PartnerProfile) -> list[Segment]:
    """N1/N3/N4/PER for a canonical ``Address``."""
    out: list[Segment] = [n1_party(entity, address.name, code, partner)]
    if address.street:
        out.append(["N3", address.street] + ([address.street2] if address.street2 else []))
    if address.city or address.state or address.zip or address.country:
        out.append(["N4", address.city, address.state, address.zip, address.country])
    if address.phone or address.email:
        per: Segment = ["PER", "IC", None]
        if address.phone:
            per += ["TE", address.phone]
        if address.email:
            per += ["EM", address.email]
        out.append(per)
    return out


def n1_loops(segs: Sequence[Seg]) -> dict[str, list[Seg]]:
    """N1 loops keyed by N101 (the first loop per entity code wins)."""
    out: dict[str, list[Seg]] = {}
    current: list[Seg] | None = None
    for seg in segs:
        if seg.id == "N1":
            current = [seg]
            out.setdefault(seg.get(1), current)
        elif current is not None and seg.id in ("N2", "N3", "N4", "PER", "G61", "REF"):
            current.append(seg)
        else:
            current = None
    return out


def party_code(loop: list[Seg] | None) -> str | None:
    """N104 identification, else N102 name (parties without an ID are known by name)."""
    if not loop:
        return None
    return loop[0].get(4).strip() or loop[0].get(2).strip() or None


def read_address(loop: list[Seg], body: Body | None = None) -> dict[str, Any]:
    n1 = loop[0]
    values: dict[str, Any] = {"name": n1.get(2) or n1.get(4)}
    for seg in loop[1:]:
        if seg.id == "N3":
            values["street"] = seg.get(1) or None
            values["street2"] = seg.get(2) or None
        elif seg.id == "N4":
            values.update(city=seg.get(1) or None, state=seg.get(2) or None, zip=seg.get(3) or None)
            country = seg.get(4) or None
            if country is not None and len(country) != 2 and body is not None:
                body.problem(
                    "N404",
                    "country is not an ISO 3166 alpha-2 code",
                    seg,
                    expected="2 letters",
                    found=country,
                )
                country = None
            values["country"] = country
        elif seg.id == "PER":
            for q, v in ((seg.get(3), seg.get(4)), (seg.get(5), seg.get(6)), (seg.get(7), seg.get(8))):
                if q == "TE":
                    values["phone"] = v
                elif q == "EM":
                    values["email"] = v
    return values


# --- quantities, units, items -------------------------------------------------------------------------


def qty_out(
    value: Decimal, uom: str, partner: PartnerProfile, where: str, problems: list[Problem]
) -> tuple[Decimal, str]:
    code = partner.unit_out(uom)
    if code is None:
        problems.append(Problem(where, f"no X12 unit code for uom {uom!r} in the partner profile"))
        code = "EA"
    return value, code


def find_sku(body: Body, seg: Seg, pairs: Sequence[tuple[int, int]], partner: PartnerProfile) -> str:
    """The SKU from the first qualifier/ID pair whose qualifier the profile accepts (in profile order)."""
    found = {seg.get(q): seg.get(v) for q, v in pairs if seg.get(q) and seg.get(v)}
    for qualifier in partner.sku_qualifiers:
        if qualifier in found:
            return found[qualifier]
    body.problem(
        seg.ref(pairs[0][0]),
        "no product ID with an accepted qualifier",
        seg,
        expected="/".join(partner.sku_qualifiers),
        found="/".join(found) or "",
    )
    return ""


def lin_segment(line_no: Any, sku: str, lot: str | None, partner: PartnerProfile) -> Segment:
    """LIN with the SKU (the profile's qualifier) and, when there is one, the lot (defaults.lin_lot, LT)."""
    lin: Segment = ["LIN", line_no, partner.sku_qualifier, sku]
    if lot:
        lin += [partner.defaults.get("lin_lot", "LT"), lot]
    return lin


def lin_item(body: Body, lin: Seg, partner: PartnerProfile) -> tuple[str, str | None]:
    """SKU and lot of a LIN, from its qualifier/ID pairs (LIN02/03, LIN04/05, ...)."""
    pairs = [(i, i + 1) for i in range(2, len(lin.els), 2)]
    lot_qualifier = partner.defaults.get("lin_lot", "LT")
    lot = next((lin.get(v) for q, v in pairs if lin.get(q) == lot_qualifier), None)
    return find_sku(body, lin, pairs, partner), lot


def aggregate_lots(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One lot entry per lot of ``units`` (dicts with lot, qty, uom, expiry): quantities summed."""
    lots: dict[str, dict[str, Any]] = {}
    for u in units:
        if u["lot"] and u["qty"] is not None:
            entry = lots.setdefault(
                u["lot"],
                {"lot": u["lot"], "quantity": {"value": Decimal(0), "uom": u["uom"]}, "expiry": None},
            )
            entry["quantity"]["value"] += u["qty"]
            entry["expiry"] = entry["expiry"] or u["expiry"]
    return list(lots.values())


def unit_in(body: Body, seg: Seg, i: int, partner: PartnerProfile) -> str:
    code = body.need(seg, i, "unit of measure")
    return partner.unit_in(code) if code else "EA"


def weight_code(unit: str, partner: PartnerProfile, where: str, problems: list[Problem]) -> str:
    code = partner.weight_units_out.get(unit)
    if code is None:
        problems.append(
            Problem(where, f"no X12 weight unit for {unit!r}", expected="/".join(partner.weight_units_out))
        )
        return "L"
    return code


def fail_if(problems: list[Problem], set_id: str) -> None:
    if problems:
        raise MapError(problems, set_id)


def sscc_mark(sscc: str) -> str:
    # x12-notes Addenda: MAN*GM carries the SSCC-18 with its "00" application identifier (20 digits)
    return "00" + sscc


def sscc_from_mark(mark: str) -> str:
    return mark[2:] if len(mark) == 20 and mark.startswith("00") else mark
