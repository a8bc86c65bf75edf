"""Contract conformance: auth, error shapes, items, orders, notices, inventory, events, webhooks."""

from __future__ import annotations

import httpx
import pytest

from .conftest import SHIP_TO, advance, events_of, order_body


def error(response: httpx.Response, status: int, code: str, field: str | None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code
    assert body["error"]["field"] == field
    assert body["error"]["message"]
    return body["error"]


def test_auth_is_required_everywhere(wms):
    with httpx.Client(base_url=wms.url) as anonymous:
        for method, path in [
            ("GET", "/v1/ping"),
            ("GET", "/v1/orders/X"),
            ("POST", "/v1/orders"),
            ("GET", "/v1/events"),
            ("POST", "/_sim/advance"),
            ("GET", "/_sim/state"),
        ]:
            response = anonymous.request(method, path)
            error(response, 401, "UNAUTHORIZED", None)
            assert response.headers["www-authenticate"] == 'Bearer realm="wms"'
        wrong = anonymous.get("/v1/ping", headers={"Authorization": "Bearer nope"})
        error(wrong, 401, "UNAUTHORIZED", None)
        basic = anonymous.get("/v1/ping", headers={"Authorization": "Basic dGVzdC1rZXktMTIz"})
        error(basic, 401, "UNAUTHORIZED", None)


def test_ping_routes_and_malformed_requests(api):
    assert api.get("/v1/ping").json() == {
        "ok": True,
        "facility": "WH1",
        "now": "2027-01-04T08:00:00Z",
        "contract": "v1",
    }
    error(api.get("/v1/nothing"), 404, "NOT_FOUND", None)
    not_allowed = api.delete("/v1/orders")
    error(not_allowed, 405, "METHOD_NOT_ALLOWED", None)
    assert not_allowed.headers["allow"] == "POST"
    error(
        api.post("/v1/orders", content=b"{not json", headers={"Content-Type": "application/json"}),
        400,
        "INVALID_JSON",
        None,
    )
    error(api.post("/v1/orders", json=[1, 2]), 400, "VALIDATION_ERROR", None)


ITEM = {
    "sku": "SKU90001",
    "description": "Test Widget",
    "gtins": ["5400000000010"],
    "base_uom": "EA",
    "pack_levels": [
        {
            "uom": "EA",
            "qty_in_base": "1",
            "weight": {"value": "0.2", "unit": "kg"},
            "dims": {"l": "10", "w": "5", "h": "5", "unit": "cm"},
        },
        {
            "uom": "CS",
            "qty_in_base": "12",
            "gtin": "15400000000017",
            "weight": {"value": "2.6", "unit": "kg"},
            "dims": {"l": "30", "w": "20", "h": "15", "unit": "cm"},
        },
    ],
    "weight": {"value": "0.2", "unit": "kg"},
    "tracking": {"lot": "none", "expiry": "none", "serial": "none"},
    "rotation": "FIFO",
}


def test_item_upsert_creates_then_updates(api):
    created = api.put("/v1/items/SKU90001", json=ITEM)
    assert created.status_code == 201
    body = created.json()
    assert body["wms_id"] == "ITM-000013"  # 12 seeded items come first
    assert body["version"] == 1
    assert [(lv["uom"], lv["qty_in_base"]) for lv in body["pack_levels"]] == [("EA", "1"), ("CS", "12")]
    same = api.put("/v1/items/SKU90001", json=ITEM)
    assert same.status_code == 200 and same.json()["version"] == 1
    changed = api.put("/v1/items/SKU90001", json=ITEM | {"description": "Test Widget v2"})
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    assert api.get("/v1/items/SKU90001").json()["description"] == "Test Widget v2"
    error(api.get("/v1/items/NOPE"), 404, "NOT_FOUND", None)


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"tracking": {"lot": "required", "expiry": "none", "serial": "none"}, "rotation": None}, "rotation"),
        ({"rotation": "FEFO"}, "rotation"),
        ({"tracking": {"lot": "none", "expiry": "required", "serial": "none"}}, "tracking.lot"),
        ({"tracking": {"lot": "none", "expiry": "none", "serial": "sometimes"}}, "tracking.serial"),
        ({"gtins": ["5400000000011"]}, "gtins[0]"),
        ({"description": ""}, "description"),
        ({"sku": "OTHER"}, "sku"),
        (
            {"pack_levels": [{"uom": "CS", "qty_in_base": "12"}, {"uom": "CS", "qty_in_base": "6"}]},
            "pack_levels[1].uom",
        ),
        ({"pack_levels": [{"uom": "EA", "qty_in_base": "2"}]}, "pack_levels[0].qty_in_base"),
        ({"pack_levels": [{"uom": "CS", "qty_in_base": 12.5}]}, "pack_levels[0].qty_in_base"),
        ({"weight": {"value": "1", "unit": "stone"}}, "weight.unit"),
    ],
)
def test_item_validation_names_the_field(api, patch, field):
    body = {k: v for k, v in (ITEM | patch).items() if v is not None}
    error(api.put("/v1/items/SKU90001", json=body), 400, "VALIDATION_ERROR", field)


def test_item_tracking_cannot_change_while_stocked(api):
    item = api.get("/v1/items/SKU00001").json()
    body = {k: item[k] for k in ("description", "base_uom", "pack_levels", "gtins", "weight")}
    body |= {"tracking": {"lot": "required", "expiry": "none", "serial": "none"}, "rotation": "FIFO"}
    error(api.put("/v1/items/SKU00001", json=body), 409, "TRACKING_LOCKED", "tracking")


def test_order_create_is_idempotent_on_external_id(api):
    body = order_body("SO-IDEM", [{"line_ref": "10", "sku": "SKU00001", "qty": "2", "uom": "CS"}])
    first = api.post("/v1/orders", json=body)
    assert first.status_code == 201
    order = first.json()
    assert order["status"] == "RECEIVED" and order["wms_id"] == "SO-000001"
    assert order["lines"] == [
        {
            "line_ref": "10",
            "sku": "SKU00001",
            "uom": "EA",
            "qty_requested": "2",
            "uom_requested": "CS",
            "lot_requested": None,
            "qty_ordered": "24",
            "qty_allocated": "0",
            "qty_picked": "0",
            "qty_shipped": "0",
            "qty_backordered": "0",
            "qty_cancelled": "0",
        }
    ]
    again = api.post("/v1/orders", json=body)
    assert again.status_code == 200
    assert again.json() == order
    changed = api.post("/v1/orders", json=body | {"order_number": "other"})
    error(changed, 409, "IDEMPOTENCY_CONFLICT", "external_id")
    accepted = events_of(api, "order.accepted")
    assert len(accepted) == 1
    assert accepted[0]["payload"] == {
        "order_external_id": "SO-IDEM",
        "wms_order_id": "SO-000001",
        "order_number": "SO-IDEM",
        "status": "RECEIVED",
        "lines": [{"line_ref": "10", "sku": "SKU00001", "qty_ordered": "24", "uom": "EA"}],
    }
    assert accepted[0]["subject"] == {"type": "order", "external_id": "SO-IDEM", "wms_id": "SO-000001"}


@pytest.mark.parametrize(
    ("mutate", "status", "code", "field"),
    [
        (lambda b: b.pop("external_id"), 400, "VALIDATION_ERROR", "external_id"),
        (lambda b: b.pop("ship_to"), 400, "VALIDATION_ERROR", "ship_to"),
        (lambda b: b["ship_to"].pop("city"), 400, "VALIDATION_ERROR", "ship_to.city"),
        (lambda b: b["ship_to"].update(country="Belgium"), 400, "VALIDATION_ERROR", "ship_to.country"),
        (lambda b: b.update(lines=[]), 400, "VALIDATION_ERROR", "lines"),
        (lambda b: b["lines"][0].update(qty=2.5), 400, "VALIDATION_ERROR", "lines[0].qty"),
        (lambda b: b["lines"][0].update(qty="-1"), 400, "VALIDATION_ERROR", "lines[0].qty"),
        (lambda b: b["lines"][0].update(qty="abc"), 400, "VALIDATION_ERROR", "lines[0].qty"),
        (lambda b: b["lines"].append(dict(b["lines"][0])), 400, "VALIDATION_ERROR", "lines[1].line_ref"),
        (lambda b: b.update(allocation_rule="random"), 400, "VALIDATION_ERROR", "allocation_rule"),
        (
            lambda b: b.update(fulfilment_policy={"on_shortage": "HOLD"}),
            400,
            "VALIDATION_ERROR",
            "fulfilment_policy.on_shortage",
        ),
        (lambda b: b.update(ship_by="next tuesday"), 400, "VALIDATION_ERROR", "ship_by"),
        (lambda b: b["lines"][0].update(sku="SKU99999"), 422, "UNKNOWN_SKU", "lines[0].sku"),
        (lambda b: b["lines"][0].update(uom="PL"), 422, "UNKNOWN_UOM", "lines[0].uom"),
        (lambda b: b["lines"][0].update(qty="1.5"), 422, "FRACTIONAL_QUANTITY", "lines[0].qty"),
        (
            lambda b: b["lines"][0].update(lot_requested="L1"),
            422,
            "LOT_NOT_TRACKED",
            "lines[0].lot_requested",
        ),
        (lambda b: b.update(facility="WH9"), 422, "UNKNOWN_FACILITY", "facility"),
    ],
)
def test_order_validation(api, mutate, status, code, field):
    body = order_body("SO-BAD", [{"line_ref": "1", "sku": "SKU00001", "qty": "1", "uom": "EA"}])
    body["ship_to"] = dict(SHIP_TO)
    mutate(body)
    error(api.post("/v1/orders", json=body), status, code, field)
    error(api.get("/v1/orders/SO-BAD"), 404, "NOT_FOUND", None)
    assert events_of(api) == []


def test_specific_lot_needs_a_lot_and_kg_takes_decimals(api):
    body = order_body(
        "SO-LOT", [{"line_ref": "1", "sku": "SKU00002", "qty": "1"}], allocation_rule="specific_lot"
    )
    error(api.post("/v1/orders", json=body), 400, "VALIDATION_ERROR", "lines[0].lot_requested")
    kg = api.post(
        "/v1/orders",
        json=order_body("SO-KG", [{"line_ref": "1", "sku": "SKU00005", "qty": "2.5", "uom": "BAG"}]),
    )
    assert kg.status_code == 201
    assert kg.json()["lines"][0]["qty_ordered"] == "12.5"


def test_unsupported_carrier_is_rejected_asynchronously(api):
    body = order_body(
        "SO-CARRIER",
        [{"line_ref": "1", "sku": "SKU00001", "qty": "1"}],
        carrier={"code": "PIGEON", "service": "AIR"},
    )
    response = api.post("/v1/orders", json=body)
    assert response.status_code == 201
    assert response.json()["status"] == "EXCEPTION"
    assert response.json()["rejection_reason"] == "CARRIER_NOT_SUPPORTED: PIGEON"
    [rejected] = events_of(api)
    assert rejected["event_type"] == "order.rejected"
    assert rejected["payload"] == {
        "order_external_id": "SO-CARRIER",
        "wms_order_id": "SO-000001",
        "status": "EXCEPTION",
        "reason": "CARRIER_NOT_SUPPORTED: PIGEON",
    }
    advance(api, 120)
    assert api.get("/v1/orders/SO-CARRIER").json()["status"] == "EXCEPTION"  # never waved


def test_cancel_before_and_after_shipping(api):
    api.post("/v1/orders", json=order_body("SO-C1", [{"line_ref": "1", "sku": "SKU00001", "qty": "5"}]))
    api.post("/v1/orders", json=order_body("SO-C2", [{"line_ref": "1", "sku": "SKU00001", "qty": "5"}]))
    advance(api, 70)  # waved at 09:00: both are picking
    assert api.get("/v1/orders/SO-C1").json()["status"] == "PICKING"
    cancelled = api.post("/v1/orders/SO-C1/cancel", json={"reason": "customer changed mind"})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "CANCELLED"
    assert cancelled.json()["lines"][0]["qty_cancelled"] == "5"
    assert api.post("/v1/orders/SO-C1/cancel").json()["status"] == "CANCELLED"  # idempotent
    stock = api.get("/v1/inventory", params={"sku": "SKU00001"}).json()["balances"]
    assert [(b["on_hand"], b["allocated"], b["available"]) for b in stock] == [("100", "5", "95")]
    advance(api, 120)
    assert api.get("/v1/orders/SO-C2").json()["status"] == "SHIPPED"
    error(api.post("/v1/orders/SO-C2/cancel"), 409, "ORDER_SHIPPED", None)
    error(api.post("/v1/orders/NOPE/cancel"), 404, "NOT_FOUND", None)
    [event] = events_of(api, "order.cancelled")
    assert event["payload"] == {
        "order_external_id": "SO-C1",
        "wms_order_id": "SO-000001",
        "reason": "customer changed mind",
        "cancelled_at": "2027-01-04T09:10:00Z",
        "lines": [{"line_ref": "1", "sku": "SKU00001", "qty_cancelled": "5", "uom": "EA"}],
    }


def test_inventory_granularities(api):
    by_sku = api.get("/v1/inventory", params={"granularity": "SKU", "sku": "SKU00002"}).json()
    assert by_sku["granularity"] == "SKU"
    assert by_sku["balances"] == [
        {
            "sku": "SKU00002",
            "lot": None,
            "expiry": None,
            "location": None,
            "status": "available",
            "uom": "EA",
            "on_hand": "80",
            "allocated": "0",
            "available": "80",
            "as_of": "2027-01-04T08:00:00Z",
        }
    ]
    by_lot = api.get("/v1/inventory", params={"granularity": "SKU_LOT", "sku": "SKU00002"}).json()["balances"]
    assert [(b["lot"], b["expiry"], b["on_hand"]) for b in by_lot] == [
        ("LOT-00002-A", "2027-06-01", "30"),
        ("LOT-00002-B", "2027-11-28", "50"),
    ]
    full = api.get("/v1/inventory", params={"granularity": "SKU_LOT_LOCATION"}).json()["balances"]
    assert len(full) == 13
    assert {
        (b["sku"], b["location"], b["on_hand"]) for b in full if b["sku"] in ("SKU00003", "SKU00005")
    } == {("SKU00003", "A-03-1", "5"), ("SKU00005", "A-05-1", "250")}
    error(api.get("/v1/inventory", params={"granularity": "BIN"}), 400, "VALIDATION_ERROR", "granularity")
    error(api.get("/v1/inventory", params={"sku": "NOPE"}), 404, "NOT_FOUND", None)


def test_events_paging(api):
    for n in range(5):
        api.post(
            "/v1/orders", json=order_body(f"SO-P{n}", [{"line_ref": "1", "sku": "SKU00001", "qty": "1"}])
        )
    first = api.get("/v1/events", params={"after": 0, "limit": 2}).json()
    assert [e["sequence"] for e in first["events"]] == [1, 2]
    assert first["next_after"] == 2 and first["has_more"] is True
    rest = api.get("/v1/events", params={"after": 2, "limit": 10}).json()
    assert [e["sequence"] for e in rest["events"]] == [3, 4, 5]
    assert rest["next_after"] == 5 and rest["has_more"] is False
    empty = api.get("/v1/events", params={"after": 5}).json()
    assert empty == {"events": [], "next_after": 5, "has_more": False}
    envelope = first["events"][0]
    assert set(envelope) == {
        "event_id",
        "event_type",
        "sequence",
        "occurred_at",
        "facility",
        "subject",
        "payload",
    }
    assert envelope["event_id"].startswith("evt_00000001_")
    error(api.get("/v1/events", params={"limit": 0}), 400, "VALIDATION_ERROR", "limit")
    error(api.get("/v1/events", params={"after": "x"}), 400, "VALIDATION_ERROR", "after")


def test_webhook_subscription_lifecycle(api):
    created = api.post(
        "/v1/webhooks",
        json={
            "url": "http://127.0.0.1:9/hook",
            "secret": "s3cret-value",
            "events": ["order.*", "shipment.confirmed"],
        },
    )
    assert created.status_code == 201
    assert created.json() == {
        "id": "wh_0001",
        "url": "http://127.0.0.1:9/hook",
        "events": ["order.*", "shipment.confirmed"],
        "created_at": "2027-01-04T08:00:00Z",
    }
    assert api.get("/v1/webhooks").json() == {"webhooks": [created.json()]}
    error(
        api.post("/v1/webhooks", json={"url": "ftp://x", "secret": "s3cret-value"}),
        400,
        "VALIDATION_ERROR",
        "url",
    )
    error(
        api.post("/v1/webhooks", json={"url": "http://127.0.0.1:9", "secret": "short"}),
        400,
        "VALIDATION_ERROR",
        "secret",
    )
    error(
        api.post(
            "/v1/webhooks",
            json={"url": "http://127.0.0.1:9", "secret": "s3cret-value", "events": ["order.exploded"]},
        ),
        400,
        "VALIDATION_ERROR",
        "events[0]",
    )
    assert api.delete("/v1/webhooks/wh_0001").status_code == 204
    error(api.delete("/v1/webhooks/wh_0001"), 404, "NOT_FOUND", None)


def test_inbound_notice_validation_and_idempotency(api):
    body = {
        "external_id": "ASN-1",
        "kind": "ASN",
        "supplier": {"code": "SUP1", "name": "Supplier One"},
        "po_number": "PO-1",
        "expected_at": "2027-01-04T10:00:00Z",
        "lines": [{"line_ref": "1", "sku": "SKU00001", "qty_expected": "2", "uom": "CS"}],
    }
    created = api.post("/v1/inbound-notices", json=body)
    assert created.status_code == 201
    assert created.json()["wms_id"] == "RCV-000001"
    assert created.json()["status"] == "EXPECTED"
    assert created.json()["lines"][0]["qty_expected"] == "24"
    assert api.post("/v1/inbound-notices", json=body).status_code == 200
    error(
        api.post("/v1/inbound-notices", json=body | {"po_number": "PO-2"}),
        409,
        "IDEMPOTENCY_CONFLICT",
        "external_id",
    )
    bad = dict(body, external_id="ASN-2")
    error(api.post("/v1/inbound-notices", json=bad | {"kind": "XYZ"}), 400, "VALIDATION_ERROR", "kind")
    error(
        api.post("/v1/inbound-notices", json={k: v for k, v in bad.items() if k != "supplier"}),
        400,
        "VALIDATION_ERROR",
        "supplier",
    )
    error(
        api.post(
            "/v1/inbound-notices",
            json=bad | {"lines": [{"line_ref": "1", "sku": "NOPE", "qty_expected": "1"}]},
        ),
        422,
        "UNKNOWN_SKU",
        "lines[0].sku",
    )
    error(
        api.post(
            "/v1/inbound-notices",
            json=bad | {"lines": [{"line_ref": "1", "sku": "SKU00001", "qty_expected": "1", "lot": "X"}]},
        ),
        422,
        "LOT_NOT_TRACKED",
        "lines[0].lot",
    )
    error(
        api.post(
            "/v1/inbound-notices",
            json=bad
            | {"lines": [{"line_ref": "1", "sku": "SKU00002", "qty_expected": "1", "expiry": "soon"}]},
        ),
        400,
        "VALIDATION_ERROR",
        "lines[0].expiry",
    )
    error(api.get("/v1/inbound-notices/NOPE"), 404, "NOT_FOUND", None)


def test_external_ids_with_slashes_are_path_encoded(api):
    body = {
        "external_id": "WH/IN/00012",
        "kind": "PO",
        "supplier": {"code": "S1"},
        "lines": [{"line_ref": "1", "sku": "SKU00001", "qty_expected": "1"}],
    }
    assert api.post("/v1/inbound-notices", json=body).status_code == 201
    assert api.get("/v1/inbound-notices/WH%2FIN%2F00012").json()["external_id"] == "WH/IN/00012"
    order = order_body("WH/OUT/00007", [{"line_ref": "1", "sku": "SKU00001", "qty": "1"}])
    assert api.post("/v1/orders", json=order).status_code == 201
    assert api.post("/v1/orders/WH%2FOUT%2F00007/cancel").json()["status"] == "CANCELLED"
