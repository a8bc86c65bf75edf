"""The emulator's responses and events conform to docs/wms-contract.yaml, and the contract lists every route."""

from __future__ import annotations

import re

import pytest

from crossdock.sim.wms.api import ROUTES

from .conftest import advance, events_of, order_body
from .schema import errors, load_contract, resolve

DOC = load_contract()


def schema(name: str) -> dict:
    return DOC["components"]["schemas"][name]


def response_schema(path: str, method: str, status: str) -> dict:
    response = resolve(DOC, DOC["paths"][path][method]["responses"][status])
    return response["content"]["application/json"]["schema"]


def test_every_route_is_documented_and_every_documented_path_exists():
    served = {(method.lower(), regex.pattern) for method, regex, _, _ in ROUTES if "/v1/" in regex.pattern}
    documented = set()
    for path, item in DOC["paths"].items():
        pattern = "^" + re.sub(r"{(\w+)}", "(?P<x>[^/]+)", path) + "$"
        for method in item:
            if method != "parameters":
                documented.add((method, re.sub(r"\(\?P<\w+>", "(?P<x>", pattern)))
    normalised = {(m, re.sub(r"\(\?P<\w+>", "(?P<x>", p)) for m, p in served}
    assert normalised == documented


def test_the_contract_is_openapi_3_1_with_all_event_webhooks():
    assert DOC["openapi"] == "3.1.0"
    assert set(DOC["webhooks"]) == set(schema("EventEnvelope")["properties"]["event_type"]["enum"])


def _busy(api) -> None:
    api.post(
        "/_sim/config",
        json={
            "short_pick_rate": 0.2,
            "damaged_rate": 0.5,
            "over_receipt_rate": 0.3,
            "cycle_count_variance_rate": 0.6,
            "cycle_count_bins_per_day": 5,
        },
    )
    api.post(
        "/v1/orders",
        json=order_body(
            "SO-1",
            [
                {"line_ref": "1", "sku": "SKU00002", "qty": "40"},
                {"line_ref": "2", "sku": "SKU00003", "qty": "7"},
                {"line_ref": "3", "sku": "SKU00005", "qty": "3.25"},
            ],
        ),
    )
    api.post(
        "/v1/orders",
        json=order_body(
            "SO-2",
            [{"line_ref": "1", "sku": "SKU00007", "qty": "2", "uom": "CS"}],
            fulfilment_policy={"allow_partial": True, "on_shortage": "CANCEL_REMAINDER"},
        ),
    )
    api.post(
        "/v1/orders",
        json=order_body(
            "SO-3", [{"line_ref": "1", "sku": "SKU00001", "qty": "1"}], carrier={"code": "ZEPPELIN"}
        ),
    )
    api.post("/v1/orders", json=order_body("SO-4", [{"line_ref": "1", "sku": "SKU00001", "qty": "1"}]))
    api.post("/v1/orders/SO-4/cancel", json={})
    api.post(
        "/v1/inbound-notices",
        json={
            "external_id": "ASN-1",
            "kind": "ASN",
            "supplier": {"code": "S"},
            "lines": [
                {"line_ref": "1", "sku": "SKU00002", "qty_expected": "12"},
                {"line_ref": "2", "sku": "SKU00003", "qty_expected": "2"},
            ],
        },
    )
    api.post(
        "/v1/inbound-notices",
        json={
            "external_id": "RMA-1",
            "kind": "RETURN",
            "original_order_ref": "SO-1",
            "lines": [{"line_ref": "1", "sku": "SKU00003", "qty_expected": "2"}],
        },
    )
    advance(api, 26 * 60)


def test_every_event_matches_its_webhook_schema(api):
    _busy(api)
    events = events_of(api)
    assert {e["event_type"] for e in events} == set(DOC["webhooks"])
    for event in events:
        path_item = resolve(DOC, DOC["webhooks"][event["event_type"]])
        body_schema = path_item["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert errors(DOC, body_schema, event) == [], event["event_type"]
    for shipment in (e["payload"] for e in events if e["event_type"] == "shipment.confirmed"):
        assert (
            errors(
                DOC,
                response_schema("/v1/shipments/{wms_shipment_id}", "get", "200"),
                api.get(f"/v1/shipments/{shipment['wms_shipment_id']}").json(),
            )
            == []
        )


def test_resources_match_their_schemas(api):
    _busy(api)
    checks = [
        ("/v1/ping", "/v1/ping", "200"),
        ("/v1/items/SKU00002", "/v1/items/{sku}", "200"),
        ("/v1/orders/SO-1", "/v1/orders/{external_id}", "200"),
        ("/v1/orders/SO-3", "/v1/orders/{external_id}", "200"),
        ("/v1/inbound-notices/ASN-1", "/v1/inbound-notices/{external_id}", "200"),
        ("/v1/inventory?granularity=SKU", "/v1/inventory", "200"),
        ("/v1/inventory?granularity=SKU_LOT_LOCATION", "/v1/inventory", "200"),
        ("/v1/events?limit=5", "/v1/events", "200"),
        ("/v1/webhooks", "/v1/webhooks", "200"),
    ]
    for url, path, status in checks:
        response = api.get(url)
        assert str(response.status_code) == status
        assert errors(DOC, response_schema(path, "get", status), response.json()) == [], url


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("get", "/v1/orders/NOPE", None, "404"),
        ("post", "/v1/orders", {"external_id": "X"}, "400"),
        ("post", "/v1/orders", order_body("X", [{"line_ref": "1", "sku": "NOPE", "qty": "1"}]), "422"),
        ("put", "/v1/items/X", {"description": "x"}, "400"),
    ],
)
def test_errors_match_the_error_schema(api, method, url, body, status):
    response = api.request(method.upper(), url, json=body)
    assert str(response.status_code) == status
    assert errors(DOC, schema("Error"), response.json()) == []


def test_the_checker_rejects_wrong_payloads():
    event = {
        "event_id": "e",
        "event_type": "order.rejected",
        "sequence": 1,
        "occurred_at": "2027-01-04T08:00:00Z",
        "facility": "WH1",
        "subject": {"type": "order", "external_id": "X", "wms_id": "SO-1"},
        "payload": {"order_external_id": "X", "wms_order_id": "SO-1", "status": "EXCEPTION", "reason": "R"},
    }
    body = resolve(DOC, DOC["webhooks"]["order.rejected"])["post"]["requestBody"]["content"][
        "application/json"
    ]
    assert errors(DOC, body["schema"], event) == []
    broken = dict(event, payload=dict(event["payload"], status="SHIPPED", extra=1), sequence=0)
    assert sorted(errors(DOC, body["schema"], broken)) == [
        "$.payload.status: 'SHIPPED' != 'EXCEPTION'",
        "$.payload: unexpected extra",
        "$.sequence: 0 < 1",
    ]
