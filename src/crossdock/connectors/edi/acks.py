"""Acknowledgments: build TA1 / 997 / 999 for an inbound document, and read inbound 997 / 999 / TA1.

Mapping of problems to codes lives in ``errors.CATALOGUE``. Rules applied (x12-notes §4): one 997/999 per
received functional group, never for a group of acknowledgments (FA); AK9 counts reconcile with GE01; group
status follows the worst set status (all A -> A, some R -> P, all R -> R); group envelope errors -> R.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .control import ControlNumbers
from .errors import EdiError
from .generator import (
    EnvelopeSettings,
    GeneratedInterchange,
    OutboundSet,
    generate_interchange,
    generate_ta1_interchange,
)
from .model import Document, FunctionalGroup, Interchange, TransactionSet
from .schema import definition_release
from .tokenizer import Delimiters
from .versions import release_of

AckKind = Literal["997", "999", "ta1"]
TA1_BY_ISA_ELEMENT = {
    1: "010",
    2: "011",
    3: "012",
    4: "013",
    5: "005",
    6: "006",
    7: "007",
    8: "008",
    9: "014",
    10: "015",
    11: "016",
    12: "017",
    13: "018",
    14: "019",
    15: "020",
    16: "027",
}
PARTNER_CODES = frozenset(
    ("SEGMENT_NOT_USED", "SEGMENT_REQUIRED_MISSING", "ELEMENT_NOT_USED", "ELEMENT_CODE_NOT_USED")
)


def _errors(items: Sequence[EdiError]) -> list[EdiError]:
    return [e for e in items if e.severity == "error"]


def ta1_note(error: EdiError) -> str:
    if error.code in ("ISA_WIDTH", "ISA_VALUE") and error.element in TA1_BY_ISA_ELEMENT:
        return TA1_BY_ISA_ELEMENT[error.element]
    return error.kind.ta1 or "024"


def ta1_elements(ic: Interchange, strict: bool, delimiters: Delimiters | None = None) -> list[str]:
    """TA101..TA105 for one interchange: A/000 when clean; R (strict) or E (lenient) with the first note."""
    problems = [e for e in _errors(ic.errors) if e.level == "interchange"]
    d = delimiters or ic.delimiters
    control = ic.control.strip()
    control = control.zfill(9) if control.isascii() and control.isdigit() and len(control) < 9 else control
    head = [_safe(control, d), _safe(ic.date, d), _safe(ic.time, d)]
    if not problems:
        return [*head, "A", "000"]
    return [*head, "R" if strict else "E", ta1_note(problems[0])]


@dataclass(slots=True)
class SetStatus:
    ts: TransactionSet
    status: str  # A, E, R
    codes: list[str]  # AK502..AK506
    notes: list[tuple[EdiError, list[EdiError]]]  # (segment note, element notes)


def set_status(ts: TransactionSet) -> SetStatus:
    errs = _errors(ts.errors)
    set_codes: list[str] = []
    for e in errs:
        code = e.kind.ak5
        if e.level == "set" and code and code not in set_codes:
            set_codes.append(code)
    seg_errs = [e for e in errs if e.level in ("segment", "element")]
    if seg_errs and "5" not in set_codes:
        set_codes.append("5")
    notes: list[tuple[EdiError, list[EdiError]]] = []
    by_segment: dict[int, tuple[EdiError, list[EdiError]]] = {}
    for e in seg_errs:
        if e.level == "segment":
            notes.append((e, []))
        else:
            key = e.segment_no or 0
            if key not in by_segment:
                anchor = EdiError(
                    "SEGMENT_HAS_ELEMENT_ERRORS",
                    "segment has data element errors",
                    segment_no=e.segment_no,
                    segment_id=e.segment_id,
                    set_position=e.set_position,
                    loop_id=e.loop_id,
                )
                by_segment[key] = (anchor, [])
                notes.append(by_segment[key])
            by_segment[key][1].append(e)
    for _, elements in notes:
        elements.sort(key=lambda e: (e.element or 0, e.component or 0))
    if not errs:
        status = "A"
    elif all(e.code in PARTNER_CODES for e in errs):
        status = "E"  # accepted, errors noted: only the partner's narrowing was violated
    else:
        status = "R"
    return SetStatus(ts, status, set_codes[:5], notes)


def _safe(data: str | None, delims: Delimiters) -> str:
    if not data:
        return ""
    bad = set(delims.chars()) | {"\r", "\n"}
    text = "".join(" " if (c in bad or ord(c) < 32) else c for c in data).strip()
    return text[:99]


def _position(e: EdiError, delims: Delimiters) -> str | tuple[str, str]:
    if e.component is not None and delims.component:
        return (str(e.element or 0), str(e.component))
    return str(e.element or 0)


def _ak304(anchor: EdiError, kind: str) -> str:
    if anchor.code == "SEGMENT_HAS_ELEMENT_ERRORS":
        return "8"
    k = anchor.kind
    return (k.ik304 if kind == "999" and k.ik304 else k.ak304) or "8"


def _ak403(e: EdiError, kind: str, release: str) -> str:
    k = e.kind
    code = (k.ik403 if kind == "999" and k.ik403 else k.ak403) or "6"
    # 12 (repetitions) and 13 (components) exist from 5010 on; a 4010 997 reports "too many data elements"
    return "3" if release == "004010" and kind == "997" and code in ("12", "13") else code


def group_ack_segments(
    group: FunctionalGroup,
    kind: Literal["997", "999"],
    delims: Delimiters,
    include_accepted: bool = True,
    release: str = "004010",
) -> list[list[object]]:
    """Body segments (AK1..AK9) of the 997/999 answering ``group``."""
    five = kind == "999" or release == "005010"
    # references are echoed as received (sanitised): they are what the sender needs to match the ack
    ak1: list[object] = ["AK1", _safe(group.functional_id, delims), _safe(group.control, delims)]
    if five and group.version:
        ak1.append(_safe(group.version, delims))
    body: list[list[object]] = [ak1]
    statuses = [set_status(ts) for ts in group.sets]
    for st in statuses:
        if st.status == "A" and not include_accepted:
            continue
        ak2: list[object] = ["AK2", _safe(st.ts.set_id, delims), _safe(st.ts.control, delims)]
        if five and st.ts.implementation:
            ak2.append(_safe(st.ts.implementation, delims))
        body.append(ak2)
        seg3, seg4 = ("IK3", "IK4") if kind == "999" else ("AK3", "AK4")
        for anchor, elements in st.notes:
            body.append(
                [
                    seg3,
                    _safe(anchor.segment_id, delims)[:3],
                    anchor.set_position or 0,
                    (anchor.loop_id or "")[:4],
                    _ak304(anchor, kind),
                ]
            )
            for e in elements:
                body.append(
                    [
                        seg4,
                        _position(e, delims),
                        e.data_element if e.data_element and e.data_element.isdigit() else "",
                        _ak403(e, kind, release),
                        _safe(e.found, delims),
                    ]
                )
        body.append(["IK5" if kind == "999" else "AK5", st.status, *st.codes])
    received = len(group.sets)
    accepted = sum(1 for st in statuses if st.status in ("A", "E"))
    included = (
        group.ge[1]
        if group.ge and len(group.ge) > 1 and group.ge[1].isascii() and group.ge[1].isdigit()
        else str(received)
    )
    group_codes: list[str] = []
    for e in _errors(group.errors):
        if e.kind.ak9 and e.kind.ak9 not in group_codes:
            group_codes.append(e.kind.ak9)
    if group_codes or (received and accepted == 0):
        status = "R"
    elif accepted < received:
        status = "P"
    elif any(st.status == "E" for st in statuses):
        status = "E"
    else:
        status = "A"
    body.append(["AK9", status, included, str(received), str(accepted), *group_codes[:5]])
    return body


def acknowledgment_sets(
    doc: Document,
    kind: Literal["997", "999"] = "997",
    include_accepted: bool = True,
    delimiters: Delimiters | None = None,
) -> list[OutboundSet]:
    """One 997/999 per received group (FA groups are never acknowledged)."""
    out: list[OutboundSet] = []
    for ic in doc.interchanges:
        delims = delimiters or ic.delimiters
        for g in ic.groups:
            if g.functional_id == "FA":
                continue
            release = release_of(g.version) or "004010"
            body = group_ack_segments(g, kind, delims, include_accepted, release)
            out.append(OutboundSet(kind, body, "005010X231A1" if kind == "999" else None))
    return out


def _writable(d: Delimiters) -> bool:
    chars = [d.element, d.component, d.segment]
    return all(c and len(c) == 1 and not c.isalnum() and c != " " for c in chars) and len(set(chars)) == 3


def settings_for_reply(ic: Interchange, kind: str, delimiters: Delimiters | None = None) -> EnvelopeSettings:
    """Answer with the sender's own delimiters when they are usable, else the defaults."""
    # the reply's envelope: the sender's release, unless the reply set exists only in a later one (999)
    version = definition_release(kind, "005010" if ic.version >= "00501" else "004010")
    d = ic.delimiters
    delims = delimiters or Delimiters(d.element, d.component or ">", d.segment, d.repetition or "^", d.suffix)
    if not _writable(delims):
        delims = Delimiters("*", ">", "~", "^", "\n")
    rep = delims.repetition
    if rep in (delims.element, delims.component, delims.segment) or (rep and (rep.isalnum() or rep == " ")):
        delims = Delimiters(delims.element, delims.component, delims.segment, None, delims.suffix)

    def clean(value: str, size: int, default: str) -> str:
        return _safe(value, delims)[:size] or default

    return EnvelopeSettings(
        sender_id=clean(ic.receiver[1], 15, "UNKNOWN"),
        receiver_id=clean(ic.sender[1], 15, "UNKNOWN"),
        sender_qualifier=clean(ic.receiver[0], 2, "ZZ"),
        receiver_qualifier=clean(ic.sender[0], 2, "ZZ"),
        version=version,
        usage=ic.usage if ic.usage in ("P", "T", "I") else "P",
        delimiters=delims,
    )


def build_acknowledgment(
    doc: Document,
    kind: AckKind,
    control_numbers: ControlNumbers,
    partner_id: str = "inbound",
    *,
    include_accepted: bool = True,
    now: datetime | None = None,
) -> str:
    """The interchange(s) to send back, as text ('' when there is nothing to acknowledge)."""
    out: list[str] = []
    for ic in doc.interchanges:
        if kind == "ta1":
            settings = settings_for_reply(ic, "997")
            out.append(
                generate_ta1_interchange(
                    partner_id,
                    settings,
                    ta1_elements(ic, doc.policy.strict, settings.delimiters),
                    control_numbers,
                    now=now,
                )
            )
            continue
        settings = settings_for_reply(ic, kind)
        sub = Document(doc.policy, [ic])
        sets = acknowledgment_sets(sub, kind, include_accepted, settings.delimiters)
        if sets:
            # not re-validated: echoed references may be as malformed as the inbound data they point to
            gen = generate_interchange(partner_id, settings, sets, control_numbers, now=now, validate=False)
            out.append(gen.text)
    return "".join(out)


# --- reading inbound acknowledgments -----------------------------------------------------------------------


@dataclass(slots=True)
class ElementNote:
    position: int
    component: int | None
    data_element: str
    code: str
    data: str


@dataclass(slots=True)
class SegmentNote:
    segment_id: str
    position: int
    loop_id: str
    code: str
    elements: list[ElementNote] = field(default_factory=list)


@dataclass(slots=True)
class SetAck:
    set_id: str
    control: str
    status: str
    codes: list[str] = field(default_factory=list)
    segments: list[SegmentNote] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.status in ("A", "E")


@dataclass(slots=True)
class GroupAck:
    kind: str  # "997" | "999"
    ack_control: str  # ST02 of the acknowledgment itself
    functional_id: str  # AK101
    group_control: str  # AK102 = GS06 we sent
    version: str | None
    status: str = ""
    included: int = 0
    received: int = 0
    accepted_count: int = 0
    codes: list[str] = field(default_factory=list)
    sets: list[SetAck] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.status in ("A", "E")

    def set_status(self, control: str) -> str | None:
        """Status of our set with ST02 ``control``; None when not listed (then the group status applies)."""
        for s in self.sets:
            if s.control == control:
                return s.status
        return None

    def status_of(self, control: str) -> str:
        """Status of our set ``control``: its own when listed (AK2), else the group's outcome for it.

        Senders may leave accepted sets out, so an unlisted set was accepted under AK9 A/E/P ("A"),
        and rejected under R or anything else ("R").
        """
        listed = self.set_status(control)
        if listed is not None:
            return listed
        return "A" if self.status in ("A", "E", "P") else "R"


@dataclass(slots=True)
class InterchangeAck:
    control: str
    date: str
    time: str
    status: str
    note: str


def _int(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() else 0


def _el(parts: list[str], i: int) -> str:
    return parts[i] if len(parts) > i else ""


def read_ack_set(ts: TransactionSet) -> GroupAck:
    comp = ts.chunk.delimiters.component
    segs = ts.segments
    ack = GroupAck(ts.set_id, ts.control, "", "", None)
    current: SetAck | None = None
    for parts in segs:
        sid = parts[0]
        if sid == "AK1":
            ack.functional_id, ack.group_control = _el(parts, 1), _el(parts, 2)
            ack.version = _el(parts, 3) or None
        elif sid == "AK2":
            current = SetAck(_el(parts, 1), _el(parts, 2), "")
            ack.sets.append(current)
        elif sid in ("AK3", "IK3") and current is not None:
            current.segments.append(
                SegmentNote(_el(parts, 1), _int(_el(parts, 2)), _el(parts, 3), _el(parts, 4))
            )
        elif sid in ("AK4", "IK4") and current is not None and current.segments:
            pos = _el(parts, 1)
            pieces = pos.split(comp) if comp else [pos]
            current.segments[-1].elements.append(
                ElementNote(
                    _int(pieces[0]),
                    _int(pieces[1]) if len(pieces) > 1 else None,
                    _el(parts, 2),
                    _el(parts, 3),
                    _el(parts, 4),
                )
            )
        elif sid in ("AK5", "IK5") and current is not None:
            current.status = _el(parts, 1)
            current.codes = [c for c in parts[2:] if c]
        elif sid == "AK9":
            ack.status = _el(parts, 1)
            ack.included, ack.received, ack.accepted_count = (_int(_el(parts, i)) for i in (2, 3, 4))
            ack.codes = [c for c in parts[5:] if c]
    return ack


def read_acknowledgments(doc: Document) -> tuple[list[GroupAck], list[InterchangeAck]]:
    """Every 997/999 set and TA1 segment found in ``doc`` (to match against what the hub sent)."""
    groups = [read_ack_set(ts) for ts in doc.sets() if ts.set_id in ("997", "999")]
    tas = [
        InterchangeAck(_el(t, 1), _el(t, 2), _el(t, 3), _el(t, 4), _el(t, 5))
        for ic in doc.interchanges
        for t in ic.ta1
    ]
    return groups, tas


def reconcile(sent: GeneratedInterchange, acks: Sequence[GroupAck]) -> dict[tuple[int, str], str]:
    """Status of every set we sent, keyed by (GS06, ST02): A/E/R from the acknowledgment, or "pending".

    A set not listed in its group's ack follows the group (``GroupAck.status_of``): accepted under
    AK9 A/E/P, rejected under R.
    """
    by_group = {(g.functional_id, g.group_control.lstrip("0") or "0"): g for g in acks}
    out: dict[tuple[int, str], str] = {}
    for group in sent.groups:
        ack = by_group.get((group.functional_id, str(group.control)))
        for _set_id, st02 in group.sets:
            if ack is None:
                out[(group.control, st02)] = "pending"
                continue
            out[(group.control, st02)] = ack.status_of(st02)
    return out
