"""The runtime: sources -> inbox -> flows -> outbox -> sinks, with every step in the ledger.

`Runtime` wires the parts for one process. `run()` is the loop of `crossdock run` (embedded:
sources and workers together) and `crossdock worker` (scale-out: workers only, on NATS).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from .. import secrets
from ..config import Config, RetryPolicy
from ..connectors.base import Incoming, Sink, Source
from ..connectors.registry import build_sinks, build_sources
from ..governance import DEFAULT_OWNERSHIP, OwnershipMatrix
from ..model import utc_now
from .bus import Bus, StoreBus
from .dispatcher import Dispatcher
from .inbox import QUEUED, Inbox, IngestReport
from .operations import Operations
from .processor import Processor, ProcessReport, count_active
from .retry import backoff_seconds
from .store import Store, open_store, safe_url
from .tables import messages

log = logging.getLogger("crossdock.runtime")


def make_bus(config: Config) -> Bus:
    if config.bus.kind == "nats":
        from .nats_bus import NatsBus

        return NatsBus(config.bus)
    return StoreBus()


class Runtime:
    def __init__(
        self,
        config: Config,
        *,
        store: Store | None = None,
        sinks: dict[str, Sink] | None = None,
        sources: Sequence[Source] | None = None,
        bus: Bus | None = None,
        clock: Callable[[], datetime] = utc_now,
    ):
        self.config = config
        self.clock = clock
        self.store = store or open_store(config.store.url, config.store.connect_timeout)
        self.ownership = OwnershipMatrix(config.ownership or DEFAULT_OWNERSHIP)
        self.inbox = Inbox(self.store, config, self.ownership, clock)
        self.processor = Processor(self.store, config, clock)
        self.sinks = sinks if sinks is not None else build_sinks(config)
        self.sources = list(sources) if sources is not None else build_sources(config)
        self.dispatcher = Dispatcher(self.store, config, self.sinks, clock)
        self.ops = Operations(self.store, config, self.ownership, clock)
        self.bus = bus or make_bus(config)
        for connector in [*self.sources, *self.sinks.values()]:
            if hasattr(connector, "bind"):  # connectors that keep state in the store (cursors, markers)
                connector.bind(self.store)
        self._started = False
        self._last_sweep = 0.0
        self._source_failures: dict[str, int] = {}
        self._source_backoff: dict[str, float] = {}

    async def start(self) -> None:
        if not self._started:
            await self.bus.start()
            self._started = True

    async def ingest(self, items: Sequence[Incoming]) -> IngestReport:
        report = await asyncio.to_thread(self.inbox.ingest, items)
        if report.accepted:
            await self.bus.announce(report.accepted)
        return report

    async def process(self, timeout: float = 0.0) -> ProcessReport:
        tickets = await self.bus.take(self.config.runtime.batch_size, timeout)
        if tickets == []:
            return ProcessReport()
        ids = None if tickets is None else [t.message_id for t in tickets]
        report = await asyncio.to_thread(self.processor.process, ids)
        if tickets:
            finished = set(report.processed) | set(report.dead_lettered) | set(report.finished)
            await self.bus.settle(tickets, finished, set(report.deferred))
        return report

    def _source_retry(self, source: Source) -> RetryPolicy:
        """Backoff for a failing source: 2, 4, 8 ... poll intervals with jitter, so sources that
        fail together do not retry in step; capped at 60 s or the source's own `max_backoff`."""
        cap = getattr(getattr(source, "options", None), "max_backoff", 60.0)
        return RetryPolicy(base_delay=2 * self.config.runtime.poll_interval, max_delay=cap)

    async def _pull_sources(self) -> int:
        pulled = 0
        for source in self.sources:
            if time.monotonic() < self._source_backoff.get(source.name, 0.0):
                continue
            try:
                items = await source.poll(self.config.runtime.batch_size)
            except Exception as exc:  # a source that is down must not stop the others, nor deliveries
                failures = self._source_failures.get(source.name, 0) + 1
                self._source_failures[source.name] = failures
                delay = backoff_seconds(self._source_retry(source), failures)
                self._source_backoff[source.name] = time.monotonic() + delay
                log.warning(
                    "source %s failed (%s: %s); next try in %.1fs",
                    source.name,
                    type(exc).__name__,
                    secrets.redact(str(exc)),
                    delay,
                )
                continue
            self._source_failures.pop(source.name, None)
            if items:
                await self.ingest(items)
                pulled += len(items)
            # Even an empty batch is committed: a source may have consumed input that yields no
            # message (an acknowledgment, an event type nobody needs) and must move past it.
            await source.commit(items)
        return pulled

    async def _sweep(self) -> None:
        """Re-announce messages queued long ago: covers a crash between commit and publish."""
        if isinstance(self.bus, StoreBus) or time.monotonic() - self._last_sweep < self.config.bus.ack_wait:
            return
        self._last_sweep = time.monotonic()

        def stale() -> list[tuple[int, str]]:
            with self.store.engine.connect() as conn:
                return [
                    tuple(r)
                    for r in conn.execute(
                        select(messages.c.id, messages.c.subject)
                        .where(messages.c.state == QUEUED)
                        .limit(10_000)
                    )
                ]

        await self.bus.announce(await asyncio.to_thread(stale))

    async def step(self, wait: float = 0.0) -> int:
        """One round: pull sources, run flows, deliver. Returns how much work was done."""
        worked = await self._pull_sources()
        report = await self.process(0.0 if worked else wait)
        worked += len(report.processed) + len(report.dead_lettered)
        worked += await self.dispatcher.run_once()
        await self._sweep()
        return worked

    def idle(self) -> bool:
        with self.store.engine.connect() as conn:
            return count_active(conn) == 0

    async def run(
        self, *, until_idle: bool = False, stop: asyncio.Event | None = None, recover: bool | None = None
    ) -> None:
        """Work until `stop` is set, or (until_idle) until sources are exhausted and nothing is in flight."""
        await self.start()
        log.info(
            "runtime started: store %s, bus %s, %d sources, %d endpoints",
            safe_url(self.store.url),
            self.config.bus.kind,
            len(self.sources),
            len(self.sinks),
        )
        if recover if recover is not None else isinstance(self.bus, StoreBus):
            recovered = await asyncio.to_thread(self.ops.recover_leases)
            if recovered:
                log.warning("recovered %d deliveries left in flight by a previous process", recovered)
        stop = stop or asyncio.Event()
        poll = self.config.runtime.poll_interval
        while not stop.is_set():
            try:
                worked = await self.step(wait=poll if not isinstance(self.bus, StoreBus) else 0.0)
            except OperationalError as exc:  # the database blinked: nothing was half-written, try again
                log.error("store error, retrying in 1s: %s", secrets.redact(str(exc.orig or exc)))
                await asyncio.sleep(1)
                continue
            if worked:
                continue
            if until_idle and all(s.exhausted for s in self.sources) and await asyncio.to_thread(self.idle):
                return
            await self._nap(poll, stop)

    async def _nap(self, poll: float, stop: asyncio.Event) -> None:
        due = await asyncio.to_thread(self.dispatcher.next_due)
        delay = poll
        if due is not None:
            delay = min(poll, max(0.0, (due - self.clock()).total_seconds()))
        if isinstance(self.bus, StoreBus) or due is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=max(delay, 0.005))

    async def close(self) -> None:
        for sink in self.sinks.values():
            await sink.close()
        for source in self.sources:
            await source.close()
        await self.bus.close()
        self.store.dispose()
