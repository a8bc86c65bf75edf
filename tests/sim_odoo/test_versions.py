"""Version personality: models, fields, selections and methods that differ between 16.0 and 19.0."""

from __future__ import annotations

import pytest

from .conftest import Sim

# (model, field, versions that have it)
FIELDS = [
    ("stock.move", "quantity_done", {16}),
    ("stock.move", "reserved_availability", {16}),
    ("stock.move", "quantity", {17, 18, 19}),
    ("stock.move", "picked", {17, 18, 19}),
    ("stock.move", "name", {16, 17, 18}),
    ("stock.move", "location_final_id", {18, 19}),
    ("stock.move.line", "qty_done", {16}),
    ("stock.move.line", "reserved_uom_qty", {16}),
    ("stock.move.line", "quantity", {17, 18, 19}),
    ("stock.move.line", "picked", {17, 18, 19}),
    ("stock.picking", "immediate_transfer", {16}),
    ("stock.picking", "move_ids_without_package", {16, 17, 18}),
    ("stock.picking", "return_id", {17, 18, 19}),
    ("stock.picking", "date", {16, 17, 18}),
    ("stock.lot", "location_id", {17, 18, 19}),
    ("product.template", "detailed_type", {16, 17}),
    ("product.template", "is_storable", {18, 19}),
    ("product.template", "uom_po_id", {16, 17, 18}),
    ("product.product", "packaging_ids", {16, 17, 18}),
    ("uom.uom", "category_id", {16, 17, 18}),
    ("uom.uom", "relative_factor", {19}),
    ("sale.order", "locked", {17, 18, 19}),
    ("sale.order.line", "product_uom", {16, 17, 18}),
    ("sale.order.line", "product_uom_id", {19}),
    ("purchase.order.line", "product_uom", {16, 17, 18}),
    ("purchase.order", "notes", {16, 17, 18}),
    ("purchase.order", "note", {19}),
    ("purchase.order", "locked", {19}),
    ("res.partner", "mobile", {16, 17, 18}),
    ("res.partner", "complete_name", {17, 18, 19}),
    ("ir.actions.server", "webhook_url", {17, 18, 19}),
    ("ir.cron", "numbercall", {16, 17}),
    ("ir.cron", "failure_count", {18, 19}),
    ("stock.warehouse", "return_type_id", {16}),
    ("stock.warehouse", "qc_type_id", {18, 19}),
    ("stock.move", "packaging_uom_id", {19}),
    ("stock.move", "product_packaging_id", {16, 17, 18}),
    ("res.users", "groups_id", {16, 17, 18}),
    ("res.users", "group_ids", {19}),
    ("stock.picking.type", "create_backorder", {16, 17, 18, 19}),
]

MODELS = [
    ("uom.category", {16, 17, 18}),
    ("product.packaging", {16, 17, 18}),
    ("stock.quant.package", {16, 17, 18}),
    ("stock.package", {19}),
    ("stock.immediate.transfer", {16}),
    ("stock.lot", {16, 17, 18, 19}),
]


@pytest.mark.parametrize(("model", "field", "versions"), FIELDS, ids=[f"{m}.{f}" for m, f, _ in FIELDS])
def test_field_presence(sim: Sim, model: str, field: str, versions: set[int]) -> None:
    fields = sim.x(model, "fields_get", [], ["type"])
    assert (field in fields) == (sim.major in versions)


@pytest.mark.parametrize(("model", "versions"), MODELS, ids=[m for m, _ in MODELS])
def test_model_presence(sim: Sim, model: str, versions: set[int]) -> None:
    # odoorpc checks ir.model the same way before building a model proxy
    assert bool(sim.x("ir.model", "search", [["model", "=", model]])) == (sim.major in versions)


def test_selections(sim: Sim) -> None:
    def keys(model: str, field: str) -> list[str]:
        return [k for k, _ in sim.x(model, "fields_get", [field], ["selection"])[field]["selection"]]

    assert keys("product.template", "type") == (
        ["consu", "service", "combo"] if sim.major >= 18 else ["consu", "service", "product"]
    )
    assert keys("sale.order", "state") == (
        ["draft", "sent", "sale", "done", "cancel"]
        if sim.major == 16
        else ["draft", "sent", "sale", "cancel"]
    )
    assert ("done" in keys("purchase.order", "state")) == (sim.major <= 18)
    assert ("private" in keys("res.partner", "type")) == (sim.major == 16)


def test_storable_product_type(sim: Sim) -> None:
    if sim.major >= 18:
        fault = sim.fault("product.product", "create", {"name": "Old style", "type": "product"})
        assert fault.faultCode == 1 and "Wrong value for product.product.type: 'product'" in fault.faultString
        pid = sim.x("product.product", "create", {"name": "New style", "type": "consu", "is_storable": True})
        assert sim.x("product.product", "read", [pid], ["type", "is_storable"])[0] == {
            "id": pid,
            "type": "consu",
            "is_storable": True,
        }
    else:
        pid = sim.x("product.template", "create", {"name": "Old style", "detailed_type": "product"})
        assert sim.x("product.template", "read", [pid], ["type", "detailed_type"])[0] == {
            "id": pid,
            "type": "product",
            "detailed_type": "product",
        }


def test_method_names(sim: Sim) -> None:
    def has(model: str, method: str) -> bool:
        return method in sim.db.registry[model].methods

    assert has("res.partner", "name_get") == (sim.major <= 17)
    assert has("stock.return.picking", "create_returns") == (sim.major <= 17)
    assert has("stock.return.picking", "action_create_returns") == (sim.major >= 18)
    assert has("stock.picking", "action_set_quantities_to_reservation") == (sim.major == 16)
    assert has("sale.order", "action_lock") == (sim.major >= 17)


def test_package_model_per_version(sim: Sim) -> None:
    model = "stock.package" if sim.major >= 19 else "stock.quant.package"
    relation = sim.x("stock.move.line", "fields_get", ["result_package_id"], ["relation"])
    assert relation == {"result_package_id": {"relation": model}}
    pack = sim.x(model, "create", {})
    assert sim.x(model, "read", [pack], ["name"])[0]["name"] == f"PACK{pack:07d}"


def test_stock_move_name_required_until_18(sim: Sim) -> None:
    out_type = sim.one(
        "stock.picking.type", [["sequence_code", "=", "OUT"], ["warehouse_id.code", "=", "WH"]]
    )
    pick = sim.x("stock.picking", "create", {"picking_type_id": out_type})
    vals = {"picking_id": pick, "product_id": sim.product("SKU00001"), "product_uom_qty": 1}
    if sim.major <= 18:
        fault = sim.fault("stock.move", "create", vals)
        assert fault.faultCode == 2
        assert fault.faultString.endswith("Model: Stock Move (stock.move)\nField: Description (name)")
        vals["name"] = "Needed up to 18.0"
    move = sim.x("stock.move", "create", vals)
    assert sim.x("stock.move", "read", [move], ["picking_id", "state"])[0] == {
        "id": move,
        "picking_id": [pick, sim.x("stock.picking", "read", [pick], ["name"])[0]["name"]],
        "state": "draft",
    }
