"""Builders for runtime tests: configs, envelopes, and a sink that records what it applied."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crossdock.config import Config, parse_config
from crossdock.connectors.base import Delivery, Incoming, Outcome, PermanentError, TransientError


def make_config(store_url: str, extra: str = "", **runtime: Any) -> Config:
    runtime_yaml = ", ".join(f"{k}: {v}" for k, v in {"poll_interval": 0.01, **runtime}.items())
    return parse_config(f"""
store: {{url: "{store_url}"}}
runtime: {{{runtime_yaml}}}
systems: {{odoo: {{role: erp}}, wms: {{role: warehouse}}}}
endpoints:
  wms:
    kind: noop
    system: wms
    retry: {{base_delay: 0.01, max_delay: 0.05, max_attempts: 3, jitter: 0}}
    breaker: {{failure_threshold: 100, reset_after: 0.05}}
  odoo: {{kind: noop, system: odoo}}
routes:
  - {{type: order.released, flow: passthrough, endpoint: wms}}
  - {{type: shipment.confirmed, flow: passthrough, endpoint: odoo}}
{extra}
""")


def order(
    n: int, sku: str = "SKU-1", qty: str = "2", subject: str | None = None, event_id: str | None = None
) -> dict:
    event = {
        "id": event_id or f"so-{n}",
        "source": "odoo://main",
        "type": "order.released",
        "time": datetime(2026, 11, 27, 8, 0, tzinfo=UTC).isoformat(),
        "data": {
            "order_id": f"SO{n:04d}",
            "customer": {"code": "C1"},
            "ship_to": {"name": "Store"},
            "lines": [{"line_no": "1", "sku": sku, "quantity": {"value": qty, "uom": "EA"}}],
        },
    }
    if subject:
        event["subject"] = subject
    return event


def incoming(body: Any, system: str = "odoo") -> Incoming:
    return Incoming(body=body, system=system, origin="test")


class RecordingSink:
    """A target that applies each idempotency key once and can be told to fail."""

    def __init__(self, fail_times: int = 0, permanent_for: set[str] | None = None):
        self.applied: list[Delivery] = []
        self.seen_keys: set[str] = set()
        self.calls = 0
        self.fail_times = fail_times
        self.permanent_for = permanent_for or set()

    async def deliver(self, delivery: Delivery) -> Outcome:
        self.calls += 1
        if self.calls <= self.fail_times:
            raise TransientError("target down")
        if delivery.business_key in self.permanent_for:
            raise PermanentError(f"target refused {delivery.business_key}")
        if delivery.idempotency_key not in self.seen_keys:
            self.seen_keys.add(delivery.idempotency_key)
            self.applied.append(delivery)
        return Outcome(acknowledged=True)

    async def close(self) -> None:
        return None
