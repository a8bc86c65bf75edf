"""856 ASN <-> ShipmentConfirmation (+ SalesOrder for ship-to, customer and PO)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from crossdock.connectors.edi.maps import MapError, w856
from crossdock.model import ShipmentConfirmation

from .conftest import PROFILE_NAMES, VERSIONS, generate, partner, round_trip, sample_set, segments_of
from .documents import sales_order, shipment, short_shipment


def _final_shipment() -> ShipmentConfirmation:
    # an ASN carries neither "more to follow" nor the freight cost
    return shipment().model_copy(update={"final": True, "freight_cost": None})


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_round_trip_with_packages(name: str, version: str) -> None:
    doc = _final_shipment()
    back, _ = round_trip(w856, doc, partner(name, version), order=sales_order())
    assert back == doc


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_round_trip_without_packages_or_order(name: str, version: str) -> None:
    doc = short_shipment()
    back, _ = round_trip(w856, doc, partner(name, version))
    assert back == doc


def test_hierarchy_s_o_p_i_with_sscc() -> None:
    p = partner("generic-3pl")
    segs = segments_of(generate(w856, _final_shipment(), p, order=sales_order()), p)
    assert segs[0] == ["BSN", "00", "SH-9001", "20260302", "1645", "0001"]
    assert [s[1:] for s in segs if s[0] == "HL"] == [
        ["1", "", "S", "1"],
        ["2", "1", "O", "1"],
        ["3", "2", "P", "1"],
        ["4", "3", "I", "0"],
        ["5", "3", "I", "0"],
        ["6", "2", "P", "1"],
        ["7", "6", "I", "0"],
    ]
    assert [s for s in segs if s[0] == "MAN"] == [
        ["MAN", "GM", "00001234560000000018", "PKG-1"],
        ["MAN", "GM", "00001234560000000025", "PKG-2"],
    ]
    assert (
        ["PRF", "PO-77"] in segs
        and ["N1", "ST", "Acme DC 7"] in segs
        and ["N1", "BY", "Acme Retail", "92", "C100"] in segs
    )
    assert ["SN1", "", "6", "CA", "", "12", "CA"] in segs
    assert segs[-1] == ["CTT", "7"]


def test_without_packages_is_s_o_i() -> None:
    q = partner("lakeside-3pl")
    segs = segments_of(generate(w856, short_shipment(), q), q)
    assert segs[0] == ["BSN", "00", "SH-9002", "20260302", "180000", "0004"]  # 3 March 00:00 UTC in Chicago
    assert [s[3] for s in segs if s[0] == "HL"] == ["S", "O", "I", "I"]
    assert ["TD5", "", "2", "NONE"] in segs and ["PRF", "SO0043"] in segs


def test_order_must_match_the_shipment() -> None:
    with pytest.raises(MapError) as err:
        w856.to_x12(short_shipment(), partner("generic-3pl"), order=sales_order())
    assert err.value.where == ["PRF01"]


def test_public_sample_crossdock_asn() -> None:
    raw = partner("generic-3pl").raw
    p = type(partner("generic-3pl")).from_dict(
        {
            **raw,
            "mapping": {**raw["mapping"], "sku_qualifiers": ["UP", "EN"], "references": {"tracking": "CN"}},
        }
    )
    doc = w856.from_x12(sample_set("856_ediengine_crossdock.edi"), p)
    assert (doc.shipment_id, doc.order_id, doc.warehouse_code) == ("000009", "POREF00", "000009")
    assert (doc.carrier, doc.service_level, doc.tracking_number) == ("OVNT", "OVERNITE", "0000000008741")
    assert doc.shipped_at == datetime(2009, 9, 21, tzinfo=UTC)
    assert [(ln.line_no, ln.sku, ln.shipped_quantity.value) for ln in doc.lines] == [
        ("1", "0000000000642", Decimal(12)),
        ("2", "0000000000831", Decimal(12)),
        ("3", "0000000000283", Decimal(12)),
        ("4", "0000000000203", Decimal(12)),
        ("5", "0000000000642", Decimal(12)),
    ]
    assert [(pk.sscc, pk.weight.value if pk.weight else None) for pk in doc.packages] == [
        ("000715670002152360", Decimal(6)),
        ("000715670002152377", None),
        ("000715670002152384", Decimal(6)),
        ("000715670002152391", Decimal(6)),
        ("000715670002152111", Decimal(6)),
    ]
    assert doc.packages[0].weight.unit == "lb"
    assert [c.line_no for pk in doc.packages for c in pk.contents] == ["1", "2", "3", "4", "5"]


def test_public_sample_4060_asn() -> None:
    # read with the 4010 definitions (GS08 004060); VP is not an accepted qualifier, UP is; the SF has no ID
    doc = w856.from_x12(sample_set("856_x12types_1edisource_4060.edi"), partner("generic-3pl"))
    assert (doc.shipment_id, doc.order_id, doc.warehouse_code) == ("829716", "99999817", "1 EDI SOURCE")
    assert doc.carrier == "XXXX" and doc.service_level == "XXXX"
    assert doc.shipped_at == datetime(2011, 12, 6, tzinfo=UTC)
    assert [(ln.line_no, ln.sku, ln.shipped_quantity.value, ln.shipped_quantity.uom) for ln in doc.lines] == [
        ("1", "999999310145", Decimal(24), "EA"),
        ("2", "999999311746", Decimal(6), "EA"),
    ]
    assert doc.packages == []


def test_public_sample_minimal_asn_has_no_items() -> None:
    with pytest.raises(MapError) as err:
        w856.from_x12(sample_set("856_stupidedi_SH856_minimal.edi"), partner("generic-3pl"))
    assert [str(x) for x in err.value.problems] == [
        "HL03: no order level (HL03 O) (expected O)",
        "HL03: no item level (HL03 I) (expected I)",
    ]


def test_a_lot_split_over_packages_reads_back_as_one_lot() -> None:
    data = _final_shipment().model_dump()
    pkg1, pkg2 = data["packages"]
    pkg1["contents"][0]["quantity"]["value"] = Decimal("4")  # lot L-2026-01: 4 in PKG-1, 2 in PKG-2
    pkg2["contents"].insert(0, {**pkg1["contents"][0], "quantity": {"value": Decimal("2"), "uom": "CS"}})
    doc = ShipmentConfirmation.model_validate(data)
    back, _ = round_trip(w856, doc, partner("generic-3pl"), order=sales_order())
    assert back == doc
    assert [(lq.lot, lq.quantity.value) for lq in back.lines[0].lots] == [
        ("L-2026-01", Decimal("6")),
        ("LOT-WITH-A-LONG-NAME", Decimal("4")),
    ]
