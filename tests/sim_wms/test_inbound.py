"""Receiving against notices, returns with condition/disposition, cycle counts, adjustments, snapshots."""

from __future__ import annotations

import httpx

from .conftest import advance, events_of, order_body

ASN = {
    "external_id": "ASN-100",
    "kind": "ASN",
    "supplier": {"code": "OATLY", "name": "Oat Supplier"},
    "po_number": "PO-100",
    "expected_at": "2027-01-04T12:00:00Z",
    "lines": [
        {
            "line_ref": "1",
            "sku": "SKU00002",
            "qty_expected": "2",
            "uom": "CS",
            "lot": "LOT-NEW",
            "expiry": "2027-09-30",
        },
        {"line_ref": "2", "sku": "SKU00001", "qty_expected": "10", "uom": "EA"},
    ],
}


def test_exact_receipt_with_lots_and_putaway(api):
    assert api.post("/v1/inbound-notices", json=ASN).status_code == 201
    advance(api, 5 * 60)  # expected 12:00, unloaded and counted by 12:45
    [event] = events_of(api, "receipt.confirmed")
    assert event["occurred_at"] == "2027-01-04T12:45:00Z"
    assert event["subject"] == {"type": "inbound_notice", "external_id": "ASN-100", "wms_id": "RCV-000001"}
    assert event["payload"] == {
        "wms_receipt_id": "RCT-000001",
        "notice_external_id": "ASN-100",
        "kind": "ASN",
        "po_number": "PO-100",
        "received_at": "2027-01-04T12:45:00Z",
        "is_final": True,
        "lines": [
            {
                "line_ref": "1",
                "sku": "SKU00002",
                "qty_expected": "12",
                "qty_received": "12",
                "qty_damaged": "0",
                "uom": "EA",
                "lot": "LOT-NEW",
                "expiry": "2027-09-30",
                "serials": [],
                "location": "A-01-2",
                "damaged_location": None,
            },
            {
                "line_ref": "2",
                "sku": "SKU00001",
                "qty_expected": "10",
                "qty_received": "10",
                "qty_damaged": "0",
                "uom": "EA",
                "lot": None,
                "expiry": None,
                "serials": [],
                "location": "A-01-1",
                "damaged_location": None,
            },
        ],
    }
    notice = api.get("/v1/inbound-notices/ASN-100").json()
    assert notice["status"] == "RECEIVED" and notice["receipts"] == ["RCT-000001"]
    lots = api.get("/v1/inventory", params={"granularity": "SKU_LOT", "sku": "SKU00002"}).json()["balances"]
    assert [(b["lot"], b["expiry"], b["on_hand"]) for b in lots] == [
        ("LOT-00002-A", "2027-06-01", "30"),
        ("LOT-00002-B", "2027-11-28", "50"),
        ("LOT-NEW", "2027-09-30", "12"),
    ]
    assert api.get("/v1/inventory", params={"sku": "SKU00001"}).json()["balances"][0]["on_hand"] == "110"


def test_receiver_captures_lot_expiry_and_serials(api):
    po = {
        "external_id": "PO-200",
        "kind": "PO",
        "supplier": {"code": "S2"},
        "po_number": "PO-200",
        "lines": [
            {"line_ref": "1", "sku": "SKU00002", "qty_expected": "6"},
            {"line_ref": "2", "sku": "SKU00003", "qty_expected": "2"},
        ],
    }
    api.post("/v1/inbound-notices", json=po)
    advance(api, 60)
    lines = events_of(api, "receipt.confirmed")[0]["payload"]["lines"]
    assert (lines[0]["lot"], lines[0]["expiry"]) == (
        "L270104-0001",
        "2027-10-01",
    )  # today + 270 days shelf life
    assert lines[1]["serials"] == ["SN-00003-006", "SN-00003-007"]


def test_over_short_and_damaged_receipts(api):
    api.post("/_sim/config", json={"over_receipt_rate": 1.0, "damaged_rate": 1.0})
    api.post("/v1/inbound-notices", json=ASN)
    advance(api, 5 * 60)
    api.post("/_sim/config", json={"over_receipt_rate": 0.0, "short_receipt_rate": 1.0, "damaged_rate": 0.0})
    api.post("/v1/inbound-notices", json=dict(ASN, external_id="ASN-101", expected_at=None))
    advance(api, 60)
    over, short = [e["payload"] for e in events_of(api, "receipt.confirmed")]
    assert [(ln["qty_expected"], ln["qty_received"], ln["qty_damaged"]) for ln in over["lines"]] == [
        ("12", "13", "1"),
        ("10", "11", "1"),
    ]
    assert [ln["damaged_location"] for ln in over["lines"]] == ["DAMAGE-01", "DAMAGE-01"]
    assert [(ln["qty_expected"], ln["qty_received"], ln["qty_damaged"]) for ln in short["lines"]] == [
        ("12", "11", "0"),
        ("10", "9", "0"),
    ]
    damaged = api.get("/v1/inventory", params={"granularity": "SKU_LOT_LOCATION", "sku": "SKU00001"}).json()
    assert [(b["location"], b["status"], b["on_hand"], b["available"]) for b in damaged["balances"]] == [
        ("A-01-1", "available", "119", "119"),
        ("DAMAGE-01", "damaged", "1", "0"),
    ]


def _ship_two_drills(api) -> None:
    api.post(
        "/v1/orders",
        json=order_body(
            "SO-RET",
            [
                {"line_ref": "1", "sku": "SKU00003", "qty": "2"},
                {"line_ref": "2", "sku": "SKU00002", "qty": "6"},
            ],
        ),
    )
    advance(api, 120)


def test_return_receipt_with_condition_and_disposition(api):
    _ship_two_drills(api)
    rma = {
        "external_id": "RMA-1",
        "kind": "RETURN",
        "original_order_ref": "SO-RET",
        "lines": [
            {"line_ref": "1", "sku": "SKU00003", "qty_expected": "2"},
            {"line_ref": "2", "sku": "SKU00002", "qty_expected": "6"},
        ],
    }
    created = api.post("/v1/inbound-notices", json=rma)
    assert created.json()["wms_id"] == "RMA-000001"
    advance(api, 60)
    assert events_of(api, "receipt.confirmed") == []
    [event] = events_of(api, "return.received")
    payload = event["payload"]
    assert payload["notice_external_id"] == "RMA-1" and payload["original_order_ref"] == "SO-RET"
    assert payload["wms_receipt_id"] == "RTN-000001"
    got = [
        (
            ln["line_ref"],
            ln["qty"],
            ln["condition"],
            ln["disposition"],
            ln["location"],
            ln["serials"],
            ln["lot"],
        )
        for ln in payload["lines"]
    ]
    assert got == [  # serials and lots are traced back to what the original order shipped
        ("1", "1", "new", "restock", "A-03-1", ["SN-00003-001"], None),
        ("1", "1", "opened", "refurbish", "REFURB-01", ["SN-00003-002"], None),
        ("2", "5", "new", "restock", "A-02-2", [], "LOT-00002-A"),
        ("2", "1", "opened", "quarantine", "QUAR-01", [], "LOT-00002-A"),  # opened food is never restocked
    ]
    quarantined = api.get(
        "/v1/inventory", params={"granularity": "SKU_LOT_LOCATION", "sku": "SKU00002"}
    ).json()
    assert ("QUAR-01", "quarantine", "1", "0") in [
        (b["location"], b["status"], b["on_hand"], b["available"]) for b in quarantined["balances"]
    ]


def test_return_conditions_cover_scrap_refurbish_and_vendor(api):
    api.post("/_sim/stock", json={"sku": "SKU00006", "qty": "100"})
    rma = {
        "external_id": "RMA-BIG",
        "kind": "RETURN",
        "lines": [{"line_ref": "1", "sku": "SKU00006", "qty_expected": "40"}],
    }
    api.post("/v1/inbound-notices", json=rma)
    advance(api, 60)
    lines = events_of(api, "return.received")[0]["payload"]["lines"]
    summary = [(ln["condition"], ln["disposition"], ln["qty"], ln["location"]) for ln in lines]
    assert summary == [
        ("new", "restock", "31", "B-01-1"),
        ("opened", "refurbish", "6", "REFURB-01"),
        ("damaged", "scrap", "2", None),
        ("defective", "return_to_vendor", "1", "RTV-01"),
    ]
    assert sum(int(ln["qty"]) for ln in lines) == 40


def test_cycle_count_finds_differences(api):
    api.post("/_sim/config", json={"cycle_count_variance_rate": 1.0})
    result = api.post("/_sim/cycle-count", json={"sku": "SKU00001"}).json()
    assert result["counted"] == 1
    [line] = result["lines"]
    assert line == {
        "sku": "SKU00001",
        "lot": None,
        "expiry": None,
        "location": "A-01-1",
        "delta": "-2",
        "reason_code": "CC",
        "previous_on_hand": "100",
        "uom": "EA",
    }
    [event] = events_of(api, "inventory.adjusted")
    assert event["payload"] == {
        "adjustment_id": result["adjustment_id"],
        "source": "cycle_count",
        "adjusted_at": "2027-01-04T08:00:00Z",
        "lines": [line],
    }
    assert api.get("/v1/inventory", params={"sku": "SKU00001"}).json()["balances"][0]["on_hand"] == "98"
    api.post("/_sim/config", json={"cycle_count_variance_rate": 0.0})
    clean = api.post("/_sim/cycle-count", json={}).json()
    assert clean["counted"] == 13 and clean["lines"] == [] and clean["adjustment_id"] is None


def test_serial_cycle_count_keeps_serials_consistent(api):
    api.post("/_sim/config", json={"cycle_count_variance_rate": 1.0})
    line = api.post("/_sim/cycle-count", json={"sku": "SKU00003"}).json()["lines"][0]
    quant = next(q for q in api.get("/_sim/state").json()["stock"] if q["sku"] == "SKU00003")
    assert len(quant["serials"]) == 5 + int(line["delta"])


def test_daily_cycle_count_and_snapshot(wms, api):
    api.post("/_sim/config", json={"cycle_count_bins_per_day": 3, "cycle_count_variance_rate": 0.5})
    advance(api, 24 * 60)
    [snapshot] = events_of(api, "inventory.snapshot")
    assert snapshot["occurred_at"] == "2027-01-05T00:00:00Z"
    assert snapshot["payload"]["snapshot_id"] == "SNAP-000001"
    assert len(snapshot["payload"]["lines"]) == 13
    [adjusted] = events_of(api, "inventory.adjusted")
    assert adjusted["occurred_at"] == "2027-01-05T05:00:00Z"
    assert [(ln["sku"], ln["delta"]) for ln in adjusted["payload"]["lines"]] == [("SKU00005", "-0.188")]
    now = api.get("/v1/inventory", params={"granularity": "SKU_LOT_LOCATION"}).json()["balances"]
    on_demand = api.post("/_sim/snapshot").json()["snapshot_id"]
    assert on_demand == "SNAP-000002"
    assert events_of(api, "inventory.snapshot")[1]["payload"]["lines"] == now


def test_manual_adjustment_codes(api):
    result = api.post(
        "/_sim/adjust",
        json={
            "sku": "SKU00002",
            "location": "A-02-2",
            "lot": "LOT-00002-A",
            "delta": "-2",
            "reason_code": "DM",
        },
    ).json()
    assert result["lines"] == [
        {
            "sku": "SKU00002",
            "lot": "LOT-00002-A",
            "expiry": "2027-06-01",
            "location": "A-02-2",
            "delta": "-2",
            "reason_code": "DM",
            "previous_on_hand": "30",
            "uom": "EA",
        }
    ]
    raw = httpx.Client(base_url=api.base_url, headers=api.headers)  # no hook: these calls must fail
    too_much = raw.post(
        "/_sim/adjust", json={"sku": "SKU00001", "location": "A-01-1", "delta": "-101", "reason_code": "LS"}
    )
    assert too_much.status_code == 422 and too_much.json()["error"]["field"] == "delta"
    bad_code = raw.post(
        "/_sim/adjust", json={"sku": "SKU00001", "location": "A-01-1", "delta": "1", "reason_code": "ZZ"}
    )
    assert bad_code.status_code == 400 and bad_code.json()["error"]["field"] == "reason_code"


def test_announced_serials_are_received_as_sent(api):
    api.post("/_sim/config", json={"over_receipt_rate": 1.0})
    asn = {
        "external_id": "ASN-SER",
        "kind": "ASN",
        "supplier": {"code": "BOSCH"},
        "lines": [{"line_ref": "1", "sku": "SKU00003", "qty_expected": "2", "serials": ["BX-1", "BX-2"]}],
    }
    api.post("/v1/inbound-notices", json=asn)
    advance(api, 60)
    [line] = events_of(api, "receipt.confirmed")[0]["payload"]["lines"]
    assert (line["qty_received"], line["serials"]) == (
        "3",
        ["BX-1", "BX-2", "SN-00003-006"],
    )  # one extra came
