"""943 <-> ExpectedReceipt and 944 <-> ReceiptConfirmation."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from crossdock.connectors.edi.maps import MapError, w943, w944

from .conftest import PROFILE_NAMES, VERSIONS, generate, partner, round_trip, sample_set, segments_of
from .documents import expected_receipt, receipt


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_943_round_trip(name: str, version: str) -> None:
    doc = expected_receipt()
    back, _ = round_trip(w943, doc, partner(name, version))
    assert back == doc


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_944_round_trip(name: str, version: str) -> None:
    doc = receipt()
    back, _ = round_trip(w944, doc, partner(name, version))
    assert back == doc


def test_943_x12_per_profile() -> None:
    p = partner("generic-3pl")
    assert segments_of(generate(w943, expected_receipt(), p), p) == [
        ["W06", "F", "WH/IN/00012", "", "ASN-77", "", "PO-5001"],
        ["N1", "SF", "Widget Works", "92", "SUP-1"],
        ["N1", "WH", "", "92", "WH-EAST"],
        ["G62", "17", "20260309", "W", "1500"],
        ["W27", "M", "FDEG"],
        ["W04", "100", "CA", "", "VN", "SKU-1", "", "", "L-2026-01"],
        ["N9", "LI", "1"],
        ["N9", "LT", "L-2026-01", "", "20270131", "0600"],
        ["W04", "0.5", "KG", "", "VN", "SKU-2"],
        ["N9", "LI", "2"],
        ["W03", "100.5"],
    ]
    q = partner("lakeside-3pl")
    segs = segments_of(generate(w943, expected_receipt(), q), q)
    assert segs[1] == ["N1", "VN", "Widget Works", "ZZ", "SUP-1"]
    assert segs[3:5] == [["G62", "17", "20260309", "Z", "100000"], ["W27", "M", "FXFE"]]


def test_944_x12_4010_and_5010() -> None:
    p = partner("generic-3pl")
    assert segments_of(generate(w944, receipt(), p), p) == [
        ["W17", "F", "20260309", "WH/IN/00012", "WH/IN/00012"],
        ["N1", "WH", "", "92", "WH-EAST"],
        ["N9", "PO", "PO-5001"],
        ["G62", "09", "20260309", "W", "172005"],
        ["W07", "90", "CA", "", "VN", "SKU-1", "", "", "L-2026-01"],
        ["N9", "LI", "1"],
        ["N9", "LT", "L-2026-01", "", "20270131", "0600"],
        ["N9", "LU", "A-01-02"],
        ["W13", "3", "CA", "01"],
        ["W13", "2", "CA", "03"],
        ["W07", "8", "CA", "", "VN", "SKU-1", "", "", "L-2026-02"],
        ["N9", "LI", "1"],
        ["W07", "5", "EA", "", "VN", "SKU-2"],
        ["N9", "LI", "2"],
        ["N9", "SE", "SN-10"],
        ["N9", "SE", "SN-11"],
        ["N9", "SE", "SN-12"],
        ["N9", "SE", "SN-13"],
        ["N9", "SE", "SN-14"],
        ["W13", "1", "EA", "02"],
        ["W14", "103"],
    ]
    q = partner("lakeside-3pl")  # 5010: every line in its own LX loop
    segs = segments_of(generate(w944, receipt(), q), q)
    assert [s[0] for s in segs[4:7]] == ["LX", "W07", "N9"]
    assert ["LX", "2"] in segs
    assert segs[3] == ["G62", "35", "20260309", "Z", "122005"]  # CDT since 8 March


def test_public_sample_943() -> None:
    doc = w943.from_x12(sample_set("943_stupidedi_AR943.edi"), partner("generic-3pl"))
    assert doc.receipt_id == "DO12345"
    assert doc.purchase_order == "DO12345"  # no PO in the sample: the receipt id stands in
    assert doc.supplier.code == "UNKNOWN"  # the profile's default: the sample names no ship-from
    assert doc.warehouse_code == "ACME01"
    assert doc.carrier == "SCAC" and doc.asn_reference is None and doc.expected_date is None
    assert [(ln.line_no, ln.sku, ln.quantity.value, ln.quantity.uom, ln.lot) for ln in doc.lines] == [
        ("REF456", "ITEM123", Decimal(100), "EA", None)
    ]


def test_public_sample_943_without_a_default_supplier() -> None:
    raw = partner("generic-3pl").raw
    strict = type(partner("generic-3pl")).from_dict(
        {**raw, "mapping": {**raw["mapping"], "defaults": {"unknown_scac": "ZZZZ"}}}
    )
    with pytest.raises(MapError) as err:
        w943.from_x12(sample_set("943_stupidedi_AR943.edi"), strict)
    assert [str(p) for p in err.value.problems] == ["N1: supplier party missing (expected N101 SF)"]


def test_public_sample_944() -> None:
    # the sample's item is a GTIN-14 (UK): accept it through a profile that lists UK
    raw = partner("generic-3pl").raw
    p = type(partner("generic-3pl")).from_dict(
        {**raw, "mapping": {**raw["mapping"], "sku_qualifiers": ["VN", "UK"]}}
    )
    doc = w944.from_x12(sample_set("944_stupidedi_RE944.edi"), p)
    assert (doc.receipt_id, doc.warehouse_code, doc.purchase_order) == ("DO12345", "1234567890001", None)
    assert doc.received_at == datetime(2026, 7, 14, tzinfo=UTC)
    (line,) = doc.lines
    assert (line.line_no, line.sku, line.received_quantity.value, line.received_quantity.uom) == (
        "1",
        "ITEM123",
        Decimal(100),
        "EA",
    )
    assert line.expected_quantity.value == Decimal(100) and line.damaged_quantity is None
    assert [(lq.lot, lq.quantity.value) for lq in line.lots] == [("LOT456", Decimal(100))]


def test_944_missing_pieces() -> None:
    p = partner("generic-3pl")
    segs = segments_of(generate(w944, receipt(), p), p)
    rows = [["W17", "F", "", ""] if s[0] == "W17" else s for s in segs if s[0] not in ("N1", "G62")]
    rows = [["W07", "x", ""] + s[3:] if s[0] == "W07" and s[1] == "5" else s for s in rows]
    with pytest.raises(MapError) as err:
        w944.from_x12(rows, p)
    assert err.value.where == ["W1703", "W1702", "N1", "W0702", "W0701"]
    assert (
        str(err.value.problems[-1])
        == "W0701: not a number (quantity received) (expected decimal, found 'x') [set position 12]"
    )


def test_943_needs_items() -> None:
    p = partner("generic-3pl")
    rows = [s for s in segments_of(generate(w943, expected_receipt(), p), p) if s[0] not in ("W04", "N9")]
    with pytest.raises(MapError) as err:
        w943.from_x12(rows, p)
    assert err.value.where == ["W04"]
