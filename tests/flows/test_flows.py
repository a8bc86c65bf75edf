"""The warehouse flows as pure functions: documents and context in, commands out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crossdock.flows import FLOWS, FlowContext, FlowError
from crossdock.flows.inventory import reconcile
from crossdock.flows.settings import FlowSettings
from crossdock.model import CloudEvent, parse_document

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ITEMS = {
    "CASE-12": {
        "sku": "CASE-12",
        "name": "Widget",
        "base_uom": "EA",
        "conversions": [{"uom": "CS", "factor": "12"}],
        "weight": {"value": "0.5", "unit": "kg"},
    },
    "LOTTED": {
        "sku": "LOTTED",
        "name": "Serum",
        "tracking": "lot",
        "tracks_expiry": True,
        "shelf_life_days": 365,
        "weight": {"value": "0.1", "unit": "kg"},
    },
}
SETTINGS = FlowSettings.model_validate(
    {
        "warehouses": {"DC1": {"endpoint": "wms-dc1", "units": "base"}, "3PL": {"endpoint": "tpl-acme"}},
        "erp_endpoint": "odoo",
        "reports_endpoint": "reports",
    }
)


class Docs(dict):
    def get(self, doc_type, key):  # noqa: D401 - the Documents protocol
        return super().get((doc_type, key))


def run(
    flow: str,
    event_type: str,
    data: dict,
    docs: Docs | None = None,
    endpoint: str | None = None,
    settings: FlowSettings = SETTINGS,
):
    documents = Docs({("Item", sku): item for sku, item in ITEMS.items()}) | (docs or Docs())
    event = CloudEvent(source="test://", type=event_type, data=data)
    ctx = FlowContext(endpoint=endpoint, settings=settings, documents=Docs(documents))
    return FLOWS[flow](parse_document(event_type, data), event, ctx)


def order(warehouse: str = "DC1") -> dict:
    return {
        "order_id": "SO7",
        "customer": {"code": "C1"},
        "ship_to": {"name": "Store"},
        "warehouse_code": warehouse,
        "lines": [
            {"line_no": "1", "sku": "CASE-12", "quantity": {"value": "2", "uom": "CS"}},
            {"line_no": "2", "sku": "LOTTED", "quantity": {"value": "5", "uom": "EA"}},
        ],
    }


def test_release_routes_by_warehouse_and_converts_to_the_units_it_counts():
    [command] = run("outbound.release", "order.released", order("DC1"))
    assert command.endpoint == "wms-dc1" and command.action == "order.released"
    assert [line["quantity"] for line in command.payload["lines"]] == [
        {"value": "24", "uom": "EA"},
        {"value": "5", "uom": "EA"},
    ]
    [as_ordered] = run("outbound.release", "order.released", order("3PL"))
    assert as_ordered.endpoint == "tpl-acme" and as_ordered.payload["lines"][0]["quantity"] == {
        "value": "2",
        "uom": "CS",
    }
    with pytest.raises(FlowError, match="no endpoint reaches warehouse 'XX'"):
        run("outbound.release", "order.released", order("XX"))


def test_unknown_sku_is_refused_when_the_item_master_is_required():
    strict = SETTINGS.model_copy(update={"require_known_items": True})
    data = order()
    data["lines"][0]["sku"] = "GHOST"
    with pytest.raises(FlowError, match="unknown SKU 'GHOST': not in the item master"):
        run("outbound.release", "order.released", data, settings=strict)


def shipment(lines: list[dict], order_id: str = "SO7") -> dict:
    return {
        "shipment_id": "SH1",
        "order_id": order_id,
        "warehouse_code": "DC1",
        "shipped_at": NOW.isoformat(),
        "lines": lines,
    }


def test_confirmation_comes_back_in_the_ordered_unit():
    docs = Docs({("SalesOrder", "SO7"): order()})
    [command] = run(
        "outbound.confirm",
        "shipment.confirmed",
        shipment(
            [
                {"line_no": "1", "sku": "CASE-12", "shipped_quantity": {"value": "18", "uom": "EA"}},
                {
                    "line_no": "2",
                    "sku": "LOTTED",
                    "shipped_quantity": {"value": "5", "uom": "EA"},
                    "lots": [{"lot": "L1", "quantity": {"value": "5", "uom": "EA"}}],
                },
            ]
        ),
        docs,
    )
    assert command.endpoint == "odoo"
    assert command.payload["lines"][0]["shipped_quantity"] == {"value": "1.5", "uom": "CS"}
    assert command.payload["lines"][0]["ordered_quantity"] == {"value": "2", "uom": "CS"}


@pytest.mark.parametrize(
    ("lines", "order_id", "message"),
    [
        (
            [{"line_no": "1", "sku": "CASE-12", "shipped_quantity": {"value": "30", "uom": "EA"}}],
            "SO7",
            "line 1: 2.5 CS shipped but 2 CS ordered",
        ),
        (
            [{"line_no": "2", "sku": "LOTTED", "shipped_quantity": {"value": "1", "uom": "EA"}}],
            "SO7",
            "LOTTED is lot-tracked but no lot was given",
        ),
        (
            [{"line_no": "9", "sku": "OTHER", "shipped_quantity": {"value": "1", "uom": "EA"}}],
            "SO7",
            r"line 9 \(OTHER\) is not on order SO7",
        ),
        (
            [{"line_no": "1", "sku": "CASE-12", "shipped_quantity": {"value": "1", "uom": "EA"}}],
            "SO999",
            "confirms unknown order 'SO999'",
        ),
    ],
)
def test_bad_confirmations_are_refused_with_the_reason(lines, order_id, message):
    docs = Docs({("SalesOrder", "SO7"): order()})
    with pytest.raises(FlowError, match=message):
        run("outbound.confirm", "shipment.confirmed", shipment(lines, order_id), docs)


def test_cancellation_goes_to_the_warehouse_that_has_the_order():
    docs = Docs({("SalesOrder", "SO7"): order("3PL")})
    [command] = run(
        "outbound.cancel", "order.cancelled", {"order_id": "SO7", "cancelled_at": NOW.isoformat()}, docs
    )
    assert command.endpoint == "tpl-acme"


def test_receipt_discrepancies_per_sku():
    expected = {
        "receipt_id": "IN/1",
        "purchase_order": "PO1",
        "supplier": {"code": "S1", "name": "Acme"},
        "warehouse_code": "DC1",
        "lines": [
            {"line_no": "1", "sku": "CASE-12", "quantity": {"value": "10", "uom": "CS"}},
            {"line_no": "2", "sku": "LOTTED", "quantity": {"value": "50", "uom": "EA"}},
        ],
    }
    received = {
        "receipt_id": "IN/1",
        "warehouse_code": "DC1",
        "received_at": NOW.isoformat(),
        "lines": [
            {
                "line_no": "1",
                "sku": "CASE-12",
                "received_quantity": {"value": "120", "uom": "EA"},
                "damaged_quantity": {"value": "6", "uom": "EA"},
            },
            {
                "line_no": "2",
                "sku": "LOTTED",
                "received_quantity": {"value": "55", "uom": "EA"},
                "lots": [
                    {"lot": "L9", "quantity": {"value": "55", "uom": "EA"}, "expiry": "2027-11-01T00:00:00Z"}
                ],
            },
        ],
    }
    erp, report = run(
        "inbound.receive", "receipt.confirmed", received, Docs({("ExpectedReceipt", "IN/1"): expected})
    )
    assert (erp.endpoint, erp.action) == ("odoo", "receipt.confirmed")
    assert (report.endpoint, report.action) == ("reports", "discrepancy.reported")
    assert report.payload["supplier"] == {"code": "S1", "name": "Acme"}
    assert report.payload["lines"] == [
        {
            "sku": "CASE-12",
            "uom": "CS",
            "expected": "10",
            "received": "10",
            "damaged": "0.5",
            "difference": "0",
            "kind": "damaged",
        },
        {
            "sku": "LOTTED",
            "uom": "EA",
            "expected": "50",
            "received": "55",
            "damaged": "0",
            "difference": "5",
            "kind": "over",
        },
    ]
    with pytest.raises(FlowError, match="receipt 'IN/2' was never expected"):
        run("inbound.receive", "receipt.confirmed", {**received, "receipt_id": "IN/2"})


def test_returns_only_what_was_authorized():
    rma = {
        "rma_id": "RMA1",
        "customer": {"code": "C1"},
        "warehouse_code": "DC1",
        "lines": [{"line_no": "1", "sku": "CASE-12", "quantity": {"value": "1", "uom": "EA"}}],
    }
    [to_wms] = run("returns.authorize", "return.authorized", rma)
    assert to_wms.endpoint == "wms-dc1"
    back = {
        "rma_id": "RMA1",
        "warehouse_code": "DC1",
        "received_at": NOW.isoformat(),
        "lines": [
            {
                "line_no": "1",
                "sku": "LOTTED",
                "quantity": {"value": "1"},
                "condition": "damaged",
                "disposition": "scrap",
            }
        ],
    }
    with pytest.raises(FlowError, match="LOTTED was not authorized for return"):
        run("returns.receive", "return.received", back, Docs({("ReturnAuthorization", "RMA1"): rma}))


def test_items_are_checked_then_sent_to_every_warehouse():
    commands = run("master.items", "item.changed", ITEMS["CASE-12"])
    assert sorted(c.endpoint for c in commands) == ["tpl-acme", "wms-dc1"]
    with pytest.raises(FlowError, match="item NOWEIGHT is not ready for the warehouses: weight: missing"):
        run("master.items", "item.changed", {"sku": "NOWEIGHT", "name": "x"})
    with pytest.raises(FlowError, match=r"base_uom: unknown unit 'Bucket'"):
        run("master.items", "item.changed", {**ITEMS["CASE-12"], "base_uom": "Bucket"})
    with pytest.raises(FlowError, match=r"shelf_life_days: an expiry-tracked item needs its shelf life"):
        run("master.items", "item.changed", {**ITEMS["LOTTED"], "shelf_life_days": None})


def test_reconcile_adjusts_within_tolerance_and_raises_the_rest():
    from decimal import Decimal as D

    result = reconcile(
        {("A", None): D(100), ("B", "L1"): D(48), ("C", None): D(5)},
        {("A", None): D(100), ("B", "L1"): D(50), ("C", None): D(20), ("D", None): D(1)},
        tolerance_units=D(2),
        tolerance_percent=D(0),
    )
    assert [(line["sku"], line["result"]) for line in result["lines"]] == [
        ("A", "match"),
        ("B", "adjusted"),
        ("C", "review"),
        ("D", "adjusted"),
    ]
    assert result["accuracy"] == "25.00" and result["positions"] == 4


def test_a_wms_that_counts_cases_and_one_that_does_not_echo_line_references():
    cases = FlowSettings.model_validate(
        {"warehouses": {"DC1": {"endpoint": "ext", "units": "CS"}}, "erp_endpoint": "odoo"}
    )
    data = order()
    data["lines"] = [{"line_no": "1", "sku": "CASE-12", "quantity": {"value": "36", "uom": "EA"}}]
    [command] = run("outbound.release", "order.released", data, settings=cases)
    assert command.payload["lines"][0]["quantity"] == {"value": "3", "uom": "CS"}
    docs = Docs({("SalesOrder", "SO7"): order()})
    [back] = run(
        "outbound.confirm",
        "shipment.confirmed",
        shipment(
            [{"line_no": "wms-line-77", "sku": "CASE-12", "shipped_quantity": {"value": "1", "uom": "CS"}}]
        ),
        docs,
    )
    assert back.payload["lines"][0]["line_no"] == "1"  # matched by SKU, the only line with it
