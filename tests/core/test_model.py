"""The canonical model: exact quantities, UTC times, strict documents, the envelope, the schemas."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import ValidationError

from crossdock.model import (
    EVENT_TYPES,
    CloudEvent,
    Item,
    Quantity,
    SalesOrder,
    ShipmentConfirmation,
    TrackingEvent,
    UnknownUom,
    parse_document,
)
from crossdock.model.schemas import all_schemas

from ..conftest import REPO


def item() -> Item:
    return Item(
        sku="WIDGET-1",
        name="Widget",
        base_uom="EA",
        conversions=[
            {"uom": "IN", "factor": "6"},
            {"uom": "CS", "factor": "12"},
            {"uom": "PL", "factor": "480"},
        ],
        packs=[
            {"level": "inner", "uom": "IN", "quantity": "6"},
            {"level": "case", "uom": "CS", "quantity": "12"},
        ],
        tracking="lot",
        tracks_expiry=True,
    )


def test_a_case_of_twelve_is_exactly_twelve_each():
    assert item().to_base(Quantity(value=Decimal("2"), uom="CS")) == Quantity(value=Decimal("24"), uom="EA")
    assert item().convert(Quantity(value=Decimal("1"), uom="PL"), "CS").value == Decimal("40")
    # Decimal, not float: half an inner pack of 6 is exactly 3 each.
    assert item().to_base(Quantity(value=Decimal("0.5"), uom="IN")).value == Decimal("3.0")


def test_unknown_uom_names_the_item():
    with pytest.raises(UnknownUom, match="item WIDGET-1 has no conversion for uom 'KG'"):
        item().to_base(Quantity(value=Decimal(1), uom="KG"))


def test_pack_without_conversion_is_rejected():
    with pytest.raises(ValidationError, match="pack level case uses uom 'CS' with no conversion"):
        Item(sku="X", name="x", packs=[{"level": "case", "uom": "CS", "quantity": "12"}])


def test_times_must_be_timezone_aware_and_become_utc():
    event = TrackingEvent(
        tracking_number="1Z",
        carrier="UPS",
        status="in_transit",
        occurred_at=datetime(2026, 11, 27, 9, 0, tzinfo=timezone(timedelta(hours=-5))),
    )
    assert event.occurred_at == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    assert event.occurred_at.tzinfo is UTC
    with pytest.raises(ValidationError, match="time must carry a timezone"):
        TrackingEvent(
            tracking_number="1Z", carrier="UPS", status="in_transit", occurred_at=datetime(2026, 11, 27)
        )


def test_documents_are_strict():
    data = {
        "order_id": "SO1",
        "customer": {"code": "C"},
        "ship_to": {"name": "x"},
        "lines": [{"line_no": "1", "sku": "A", "quantity": {"value": "1"}}],
    }
    assert parse_document("order.released", data).business_key() == "SO1"
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        SalesOrder.model_validate({**data, "colour": "red"})
    with pytest.raises(ValidationError, match="quantity cannot be negative"):
        SalesOrder.model_validate(
            {**data, "lines": [{"line_no": "1", "sku": "A", "quantity": {"value": "-1"}}]}
        )


def test_shipment_with_packages_lots_serials_and_sscc():
    shipment = ShipmentConfirmation.model_validate(
        {
            "shipment_id": "SH1",
            "order_id": "SO1",
            "warehouse_code": "DC1",
            "shipped_at": "2026-11-27T10:00:00Z",
            "lines": [
                {
                    "line_no": "1",
                    "sku": "A",
                    "shipped_quantity": {"value": "3"},
                    "lots": [{"lot": "L1", "quantity": {"value": "3"}, "expiry": "2027-01-01T00:00:00Z"}],
                    "serials": ["S1", "S2", "S3"],
                }
            ],
            "packages": [
                {
                    "package_id": "P1",
                    "sscc": "000123456789012345",
                    "weight": {"value": "2.5", "unit": "kg"},
                    "contents": [{"line_no": "1", "sku": "A", "quantity": {"value": "3"}}],
                }
            ],
            "freight_cost": {"amount": "12.40", "currency": "USD"},
            "tracking_number": "1Z999",
        }
    )
    assert shipment.packages[0].contents[0].quantity.value == Decimal(3)
    with pytest.raises(ValidationError, match="String should match pattern"):
        ShipmentConfirmation.model_validate(
            {**shipment.model_dump(mode="json"), "packages": [{"package_id": "P", "sscc": "123"}]}
        )


def test_pod_only_when_delivered():
    with pytest.raises(ValidationError, match="proof of delivery is only valid"):
        TrackingEvent(
            tracking_number="1Z",
            carrier="UPS",
            status="in_transit",
            occurred_at="2026-11-27T10:00:00Z",
            pod={"signed_by": "J. Doe"},
        )


def test_cloudevent_extensions_and_keys():
    event = CloudEvent(source="odoo://main", type="order.released", data={}, correlationid="c1")
    assert event.system == "odoo" and event.dedup_key == f"odoo://main#{event.id}"
    assert CloudEvent(source="wms/dc1", type="x", data={}, idempotencykey="k").dedup_key == "k"
    follow = event.caused("order.allocated", {}, source="wms://dc1")
    assert (follow.correlationid, follow.causationid) == ("c1", event.id)
    with pytest.raises(ValidationError, match="must be 1-20 lower-case letters or digits"):
        CloudEvent.model_validate({"source": "s", "type": "t", "data": {}, "Bad_Name": 1})


def test_every_event_type_has_a_schema_and_docs_are_current():
    schemas = all_schemas()
    assert {cls.__name__ for cls in EVENT_TYPES.values()} <= set(schemas)
    folder = REPO / "docs" / "schemas"
    for name, schema in schemas.items():
        written = json.loads((folder / f"{name}.schema.json").read_text())
        assert written == json.loads(json.dumps(schema)), (
            f"docs/schemas/{name} is stale: run crossdock schemas"
        )
