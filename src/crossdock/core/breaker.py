"""A circuit breaker per endpoint: stop calling a target that keeps failing, probe it later.

closed -> (failure_threshold consecutive failures) -> open -> (reset_after seconds) -> half-open:
one trial delivery; success closes the circuit, failure opens it again. Deliveries for an open
endpoint are simply not claimed, so they wait in the outbox without burning attempts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..config import BreakerPolicy

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


@dataclass
class CircuitBreaker:
    policy: BreakerPolicy
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return CLOSED
        if self.clock() - self.opened_at >= self.policy.reset_after:
            return HALF_OPEN
        return OPEN

    def allowance(self) -> int | None:
        """How many deliveries may be claimed now: None for no limit, 0 while open, 1 to probe."""
        state = self.state
        if state == CLOSED:
            return None
        return 1 if state == HALF_OPEN else 0

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None

    def record_failure(self) -> bool:
        """Count a failure; True when this failure opened (or re-opened) the circuit."""
        self.failures += 1
        if self.state == HALF_OPEN or (
            self.opened_at is None and self.failures >= self.policy.failure_threshold
        ):
            self.opened_at = self.clock()
            return True
        return False
