"""Delivers outbox commands to their endpoints: leases, retries, circuit breakers, dead letters.

A claim sets a lease; a process that dies mid-delivery leaves the lease to expire, and the
command is delivered again with the same idempotency key (at-least-once; the sink makes the
effect exactly-once). Results are recorded only if the lease is still ours (a fencing token),
so a slow worker whose lease expired cannot overwrite the outcome of the worker that took over.
Per ordering key (endpoint + subject) only the oldest unfinished command is ever in flight.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update

from ..config import Config
from ..connectors.base import Delivery, DeliveryError, Outcome, Sink
from . import ledger
from .breaker import CircuitBreaker
from .ledger import State, as_utc
from .processor import ACKNOWLEDGED, ACTIVE_DELIVERY_STATES, DELIVERED, DELIVERING, PENDING, RETRY_SCHEDULED
from .retry import next_attempt_at, should_retry
from .store import Store
from .tables import messages, outbox

DEAD_LETTERED = "dead_lettered"
log = logging.getLogger("crossdock.dispatcher")


@dataclass
class Claimed:
    delivery: Delivery
    lease: datetime
    subject: str | None
    recovered: bool
    message_id: int | None = None


class Dispatcher:
    def __init__(
        self,
        store: Store,
        config: Config,
        sinks: Mapping[str, Sink],
        clock: Callable[[], datetime],
        rng: random.Random | None = None,
    ):
        self.store = store
        self.config = config
        self.sinks = dict(sinks)
        self.clock = clock
        self.rng = rng or random.Random()
        self.breakers = {name: CircuitBreaker(cfg.breaker) for name, cfg in config.endpoints.items()}

    def system_of(self, endpoint: str) -> str:
        configured = self.config.endpoints.get(endpoint)
        return configured.system if configured and configured.system else endpoint

    def claim(self, limit: int) -> list[Claimed]:
        now = self.clock()
        allowances = {name: b.allowance() for name, b in self.breakers.items() if name in self.sinks}
        endpoints = [name for name, allowance in allowances.items() if allowance != 0]
        if not endpoints:
            return []
        lease = now + timedelta(seconds=self.config.runtime.lease_seconds)
        due = or_(
            and_(outbox.c.state.in_((PENDING, RETRY_SCHEDULED)), outbox.c.next_attempt_at <= now),
            and_(outbox.c.state == DELIVERING, outbox.c.lease_until < now),
        )
        with self.store.engine.begin() as conn:
            query = (
                select(outbox, messages.c.subject)
                .join(messages, messages.c.id == outbox.c.message_id)
                .where(due, outbox.c.endpoint.in_(endpoints))
                .order_by(outbox.c.id)
                .limit(limit)
            )
            if conn.dialect.name == "postgresql":  # SQLite serialises writers with BEGIN IMMEDIATE
                query = query.with_for_update(of=outbox, skip_locked=True)
            rows = conn.execute(query).all()
            if not rows:
                return []
            heads = dict(
                conn.execute(
                    select(outbox.c.ordering_key, func.min(outbox.c.id))
                    .where(
                        outbox.c.ordering_key.in_({r.ordering_key for r in rows}),
                        outbox.c.state.in_(ACTIVE_DELIVERY_STATES),
                    )
                    .group_by(outbox.c.ordering_key)
                ).all()
            )
            taken: dict[str, int] = defaultdict(int)
            chosen = []
            for row in rows:
                allowance = allowances[row.endpoint]
                if heads.get(row.ordering_key) != row.id:
                    continue
                if allowance is not None and taken[row.endpoint] >= allowance:
                    continue
                taken[row.endpoint] += 1
                chosen.append(row)
            if not chosen:
                return []
            conn.execute(
                update(outbox)
                .where(outbox.c.id.in_([r.id for r in chosen]))
                .values(state=DELIVERING, attempts=outbox.c.attempts + 1, lease_until=lease, updated_at=now)
            )
            claimed, entries = [], []
            for row in chosen:
                recovered = row.state == DELIVERING
                delivery = Delivery(
                    outbox_id=row.id,
                    idempotency_key=row.idempotency_key,
                    endpoint=row.endpoint,
                    action=row.action,
                    payload=json.loads(row.payload),
                    attempt=row.attempts + 1,
                    business_key=row.business_key,
                    correlation_id=row.correlation_id,
                )
                claimed.append(Claimed(delivery, lease, row.subject, recovered, row.message_id))
                detail: dict[str, Any] = {"attempt": delivery.attempt, "endpoint": row.endpoint}
                if recovered:
                    detail["recovered"] = "lease expired before an outcome was recorded; delivering again"
                entries.append(
                    ledger.entry(
                        State.DELIVERING,
                        self.system_of(row.endpoint),
                        now,
                        message_id=row.message_id,
                        outbox_id=row.id,
                        business_key=row.business_key,
                        correlation_id=row.correlation_id,
                        subject=row.subject,
                        payload_version=row.payload_version,
                        detail=detail,
                    )
                )
            ledger.append(conn, entries)
        return claimed

    async def deliver(self, claimed: list[Claimed]) -> list[tuple[Claimed, Outcome | DeliveryError]]:
        """Hand each claim to its sink; sinks with `deliver_many` get their whole share at once."""
        limit = asyncio.Semaphore(self.config.runtime.delivery_concurrency)

        async def one(item: Claimed) -> list[tuple[Claimed, Outcome | DeliveryError]]:
            async with limit:
                try:
                    return [(item, await self.sinks[item.delivery.endpoint].deliver(item.delivery))]
                except DeliveryError as exc:
                    return [(item, exc)]
                except Exception as exc:  # an unexpected connector error: retry, it may be transient
                    return [(item, DeliveryError(f"{type(exc).__name__}: {exc}"))]

        async def many(sink, items: list[Claimed]) -> list[tuple[Claimed, Outcome | DeliveryError]]:
            try:
                outcomes = await sink.deliver_many([item.delivery for item in items])
            except Exception as exc:  # the batch call itself broke: every item is retried
                outcomes = [DeliveryError(f"{type(exc).__name__}: {exc}") for _ in items]
            return list(zip(items, outcomes, strict=True))

        by_endpoint: dict[str, list[Claimed]] = defaultdict(list)
        for item in claimed:
            by_endpoint[item.delivery.endpoint].append(item)
        tasks = []
        for endpoint, items in by_endpoint.items():
            sink = self.sinks[endpoint]
            if hasattr(sink, "deliver_many"):
                tasks.append(many(sink, items))
            else:
                tasks.extend(one(item) for item in items)
        return [pair for group in await asyncio.gather(*tasks) for pair in group]

    def record(self, results: list[tuple[Claimed, Outcome | DeliveryError]]) -> None:
        now = self.clock()
        updates: dict[str, list[dict[str, Any]]] = defaultdict(list)
        entries = []
        for item, result in results:
            d = item.delivery
            common = dict(
                message_id=item.message_id,
                outbox_id=d.outbox_id,
                business_key=d.business_key,
                correlation_id=d.correlation_id,
                subject=item.subject,
            )
            system = self.system_of(d.endpoint)
            breaker = self.breakers.get(d.endpoint)
            if isinstance(result, Outcome):
                if breaker:
                    breaker.record_success()
                state = ACKNOWLEDGED if result.acknowledged else DELIVERED
                updates[state].append({"oid": d.outbox_id, "lease": item.lease, "error": None, "next": now})
                entries.append(ledger.entry(State.DELIVERED, system, now, detail=result.detail, **common))
                if result.acknowledged:
                    entries.append(ledger.entry(State.ACKNOWLEDGED, system, now, **common))
                continue
            error = str(result)
            detail = {"attempt": d.attempt, **(result.detail or {})}
            entries.append(ledger.entry(State.FAILED, system, now, error=error, detail=detail, **common))
            if result.retryable and breaker and breaker.record_failure():
                log.warning("circuit opened for endpoint %s after %d failures", d.endpoint, breaker.failures)
            policy = self.config.endpoints[d.endpoint].retry
            if should_retry(policy, d.attempt, result.retryable):
                due = next_attempt_at(policy, d.attempt, now, self.rng)
                updates[RETRY_SCHEDULED].append(
                    {"oid": d.outbox_id, "lease": item.lease, "error": error, "next": due}
                )
                entries.append(
                    ledger.entry(
                        State.RETRY_SCHEDULED,
                        system,
                        now,
                        detail={"next_attempt_at": due.isoformat()},
                        **common,
                    )
                )
            else:
                why = "not retryable" if not result.retryable else f"gave up after {d.attempt} attempts"
                updates[DEAD_LETTERED].append(
                    {"oid": d.outbox_id, "lease": item.lease, "error": error, "next": now}
                )
                entries.append(
                    ledger.entry(State.DEAD_LETTERED, system, now, error=error, detail={"why": why}, **common)
                )
        with self.store.engine.begin() as conn:
            ours = self._still_ours(conn, [(item.delivery.outbox_id, item.lease) for item, _ in results])
            for state, params in updates.items():
                params = [p for p in params if p["oid"] in ours]
                if params:
                    conn.execute(
                        update(outbox)
                        .where(outbox.c.id == bindparam("oid"))
                        .values(
                            state=state,
                            lease_until=None,
                            error=bindparam("error"),
                            next_attempt_at=bindparam("next"),
                            updated_at=now,
                        ),
                        params,
                    )
            lost = len(results) - len(ours)
            if lost:
                log.warning(
                    "outcomes of %d deliveries dropped: their lease had passed to another worker", lost
                )
                entries = [e for e in entries if e["outbox_id"] in ours]
            ledger.append(conn, entries)

    @staticmethod
    def _still_ours(conn, leases: list[tuple[int, datetime]]) -> set[int]:
        """Ids whose lease is still the one we took (read under a row lock, then updated)."""
        query = select(outbox.c.id, outbox.c.state, outbox.c.lease_until).where(
            outbox.c.id.in_([id_ for id_, _ in leases])
        )
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        current = {id_: (state, as_utc(lease)) for id_, state, lease in conn.execute(query)}
        return {id_ for id_, lease in leases if current.get(id_) == (DELIVERING, lease)}

    async def run_once(self, limit: int | None = None) -> int:
        claimed = await asyncio.to_thread(self.claim, limit or self.config.runtime.batch_size)
        if not claimed:
            return 0
        results = await self.deliver(claimed)
        await asyncio.to_thread(self.record, results)
        return len(claimed)

    def next_due(self) -> datetime | None:
        """When the earliest scheduled retry or lease expiry falls, to sleep until then."""
        with self.store.engine.connect() as conn:
            retry = conn.execute(
                select(func.min(outbox.c.next_attempt_at)).where(
                    outbox.c.state.in_((PENDING, RETRY_SCHEDULED))
                )
            ).scalar_one()
            lease = conn.execute(
                select(func.min(outbox.c.lease_until)).where(outbox.c.state == DELIVERING)
            ).scalar_one()
        candidates = [as_utc(v) for v in (retry, lease) if v is not None]
        return min(candidates) if candidates else None
