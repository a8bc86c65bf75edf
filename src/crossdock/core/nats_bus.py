"""The scale-out bus on NATS JetStream: a durable stream of message ids, one shared pull consumer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import nats
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, RetentionPolicy, StreamConfig
from nats.js.errors import NotFoundError

from ..config import BusConfig
from .bus import Ticket


class BusUnavailable(RuntimeError):
    pass


class NatsBus:
    def __init__(self, config: BusConfig):
        self.config = config
        self.nc = None
        self.js = None
        self.subscription = None

    async def start(self) -> None:
        try:
            self.nc = await nats.connect(
                self.config.url, connect_timeout=3, max_reconnect_attempts=-1, allow_reconnect=True
            )
        except Exception as exc:  # nats raises several unrelated types for "cannot connect"
            raise BusUnavailable(f"cannot reach NATS at {self.config.url}: {exc}") from None
        self.js = self.nc.jetstream()
        stream = StreamConfig(
            name=self.config.stream,
            subjects=[self.config.subject],
            retention=RetentionPolicy.WORK_QUEUE,  # a message id leaves the stream once a worker acks it
            duplicate_window=120.0,
        )
        try:
            await self.js.stream_info(self.config.stream)
        except NotFoundError:
            await self.js.add_stream(stream)
        self.subscription = await self.js.pull_subscribe(
            self.config.subject,
            durable=self.config.durable,
            stream=self.config.stream,
            config=ConsumerConfig(
                ack_policy=AckPolicy.EXPLICIT, ack_wait=self.config.ack_wait, max_deliver=-1
            ),
        )

    async def announce(self, accepted: Sequence[tuple[int, str]]) -> None:
        # Msg-Id lets JetStream drop a re-announcement of the same id within its duplicate window.
        await asyncio.gather(
            *(
                self.js.publish(
                    self.config.subject, str(message_id).encode(), headers={"Nats-Msg-Id": str(message_id)}
                )
                for message_id, _subject in accepted
            )
        )

    async def take(self, limit: int, timeout: float) -> list[Ticket] | None:
        try:
            batch = await self.subscription.fetch(limit, timeout=max(timeout, 0.05))
        except (NatsTimeout, TimeoutError):  # nats-py raises either, depending on where the wait ended
            return []
        return [Ticket(int(msg.data), msg) for msg in batch]

    async def settle(self, tickets: Sequence[Ticket], finished: set[int], deferred: set[int]) -> None:
        for ticket in tickets:
            if ticket.message_id in deferred:
                await ticket.handle.nak(delay=0.05)
            elif ticket.message_id in finished:
                await ticket.handle.ack()

    async def close(self) -> None:
        # close, not drain: a pull subscription with no fetch pending never finishes draining, and
        # anything fetched but not acked is redelivered after ack_wait anyway.
        if self.nc is not None:
            await self.nc.close()
            self.nc = None
