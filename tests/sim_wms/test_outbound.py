"""Outbound day: waves, allocation rules, pick/pack/ship with packages, lots, serials and SSCC; shortages."""

from __future__ import annotations

from decimal import Decimal

import httpx

from .conftest import advance, events_of, order_body


def sscc_ok(code: str) -> bool:
    """Independent GS1 mod-10: weights 3,1,3,... starting from the digit left of the check digit."""
    digits = [int(c) for c in code]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    return len(code) == 18 and (10 - total % 10) % 10 == digits[-1]


def test_sscc_examples():
    from crossdock.sim.wms import make_sscc

    assert make_sscc(1) == "006141410000000012"
    assert make_sscc(123456789) == "006141411234567890"
    # GS1's published example SSCC (General Specifications): (00) 1 0614141 123456789 7
    assert make_sscc(123456789, extension=1) == "106141411234567897"
    assert sscc_ok("106141411234567897") and not sscc_ok("106141411234567890")


def test_full_order_day(api):
    body = order_body(
        "SO-DAY",
        [
            {"line_ref": "1", "sku": "SKU00002", "qty": "40"},
            {"line_ref": "2", "sku": "SKU00001", "qty": "2", "uom": "CS"},
            {"line_ref": "3", "sku": "SKU00003", "qty": "2", "uom": "EA"},
        ],
        service_level="ground",
        instructions=[{"code": "SSCC_LABEL", "text": None}],
    )
    assert api.post("/v1/orders", json=body).status_code == 201
    summary = advance(api, 8 * 60)
    assert summary["now"] == "2027-01-04T16:00:00Z"
    assert summary["tasks_run"] == {"wave": 8, "pick_pack": 1, "ship": 1}
    assert summary["events_by_type"] == {"order.status_changed": 4, "shipment.confirmed": 1}
    statuses = [(e["occurred_at"], e["payload"]["status"]) for e in events_of(api, "order.status_changed")]
    assert statuses == [
        ("2027-01-04T09:00:00Z", "ALLOCATED"),
        ("2027-01-04T09:00:00Z", "PICKING"),
        ("2027-01-04T09:30:00Z", "PACKED"),
        ("2027-01-04T10:00:00Z", "SHIPPED"),
    ]
    [event] = events_of(api, "shipment.confirmed")
    assert event["subject"] == {"type": "shipment", "external_id": "SO-DAY", "wms_id": "SHP-000001"}
    shipment = event["payload"]
    assert shipment["ship_date"] == "2027-01-04T10:00:00Z"
    assert shipment["carrier"] == {"code": "UPS", "service": "GROUND", "scac": "UPSN"}
    assert shipment["closes_order"] is True and shipment["shortages"] == []
    assert shipment["freight_cost"] == {"amount": "82.66", "currency": "USD"}
    assert shipment["lines"] == [
        {
            "line_ref": "1",
            "sku": "SKU00002",
            "qty_ordered": "40",
            "qty_shipped": "40",
            "uom": "EA",
            "lots": [
                {"lot": "LOT-00002-A", "expiry": "2027-06-01", "qty": "30"},  # FEFO: earliest expiry first
                {"lot": "LOT-00002-B", "expiry": "2027-11-28", "qty": "10"},
            ],
            "serials": [],
        },
        {
            "line_ref": "2",
            "sku": "SKU00001",
            "qty_ordered": "24",
            "qty_shipped": "24",
            "uom": "EA",
            "lots": [],
            "serials": [],
        },
        {
            "line_ref": "3",
            "sku": "SKU00003",
            "qty_ordered": "2",
            "qty_shipped": "2",
            "uom": "EA",
            "lots": [],
            "serials": ["SN-00003-001", "SN-00003-002"],
        },
    ]
    packages = shipment["packages"]
    # 30 + 10 oat drinks: 6 full cases of 6 and 4 loose; 24 bolts: 2 cases of 12; loose units share one box
    assert [p["box"] for p in packages] == ["CASE-CS"] * 8 + ["M"]
    assert [p["package_id"] for p in packages] == [f"PKG-{n:06d}" for n in range(1, 10)]
    assert all(sscc_ok(p["sscc"]) for p in packages)
    assert len({p["sscc"] for p in packages}) == 9
    assert shipment["tracking_numbers"] == [p["tracking_number"] for p in packages]
    assert all(t.startswith("1Z") and len(t) == 18 for t in shipment["tracking_numbers"])
    assert len(set(shipment["tracking_numbers"])) == 9
    assert packages[0]["weight"] == {"value": "6.5", "unit": "kg"}
    assert packages[0]["dims"] == {"l": "22", "w": "15", "h": "21", "unit": "cm"}
    assert packages[-1]["weight"] == {"value": "9", "unit": "kg"}  # 2 drills 4.4 + 4 drinks 4.2 + box 0.4
    assert packages[-1]["dims"] == {"l": "40", "w": "30", "h": "30", "unit": "cm"}
    assert packages[-1]["contents"] == [
        {
            "line_ref": "3",
            "sku": "SKU00003",
            "qty": "2",
            "uom": "EA",
            "lot": None,
            "expiry": None,
            "serials": ["SN-00003-001", "SN-00003-002"],
        },
        {
            "line_ref": "1",
            "sku": "SKU00002",
            "qty": "4",
            "uom": "EA",
            "lot": "LOT-00002-B",
            "expiry": "2027-11-28",
            "serials": [],
        },
    ]
    packed: dict[str, Decimal] = {}
    for package in packages:
        for content in package["contents"]:
            packed[content["line_ref"]] = packed.get(content["line_ref"], Decimal(0)) + Decimal(
                content["qty"]
            )
    assert packed == {"1": Decimal(40), "2": Decimal(24), "3": Decimal(2)}
    order = api.get("/v1/orders/SO-DAY").json()
    assert order["status"] == "SHIPPED" and order["shipments"] == ["SHP-000001"]
    assert [(ln["qty_allocated"], ln["qty_picked"], ln["qty_shipped"]) for ln in order["lines"]] == [
        ("40", "40", "40"),
        ("24", "24", "24"),
        ("2", "2", "2"),
    ]
    assert api.get("/v1/shipments/SHP-000001").json() == shipment
    stock = api.get("/v1/inventory", params={"granularity": "SKU_LOT_LOCATION"}).json()["balances"]
    on_hand = {(b["sku"], b["lot"], b["location"]): b["on_hand"] for b in stock}
    assert on_hand[("SKU00002", "LOT-00002-B", "A-02-1")] == "40"
    assert ("SKU00002", "LOT-00002-A", "A-02-2") not in on_hand
    assert on_hand[("SKU00001", None, "A-01-1")] == "76"
    assert on_hand[("SKU00003", None, "A-03-1")] == "3"
    assert not any(b["location"] == "PACK-01" for b in stock)


def test_staged_goods_count_as_on_hand_until_shipped(api):
    api.post("/v1/orders", json=order_body("SO-STAGE", [{"line_ref": "1", "sku": "SKU00001", "qty": "10"}]))
    advance(api, 95)  # packed at 09:30, ships at 10:00
    rows = api.get("/v1/inventory", params={"granularity": "SKU_LOT_LOCATION", "sku": "SKU00001"}).json()
    assert [(b["location"], b["on_hand"], b["allocated"], b["available"]) for b in rows["balances"]] == [
        ("A-01-1", "90", "0", "90"),
        ("PACK-01", "10", "10", "0"),
    ]
    total = api.get("/v1/inventory", params={"sku": "SKU00001"}).json()["balances"]
    assert [(b["on_hand"], b["allocated"], b["available"]) for b in total] == [("100", "10", "90")]


def _lots_shipped(api, external_id: str) -> list[str]:
    order = api.get(f"/v1/orders/{external_id}").json()
    shipment = api.get(f"/v1/shipments/{order['shipments'][0]}").json()
    return [lot["lot"] for lot in shipment["lines"][0]["lots"]]


def test_allocation_rules(api):
    line = [{"line_ref": "1", "sku": "SKU00002", "qty": "5"}]
    api.post("/v1/orders", json=order_body("SO-FIFO", line, allocation_rule="fifo"))
    api.post("/v1/orders", json=order_body("SO-FEFO", line, allocation_rule="fefo"))
    api.post("/v1/orders", json=order_body("SO-LIFO", line, allocation_rule="lifo"))
    api.post(
        "/v1/orders",
        json=order_body(
            "SO-SPEC", [dict(line[0], lot_requested="LOT-00002-B")], allocation_rule="specific_lot"
        ),
    )
    advance(api, 180)
    assert _lots_shipped(api, "SO-FIFO") == ["LOT-00002-B"]  # B was received first
    assert _lots_shipped(api, "SO-FEFO") == ["LOT-00002-A"]  # A expires first
    assert _lots_shipped(api, "SO-LIFO") == ["LOT-00002-A"]  # A was received last
    assert _lots_shipped(api, "SO-SPEC") == ["LOT-00002-B"]


def test_split_shipments_with_backorder(api):
    api.post(
        "/v1/orders",
        json=order_body(
            "SO-SPLIT",
            [{"line_ref": "1", "sku": "SKU00003", "qty": "8"}],
            fulfilment_policy={"allow_partial": True, "on_shortage": "BACKORDER"},
        ),
    )
    advance(api, 61)
    order = api.get("/v1/orders/SO-SPLIT").json()
    assert order["status"] == "PICKING"
    assert (order["lines"][0]["qty_allocated"], order["lines"][0]["qty_backordered"]) == ("5", "3")
    advance(api, 60)  # 10:01: first shipment left with what was there
    first = events_of(api, "shipment.confirmed")[0]["payload"]
    assert first["closes_order"] is False
    assert first["shortages"] == [{"line_ref": "1", "qty": "3", "resolution": "BACKORDERED"}]
    assert first["lines"][0]["serials"] == [f"SN-00003-{n:03d}" for n in range(1, 6)]
    order = api.get("/v1/orders/SO-SPLIT").json()
    assert (order["status"], order["hold_reason"]) == ("PARTIALLY_SHIPPED", "AWAITING_STOCK")
    asn = {
        "external_id": "ASN-DRILL",
        "kind": "ASN",
        "supplier": {"code": "BOSCH", "name": "Bosch"},
        "po_number": "PO-77",
        "lines": [{"line_ref": "1", "sku": "SKU00003", "qty_expected": "3"}],
    }
    assert api.post("/v1/inbound-notices", json=asn).status_code == 201
    advance(api, 240)
    shipments = events_of(api, "shipment.confirmed")
    assert len(shipments) == 2
    second = shipments[1]["payload"]
    assert second["wms_shipment_id"] == "SHP-000002"
    assert second["closes_order"] is True and second["shortages"] == []
    assert second["lines"][0]["qty_shipped"] == "3"
    assert second["lines"][0]["serials"] == ["SN-00003-006", "SN-00003-007", "SN-00003-008"]
    assert second["ship_date"] == "2027-01-04T12:00:00Z"  # received 10:46, waved 11:00
    order = api.get("/v1/orders/SO-SPLIT").json()
    assert order["status"] == "SHIPPED" and order["shipments"] == ["SHP-000001", "SHP-000002"]
    assert order["lines"][0]["qty_shipped"] == "8" and order["lines"][0]["qty_backordered"] == "0"


def test_cancel_remainder_ships_once_and_cancels_the_rest(api):
    api.post(
        "/v1/orders",
        json=order_body(
            "SO-CR",
            [
                {"line_ref": "1", "sku": "SKU00003", "qty": "8"},
                {"line_ref": "2", "sku": "SKU00001", "qty": "1"},
            ],
            fulfilment_policy={"allow_partial": True, "on_shortage": "CANCEL_REMAINDER"},
        ),
    )
    advance(api, 180)
    [shipment] = [e["payload"] for e in events_of(api, "shipment.confirmed")]
    assert shipment["closes_order"] is True
    assert shipment["shortages"] == [{"line_ref": "1", "qty": "3", "resolution": "CANCELLED"}]
    assert [ln["qty_shipped"] for ln in shipment["lines"]] == ["5", "1"]
    order = api.get("/v1/orders/SO-CR").json()
    assert order["status"] == "SHIPPED"
    assert [(ln["qty_shipped"], ln["qty_cancelled"]) for ln in order["lines"]] == [("5", "3"), ("1", "0")]
    statuses = [e["payload"]["status"] for e in events_of(api, "order.status_changed")]
    assert statuses == ["PARTIALLY_ALLOCATED", "PICKING", "PACKED", "SHIPPED"]


def test_ship_complete_waits_for_stock(api):
    api.post(
        "/v1/orders",
        json=order_body(
            "SO-SC",
            [{"line_ref": "1", "sku": "SKU00003", "qty": "8"}],
            fulfilment_policy={"allow_partial": False, "on_shortage": "BACKORDER"},
        ),
    )
    advance(api, 180)
    order = api.get("/v1/orders/SO-SC").json()
    assert (order["status"], order["hold_reason"]) == ("RECEIVED", "AWAITING_STOCK")
    assert (order["lines"][0]["qty_allocated"], order["lines"][0]["qty_backordered"]) == ("0", "3")
    assert events_of(api, "shipment.confirmed") == []
    stock = api.get("/v1/inventory", params={"sku": "SKU00003"}).json()["balances"]
    assert stock[0]["allocated"] == "0"  # nothing is held back for a ship-complete order that cannot go
    api.post("/_sim/stock", json={"sku": "SKU00003", "location": "C-01-1", "qty": "3"})
    advance(api, 120)
    [shipment] = [e["payload"] for e in events_of(api, "shipment.confirmed")]
    assert shipment["lines"][0]["qty_shipped"] == "8" and shipment["closes_order"] is True
    assert shipment["lines"][0]["serials"] == [f"SN-00003-{n:03d}" for n in range(1, 9)]


def test_out_of_stock_cancel_remainder_cancels_the_order(api):
    item = {
        "description": "Never stocked",
        "base_uom": "EA",
        "tracking": {"lot": "none", "expiry": "none", "serial": "none"},
    }
    assert api.put("/v1/items/SKU90009", json=item).status_code == 201
    api.post(
        "/v1/orders",
        json=order_body(
            "SO-OOS",
            [{"line_ref": "1", "sku": "SKU90009", "qty": "4"}],
            fulfilment_policy={"allow_partial": True, "on_shortage": "CANCEL_REMAINDER"},
        ),
    )
    advance(api, 60)
    [cancelled] = events_of(api, "order.cancelled")
    assert cancelled["payload"]["reason"] == "OUT_OF_STOCK"
    assert cancelled["payload"]["lines"] == [
        {"line_ref": "1", "sku": "SKU90009", "qty_cancelled": "4", "uom": "EA"}
    ]
    assert api.get("/v1/orders/SO-OOS").json()["status"] == "CANCELLED"


def test_short_pick_is_booked_lost_and_rerouted(api):
    api.post("/_sim/stock", json={"sku": "SKU00001", "location": "C-01-1", "qty": "20"})
    api.post("/_sim/config", json={"short_pick_rate": 1.0})
    api.post("/v1/orders", json=order_body("SO-SHORT", [{"line_ref": "1", "sku": "SKU00001", "qty": "10"}]))
    advance(api, 120)
    [adjusted] = events_of(api, "inventory.adjusted")
    assert adjusted["payload"]["source"] == "short_pick"
    [line] = adjusted["payload"]["lines"]
    assert (line["sku"], line["location"], line["reason_code"], line["previous_on_hand"]) == (
        "SKU00001",
        "A-01-1",
        "LS",
        "100",
    )
    missing = -int(line["delta"])
    assert missing == 3  # seed 7's draw; the picker found 7 and took 3 more from C-01-1
    [shipment] = [e["payload"] for e in events_of(api, "shipment.confirmed")]
    assert shipment["lines"][0]["qty_shipped"] == "10" and shipment["shortages"] == []
    rows = api.get("/v1/inventory", params={"granularity": "SKU_LOT_LOCATION", "sku": "SKU00001"}).json()
    assert [(b["location"], b["on_hand"]) for b in rows["balances"]] == [("A-01-1", "90"), ("C-01-1", "17")]


def test_short_pick_without_stock_backorders(api):
    api.post("/_sim/config", json={"short_pick_rate": 1.0})
    api.post("/v1/orders", json=order_body("SO-SB", [{"line_ref": "1", "sku": "SKU00001", "qty": "10"}]))
    advance(api, 120)
    missing = -int(events_of(api, "inventory.adjusted")[0]["payload"]["lines"][0]["delta"])
    [shipment] = [e["payload"] for e in events_of(api, "shipment.confirmed")]
    assert shipment["lines"][0]["qty_shipped"] == str(10 - missing)
    assert shipment["shortages"] == [{"line_ref": "1", "qty": str(missing), "resolution": "BACKORDERED"}]
    assert shipment["closes_order"] is False
    assert missing == 3


def test_mispicks_are_caught_and_repicked(api):
    api.post("/_sim/config", json={"mispick_rate": 1.0})
    api.post(
        "/v1/orders",
        json=order_body(
            "SO-MIS",
            [
                {"line_ref": "1", "sku": "SKU00001", "qty": "3"},
                {"line_ref": "2", "sku": "SKU00006", "qty": "2"},
            ],
        ),
    )
    advance(api, 120)
    [shipment] = [e["payload"] for e in events_of(api, "shipment.confirmed")]
    assert [ln["qty_shipped"] for ln in shipment["lines"]] == ["3", "2"]
    assert api.get("/_sim/state").json()["metrics"] == {"mispicks_caught": 2}


def test_outbound_serials_are_captured_at_packing(api):
    item = {
        "description": "Router",
        "base_uom": "EA",
        "tracking": {"lot": "none", "expiry": "none", "serial": "outbound"},
    }
    api.put("/v1/items/SKU90002", json=item)
    api.post("/_sim/stock", json={"sku": "SKU90002", "qty": "3"})
    api.post("/v1/orders", json=order_body("SO-SER", [{"line_ref": "1", "sku": "SKU90002", "qty": "2"}]))
    advance(api, 120)
    [shipment] = [e["payload"] for e in events_of(api, "shipment.confirmed")]
    assert shipment["lines"][0]["serials"] == ["SN-90002-01001", "SN-90002-01002"]
    assert shipment["packages"][0]["contents"][0]["serials"] == ["SN-90002-01001", "SN-90002-01002"]


def test_waves_release_by_ship_by(api):
    late = order_body(
        "SO-LATE", [{"line_ref": "1", "sku": "SKU00003", "qty": "3"}], ship_by="2027-01-08T00:00:00Z"
    )
    early = order_body(
        "SO-EARLY", [{"line_ref": "1", "sku": "SKU00003", "qty": "3"}], ship_by="2027-01-05T00:00:00Z"
    )
    api.post("/v1/orders", json=late)
    api.post("/v1/orders", json=early)
    advance(api, 61)
    assert api.get("/v1/orders/SO-EARLY").json()["lines"][0]["qty_allocated"] == "3"
    assert api.get("/v1/orders/SO-LATE").json()["lines"][0]["qty_allocated"] == "2"


def test_ship_complete_short_pick_goes_back_to_stock_and_retries(api):
    api.post("/_sim/config", json={"short_pick_rate": 1.0})
    policy = {"allow_partial": False, "on_shortage": "BACKORDER"}
    api.post(
        "/v1/orders",
        json=order_body(
            "SO-SCX", [{"line_ref": "1", "sku": "SKU00001", "qty": "10"}], fulfilment_policy=policy
        ),
    )
    advance(api, 95)
    order = api.get("/v1/orders/SO-SCX").json()
    assert (order["status"], order["hold_reason"]) == ("EXCEPTION", "SHORT_PICK")
    line = order["lines"][0]
    assert (line["qty_allocated"], line["qty_picked"], line["qty_backordered"]) == ("0", "0", "10")
    rows = api.get("/v1/inventory", params={"granularity": "SKU_LOT_LOCATION", "sku": "SKU00001"}).json()
    assert [(b["location"], b["on_hand"], b["allocated"]) for b in rows["balances"]] == [
        ("A-01-1", "97", "0")
    ]
    api.post("/_sim/config", json={"short_pick_rate": 0.0})
    advance(api, 120)
    statuses = [e["payload"]["status"] for e in events_of(api, "order.status_changed")]
    assert statuses == ["ALLOCATED", "PICKING", "EXCEPTION", "ALLOCATED", "PICKING", "PACKED", "SHIPPED"]
    [shipment] = [e["payload"] for e in events_of(api, "shipment.confirmed")]
    assert shipment["lines"][0]["qty_shipped"] == "10" and shipment["closes_order"] is True


def test_weighed_goods_ship_in_decimal_quantities(api):
    api.post(
        "/v1/orders",
        json=order_body("SO-KG", [{"line_ref": "1", "sku": "SKU00005", "qty": "2.5", "uom": "BAG"}]),
    )
    advance(api, 120)
    [shipment] = [e["payload"] for e in events_of(api, "shipment.confirmed")]
    assert shipment["lines"][0]["qty_shipped"] == "12.5" and shipment["lines"][0]["uom"] == "KG"
    packages = [(p["box"], p["weight"]["value"], p["contents"][0]["qty"]) for p in shipment["packages"]]
    assert packages == [("CASE-BAG", "5.1", "5"), ("CASE-BAG", "5.1", "5"), ("S", "2.7", "2.5")]
    assert api.get("/v1/inventory", params={"sku": "SKU00005"}).json()["balances"][0]["on_hand"] == "237.5"


def test_stock_seeding_is_validated_before_it_is_applied(wms, api):
    raw = httpx.Client(base_url=wms.url, headers={"Authorization": f"Bearer {wms.api_key}"})
    bad = raw.post(
        "/_sim/stock",
        json={
            "lines": [
                {"sku": "SKU00001", "qty": "5", "location": "C-02-1"},
                {"sku": "SKU00002", "qty": "5", "location": "C-02-2"},
            ]
        },
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "lines[1].lot"
    assert raw.post("/_sim/stock", json={"sku": "NOPE", "qty": "1"}).json()["error"]["code"] == "UNKNOWN_SKU"
    assert (
        raw.post("/_sim/stock", json={"sku": "SKU00001", "qty": "1", "location": "Z-99"}).status_code == 400
    )
    rows = api.get("/v1/inventory", params={"granularity": "SKU_LOT_LOCATION", "sku": "SKU00001"}).json()
    assert [b["location"] for b in rows["balances"]] == ["A-01-1"]  # the valid first row was not applied
    good = api.post(
        "/_sim/stock",
        json={
            "lines": [
                {"sku": "SKU00001", "qty": "5", "location": "C-02-1"},
                {"sku": "SKU00002", "qty": "4", "lot": "LOT-X", "expiry": "2027-03-01", "status": "on_hold"},
            ]
        },
    )
    assert [(q["sku"], q["location"], q["status"]) for q in good.json()["quants"]] == [
        ("SKU00001", "C-02-1", "available"),
        ("SKU00002", "A-01-2", "on_hold"),
    ]
    held = api.get("/v1/inventory", params={"granularity": "SKU_LOT", "sku": "SKU00002"}).json()["balances"]
    assert [(b["lot"], b["status"], b["on_hand"], b["available"]) for b in held][-1] == (
        "LOT-X",
        "on_hold",
        "4",
        "0",
    )


def test_cancel_remainder_with_nothing_found_cancels_the_order(api):
    api.post("/_sim/config", json={"short_pick_rate": 1.0})
    policy = {"allow_partial": True, "on_shortage": "CANCEL_REMAINDER"}
    api.post(
        "/v1/orders",
        json=order_body(
            "SO-NF", [{"line_ref": "1", "sku": "SKU00003", "qty": "1"}], fulfilment_policy=policy
        ),
    )
    advance(api, 120)
    [cancelled] = events_of(api, "order.cancelled")
    assert cancelled["payload"]["reason"] == "OUT_OF_STOCK"
    assert cancelled["payload"]["lines"] == [
        {"line_ref": "1", "sku": "SKU00003", "qty_cancelled": "1", "uom": "EA"}
    ]
    order = api.get("/v1/orders/SO-NF").json()
    assert order["status"] == "CANCELLED"
    assert (order["lines"][0]["qty_allocated"], order["lines"][0]["qty_cancelled"]) == ("0", "1")
    [lost] = events_of(api, "inventory.adjusted")[0]["payload"]["lines"]
    assert (lost["delta"], lost["reason_code"]) == ("-1", "LS")
    quant = next(q for q in api.get("/_sim/state").json()["stock"] if q["sku"] == "SKU00003")
    assert (quant["on_hand"], quant["serials"]) == ("4", [f"SN-00003-{n:03d}" for n in range(1, 5)])
    assert events_of(api, "shipment.confirmed") == []
