"""Webhook delivery: HMAC signatures, filters, retries, bounded attempts, duplicates, reordering."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from crossdock.connectors.wms.signatures import SignatureError, verify

from .conftest import Receiver, advance, events_of, order_body

SECRET = "whsec-test-0123456789"
LINE = [{"line_ref": "1", "sku": "SKU00001", "qty": "1"}]


def subscribe(api, receiver: Receiver, events: list[str] | None = None) -> str:
    body = {"url": receiver.url, "secret": SECRET} | ({"events": events} if events else {})
    response = api.post("/v1/webhooks", json=body)
    assert response.status_code == 201
    return response.json()["id"]


def flush(api) -> dict:
    response = api.post("/_sim/webhooks/flush", json={"timeout_s": 10})
    assert response.status_code == 200
    return response.json()


def test_signed_deliveries_match_the_event_feed(api, receiver):
    subscribe(api, receiver)
    api.post("/v1/orders", json=order_body("SO-W1", LINE))
    advance(api, 180)
    assert flush(api)["pending"] == 0
    feed = events_of(api)
    assert [e["event_type"] for e in feed] == [
        "order.accepted",
        "order.status_changed",
        "order.status_changed",
        "order.status_changed",
        "shipment.confirmed",
        "order.status_changed",
    ]
    assert sorted(receiver.events(), key=lambda e: e["sequence"]) == feed
    now = time.time()
    for headers, body in receiver.requests:
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["x-wms-signature"], expected)
        assert headers["x-wms-event-id"] == __import__("json").loads(body)["event_id"]
        assert abs(int(headers["x-wms-timestamp"]) - now) < 60
        assert headers["content-type"] == "application/json"
        assert headers["x-wms-delivery-attempt"] == "1"
    # crossdock's own verifier, as the bundled profile configures it, accepts the body and refuses a tampered one
    headers, body = receiver.requests[0]
    verify("hmac-sha256-hex", SECRET, body, headers, "X-WMS-Signature", "sha256=")
    tampered = body.replace(b"SO-W1", b"SO-W2")
    assert tampered != body
    with pytest.raises(SignatureError, match="does not match"):
        verify("hmac-sha256-hex", SECRET, tampered, headers, "X-WMS-Signature", "sha256=")


def test_subscription_filters_event_types(api, receiver):
    subscribe(api, receiver, ["shipment.confirmed"])
    api.post("/v1/orders", json=order_body("SO-W2", LINE))
    advance(api, 180)
    flush(api)
    assert [e["event_type"] for e in receiver.events()] == ["shipment.confirmed"]


def test_retries_with_backoff_after_a_failing_subscriber(api):
    with Receiver(fail_first=3) as receiver:
        subscribe(api, receiver)
        api.post("/v1/orders", json=order_body("SO-W3", LINE))
        result = flush(api)
        assert result["pending"] == 0 and result["failed"] == []
        assert result["stats"] == {"attempts": 4, "delivered": 1}
        attempts = [(h["x-wms-event-id"], h["x-wms-delivery-attempt"]) for h, _ in receiver.requests]
        event_id = events_of(api)[0]["event_id"]
        assert attempts == [(event_id, "1"), (event_id, "2"), (event_id, "3"), (event_id, "4")]
        assert len({body for _, body in receiver.requests}) == 1  # every retry is byte-identical


def test_attempts_are_bounded(api):
    with Receiver(fail_first=1000) as receiver:
        subscribe(api, receiver)
        api.post("/v1/orders", json=order_body("SO-W4", LINE))
        result = flush(api)
        assert len(receiver.requests) == 5  # webhook_max_attempts
        [failed] = result["failed"]
        assert (failed["attempts"], failed["last_error"], failed["event_type"]) == (
            5,
            "HTTP 500",
            "order.accepted",
        )
        assert result["pending"] == 0
    # the event is not lost: the polling feed still has it
    assert [e["event_type"] for e in events_of(api)] == ["order.accepted"]


def test_unreachable_subscriber_fails_after_retries(api):
    with Receiver() as receiver:
        url = receiver.url
    api.post("/v1/webhooks", json={"url": url, "secret": SECRET})
    api.post("/v1/orders", json=order_body("SO-W5", LINE))
    [failed] = flush(api)["failed"]
    assert failed["attempts"] == 5 and failed["last_error"].startswith("ConnectError")


def test_duplicate_deliveries_carry_the_same_event_id(api, receiver):
    api.post("/_sim/faults", json={"webhook_duplicate_rate": 1.0})
    subscribe(api, receiver)
    api.post("/v1/orders", json=order_body("SO-W6", LINE))
    advance(api, 65)
    result = flush(api)
    assert result["stats"]["duplicates"] == 3
    ids = [h["x-wms-event-id"] for h, _ in receiver.requests]
    assert len(ids) == 6 and len(set(ids)) == 3
    bodies: dict[str, set[bytes]] = {}
    for headers, body in receiver.requests:
        bodies.setdefault(headers["x-wms-event-id"], set()).add(body)
    assert all(len(versions) == 1 for versions in bodies.values())


def test_out_of_order_delivery_keeps_true_sequence(api, receiver):
    for n in range(4):
        api.post("/v1/orders", json=order_body(f"SO-OOO{n}", LINE))
    api.post("/_sim/faults", json={"webhook_out_of_order": True})
    subscribe(api, receiver)
    advance(api, 61)  # one wave: ALLOCATED + PICKING for four orders, committed together
    flush(api)
    arrived = [e["sequence"] for e in receiver.events()]
    assert sorted(arrived) == list(range(5, 13))
    assert arrived != sorted(arrived)


def test_injected_delivery_failures(api, receiver):
    api.post("/_sim/faults", json={"webhook_fail_first_n": 2})
    subscribe(api, receiver)
    api.post("/v1/orders", json=order_body("SO-W7", LINE))
    flush(api)
    assert [h["x-wms-delivery-attempt"] for h, _ in receiver.requests] == ["3"]
    assert api.get("/_sim/faults").json()["faults"]["webhook_fail_first_n"] == 0


def test_unsubscribed_hooks_receive_nothing_more(api, receiver):
    hook = subscribe(api, receiver)
    api.post("/v1/orders", json=order_body("SO-W8", LINE))
    flush(api)
    api.delete(f"/v1/webhooks/{hook}")
    advance(api, 180)
    flush(api)
    assert [e["event_type"] for e in receiver.events()] == ["order.accepted"]
