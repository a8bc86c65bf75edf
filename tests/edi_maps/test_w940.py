"""940 <-> SalesOrder."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from crossdock.connectors.edi.maps import MapError, w940
from crossdock.model import SalesOrder

from .conftest import PROFILE_NAMES, VERSIONS, generate, partner, round_trip, sample_set, segments_of
from .documents import sales_order


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_round_trip(name: str, version: str) -> None:
    order = sales_order()
    back, _ = round_trip(w940, order, partner(name, version))
    assert back == order


def test_generic_profile_writes_vendor_item_numbers_and_utc_times() -> None:
    p = partner("generic-3pl")
    segs = segments_of(generate(w940, sales_order(), p), p)
    assert segs[:12] == [
        ["W05", "N", "SO0042", "PO-77"],
        ["N1", "ST", "Acme DC 7"],
        ["N3", "1 Main St", "Dock 4"],
        ["N4", "Reno", "NV", "89501", "US"],
        ["PER", "IC", "", "TE", "7755550100", "EM", "dock@acme.example"],
        ["N1", "BY", "Acme Retail", "92", "C100"],
        ["N1", "DE", "Crossdock Hub", "92", "CROSSDOCK"],
        ["N1", "WH", "", "92", "WH-EAST"],
        ["G62", "10", "20260301", "W", "1430"],
        ["G62", "02", "20260305", "W", "0600"],
        ["NTE", "LAB", "label every carton"],
        ["NTE", "GFT", "GIFT_WRAP"],
    ]
    assert segs[12] == ["W66", "PP", "U", "", "", "UPS GROUND", "", "", "", "", "UPSN"]
    assert segs[13:17] == [
        ["LX", "1"],
        ["W01", "12", "CA", "", "VN", "SKU-1"],
        ["N9", "LI", "1"],
        ["N9", "LT", "L-2026-01"],
    ]
    assert segs[-1] == ["W76", "53.375"]


def test_second_profile_same_order_different_x12() -> None:
    p = partner("lakeside-3pl")
    segs = segments_of(generate(w940, sales_order(), p), p)
    assert ["N1", "BT", "Acme Retail", "ZZ", "C100"] in segs
    # 14:30 UTC is 08:30 in Chicago (CST); 06:00 UTC on 5 March is midnight there: date only
    assert ["G62", "10", "20260301", "Z", "083000"] in segs
    assert ["G62", "02", "20260305"] in segs
    assert ["W66", "CC", "M", "", "", "UPS-GND", "", "", "", "", "UPGF"] in segs
    assert ["W01", "12", "CT", "", "SK", "SKU-1"] in segs
    assert ["N9", "LN", "1"] in segs and ["N9", "LOT", "L-2026-01"] in segs


def test_public_sample_940_ok() -> None:
    order = w940.from_x12(sample_set("940_ediengine_OK.edi"), partner("generic-3pl"))
    assert order.order_id == "538686"
    assert order.customer_po is None
    assert order.customer.code == "00000001" and order.customer.name == "ST COMPANY"
    assert order.ship_to.model_dump(exclude_none=True) == {
        "name": "ST COMPANY",
        "street": "ADDRESS",
        "city": "CITY",
        "state": "CA",
        "zip": "00003",
    }
    assert order.warehouse_code == "0000000000140"
    assert order.requested_date == datetime(2000, 2, 4, tzinfo=UTC)
    assert order.promised_date == datetime(2000, 2, 7, tzinfo=UTC)
    assert [(c.code, c.text) for c in order.compliance] == [("WAREHOUSE", "SHIP ON CHEP PALLETS")]
    assert order.carrier_service == "MTEN" and order.service_level is None
    assert [(ln.line_no, ln.sku, ln.quantity.value, ln.quantity.uom) for ln in order.lines] == [
        ("1", "000100", Decimal(12), "CS"),
        ("2", "000200", Decimal(32), "CS"),
        ("3", "000300", Decimal(12), "CS"),
    ]


def test_public_sample_940_2ok_lacks_a_ship_to() -> None:
    # syntactically valid, but a SalesOrder needs a ship-to address: one precise problem, nothing else
    with pytest.raises(MapError) as err:
        w940.from_x12(sample_set("940_ediengine_2OK.edi"), partner("lakeside-3pl"))
    assert [str(p) for p in err.value.problems] == ["N1: ship-to party missing (expected N101 ST)"]


def test_public_sample_940_2ok_sku_qualifier_order() -> None:
    ts = sample_set("940_ediengine_2OK.edi")
    rows = ts.segments
    rows.insert(3, ["N1", "ST", "SHOP"])
    # lakeside accepts SK, UP, VC in that order: the UPC wins over the buyer's VC code
    order = w940.from_x12(rows, partner("lakeside-3pl"))
    assert order.order_id == "35131" and order.customer_po == "POMAIL"
    assert order.carrier_service == "UPS GROUND"
    assert [(ln.line_no, ln.sku, ln.quantity.value, ln.quantity.uom) for ln in order.lines] == [
        ("1", "871209028795", Decimal(1), "EA")
    ]


def test_missing_mandatory_data_names_segment_and_element() -> None:
    p = partner("generic-3pl")
    segs = segments_of(generate(w940, sales_order(), p), p)
    no_w05 = [s for s in segs if s[0] != "W05"]
    with pytest.raises(MapError) as err:
        w940.from_x12(no_w05, p)
    assert err.value.where == ["W05"]
    bad = [["W05", "N", ""] if s[0] == "W05" else s for s in segs]
    bad = [["W01", "12", "CA", "", "ZZ", "X"] if s[:2] == ["W01", "12"] else s for s in bad]
    with pytest.raises(MapError) as err:
        w940.from_x12(bad, p)
    assert err.value.where == ["W0502", "W0104"]
    assert "expected VN/SK/UP, found 'ZZ'" in str(err.value)
    assert err.value.problems[1].position == 16  # ST = 1


def test_unknown_unit_is_refused_on_output() -> None:
    data = sales_order().model_dump()
    data["lines"][1]["quantity"]["uom"] = "bottle"
    with pytest.raises(MapError) as err:
        w940.to_x12(SalesOrder.model_validate(data), partner("generic-3pl"))
    assert [str(p) for p in err.value.problems] == [
        "W0102 line 2: no X12 unit code for uom 'bottle' in the partner profile"
    ]


def test_three_letter_country_is_reported_on_n404() -> None:
    p = partner("generic-3pl")
    rows = segments_of(generate(w940, sales_order(), p), p)
    rows = [s[:4] + ["USA"] if s[0] == "N4" else s for s in rows]
    with pytest.raises(MapError) as err:
        w940.from_x12(rows, p)
    assert [str(x) for x in err.value.problems] == [
        "N404: country is not an ISO 3166 alpha-2 code (expected 2 letters, found 'USA') [set position 5]"
    ]
