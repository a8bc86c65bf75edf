"""Reads what a WMS reports: its ordered event feed, woken early by its signed webhooks.

Webhooks are signed per the profile and verified first; a webhook that fails verification is
handed to the inbox as rejected (kept, visible, replayable) and answered 401. A valid webhook
only wakes the poller: events are read from the WMS's feed in sequence order, after a cursor
kept in the store, so duplicate or out-of-order webhook deliveries cannot reorder or double
anything. Each WMS event becomes a canonical CloudEvent through the profile's templates.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ...core.cursors import Cursors, KeyValue, MemoryKeyValue
from ..base import Incoming
from ..webhooks import WebhookServer
from .client import WmsClient
from .profile import facility_xrefs, load_profile
from .signatures import SignatureError, verify
from .template import Context, TemplateError, lookup

log = logging.getLogger("crossdock.wms")


class WmsSourceOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    api_key: str
    profile: str = "crossdock"
    webhook_secret: str | None = Field(default=None, description="the secret the WMS signs webhooks with")
    webhook_port: int | None = None
    webhook_host: str = "127.0.0.1"
    webhook_path: str = "/wms/webhook"
    subscribe: bool = Field(default=False, description="register the webhook with the WMS on start")
    poll_interval: float = Field(default=30.0, gt=0)
    timeout: float = Field(default=30.0, gt=0)
    facilities: dict[str, str] = Field(
        default_factory=dict,
        description="crossdock warehouse code -> the WMS's facility code, where they differ",
    )
    once: bool = False


class WmsSource:
    Options = WmsSourceOptions

    def __init__(self, name: str, system: str, options: WmsSourceOptions):
        self.name, self.system, self.options = name, system, options
        self.profile = load_profile(options.profile)
        p = self.profile.profile
        if p.polling is None and p.delivery == "feed":
            raise ValueError(
                f"profile {p.name!r} has no event feed to poll: give it polling, or delivery: push"
            )
        self.client = WmsClient(options.url, options.api_key, p.auth_header, p.auth_format, options.timeout)
        self.context = Context(code_lists=p.code_lists, xrefs=facility_xrefs(p.xrefs, options.facilities))
        self.cursors: KeyValue = MemoryKeyValue()  # the store's, once bound
        self.cursor: str | None = None
        self.pending_cursor: str | None = None
        self.waiting: list[Incoming] = []  # refused webhooks, and pushed events, until the next poll
        self.webhook: WebhookServer | None = None
        self.next_poll = 0.0
        self.hints = 0  # valid webhook hints received (the e2e tests read it)
        self._exhausted = False

    def bind(self, store) -> None:
        self.cursors = Cursors(store)

    @property
    def webhook_url(self) -> str:
        return self.webhook.url(self.options.webhook_path) if self.webhook else ""

    async def _start(self) -> None:
        if self.options.webhook_port is not None and self.webhook is None:
            self.webhook = await WebhookServer(
                self._on_webhook, self.options.webhook_host, self.options.webhook_port
            ).start()
            if self.options.subscribe:
                await self.client.request(
                    "POST",
                    "/v1/webhooks",
                    json={"url": self.webhook_url, "secret": self.options.webhook_secret},
                )

    def _on_webhook(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        if path != self.options.webhook_path:
            return 404, {"error": "not found"}
        signature = self.profile.profile.signature
        try:
            verify(
                signature.scheme,
                self.options.webhook_secret or "",
                body,
                headers,
                signature.header,
                signature.prefix,
            )
        except SignatureError as exc:
            event_id = headers.get((self.profile.profile.event_id_header or "").lower(), "?")
            self.waiting.append(
                Incoming(
                    body=body.decode("utf-8", "replace"),
                    system=self.system,
                    origin=f"webhook {event_id}",
                    meta={"rejection": ("signature", f"webhook {event_id}: {exc}")},
                )
            )
            return 401, {"error": str(exc)}
        profile = self.profile.profile
        if profile.delivery == "feed":
            self.hints += 1
            self.next_poll = 0.0  # a valid hint: read the feed now
            return profile.ack_status, profile.ack_body
        try:
            event = json.loads(body)
        except ValueError:
            event = None
        if not isinstance(event, dict):
            self.waiting.append(
                Incoming(
                    body=body.decode("utf-8", "replace"),
                    system=self.system,
                    origin="webhook",
                    meta={"rejection": ("malformed", "webhook body is not a JSON object")},
                )
            )
            return 400, {"error": "expected a JSON object"}
        header_id = headers.get((profile.event_id_header or "").lower())
        if header_id and lookup(event, profile.event_id_field) is None:
            event[profile.event_id_field] = header_id  # ShipHero-style: the id travels in a header
        event["_received_at"] = datetime.now(UTC).isoformat()
        incoming = self._incoming(event)
        if incoming is not None:
            self.waiting.append(incoming)
        return profile.ack_status, profile.ack_body

    async def poll(self, limit: int) -> Sequence[Incoming]:
        await self._start()
        out, self.waiting = self.waiting, []
        if self._exhausted or time.monotonic() < self.next_poll or self.profile.profile.polling is None:
            return out
        self.next_poll = time.monotonic() + self.options.poll_interval
        polling = self.profile.profile.polling
        if self.cursor is None:
            self.cursor = self.cursors.get(f"wms:{self.name}:events") or "0"
        answer = await self.client.request(
            "GET",
            polling.path,
            params={
                polling.cursor_param: self.pending_cursor or self.cursor,
                polling.limit_param: min(limit, polling.page_size),
            },
        )
        items = answer.get(polling.items_field, []) if polling.items_field else answer
        for event in items or []:
            self.pending_cursor = str(event.get(polling.cursor_field))
            incoming = self._incoming(event)
            if incoming is not None:
                out.append(incoming)
        if len(items or []) >= min(limit, polling.page_size):
            self.next_poll = 0.0  # more is waiting
        elif self.options.once:
            self._exhausted = True
        return out

    def _incoming(self, event: dict[str, Any]) -> Incoming | None:
        """The canonical message for one WMS event; None for events the profile ignores."""
        p = self.profile.profile
        event_id = str(lookup(event, p.event_id_field))
        kind = str(lookup(event, p.event_type_field))
        origin = f"wms {self.name} event {event_id}"
        if kind in p.ignored:
            return None
        if kind not in self.profile.events:
            reason = f"profile {p.name!r} does not map WMS event type {kind!r}"
            return Incoming(
                body=event, system=self.system, origin=origin, meta={"rejection": ("unmapped", reason)}
            )
        try:
            event_type = self.profile.types[kind].render(event, self.context)
            if event_type is None:
                return None  # e.g. a status change crossdock has no event for
            data = self.profile.events[kind].render(event, self.context)
            subject = (
                self.profile.subjects[kind].render(event, self.context)
                if kind in self.profile.subjects
                else None
            )
        except TemplateError as exc:
            return Incoming(
                body=event, system=self.system, origin=origin, meta={"rejection": ("mapping", str(exc))}
            )
        envelope = {
            "id": event_id,
            "source": f"wms://{self.name}",
            "type": event_type,
            "data": data,
            "time": event.get("occurred_at"),
        }
        if subject:
            envelope["subject"] = f"wms:{subject}"
        return Incoming(
            body={k: v for k, v in envelope.items() if v is not None},
            system=self.system,
            origin=origin,
            meta={"raw": json.dumps(event)[:2000]},
        )

    async def commit(self, items: Sequence[Incoming]) -> None:
        if self.pending_cursor and self.pending_cursor != self.cursor:
            self.cursor = self.pending_cursor
            self.cursors.set(f"wms:{self.name}:events", self.cursor)
        self.pending_cursor = None

    @property
    def exhausted(self) -> bool:
        return self._exhausted and not self.waiting

    async def close(self) -> None:
        if self.webhook is not None:
            await self.webhook.close()
        await self.client.close()
