"""Carrier services the emulated warehouse ships with: SCACs, tracking-number formats, freight rates."""

from __future__ import annotations

import random
from decimal import Decimal

SCAC = {
    "UPS": "UPSN",
    "FEDEX": "FDEG",
    "USPS": "USPS",
    "DHL": "DHLC",
    "DPD": "DPDG",
    "GLS": "GLSO",
    "LTL": "ABFS",
}
SERVICE_FACTOR = {
    "GROUND": Decimal("1"),
    "STANDARD": Decimal("1"),
    "2DAY": Decimal("1.6"),
    "EXPRESS": Decimal("2.2"),
    "NEXT_DAY": Decimal("2.2"),
    "FREIGHT": Decimal("3"),
}
DEFAULT_CARRIER = {"code": "UPS", "service": "GROUND"}


def _ups_check(body: str) -> str:
    # UPS 1Z check digit: letters map to (ord - 63) % 10, odd positions weigh 1 and even positions 2
    values = [int(c) if c.isdigit() else (ord(c) - 63) % 10 for c in body]
    total = sum(v if i % 2 == 0 else 2 * v for i, v in enumerate(values))
    return str((10 - total % 10) % 10)


def tracking_number(carrier: str, service: str, rng: random.Random) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(20))
    if carrier == "UPS":
        body = "X4Y9A2" + ("01" if service in ("NEXT_DAY", "EXPRESS") else "03") + digits[:7]
        return "1Z" + body + _ups_check(body)
    if carrier == "FEDEX":
        return digits[:12]
    if carrier == "USPS":
        return "9400" + digits[:18]
    if carrier == "DHL":
        return digits[:10]
    return carrier + digits[:10]


def freight(service: str, package_kgs: list[Decimal]) -> Decimal:
    factor = SERVICE_FACTOR.get(service.upper(), Decimal("1.3"))
    base = sum((Decimal("4.50") + Decimal("0.85") * kg for kg in package_kgs), Decimal(0))
    return (base * factor).quantize(Decimal("0.01"))
