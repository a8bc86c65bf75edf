"""Write interchanges: ISA (fixed width) / GS / ST..SE / GE / IEA with counts and control numbers.

Input is a list of body segments per set (each a list: segment ID then element values). Values are formatted
from the set definition (DT, TM, R, Nn types; tuples become composites), trailing empty elements are dropped,
and, unless told otherwise, the result is read back by the validator before it is returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ...model.base import plain
from .control import ControlNumbers
from .errors import EdiError, GenerationError
from .schema import ElementDef, Profile, SegmentDef, SetDefinitions
from .tokenizer import Delimiters
from .versions import ENVELOPE_VERSIONS, FUNCTIONAL_IDS, release_of

Value = str | int | float | Decimal | date | time | None | tuple[Any, ...] | list[Any]


@dataclass(frozen=True, slots=True)
class EnvelopeSettings:
    """Per-partner envelope choices (IDs, version, delimiters)."""

    sender_id: str
    receiver_id: str
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    gs_sender: str | None = None
    gs_receiver: str | None = None
    version: str = "004010"  # GS08
    usage: str = "P"  # ISA15
    ack_requested: bool = False  # ISA14
    delimiters: Delimiters = field(default_factory=lambda: Delimiters("*", ">", "~", "^", "\n"))
    authorization: tuple[str, str] = ("00", "")
    security: tuple[str, str] = ("00", "")

    @property
    def release(self) -> str:
        release = release_of(self.version)
        if release is None:
            raise GenerationError(f"GS08 {self.version!r} is not a supported version")
        return release

    @property
    def isa_version(self) -> str:
        return ENVELOPE_VERSIONS[self.release]

    @classmethod
    def from_profile(cls, profile: Mapping[str, Any]) -> EnvelopeSettings:
        """Build settings from a partner profile's ``envelope`` section (see docs/edi.md)."""
        env = profile.get("envelope") or {}
        if "sender_id" not in env or "receiver_id" not in env:
            raise GenerationError("the partner profile's envelope needs sender_id and receiver_id")
        d = env.get("delimiters") or {}
        delims = Delimiters(
            d.get("element", "*"),
            d.get("component", ">"),
            d.get("segment", "~"),
            d.get("repetition", "^"),
            d.get("suffix", "\n"),
        )
        return cls(
            sender_id=str(env["sender_id"]),
            receiver_id=str(env["receiver_id"]),
            sender_qualifier=str(env.get("sender_qualifier", "ZZ")),
            receiver_qualifier=str(env.get("receiver_qualifier", "ZZ")),
            gs_sender=env.get("gs_sender"),
            gs_receiver=env.get("gs_receiver"),
            version=str(env.get("version", "004010")),
            usage=str(env.get("usage", "P")),
            ack_requested=bool(env.get("ack_requested", False)),
            delimiters=delims,
        )

    def swapped(self) -> EnvelopeSettings:
        """Settings for answering the sender (acknowledgments)."""
        return EnvelopeSettings(
            self.receiver_id,
            self.sender_id,
            self.receiver_qualifier,
            self.sender_qualifier,
            self.gs_receiver,
            self.gs_sender,
            self.version,
            self.usage,
            False,
            self.delimiters,
        )


@dataclass(slots=True)
class OutboundSet:
    set_id: str
    segments: list[list[Value]]  # body only: no ST/SE
    implementation: str | None = None  # ST03 (5010)


@dataclass(slots=True)
class GeneratedGroup:
    functional_id: str
    control: int
    version: str
    sets: list[tuple[str, str]]  # (ST01, ST02)


@dataclass(slots=True)
class GeneratedInterchange:
    text: str
    control: int
    groups: list[GeneratedGroup]
    segment_count: int

    @property
    def isa13(self) -> str:
        return f"{self.control:09d}"


def _fmt_decimal(value: int | float | Decimal) -> str:
    # str() first so a float writes as it reads (0.1, not 0.1000000000000000055...); X12 has no -0
    text = plain(Decimal(str(value)) if isinstance(value, float) else Decimal(value))
    return "0" if text == "-0" else text


def format_value(value: Value, el: ElementDef | None, component: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        comps = el.components if el is not None and el.components else ()
        if component is None:
            raise GenerationError("a composite value needs a component separator")
        return component.join(
            format_value(v, comps[i] if i < len(comps) else None, None) for i, v in enumerate(value)
        ).rstrip(component)
    t = el.type if el is not None else "AN"
    if isinstance(value, datetime):
        value = value.time() if t == "TM" else value.date()
    if isinstance(value, date):
        return value.strftime("%y%m%d") if el is not None and el.max == 6 else value.strftime("%Y%m%d")
    if isinstance(value, time):
        return value.strftime("%H%M%S" if el is not None and el.max > 4 and value.second else "%H%M")
    if isinstance(value, bool):
        raise GenerationError(f"boolean value for {el.ref if el else 'element'}")
    if isinstance(value, (int, float, Decimal)):
        if el is not None and t.startswith("N") and t[1:].isdigit() and int(t[1:]) > 0:
            return str(int((Decimal(str(value)) * (10 ** int(t[1:]))).to_integral_value()))
        if el is not None and t.startswith("N"):
            return str(int(value))
        return _fmt_decimal(value)
    return str(value)


class _Writer:
    def __init__(self, settings: EnvelopeSettings):
        self.settings = settings
        self.delims = settings.delimiters
        d = self.delims
        # the repetition separator is only a delimiter from 5010 on (4010 writes "U" in ISA11)
        used = [d.element, d.component, d.segment] + ([d.repetition] if settings.release != "004010" else [])
        self.forbidden = {c for c in used if c} | {"\r", "\n"}
        self.lines: list[str] = []

    def segment(
        self, values: Sequence[Value], seg_def: SegmentDef | None, set_pos: int | None = None
    ) -> None:
        sid = str(values[0])
        out = [sid]
        els = seg_def.elements if seg_def is not None else ()
        for i, value in enumerate(values[1:]):
            el = els[i] if i < len(els) else None
            text = format_value(value, el, self.delims.component)
            if not isinstance(value, (tuple, list)) and self.forbidden.intersection(text):
                bad = sorted(self.forbidden.intersection(text))
                raise GenerationError(
                    f"{sid}{i + 1:02d} value {text!r} contains delimiter {bad[0]!r} "
                    f"(set position {set_pos}); choose other delimiters for this partner"
                )
            out.append(text)
        while len(out) > 1 and out[-1] == "":
            out.pop()
        self.lines.append(self.delims.element.join(out))

    def text(self) -> str:
        term = self.delims.segment + self.delims.suffix
        return term.join(self.lines) + term


def isa_segment(settings: EnvelopeSettings, control: int, now: datetime) -> list[str]:
    d = settings.delimiters
    isa11 = "U" if settings.release == "004010" else (d.repetition or "^")
    return [
        "ISA",
        settings.authorization[0].ljust(2)[:2],
        settings.authorization[1].ljust(10)[:10],
        settings.security[0].ljust(2)[:2],
        settings.security[1].ljust(10)[:10],
        settings.sender_qualifier.ljust(2)[:2],
        settings.sender_id.ljust(15)[:15],
        settings.receiver_qualifier.ljust(2)[:2],
        settings.receiver_id.ljust(15)[:15],
        now.strftime("%y%m%d"),
        now.strftime("%H%M"),
        isa11,
        settings.isa_version,
        f"{control:09d}",
        "1" if settings.ack_requested else "0",
        settings.usage,
        d.component or ">",
    ]


def _check_settings(settings: EnvelopeSettings) -> None:
    d = settings.delimiters
    chars = [c for c in (d.element, d.component, d.segment) if c]
    if settings.release == "005010" and d.repetition:
        chars.append(d.repetition)
    if len(set(chars)) != len(chars) or any(c.isalnum() or c == " " for c in chars):
        raise GenerationError(f"delimiters must be distinct and non-alphanumeric: {d.describe()}")
    if len(settings.sender_id) > 15 or len(settings.receiver_id) > 15:
        raise GenerationError("ISA06/ISA08 interchange IDs are at most 15 characters")


def generate_interchange(
    partner_id: str,
    settings: EnvelopeSettings,
    sets: Sequence[OutboundSet],
    control_numbers: ControlNumbers,
    *,
    now: datetime | None = None,
    validate: bool = True,
    profile: Profile | None = None,
) -> GeneratedInterchange:
    """One interchange; sets are grouped by functional identifier in order of first appearance."""
    _check_settings(settings)
    now = now or datetime.now()
    release = settings.release
    by_fid: dict[str, list[OutboundSet]] = {}
    for s in sets:
        fid = FUNCTIONAL_IDS.get(s.set_id)
        if fid is None:
            raise GenerationError(f"transaction set {s.set_id} is not supported")
        by_fid.setdefault(fid, []).append(s)
    w = _Writer(settings)
    definitions = SetDefinitions(profile)
    isa13 = control_numbers.next(partner_id, "isa")
    w.lines.append(settings.delimiters.element.join(isa_segment(settings, isa13, now)))  # padded, fixed width
    groups: list[GeneratedGroup] = []
    for fid, fid_sets in by_fid.items():
        gs06 = control_numbers.next(partner_id, "gs")
        w.segment(
            [
                "GS",
                fid,
                settings.gs_sender or settings.sender_id.strip(),
                settings.gs_receiver or settings.receiver_id.strip(),
                now.strftime("%Y%m%d"),
                now.strftime("%H%M"),
                str(gs06),
                "X",
                settings.version,
            ],
            None,
        )
        group = GeneratedGroup(fid, gs06, settings.version, [])
        for s in fid_sets:
            set_def = definitions.get(s.set_id, release)
            st02 = f"{control_numbers.next(partner_id, 'st'):04d}"
            start = len(w.lines)
            st = ["ST", s.set_id, st02] + (
                [s.implementation] if s.implementation and release == "005010" else []
            )
            w.segment(st, None)
            for pos, seg in enumerate(s.segments, start=2):
                if not seg:
                    raise GenerationError(f"empty segment at set position {pos} of {s.set_id}")
                w.segment(seg, set_def.segments.get(str(seg[0])), pos)
            w.segment(["SE", str(len(w.lines) - start + 1), st02], None)
            group.sets.append((s.set_id, st02))
        w.segment(["GE", str(len(fid_sets)), str(gs06)], None)
        groups.append(group)
    w.segment(["IEA", str(len(groups)), f"{isa13:09d}"], None)
    text = w.text()
    result = GeneratedInterchange(text, isa13, groups, len(w.lines))
    if validate:
        check_generated(text, profile)
    return result


def check_generated(text: str, profile: Profile | None = None) -> None:
    from .parser import read

    doc = read(text, "strict", profile)
    errors: list[EdiError] = [e for e in doc.all_errors() if e.severity == "error"]
    if errors:
        raise GenerationError("the generated interchange does not validate", errors)


def generate_ta1_interchange(
    partner_id: str,
    settings: EnvelopeSettings,
    ta1: Sequence[str],
    control_numbers: ControlNumbers,
    *,
    now: datetime | None = None,
) -> str:
    """An interchange that carries only a TA1 (no GS/GE)."""
    _check_settings(settings)
    now = now or datetime.now()
    w = _Writer(settings)
    isa13 = control_numbers.next(partner_id, "isa")
    w.lines.append(settings.delimiters.element.join(isa_segment(settings, isa13, now)))
    w.segment(["TA1", *ta1], None)
    w.segment(["IEA", "0", f"{isa13:09d}"], None)
    return w.text()
