"""Registry, partner profile loading, and property-based round trips (exact decimals, zones)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossdock.connectors.edi.maps import (
    MAPS,
    PartnerProfile,
    ProfileError,
    get_map,
    load_partner,
    map_for_document,
    w940,
    w947,
)
from crossdock.connectors.edi.maps.partner import PROFILES_DIR
from crossdock.model import AdjustmentReason, InventoryAdjustment

from .conftest import generate, partner, read_back, round_trip
from .documents import (
    T,
    expected_receipt,
    receipt,
    return_authorization,
    return_receipt,
    sales_order,
    shipment,
    snapshot,
    tracking_events,
)


def test_registry_covers_every_set() -> None:
    assert sorted(MAPS) == ["180", "214", "846", "856", "940", "943", "944", "945", "947"]
    assert get_map("945").SET_ID == "945"
    assert map_for_document("SalesOrder") is w940
    assert map_for_document("ReturnReceipt").SET_ID == "180"
    with pytest.raises(KeyError, match="no map for transaction set 997"):
        get_map("997")


def test_shipped_profiles() -> None:
    assert sorted(p.name for p in PROFILES_DIR.glob("*.yaml")) == ["generic-3pl.yaml", "lakeside-3pl.yaml"]
    generic, lakeside = load_partner("generic-3pl"), load_partner("lakeside-3pl")
    assert (generic.release, generic.zone.key, generic.sku_qualifier) == ("004010", "UTC", "VN")
    assert (lakeside.release, lakeside.zone.key, lakeside.sku_qualifier) == (
        "005010",
        "America/Chicago",
        "SK",
    )
    assert generic.unit_out("CS") == "CA" and lakeside.unit_out("CS") == "CT"
    assert generic.unit_in("CA") == "CS" and generic.unit_in("DZ") == "DZ"
    assert generic.unit_out("cases") is None
    assert generic.carrier_in("UPSN") == "ups" and generic.carrier_in("ZZZZ") is None
    assert (
        generic.scac_out("ups") == "UPSN"
        and generic.scac_out("ODFL") == "ODFL"
        and generic.scac_out("dhl x") is None
    )
    assert generic.ref("order") == "ON"


def _write(tmp_path: Path, mapping: dict) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(
        yaml.safe_dump({"name": "t", "envelope": {"sender_id": "A", "receiver_id": "B"}, "mapping": mapping})
    )
    return path


def test_profile_errors(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"mapping.references.order: True is a boolean"):
        PartnerProfile.load(_write(tmp_path, {"references": {"order": True}}))
    with pytest.raises(ProfileError, match="unknown zone 'Mars/Base'"):
        PartnerProfile.load(_write(tmp_path, {"dates": {"timezone": "Mars/Base"}}))
    with pytest.raises(ProfileError, match=r"mapping.adjustment_reasons.01: 'broken' is not one of"):
        PartnerProfile.load(_write(tmp_path, {"adjustment_reasons": {"01": "broken"}}))
    with pytest.raises(ProfileError, match="serial_segment must be N9 or MAN"):
        PartnerProfile.load(_write(tmp_path, {"serial_segment": "REF"}))
    yaml_booleans = tmp_path / "b.yaml"
    yaml_booleans.write_text("name: t\nmapping:\n  references: {order: ON}\n")
    with pytest.raises(ProfileError, match="quote codes"):
        PartnerProfile.load(yaml_booleans)


decimals = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999"), places=4, allow_nan=False)
signed = st.decimals(min_value=Decimal("-9999999"), max_value=Decimal("9999999"), places=3, allow_nan=False)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC)
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(quantity=decimals, when=moments, name=st.sampled_from(["generic-3pl", "lakeside-3pl"]))
def test_940_quantities_and_times_survive_exactly(quantity: Decimal, when: datetime, name: str) -> None:
    order = sales_order()
    order.lines[1].quantity.value = quantity
    order.requested_date = when
    back, _ = round_trip(w940, order, partner(name))
    assert back.lines[1].quantity.value == quantity
    assert back.requested_date == when
    assert back == order


@settings(max_examples=40, deadline=None)
@given(delta=signed, shift=st.integers(min_value=0, max_value=366 * 24))
def test_947_signed_deltas_across_dst_changes(delta: Decimal, shift: int) -> None:
    # hourly steps through a year in Chicago cross both DST changes
    when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=shift)
    doc = InventoryAdjustment(
        adjustment_id="A1",
        warehouse_code="WH",
        adjusted_at=when,
        lines=[
            {
                "sku": "S",
                "delta": {"value": delta, "uom": "EA"},
                "reason": "cycle_count",
                "partner_reason_code": "CC",
            }
        ],
    )
    back, _ = round_trip(w947, doc, partner("lakeside-3pl"))
    assert back == doc
    assert back.lines[0].reason is AdjustmentReason.CYCLE_COUNT


def _documents() -> list[tuple[str, object, dict]]:
    adj = InventoryAdjustment(
        adjustment_id="A1",
        warehouse_code="WH",
        adjusted_at=T,
        lines=[{"sku": "S", "delta": {"value": Decimal("-2"), "uom": "CS"}, "reason": "lost"}],
    )
    return [
        ("940", sales_order(), {}),
        ("945", shipment(), {}),
        ("943", expected_receipt(), {}),
        ("944", receipt(), {}),
        ("947", adj, {}),
        ("846", snapshot(), {}),
        (
            "856",
            shipment().model_copy(update={"final": True, "freight_cost": None}),
            {"order": sales_order()},
        ),
        ("214", tracking_events(), {}),
        ("180", return_authorization(), {"issued_at": T}),
        ("180", return_receipt(), {}),
    ]


@pytest.mark.parametrize("index", range(10))
def test_both_profiles_same_document_different_x12(index: int) -> None:
    set_id, doc, kw = _documents()[index]
    module = get_map(set_id)
    texts = []
    for name in ("generic-3pl", "lakeside-3pl"):
        p = partner(name)
        text = generate(module, doc, p, **kw)
        back = module.from_x12(read_back(text, p), p)
        if isinstance(doc, InventoryAdjustment):  # the partner's own code comes back with the reason
            assert back.lines[0].partner_reason_code == {"generic-3pl": "04", "lakeside-3pl": "LS"}[name]
            back.lines[0].partner_reason_code = None
        assert back == doc
        texts.append(text.split("~", 2)[2])  # after ISA and GS
    assert texts[0] != texts[1]
    assert texts[0].replace("*", "|") != texts[1]  # not just another element separator
