"""Backoff timing and the circuit breaker's states."""

from __future__ import annotations

import random

from crossdock.config import BreakerPolicy, RetryPolicy
from crossdock.core.breaker import CircuitBreaker
from crossdock.core.retry import backoff_seconds, should_retry


def test_backoff_grows_exponentially_and_is_capped():
    policy = RetryPolicy(base_delay=1, multiplier=2, max_delay=10, jitter=0)
    assert [backoff_seconds(policy, n) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]


def test_jitter_spreads_within_bounds():
    policy = RetryPolicy(base_delay=10, multiplier=1, jitter=0.2)
    rng = random.Random(7)
    delays = [backoff_seconds(policy, 1, rng) for _ in range(500)]
    assert 8 <= min(delays) < 8.5 and 11.5 < max(delays) <= 12
    assert len(set(delays)) > 400


def test_retry_stops_at_max_attempts_or_when_not_retryable():
    policy = RetryPolicy(max_attempts=3)
    assert [should_retry(policy, n, True) for n in (1, 2, 3)] == [True, True, False]
    assert should_retry(policy, 1, False) is False


def test_breaker_opens_probes_and_closes():
    now = [0.0]
    breaker = CircuitBreaker(BreakerPolicy(failure_threshold=3, reset_after=10), clock=lambda: now[0])
    assert [breaker.record_failure() for _ in range(3)] == [False, False, True]
    assert breaker.state == "open" and breaker.allowance() == 0
    now[0] = 10
    assert breaker.state == "half_open" and breaker.allowance() == 1
    assert breaker.record_failure() is True  # the probe failed: open again, for a full period
    assert breaker.state == "open"
    now[0] = 20
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allowance() is None
