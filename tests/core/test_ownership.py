"""The ownership matrix: most specific rule wins; violations name field, owner and source."""

from __future__ import annotations

from crossdock.governance import DEFAULT_OWNERSHIP, OwnershipMatrix

matrix = OwnershipMatrix(DEFAULT_OWNERSHIP)


def shipment(**extra):
    line = {"line_no": "1", "sku": "A", "shipped_quantity": {"value": "1", "uom": "EA"}}
    return {"shipment_id": "SH1", "order_id": "SO1", "lines": [line], **extra}


def test_owner_may_send_its_document():
    assert matrix.violations("ShipmentConfirmation", shipment(), "wms-dc1", "warehouse") == []


def test_specific_rule_beats_the_document_default():
    data = shipment()
    data["lines"][0]["unit_price"] = {"amount": "1.00"}
    assert matrix.violations("ShipmentConfirmation", data, "wms-dc1", "warehouse") == [
        "field 'lines.0.unit_price' of ShipmentConfirmation is owned by erp; "
        "source system 'wms-dc1' (role warehouse) may not set it"
    ]


def test_shared_fields_accept_either_owner_but_not_others():
    data = shipment(tracking_number="1Z", freight_cost={"amount": "5"})
    assert matrix.violations("ShipmentConfirmation", {"tracking_number": "1Z"}, "karrio", "logistics") == []
    who = "source system 'odoo' (role erp)"
    assert matrix.violations("ShipmentConfirmation", data, "odoo", "erp") == [
        f"ShipmentConfirmation is owned by warehouse; {who} may not set its fields "
        "(shipment_id, order_id, lines.0.line_no, lines.0.sku, lines.0.shipped_quantity.value and 1 more)",
        f"field 'tracking_number' of ShipmentConfirmation is owned by logistics or warehouse; {who} may not set it",
        f"field 'freight_cost' of ShipmentConfirmation is owned by logistics or warehouse; {who} may not set it",
    ]


def test_empty_values_assert_nothing_and_unknown_documents_are_free():
    assert matrix.violations("SalesOrder", {"order_id": None, "lines": []}, "wms", "warehouse") == []
    assert matrix.violations("SomethingElse", {"a": 1}, "wms", "warehouse") == []


def test_system_name_can_own_directly():
    custom = OwnershipMatrix({"Item": {"*": "erp", "weight": "cubiscan"}})
    assert custom.violations("Item", {"weight": {"value": "1"}}, "cubiscan", None) == []
    assert custom.violations("Item", {"name": "x"}, "cubiscan", None) == [
        "Item is owned by erp; source system 'cubiscan' may not set its fields (name)"
    ]
