"""214 <-> TrackingEvent and 180 <-> ReturnAuthorization / ReturnReceipt."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crossdock.connectors.edi.maps import MapError, w180, w214
from crossdock.model import Condition, Disposition, ReturnReceipt, TrackingStatus

from .conftest import PROFILE_NAMES, VERSIONS, generate, partner, round_trip, sample_set, segments_of
from .documents import T, return_authorization, return_receipt, tracking_events


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_214_round_trip(name: str, version: str) -> None:
    events = tracking_events()
    back, _ = round_trip(w214, events, partner(name, version))
    assert back == events
    single, _ = round_trip(w214, events[0], partner(name, version))
    assert single == [events[0]]


def test_214_x12_per_profile() -> None:
    p = partner("generic-3pl")
    assert segments_of(generate(w214, tracking_events(), p), p) == [
        ["B10", "PRO-778899", "SH-9001", "UPSN"],
        ["LX", "1"],
        ["AT7", "AF", "NS", "", "", "20260302", "1805", "UT"],
        ["MS1", "RENO", "NV", "US"],
        ["L11", "SO0042", "ON"],
        ["LX", "2"],
        ["AT7", "A7", "AH", "", "", "20260303", "094130", "UT"],
        ["MS1", "Sparks hub"],
        ["K1", "Weather delay at the Sparks hu", "b, rescheduled for the next av"],
        ["K1", "ailable day"],
        ["LX", "3"],
        ["AT7", "D1", "NS", "", "", "20260304", "0000", "UT"],
    ]
    q = partner("lakeside-3pl")
    segs = segments_of(generate(w214, tracking_events(), q), q)
    assert segs[0] == ["B10", "PRO-778899", "SH-9001", "UPGF"]
    assert ["AT7", "SD", "AH", "", "", "20260303", "034130", "LT"] in segs  # CST, the partner's zone
    assert ["L11", "SO0042", "OQ"] in segs


def test_214_public_sample_time_codes() -> None:
    # envelope IEA02 mismatch (lenient read); AT707 PS = Pacific standard time, UTC-8
    events = w214.from_x12(
        sample_set("214_x12types_1edisource_MALFORMED_iea_control_mismatch.edi"), partner("generic-3pl")
    )
    assert len(events) == 12  # 4 status AT7s in each of 3 LX loops; appointment-only AT7s are skipped
    first = events[0]
    assert (first.tracking_number, first.shipment_id, first.carrier) == ("995551", "99948782", "XXXX")
    assert (first.status, first.occurred_at) == (
        TrackingStatus.PICKED_UP,
        datetime(2011, 12, 17, 17, 30, tzinfo=UTC),
    )
    assert [(e.status.value, e.exception_code) for e in events[:4]] == [
        ("picked_up", None),
        ("picked_up", None),
        ("out_for_delivery", "AD"),
        ("delivered", None),
    ]
    assert events[3].occurred_at == datetime(2011, 12, 22, 15, 45, tzinfo=UTC)
    assert [e.order_id for e in events] == [
        None
    ] * 12  # L11 qualifier DO is not the profile's order qualifier


def test_214_unknown_status_and_time_code() -> None:
    p = partner("generic-3pl")
    rows = [["B10", "P1", "", "UPSN"], ["LX", "1"], ["AT7", "ZZ", "NS", "", "", "20260101", "1200", "XX"]]
    with pytest.raises(MapError) as err:
        w214.from_x12(rows, p)
    assert err.value.where == ["AT701", "AT707"]
    assert [e.position for e in err.value.problems] == [4, 4]
    with pytest.raises(MapError) as err:
        w214.from_x12([["B10", "", "", ""], ["LX", "1"]], p)
    assert [str(x) for x in err.value.problems] == [
        "B1001: no carrier reference (B1001) nor shipment id (B1002) to track by [set position 2]",
        "B1003: mandatory element missing (carrier SCAC) [set position 2]",
        "AT7: no shipment status (AT701) in the set",
    ]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_180_round_trips(name: str, version: str) -> None:
    p = partner(name, version)
    rma = return_authorization()
    back, _ = round_trip(w180, rma, p, issued_at=T)
    assert back == rma
    receipt = return_receipt()
    back, _ = round_trip(w180, receipt, p)
    assert back == receipt


def test_180_x12_per_profile() -> None:
    p = partner("generic-3pl")
    assert segments_of(generate(w180, return_receipt(), p), p) == [
        ["BGN", "00", "RMA-501", "20260321", "1410", "", "", "RR"],
        ["N1", "WH", "", "92", "WH-EAST"],
        ["BLI", "VN", "SKU-1", "2", "CA"],
        ["N9", "LI", "1"],
        ["N9", "LT", "L-2026-01"],
        ["RDR", "DM", "SC"],
        ["BLI", "VN", "SKU-2", "1", "EA"],
        ["N9", "LI", "2"],
        ["N9", "SE", "SN-1"],
        ["RDR", "OP", "RS"],
    ]
    q = partner("lakeside-3pl")
    segs = segments_of(generate(w180, return_receipt(), q), q)
    assert [s for s in segs if s[0] == "RDR"] == [["RDR", "03", "20"], ["RDR", "02", "10"]]
    assert segs[0] == ["BGN", "00", "RMA-501", "20260321", "091000", "", "", "RR"]
    auth = segments_of(generate(w180, return_authorization(), p, issued_at=T), p)
    assert auth[:6] == [
        ["BGN", "00", "RMA-501", "20260302", "1645", "", "", "RA"],
        ["PRF", "SO0042"],
        ["DTM", "017", "20260320", "1500"],
        ["REF", "2I", "RT-123"],
        ["TD5", "", "2", "FDEG"],
        ["N1", "BY", "Acme Retail", "92", "C100"],
    ]


def test_180_receipt_codes_must_be_known() -> None:
    p = partner("generic-3pl")
    rows = segments_of(generate(w180, return_receipt(), p), p)
    rows = [["RDR", "XX", "SC"] if s == ["RDR", "DM", "SC"] else s for s in rows]
    rows = [s for s in rows if s != ["RDR", "OP", "RS"]]
    with pytest.raises(MapError) as err:
        w180.from_x12(rows, p)
    assert err.value.where == ["RDR01", "RDR"]
    assert str(err.value.problems[0]) == (
        "RDR01: condition code not in the profile (expected NW/OP/DM/DF, found 'XX') [set position 7]"
    )


def test_180_receipt_read_back_types() -> None:
    p = partner("lakeside-3pl")
    doc = w180.from_x12(segments_of(generate(w180, return_receipt(), p), p), p)
    assert isinstance(doc, ReturnReceipt)
    assert [(ln.condition, ln.disposition) for ln in doc.lines] == [
        (Condition.DAMAGED, Disposition.SCRAP),
        (Condition.OPENED, Disposition.RESTOCK),
    ]
