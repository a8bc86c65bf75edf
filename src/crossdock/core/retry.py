"""Retry timing: exponential backoff with jitter, so retries from many messages spread out."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ..config import RetryPolicy


def backoff_seconds(policy: RetryPolicy, attempt: int, rng: random.Random | None = None) -> float:
    """Delay before attempt `attempt + 1`, after `attempt` failed attempts (attempt >= 1)."""
    base = min(policy.max_delay, policy.base_delay * policy.multiplier ** max(0, attempt - 1))
    spread = base * policy.jitter
    return max(0.0, base + (rng or random).uniform(-spread, spread))


def next_attempt_at(
    policy: RetryPolicy, attempt: int, now: datetime, rng: random.Random | None = None
) -> datetime:
    return now + timedelta(seconds=backoff_seconds(policy, attempt, rng))


def should_retry(policy: RetryPolicy, attempt: int, retryable: bool) -> bool:
    return retryable and attempt < policy.max_attempts
