"""Shared helpers for the X12 codec tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from crossdock.connectors.edi.control import InMemoryControlNumbers
from crossdock.connectors.edi.generator import EnvelopeSettings
from crossdock.connectors.edi.schema import ElementDef, LoopNode, SegmentNode, SetDef

# shared/ is the sibling of the repository root (also in CI, where the repo is cloned elsewhere).
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "edi-samples"
NOW = datetime(2026, 3, 4, 5, 6)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def value_for(el: ElementDef) -> str | tuple[str, ...]:
    """A valid value for an element definition (first code, minimal length...)."""
    if el.type == "C":
        return tuple(str(value_for(c)) for c in el.components if c.mandatory) or (
            str(value_for(el.components[0])),
        )
    if el.codes:
        return sorted(el.codes)[0]
    if el.type == "DT":
        return "260115" if el.max == 6 else "20260115"
    if el.type == "TM":
        return "1230"
    if el.type.startswith("N") or el.type == "R":
        return "7" * max(el.min, 1)
    return ("A" * max(el.min, 1))[: el.max]


def segment_instance(node_seg, full: bool) -> list[str | tuple[str, ...]]:
    seg = node_seg
    values: list = [seg.id]
    excluded = {p for r in seg.rules if r.kind == "E" for p in r.positions[1:]}
    required = {r.positions[0] for r in seg.rules if r.kind == "R"}
    for i, el in enumerate(seg.elements, start=1):
        use = el.mandatory or i in required or (full and i not in excluded and not el.not_used)
        values.append(value_for(el) if use else "")
    while values and values[-1] == "":
        values.pop()
    return values


def set_instance(set_def: SetDef, full: bool) -> list[list]:
    """Body segments (no ST/SE) of a valid instance: mandatory parts only, or every part (loops twice)."""
    out: list[list] = []
    hl_counter = [0]

    def emit(node: SegmentNode) -> None:
        seg = segment_instance(node.seg, full)
        if seg[0] == "HL":
            hl_counter[0] += 1
            seg = ["HL", str(hl_counter[0]), "1" if hl_counter[0] > 1 else "", seg[3]]
        out.append(seg)

    def rec(loop: LoopNode, top: bool) -> None:
        children = loop.children[1:-1] if top else loop.children
        for child in children:
            if not (child.mandatory or full) or child.not_used:
                continue
            if isinstance(child, LoopNode):
                for _ in range(min(2 if full else 1, child.max_use)):
                    rec(child, False)
            else:
                for _ in range(min(2 if full else 1, child.max_use)):
                    emit(child)

    rec(set_def.root, True)
    return out


@pytest.fixture
def numbers() -> InMemoryControlNumbers:
    return InMemoryControlNumbers()


@pytest.fixture
def settings() -> EnvelopeSettings:
    return EnvelopeSettings("SENDERID", "RECEIVERID", version="004010")
