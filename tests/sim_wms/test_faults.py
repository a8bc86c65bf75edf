"""Fault injection on the HTTP API: 5xx, 429, outage, slow and hanging responses."""

from __future__ import annotations

import time

import httpx
import pytest

from crossdock.sim.wms import WmsServer

from .conftest import client_for, order_body, quiet_config


@pytest.fixture
def raw(wms):
    with httpx.Client(base_url=wms.url, headers={"Authorization": f"Bearer {wms.api_key}"}) as client:
        yield client


def test_server_errors_keep_the_error_shape(api, raw):
    api.post("/_sim/faults", json={"http_5xx_rate": 1.0})
    statuses = []
    for _ in range(12):
        response = raw.get("/v1/ping")
        assert response.json()["error"]["code"] in ("INTERNAL_ERROR", "UPSTREAM_UNAVAILABLE")
        statuses.append(response.status_code)
    assert set(statuses) == {500, 502, 503}
    assert raw.get("/_sim/state").status_code == 200  # the control API is never faulted
    api.post("/_sim/faults", json={"clear": True})
    assert raw.get("/v1/ping").status_code == 200


def test_failed_calls_have_no_effect(api, raw):
    api.post("/_sim/faults", json={"http_5xx_rate": 1.0})
    assert (
        raw.post(
            "/v1/orders", json=order_body("SO-F", [{"line_ref": "1", "sku": "SKU00001", "qty": "1"}])
        ).status_code
        >= 500
    )
    api.post("/_sim/faults", json={"http_5xx_rate": 0.0})
    assert raw.get("/v1/orders/SO-F").status_code == 404


def test_rate_limit_answers_429_with_retry_after(api, raw):
    api.post("/_sim/faults", json={"http_429_rate": 1.0})
    response = raw.get("/v1/inventory")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert response.json()["error"]["code"] == "RATE_LIMITED"


def test_outage_refuses_everything_until_cleared(wms, api, raw):
    api.post("/_sim/faults", json={"outage": True})
    with httpx.Client(base_url=wms.url) as anonymous:
        down = anonymous.get("/v1/ping")
    assert down.status_code == 503 and down.headers["retry-after"] == "5"
    assert down.json()["error"] == {
        "code": "SERVICE_UNAVAILABLE",
        "message": "the WMS is down for maintenance",
        "field": None,
    }
    assert raw.post("/v1/orders", json={}).status_code == 503
    assert api.post("/_sim/faults", json={"outage": False}).json()["faults"] == {"outage": False}
    assert raw.get("/v1/ping").status_code == 200


def test_slow_responses(api, raw):
    api.post("/_sim/faults", json={"slow_ms": 250})
    started = time.monotonic()
    assert raw.get("/v1/ping").status_code == 200
    assert time.monotonic() - started >= 0.25


def test_timeout_after_the_work_is_done_is_resolved_by_idempotency(api, raw):
    api.post("/_sim/faults", json={"timeout_rate": 1.0, "timeout_hang_ms": 1500})
    body = order_body("SO-T", [{"line_ref": "1", "sku": "SKU00001", "qty": "3"}])
    with pytest.raises(httpx.ReadTimeout):
        raw.post("/v1/orders", json=body, timeout=0.3)
    api.post("/_sim/faults", json={"clear": True})
    retry = raw.post("/v1/orders", json=body)
    assert retry.status_code == 200  # the first call did land: the retry finds it
    assert retry.json()["wms_id"] == "SO-000001"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"http_5xx_rate": 2}, "http_5xx_rate"),
        ({"outage": "yes"}, "outage"),
        ({"slow_ms": -1}, "slow_ms"),
        ({"meteor_strike": True}, "meteor_strike"),
    ],
)
def test_fault_settings_are_validated(raw, body, field):
    response = raw.post("/_sim/faults", json=body)
    assert response.status_code == 400 and response.json()["error"]["field"] == field


def test_fault_draws_are_reproducible():
    def statuses(seed: int) -> list[int]:
        with WmsServer(config=quiet_config(seed=seed)) as server, client_for(server) as client:
            client.post("/_sim/faults", json={"http_5xx_rate": 0.4})
            return [client.get("/v1/ping").status_code for _ in range(25)]

    first = statuses(5)
    assert first == statuses(5)
    assert first != statuses(6)
    assert 200 in first and any(s >= 500 for s in first)
