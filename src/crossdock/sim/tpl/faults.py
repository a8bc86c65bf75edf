"""Faults on demand: what a real 3PL's EDI gets wrong, one controllable knob each.

Counters apply to the next N occurrences and then run out, so a test gets exactly the fault it asked for:

* ``delay_minutes``   every outbound file is held that many simulated minutes (0: off)
* ``malformed``       queue of corruptions for the next outbound business files (945/944/947/846/180)
* ``duplicate``       the next N outbound business files are written twice, under two names
* ``withhold_ack``    the next N inbound interchanges get no 997/999/TA1 at all
* ``reject_inbound``  the next N inbound interchanges are rejected (AK5 R / AK9 R), nothing is created
"""

from __future__ import annotations

from typing import Any

from crossdock.connectors.edi import Delimiters

MALFORMED_KINDS = ("se01_count", "missing_iea", "control_mismatch", "bad_element")
DEFAULTS: dict[str, Any] = {
    "delay_minutes": 0,
    "malformed": [],
    "duplicate": 0,
    "withhold_ack": 0,
    "reject_inbound": 0,
}


def configure(current: dict[str, Any], clear: bool = False, **changes: Any) -> dict[str, Any]:
    """The new fault settings; ``malformed`` takes one kind or a list and is appended to the queue."""
    faults = dict(DEFAULTS) if clear else {**DEFAULTS, **current}
    faults["malformed"] = list(faults["malformed"])
    for key, value in changes.items():
        if value is None:
            continue
        if key not in DEFAULTS:
            raise ValueError(f"unknown fault {key!r}: use one of {', '.join(DEFAULTS)}")
        if key == "malformed":
            kinds = [value] if isinstance(value, str) else list(value)
            bad = [k for k in kinds if k not in MALFORMED_KINDS]
            if bad:
                raise ValueError(
                    f"unknown malformed kind {bad[0]!r}: use one of {', '.join(MALFORMED_KINDS)}"
                )
            faults["malformed"].extend(kinds)
        else:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"fault {key} takes a whole number >= 0, not {value!r}")
            faults[key] = value
    return faults


def take(faults: dict[str, Any], key: str) -> bool:
    """Use one occurrence of a counted fault; True when it applies now."""
    if faults.get(key, 0) > 0:
        faults[key] -= 1
        return True
    return False


def corrupt(text: str, kind: str, d: Delimiters) -> str:
    """The interchange ``text`` damaged the way ``kind`` says (the codec must notice every one)."""
    term = d.segment + (d.suffix or "")
    segments = [s for s in text.split(term) if s]
    parts = [s.split(d.element) for s in segments]
    if kind == "se01_count":
        for p in parts:
            if p[0] == "SE":
                p[1] = str(int(p[1]) + 1)
                break
    elif kind == "missing_iea":
        parts = [p for p in parts if p[0] != "IEA"]
    elif kind == "control_mismatch":
        for p in parts:
            if p[0] == "IEA":
                p[2] = f"{(int(p[2]) + 1) % 1_000_000_000:09d}"
    elif kind == "bad_element":
        # the first body segment's identifier grows past any X12 maximum: ELEMENT_TOO_LONG in AK4
        for i, p in enumerate(parts):
            if p[0] == "ST":
                body = parts[i + 1]
                body[2] = body[2] + "X" * 300
                break
    else:
        raise ValueError(f"unknown malformed kind {kind!r}")
    return "".join(d.element.join(p) + term for p in parts)
