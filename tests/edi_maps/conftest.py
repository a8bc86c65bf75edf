"""Shared helpers for the map tests: profiles, samples, generate -> read -> map round trips."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from crossdock.connectors.edi import InMemoryControlNumbers, OutboundSet, generate_interchange, read
from crossdock.connectors.edi.maps import PartnerProfile, load_partner
from crossdock.connectors.edi.model import TransactionSet

# shared/ is the sibling of the repository root (also in CI, where the repo is cloned elsewhere).
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "edi-samples"
NOW = datetime(2026, 3, 4, 5, 6)
PROFILE_NAMES = ("generic-3pl", "lakeside-3pl")
VERSIONS = ("004010", "005010")


def partner(name: str, version: str | None = None) -> PartnerProfile:
    p = load_partner(name)
    return p.with_version(version) if version else p


@pytest.fixture(params=PROFILE_NAMES)
def profile_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def sample_set(name: str, index: int = 0) -> TransactionSet:
    doc = read((SAMPLES / name).read_bytes(), "lenient")
    return list(doc.sets())[index]


def generate(module: ModuleType, document: Any, p: PartnerProfile, **kw: Any) -> str:
    segments = module.to_x12(document, p, **kw)
    gen = generate_interchange(
        "partner",
        p.envelope(),
        [OutboundSet(module.SET_ID, segments)],
        InMemoryControlNumbers(),
        now=NOW,
        profile=p.raw,
    )
    return gen.text


def read_back(text: str, p: PartnerProfile) -> TransactionSet:
    doc = read(text, "strict", p.raw)
    assert doc.accepted and doc.valid, [str(e) for e in doc.all_errors()]
    assert [e for e in doc.all_errors() if e.severity == "error"] == []
    (ts,) = list(doc.sets())
    return ts


def round_trip(module: ModuleType, document: Any, p: PartnerProfile, **kw: Any) -> tuple[Any, str]:
    text = generate(module, document, p, **kw)
    return module.from_x12(read_back(text, p), p), text


def segments_of(text: str, p: PartnerProfile) -> list[list[str]]:
    return read_back(text, p).segments[1:-1]
