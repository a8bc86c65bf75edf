"""Fault injection for the HTTP API and webhook delivery, drawn from a seeded RNG of its own."""

from __future__ import annotations

import random
import threading
from decimal import Decimal
from typing import Any

from .errors import ApiError, bad_request
from .warehouse import Warehouse

RATES = ("http_5xx_rate", "http_429_rate", "timeout_rate", "webhook_duplicate_rate")
COUNTS = ("slow_ms", "timeout_hang_ms", "webhook_fail_first_n")
FLAGS = ("webhook_out_of_order", "outage")
DEFAULT_HANG_MS = 35_000  # longer than any sane client timeout


def set_faults(wh: Warehouse, body: Any) -> dict:
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    faults = {} if body.get("clear") else dict(wh.state["faults"])
    for key, value in body.items():
        if key == "clear":
            continue
        if isinstance(value, Decimal):  # the API parses JSON numbers exactly
            value = float(value)
        if key in RATES:
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise bad_request(f"{key} must be a number between 0 and 1", key)
        elif key in COUNTS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise bad_request(f"{key} must be a non-negative integer", key)
        elif key in FLAGS:
            if not isinstance(value, bool):
                raise bad_request(f"{key} must be a boolean", key)
        else:
            raise bad_request(f"unknown fault {key!r}", key)
        faults[key] = value
    wh.state["faults"] = faults
    return faults


class FaultGate:
    """Decides, per API call, whether this call fails and how."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed + 104729)
        self._lock = threading.Lock()

    def before(self, faults: dict) -> ApiError | None:
        if faults.get("outage"):
            return ApiError(
                503, "SERVICE_UNAVAILABLE", "the WMS is down for maintenance", None, {"Retry-After": "5"}
            )
        with self._lock:
            if self.rng.random() < faults.get("http_5xx_rate", 0):
                status = self.rng.choice((500, 502, 503))
                return ApiError(
                    status,
                    "INTERNAL_ERROR" if status == 500 else "UPSTREAM_UNAVAILABLE",
                    "injected server fault: retry later",
                )
            if self.rng.random() < faults.get("http_429_rate", 0):
                return ApiError(429, "RATE_LIMITED", "too many requests", None, {"Retry-After": "1"})
        return None

    def hang_ms(self, faults: dict) -> int:
        """The call is processed, then its response is held past the client's timeout."""
        with self._lock:
            if self.rng.random() < faults.get("timeout_rate", 0):
                return faults.get("timeout_hang_ms", DEFAULT_HANG_MS)
        return 0
