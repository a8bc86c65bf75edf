"""Functional identifiers and version labels (GS01, GS08, ISA12)."""

from __future__ import annotations

# ST01 -> GS01 (x12-notes §2.2)
FUNCTIONAL_IDS: dict[str, str] = {
    "940": "OW",
    "945": "SW",
    "943": "AR",
    "944": "RE",
    "947": "AW",
    "846": "IB",
    "856": "SH",
    "214": "QM",
    "180": "AN",
    "997": "FA",
    "999": "FA",
}

SUPPORTED_RELEASES = ("004010", "005010")
ENVELOPE_VERSIONS = {"004010": "00401", "005010": "00501"}


def release_of(gs08: str) -> str | None:
    """Map a GS08 label to the definition release to use, or None when unsupported.

    The first six characters carry version/release; the rest is an industry or guide suffix
    (``004010UCS``, ``005010X231A1``). 4010-family releases up to 4060 use the 4010 definitions,
    5010 and later 5xxx use 5010: the warehouse segments barely change between them (x12-notes §5).
    """
    head = gs08.strip()[:6]
    if len(head) < 6 or not (head.isascii() and head.isdigit()):
        return None
    if "004010" <= head < "005000":
        return "004010"
    if "005010" <= head < "006000":
        return "005010"
    return None


def is_fallback(gs08: str) -> bool:
    head = gs08.strip()[:6]
    return release_of(gs08) is not None and head not in SUPPORTED_RELEASES
