"""940 in, 997 back, 945 after the warehouse ships: the hub's main flow, over real SFTP."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from crossdock.connectors.edi import read
from crossdock.connectors.edi.maps import load_partner
from crossdock.sim.tpl import translate

from .hub import Hub, sales_order


def ack_segments(text: str) -> list[list[str]]:
    doc = read(text, "strict")
    assert doc.valid
    (ts,) = list(doc.sets())
    return ts.segments[1:-1]


async def test_940_is_acknowledged_and_becomes_a_warehouse_order(hub: Hub) -> None:
    await hub.send("940_SO0042.edi", hub.interchange("940", sales_order()))
    (name,) = await hub.wait_for("997_")
    assert name == "997_000000001.edi"
    text = await hub.text(name)
    assert text.startswith("ISA*00*          *00*          *ZZ*GENERIC3PL     *ZZ*CROSSDOCK      *")
    assert ack_segments(text) == [
        ["AK1", "OW", "100"],
        ["AK2", "940", "0100"],
        ["AK5", "A"],
        ["AK9", "A", "1", "1", "1"],
    ]
    state = hub.tpl.state()
    assert state["orders"] == {"SO0042": "RECEIVED"}
    (entry,) = state["inbound"]
    assert entry["outcome"] == "processed"
    assert entry["created"] == [{"set": "940", "id": "SO0042", "wms_id": "SO-000001"}]
    assert [f.name for f in await hub.sftp.list("inbound/processed")] == ["940_SO0042.edi"]
    assert await hub.sftp.list("inbound") == []


async def test_945_carries_lots_serials_packages_and_tracking(hub: Hub) -> None:
    await hub.send("940_SO0042.edi", hub.interchange("940", sales_order()))
    await hub.wait_for("997_")
    assert hub.tpl.advance(59) == []  # the first wave is at 09:00
    assert hub.tpl.advance(61) == ["945_SO0042_000000002.edi"]
    shipment = await hub.document("945_SO0042_000000002.edi")
    assert shipment.order_id == "SO0042"
    assert shipment.shipment_id == "SHP-000001"
    assert shipment.warehouse_code == "WH1"
    assert shipment.final is True
    assert shipment.carrier == "ups"
    assert shipment.service_level == "ground"
    assert shipment.shipped_at == datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
    assert shipment.tracking_number == TRACKING[0]
    assert shipment.freight_cost.amount == Decimal("20.39")
    one, two = shipment.lines
    assert (one.line_no, one.sku, one.shipped_quantity.value, one.ordered_quantity.value) == (
        "1",
        "SKU00002",
        Decimal(8),
        Decimal(8),
    )
    assert [(lot.lot, lot.quantity.value, lot.expiry) for lot in one.lots] == [
        ("LOT-00002-A", Decimal(8), datetime(2027, 6, 1, tzinfo=UTC))  # FEFO: the earlier expiry
    ]
    assert (two.line_no, two.sku, two.shipped_quantity.value, two.serials) == (
        "2",
        "SKU00003",
        Decimal(2),
        ["SN-00003-001", "SN-00003-002"],
    )
    assert [(p.package_id, p.sscc, p.tracking_number, p.weight.value) for p in shipment.packages] == [
        ("PKG-000001", "006141410000000012", TRACKING[0], Decimal("6.5")),
        ("PKG-000002", "006141410000000029", TRACKING[1], Decimal("6.9")),
    ]
    assert [
        [(c.line_no, c.sku, c.quantity.value, c.lot, c.serials) for c in p.contents]
        for p in shipment.packages
    ] == [
        [("1", "SKU00002", Decimal(6), "LOT-00002-A", [])],
        [("1", "SKU00002", Decimal(2), "LOT-00002-A", []), ("2", "SKU00003", Decimal(2), None, SERIALS)],
    ]
    # the same facts the warehouse itself reports
    wms = hub.tpl.wms_call("GET", "/v1/shipments/SHP-000001")
    assert [p["sscc"] for p in wms["packages"]] == [p.sscc for p in shipment.packages]
    assert wms["tracking_numbers"] == TRACKING


async def test_a_malformed_940_is_rejected_with_the_segment_error(hub: Hub) -> None:
    text = hub.interchange("940", sales_order())
    broken = text.replace("N4*Reno*NV*89501*US~", "N4*Reno*NEVADA*89501*US~")
    assert broken != text
    await hub.send("940_bad.edi", broken)
    (name,) = await hub.wait_for("997_")
    segments = ack_segments(await hub.text(name))
    assert segments == [
        ["AK1", "OW", "100"],
        ["AK2", "940", "0100"],
        ["AK3", "N4", "5", "N1", "8"],  # set position 5, in the N1 loop, data element errors
        ["AK4", "2", "156", "5", "NEVADA"],  # N402 (state, DE 156) too long
        ["AK5", "R", "5"],
        ["AK9", "R", "1", "1", "0"],
    ]
    state = hub.tpl.state()
    assert state["orders"] == {}
    assert state["inbound"][0]["outcome"] == "rejected"
    assert [f.name for f in await hub.sftp.list("inbound/rejected")] == ["940_bad.edi"]


async def test_a_business_error_is_acknowledged_but_recorded(hub: Hub) -> None:
    await hub.send("940_SO9.edi", hub.interchange("940", sales_order("SO9", [("1", "NOPE", "1")])))
    segments = ack_segments(await hub.text((await hub.wait_for("997_"))[0]))
    assert segments[-2:] == [["AK5", "A"], ["AK9", "A", "1", "1", "1"]]  # a 997 judges syntax only
    (error,) = hub.tpl.state()["application_errors"]
    assert error["set"] == "940 0100"
    assert error["message"].startswith("UNKNOWN_SKU: unknown SKU 'NOPE'")
    assert hub.tpl.state()["orders"] == {}


TRACKING = ["1ZX4Y9A20381590839", "1ZX4Y9A20390996036"]
SERIALS = ["SN-00003-001", "SN-00003-002"]


def test_every_service_level_of_the_wms_profile_reaches_the_warehouse() -> None:
    partner = load_partner("generic-3pl")
    order = sales_order().model_copy(update={"service_level": "freight"})
    assert translate.order_body(order, partner)["carrier"]["service"] == "FREIGHT"  # not GROUND
