"""945 <-> ShipmentConfirmation."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from crossdock.connectors.edi.maps import MapError, PartnerProfile, w945
from crossdock.model import ShipmentConfirmation

from .conftest import PROFILE_NAMES, VERSIONS, generate, partner, round_trip, sample_set, segments_of
from .documents import shipment, short_shipment


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", PROFILE_NAMES)
@pytest.mark.parametrize("build", [shipment, short_shipment], ids=["packed", "short"])
def test_round_trip(name: str, version: str, build) -> None:
    doc = build()
    back, _ = round_trip(w945, doc, partner(name, version))
    assert back == doc


def test_generic_profile_x12() -> None:
    p = partner("generic-3pl")
    segs = segments_of(generate(w945, shipment(), p), p)
    assert segs == [
        ["W06", "P", "SO0042", "20260302", "SH-9001"],
        ["N1", "WH", "", "92", "WH-EAST"],
        ["N9", "2I", "1Z999AA10123456784"],
        ["G62", "11", "20260302", "W", "1645"],
        ["W27", "M", "UPSN", "GROUND", "PP"],
        ["G72", "504", "06", "", "", "", "", "", "4850"],
        ["LX", "1"],
        ["W12", "CP", "12", "6", "2", "CA", "", "VN", "SKU-1", "L-2026-01", "12.5", "G", "L"],
        ["N9", "LI", "1"],
        ["N9", "LT", "L-2026-01", "", "20270131", "0600"],
        ["N9", "2I", "1Z999AA10000000001"],
        ["MAN", "GM", "00001234560000000018", "PKG-1"],
        ["W12", "CP", "", "4", "", "CA", "", "VN", "SKU-1", "", "3.25", "G", "K"],
        ["N9", "LT", "LOT-WITH-A-LONG-NAME"],
        ["MAN", "GM", "00001234560000000025", "PKG-2"],
        ["LX", "2"],
        ["W12", "CC", "2", "2", "0", "EA", "", "VN", "SKU-2"],
        ["N9", "LI", "2"],
        ["N9", "SE", "SN-1"],
        ["N9", "SE", "SN-2"],
        ["MAN", "GM", "00001234560000000018", "PKG-1"],
        ["W03", "12", "", "", "", "", "2"],  # weights in lb and kg: no total weight; 2 packages
    ]


def test_second_profile_serials_in_man_and_local_time() -> None:
    p = partner("lakeside-3pl")
    segs = segments_of(generate(w945, shipment(), p), p)
    assert ["G62", "11", "20260302", "Z", "104500"] in segs
    assert ["W27", "M", "UPGF", "STD", "CC"] in segs
    assert ["N9", "LOT", "L-2026-01", "", "20270131"] in segs  # midnight in Chicago: date only
    assert ["MAN", "SN", "SN-1"] in segs and ["MAN", "SN", "SN-2"] in segs
    assert not [s for s in segs if s[:2] == ["N9", "SN"]]


def test_short_ship_without_carrier_uses_the_unknown_scac() -> None:
    p = partner("generic-3pl")
    segs = segments_of(generate(w945, short_shipment(), p), p)
    assert ["W27", "M", "ZZZZ", "", "PP"] in segs
    assert ["W12", "CP", "5", "3", "2", "EA", "", "VN", "SKU-9"] in segs
    assert ["W12", "CP", "1", "0", "1", "PL", "", "VN", "SKU-8"] in segs
    assert ["G62", "11", "20260303"] in segs
    assert segs[-1] == ["W03", "3"]


def test_w03_total_weight_when_packages_share_a_unit() -> None:
    data = shipment().model_dump()
    data["packages"][1]["weight"] = {"value": Decimal("7.5"), "unit": "lb"}
    doc = ShipmentConfirmation.model_validate(data)
    p = partner("generic-3pl")
    assert segments_of(generate(w945, doc, p), p)[-1] == ["W03", "12", "20", "LB", "", "", "2"]
    back, _ = round_trip(w945, doc, p)
    assert back == doc


def test_public_sample_northpoint() -> None:
    # envelope is malformed (ISA width, SE01), the content is readable under the lenient policy
    doc = w945.from_x12(
        sample_set("945_x12types_northpoint_MALFORMED_isa_width_se01.edi"), partner("generic-3pl")
    )
    assert (doc.shipment_id, doc.order_id, doc.warehouse_code) == ("BOL12345", "IF102", "CHI")
    assert doc.carrier == "northpoint" and doc.service_level == "NORTHPOINT TRANSPOR"
    assert doc.shipped_at == datetime(2019, 6, 4, tzinfo=UTC)
    assert doc.final is True
    (line,) = doc.lines
    assert (line.line_no, line.sku) == ("10", "123456789")
    assert line.ordered_quantity.value == Decimal(3000) and line.shipped_quantity.value == Decimal(3000)
    assert [(lq.lot, lq.quantity.value) for lq in line.lots] == [("LOT12314", Decimal(3000))]
    (pkg,) = doc.packages
    assert (pkg.package_id, pkg.sscc) == ("LPN6569", None)
    assert [(c.line_no, c.quantity.value, c.lot) for c in pkg.contents] == [("10", Decimal(3000), "LOT12314")]


def test_public_sample_simplot_positional_drift_is_reported() -> None:
    # the simplot copy has its W12 fields one position late: W1207 holds the UPC, not a qualifier
    with pytest.raises(MapError) as err:
        w945.from_x12(sample_set("945_x12types_simplot_ST_only_no_envelope.edi"), partner("generic-3pl"))
    assert err.value.where == ["W1207", "W1207", "W1207"]
    assert str(err.value.problems[0]) == (
        "W1207: no product ID with an accepted qualifier (expected VN/SK/UP, found '007117901645') [set position 12]"
    )


def test_public_sample_simplot_with_corrected_positions() -> None:
    rows = sample_set("945_x12types_simplot_ST_only_no_envelope.edi").segments
    fixed = [r[:6] + r[7:] if r[0] == "W12" else r for r in rows]  # drop the extra empty element
    raw = partner("generic-3pl").raw
    simplot = PartnerProfile.from_dict({**raw, "mapping": {**raw["mapping"], "sku_qualifiers": ["UK"]}})
    doc = w945.from_x12(fixed, simplot)
    assert (doc.order_id, doc.warehouse_code, doc.carrier) == ("01766655", "708066", "TRUK")
    # LX 1 and LX 2 are two lots of order line 1000 (N9*LI): one canonical line
    assert [(ln.line_no, ln.sku, ln.shipped_quantity.value, ln.shipped_quantity.uom) for ln in doc.lines] == [
        ("1000", "10071179016458", Decimal(144), "CS"),
        ("2000", "10071179000709", Decimal(96), "CS"),
    ]
    assert doc.lines[0].ordered_quantity.value == Decimal(72)  # W1202 of the first W12 of the line
    assert [[(lq.lot, lq.quantity.value) for lq in ln.lots] for ln in doc.lines] == [
        [("40550", Decimal(72)), ("40551", Decimal(72))],
        [("93724", Decimal(96))],
    ]
    assert [(p.sscc, [c.quantity.value for c in p.contents]) for p in doc.packages] == [
        ("100752782101847618", [Decimal(36)]),
        ("100752782101847619", [Decimal(36)]),
        ("100752782101847620", [Decimal(72)]),
        ("100752782101847621", [Decimal(72)]),
        ("100752782101847622", [Decimal(24)]),
    ]


def test_lx_per_carton_layout() -> None:
    # the notes' skeleton: one LX per carton, MAN*GM before the W12s; lines regrouped by N9*LI
    rows = [
        ["W06", "F", "SO1", "20260302", "SH1"],
        ["N1", "WH", "", "92", "WH-EAST"],
        ["W27", "M", "UPSN"],
        ["LX", "1"],
        ["MAN", "GM", "00001234560000000018"],
        ["W12", "CC", "5", "3", "", "EA", "", "VN", "A"],
        ["N9", "LI", "1"],
        ["W12", "CC", "", "2", "", "EA", "", "VN", "B"],
        ["N9", "LI", "2"],
        ["LX", "2"],
        ["MAN", "GM", "00001234560000000025"],
        ["W12", "CC", "", "2", "", "EA", "", "VN", "A"],
        ["N9", "LI", "1"],
        ["W03", "7"],
    ]
    doc = w945.from_x12(rows, partner("generic-3pl"))
    ordered = [ln.ordered_quantity.value if ln.ordered_quantity else None for ln in doc.lines]
    assert [(ln.line_no, ln.sku, ln.shipped_quantity.value) for ln in doc.lines] == [
        ("1", "A", Decimal(5)),
        ("2", "B", Decimal(2)),
    ]
    assert ordered == [Decimal(5), None]
    assert [(p.sscc, [(c.line_no, c.quantity.value) for c in p.contents]) for p in doc.packages] == [
        ("001234560000000018", [("1", Decimal(3)), ("2", Decimal(2))]),
        ("001234560000000025", [("1", Decimal(2))]),
    ]


def test_missing_mandatory_pieces() -> None:
    p = partner("generic-3pl")
    segs = segments_of(generate(w945, short_shipment(), p), p)
    rows = [["W06", "F", "", "", ""] if s[0] == "W06" else s for s in segs if s[0] not in ("W27", "G62")]
    rows = [["W12", "CC", "", "", "", ""] if s[0] == "W12" and s[8] == "SKU-8" else s for s in rows]
    with pytest.raises(MapError) as err:
        w945.from_x12(rows, p)
    assert err.value.where == ["W0602", "W0604", "W0603", "W27", "W1203", "W1205", "W1207"]


def test_freight_needs_the_partner_currency_and_cents() -> None:
    data = shipment().model_dump()
    data["freight_cost"] = {"amount": Decimal("10.005"), "currency": "EUR"}
    with pytest.raises(MapError) as err:
        w945.to_x12(ShipmentConfirmation.model_validate(data), partner("generic-3pl"))
    assert [str(p) for p in err.value.problems] == [
        "G7208: freight in EUR, the partner's currency is USD",
        "G7208: freight amount must be positive with at most two decimals",
    ]


def test_packages_must_account_for_the_line() -> None:
    data = shipment().model_dump()
    data["packages"][1]["contents"][0]["quantity"]["value"] = Decimal(3)
    with pytest.raises(MapError) as err:
        w945.to_x12(ShipmentConfirmation.model_validate(data), partner("generic-3pl"))
    assert [str(p) for p in err.value.problems] == [
        "W1203: line 1: package contents do not add up to the shipped quantity",
        "W1209: line 1: lots disagree with the package contents",
    ]
