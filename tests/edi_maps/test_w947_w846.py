"""947 <-> InventoryAdjustment and 846 <-> InventorySnapshot."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crossdock.connectors.edi.maps import MapError, w846, w947
from crossdock.model import AdjustmentReason, InventorySnapshot, StockStatus

from .conftest import PROFILE_NAMES, VERSIONS, generate, partner, round_trip, segments_of
from .documents import adjustment, snapshot


def _with_partner_codes(name: str):
    """What comes back from a partner: the canonical reason plus the partner's own code."""
    doc = adjustment()
    codes = {"generic-3pl": ["01", "03", "06"], "lakeside-3pl": ["DM", "FD", "QH"]}[name]
    for line, code in zip(doc.lines, codes, strict=True):
        line.partner_reason_code = code
    return doc


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_947_round_trip(name: str, version: str) -> None:
    doc = _with_partner_codes(name)
    back, _ = round_trip(w947, doc, partner(name, version))
    assert back == doc


def test_947_codes_per_profile() -> None:
    p, q = partner("generic-3pl"), partner("lakeside-3pl")
    generic = segments_of(generate(w947, adjustment(), p), p)
    assert generic == [
        ["W15", "20260310", "ADJ-311", "ADJ-311"],
        ["N1", "WH", "", "92", "WH-EAST"],
        ["G62", "09", "20260310", "W", "2315"],
        ["W19", "01", "-13", "CA", "", "VN", "SKU-1", "", "", "L-2026-01"],
        ["G69", "forklift damage"],
        ["N9", "LU", "A-01-02"],
        ["W19", "03", "2.5", "KG", "", "VN", "SKU-2"],
        ["W19", "06", "-1", "EA", "", "VN", "SKU-3"],
        ["N9", "LT", "LOT-WITH-A-LONG-NAME"],
    ]
    lakeside = segments_of(generate(w947, adjustment(), q), q)
    assert [s[1:4] for s in lakeside if s[0] == "W19"] == [
        ["DM", "-13", "CT"],
        ["FD", "2.5", "KG"],
        ["QH", "-1", "EA"],
    ]
    assert lakeside[2] == ["G62", "09", "20260310", "Z", "181500"]


def test_947_unknown_partner_code_is_kept_as_other() -> None:
    p = partner("generic-3pl")
    rows = segments_of(generate(w947, adjustment(), p), p)
    rows = [["W19", "7Z"] + s[2:] if s[0] == "W19" and s[1] == "03" else s for s in rows]
    doc = w947.from_x12(rows, p)
    assert [(ln.reason, ln.partner_reason_code, ln.delta.value) for ln in doc.lines] == [
        (AdjustmentReason.DAMAGED, "01", Decimal(-13)),
        (AdjustmentReason.OTHER, "7Z", Decimal("2.5")),
        (AdjustmentReason.QUALITY_HOLD, "06", Decimal(-1)),
    ]


def test_947_contradicting_partner_code_is_refused() -> None:
    doc = adjustment()
    doc.lines[0].partner_reason_code = "03"  # 03 means "found" at generic-3pl
    with pytest.raises(MapError) as err:
        w947.to_x12(doc, partner("generic-3pl"))
    assert [str(p) for p in err.value.problems] == [
        "W1901: line 1: partner code '03' does not mean 'damaged'"
    ]


def test_947_missing_pieces() -> None:
    p = partner("generic-3pl")
    rows = [s for s in segments_of(generate(w947, adjustment(), p), p) if s[0] not in ("N1", "G62")]
    rows = [["W15", "20260310"] if s[0] == "W15" else s for s in rows]
    rows = [["W19", "", "", "CA"] + s[4:] if s[0] == "W19" and s[1] == "01" else s for s in rows]
    with pytest.raises(MapError) as err:
        w947.from_x12(rows, p)
    assert err.value.where == ["W1502", "N1", "W1901", "W1902"]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_846_round_trip(name: str, version: str) -> None:
    doc = snapshot()
    back, _ = round_trip(w846, doc, partner(name, version))
    assert back == doc


def test_846_x12_per_profile() -> None:
    p = partner("generic-3pl")
    assert segments_of(generate(w846, snapshot(), p), p) == [
        ["BIA", "00", "DD", "SNAP-20260311", "20260311", "0600"],
        ["N1", "WH", "", "92", "WH-EAST"],
        ["LIN", "1", "VN", "SKU-1", "LT", "L-2026-01"],
        ["DTM", "036", "20270131", "0600"],
        ["REF", "LU", "A-01-02"],
        ["QTY", "33", "120", "CA"],
        ["LIN", "2", "VN", "SKU-1", "LT", "L-2026-01"],
        ["QTY", "74", "3", "CA"],
        ["LIN", "3", "VN", "SKU-2"],
        ["QTY", "QH", "0", "KG"],
        ["LIN", "4", "VN", "SKU-3"],
        ["QTY", "QU", "7", "EA"],
        ["LIN", "5", "VN", "SKU-4"],
        ["QTY", "02", "9", "EA"],
        ["CTT", "5", "139"],
    ]
    q = partner("lakeside-3pl")
    segs = segments_of(generate(w846, snapshot(), q), q)
    assert segs[0] == ["BIA", "00", "SI", "SNAP-20260311", "20260311", "010000"]
    assert [s[1] for s in segs if s[0] == "QTY"] == ["17", "DG", "HD", "QA", "AL"]


def test_846_several_quantities_per_item_and_empty_snapshot() -> None:
    p = partner("generic-3pl")
    rows = [
        ["BIA", "00", "DD", "S1", "20260311", "1200"],
        ["N1", "WH", "", "92", "W1"],
        ["LIN", "", "SK", "A"],
        ["QTY", "33", "5", "EA"],
        ["QTY", "QH", "2", "EA"],
    ]
    doc = w846.from_x12(rows, p)
    assert [(ln.sku, ln.status, ln.quantity.value) for ln in doc.lines] == [
        ("A", StockStatus.AVAILABLE, Decimal(5)),
        ("A", StockStatus.ON_HOLD, Decimal(2)),
    ]
    empty = InventorySnapshot(snapshot_id="S0", warehouse_code="W1", taken_at=doc.taken_at, lines=[])
    back, _ = round_trip(w846, empty, p)
    assert back == empty


def test_846_unknown_status_code() -> None:
    p = partner("generic-3pl")
    rows = [
        ["BIA", "00", "DD", "S1", "20260311"],
        ["N1", "WH", "", "92", "W1"],
        ["LIN", "", "SK", "A"],
        ["QTY", "99", "5"],
    ]
    with pytest.raises(MapError) as err:
        w846.from_x12(rows, p)
    assert [str(x) for x in err.value.problems] == [
        "QTY01: quantity qualifier not in the profile's stock_statuses (expected 33/QH/74/QU/02, found '99') "
        "[set position 5]",
        "QTY03: unit of measure missing [set position 5]",
    ]
