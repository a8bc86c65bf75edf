"""Webhook subscriptions and delivery: HMAC-SHA256 signatures, retries with exponential backoff.

Delivery is at-least-once and runs on its own thread in wall-clock time, so a slow or failing
subscriber never stalls the warehouse. Its fault draws use a separate RNG: event content stays
identical for a seed whatever the network does.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import httpx

from crossdock.connectors.wms import signatures

from .errors import bad_request, not_found
from .warehouse import Warehouse, req_list, req_str, subscribed

EVENT_TYPES = (
    "order.accepted",
    "order.rejected",
    "order.status_changed",
    "order.cancelled",
    "shipment.confirmed",
    "receipt.confirmed",
    "return.received",
    "inventory.adjusted",
    "inventory.snapshot",
)
MAX_FAILED_KEPT = 500
HOLD_S = 0.3  # out-of-order fault: how long a lone event waits for company to be shuffled with


def subscribe(wh: Warehouse, body: Any) -> dict:
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    url = req_str(body, "url", "url", max_len=2000)
    if not str(url).startswith(("http://", "https://")):
        raise bad_request("url must be an http(s) URL", "url")
    secret = req_str(body, "secret", "secret", max_len=200)
    if len(str(secret)) < 8:
        raise bad_request("secret must be at least 8 characters", "secret")
    events = req_list(body, "events", "events", required=False) or ["*"]
    for i, pattern in enumerate(events):
        # a pattern is known when delivery would match it to at least one event type
        known = isinstance(pattern, str) and any(subscribed([pattern], t) for t in EVENT_TYPES)
        if not known:
            raise bad_request(f"unknown event type {pattern!r}", f"events[{i}]")
    hook_id = f"wh_{wh.next_id('webhook'):04d}"
    hook = {"id": hook_id, "url": url, "secret": secret, "events": events, "created_at": wh.state["clock"]}
    wh.state["webhooks"][hook_id] = hook
    return public_hook(hook)


def public_hook(hook: dict) -> dict:
    return {k: v for k, v in hook.items() if k != "secret"}


def unsubscribe(wh: Warehouse, hook_id: str) -> None:
    if wh.state["webhooks"].pop(hook_id, None) is None:
        raise not_found("webhook", hook_id)
    wh.state["deliveries"] = [d for d in wh.state["deliveries"] if d["webhook_id"] != hook_id]


class Dispatcher:
    def __init__(self, wh: Warehouse) -> None:
        self.wh = wh
        self.rng = random.Random(wh.cfg("seed") + 7919)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wms-sim-webhooks", daemon=True)
        self._client = httpx.Client()
        self._busy = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.ident is not None:  # started
            self._thread.join(timeout=10)
        self._client.close()

    def wake(self) -> None:
        self._wake.set()

    def idle(self) -> bool:
        """True when nothing is pending or in flight (failed deliveries are final)."""
        with self.wh.lock:
            return self._busy == 0 and not any(
                d["status"] in ("pending", "in_flight") for d in self.wh.state["deliveries"]
            )

    def _run(self) -> None:
        while not self._stop.is_set():
            batch = self._take()
            if not batch:
                self._wake.wait(0.02)
                self._wake.clear()
                continue
            for delivery, hook, body in batch:
                ok, error = self._send(delivery, hook, body)
                with self.wh.lock:
                    self._settle(delivery, ok, error)
                    self._busy -= 1
            with self.wh.lock:
                self.wh.commit()

    def _take(self) -> list[tuple[dict, dict, bytes]]:
        wh = self.wh
        with wh.lock:
            now = time.time()
            due = [d for d in wh.state["deliveries"] if d["status"] == "pending" and d["next_at"] <= now]
            faults = wh.state["faults"]
            if faults.get("webhook_out_of_order") and due:
                oldest = min(d.get("queued_at", now) for d in due)
                if len(due) < 2 and now - oldest < HOLD_S:
                    for d in due:
                        d.setdefault("queued_at", now)
                    return []
                shuffled = list(due)
                self.rng.shuffle(shuffled)
                if len(due) > 1 and shuffled == due:
                    shuffled.reverse()
                due = shuffled
            batch = []
            for delivery in due:
                hook = wh.state["webhooks"].get(delivery["webhook_id"])
                body = wh.store.event_body(delivery["sequence"])
                if hook is None or body is None:
                    continue
                delivery["status"] = "in_flight"
                self._busy += 1
                batch.append((delivery, hook, body.encode()))
            return batch

    def _send(self, delivery: dict, hook: dict, body: bytes) -> tuple[bool, str | None]:
        with self.wh.lock:
            faults = self.wh.state["faults"]
            if faults.get("webhook_fail_first_n", 0) > 0:
                faults["webhook_fail_first_n"] -= 1
                return False, "injected delivery failure"
            timeout = self.wh.cfg("webhook_timeout_s")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "crossdock-wms-sim/1",
            "X-WMS-Event-Id": delivery["event_id"],
            "X-WMS-Event-Type": delivery["event_type"],
            "X-WMS-Timestamp": str(int(time.time())),
            "X-WMS-Delivery-Attempt": str(delivery["attempts"] + 1),
            "X-WMS-Signature": "sha256=" + signatures.sign("hmac-sha256-hex", hook["secret"], body),
        }
        try:
            response = self._client.post(hook["url"], content=body, headers=headers, timeout=timeout)
        except httpx.HTTPError as exc:
            return False, f"{type(exc).__name__}: {exc}"
        if 200 <= response.status_code < 300:
            return True, None
        return False, f"HTTP {response.status_code}"

    def _settle(self, delivery: dict, ok: bool, error: str | None) -> None:
        wh = self.wh
        stats = wh.state["delivery_stats"]
        delivery["attempts"] += 1
        stats["attempts"] = stats.get("attempts", 0) + 1
        if ok:
            stats["delivered"] = stats.get("delivered", 0) + 1
            wh.state["deliveries"].remove(delivery)
            if not delivery["duplicate"] and self.rng.random() < wh.state["faults"].get(
                "webhook_duplicate_rate", 0
            ):
                # the WMS lost our ack: the same event (same event_id) goes out again
                wh.state["deliveries"].append(
                    dict(
                        delivery,
                        id=wh.next_id("delivery"),
                        attempts=0,
                        status="pending",
                        next_at=0.0,
                        duplicate=True,
                    )
                )
                stats["duplicates"] = stats.get("duplicates", 0) + 1
            return
        delivery["last_error"] = error
        if delivery["attempts"] >= wh.cfg("webhook_max_attempts"):
            delivery["status"] = "failed"
            stats["failed"] = stats.get("failed", 0) + 1
            failed = [d for d in wh.state["deliveries"] if d["status"] == "failed"]
            for old in failed[:-MAX_FAILED_KEPT]:  # a dead subscriber must not grow the state forever
                wh.state["deliveries"].remove(old)
            return
        delivery["status"] = "pending"
        delivery["next_at"] = time.time() + wh.cfg("webhook_retry_base_s") * 2 ** (delivery["attempts"] - 1)
