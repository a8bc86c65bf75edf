"""The emulator's events become crossdock's canonical documents through the bundled crossdock profile."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from crossdock.connectors.wms.profile import facility_xrefs, load_profile
from crossdock.connectors.wms.template import Context
from crossdock.model import parse_document
from crossdock.model.base import LotQuantity, Quantity
from crossdock.model.documents import AdjustmentReason

from .conftest import advance, events_of, order_body

PROFILE = load_profile("crossdock")
# the Context WmsSource builds, for an endpoint configured with facilities: {WH: WH1}
CONTEXT = Context(
    code_lists=PROFILE.profile.code_lists, xrefs=facility_xrefs(PROFILE.profile.xrefs, {"WH": "WH1"})
)


def documents(api, wms_type: str) -> list:
    """The feed's events of one type, rendered by the profile's templates as WmsSource does, then parsed."""
    out = []
    for event in events_of(api, wms_type):
        canonical_type = PROFILE.types[wms_type].render(event, CONTEXT)
        out.append(parse_document(canonical_type, PROFILE.events[wms_type].render(event, CONTEXT)))
    return out


def test_events_become_canonical_documents(api):
    api.post(
        "/_sim/config",
        json={"damaged_rate": 1.0, "cycle_count_variance_rate": 1.0, "cycle_count_bins_per_day": 2},
    )
    api.post(
        "/v1/orders",
        json=order_body(
            "SO0042",
            [
                {"line_ref": "10", "sku": "SKU00002", "qty": "8"},
                {"line_ref": "20", "sku": "SKU00003", "qty": "1"},
            ],
        ),
    )
    api.post(
        "/v1/inbound-notices",
        json={
            "external_id": "WH/IN/00012",
            "kind": "PO",
            "supplier": {"code": "S"},
            "po_number": "P00012",
            "lines": [
                {
                    "line_ref": "1",
                    "sku": "SKU00002",
                    "qty_expected": "6",
                    "lot": "LOT-77",
                    "expiry": "2027-08-31",
                }
            ],
        },
    )
    api.post(
        "/v1/inbound-notices",
        json={
            "external_id": "RMA0001",
            "kind": "RETURN",
            "original_order_ref": "SO0042",
            "expected_at": "2027-01-04T12:00:00Z",
            "lines": [{"line_ref": "1", "sku": "SKU00003", "qty_expected": "1"}],
        },
    )
    advance(api, 22 * 60)

    [ship] = documents(api, "shipment.confirmed")
    assert ship.business_key() == "SHP-000001" and ship.order_id == "SO0042" and ship.final is True
    assert ship.warehouse_code == "WH"  # the facility mapped back through the xref
    assert ship.lines[0].lots == [
        LotQuantity(
            lot="LOT-00002-A", quantity=Quantity(value=Decimal(8)), expiry=datetime(2027, 6, 1, tzinfo=UTC)
        )
    ]
    assert ship.lines[1].serials == ["SN-00003-001"]
    assert sum(c.quantity.value for pk in ship.packages for c in pk.contents) == Decimal(9)

    [rcpt] = documents(api, "receipt.confirmed")
    assert rcpt.purchase_order == "P00012"
    assert (rcpt.lines[0].received_quantity.value, rcpt.lines[0].damaged_quantity.value) == (
        Decimal(6),
        Decimal(1),
    )

    [ret] = documents(api, "return.received")
    assert ret.rma_id == "RMA0001" and ret.lines[0].serials == ["SN-00003-001"]

    [adj] = documents(api, "inventory.adjusted")
    assert {line.reason for line in adj.lines} == {AdjustmentReason.CYCLE_COUNT}

    [snap] = documents(api, "inventory.snapshot")
    assert snap.taken_at == datetime(2027, 1, 5, tzinfo=UTC)
    assert {line.status for line in snap.lines} == {"available", "damaged"}
