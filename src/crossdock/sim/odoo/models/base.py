"""res.company, res.users, res.country, res.currency, ir.model(.fields) and the bootstrap data."""

from __future__ import annotations

from typing import Any

from ..fields import Boolean, Char, Integer, Many2many, Many2one, One2many, Selection
from ..orm import Env
from ..registry import Registry
from ..service import context_for

ADMIN_PASSWORD = "admin"
ADMIN_API_KEY = "crossdock-sim-admin-api-key"
VIEWER_API_KEY = "crossdock-sim-viewer-api-key"


def register(reg: Registry) -> None:
    reg.model(
        "res.company",
        "Companies",
        [
            Char("name", "Company Name", required=True),
            Many2one("partner_id", "res.partner", "Partner"),
            Many2one("currency_id", "res.currency", "Currency"),
            Char("street"),
            Char("city"),
            Char("zip"),
            Many2one("country_id", "res.country", "Country"),
        ],
    )
    reg.model(
        "res.currency",
        "Currency",
        [
            Char("name", "Currency", required=True),
            Char("symbol"),
            Boolean("active", default=True),
        ],
    )
    reg.model(
        "res.country", "Country", [Char("name", "Country Name", required=True), Char("code", "Country Code")]
    )
    reg.model(
        "res.country.state",
        "Country state",
        [
            Char("name", required=True),
            Char("code", required=True),
            Many2one("country_id", "res.country", "Country"),
        ],
    )
    groups = "group_ids" if reg.major >= 19 else "groups_id"
    reg.model("res.groups", "Access Groups", [Char("name", required=True)])
    reg.model(
        "res.users",
        "User",
        [
            Char("login", "Login", required=True),
            Many2one("partner_id", "res.partner", "Related Partner", required=True, ondelete="restrict"),
            Char("name", related="partner_id.name"),
            Boolean("active", default=True),
            Many2one("company_id", "res.company", "Company", default=1),
            Many2many("company_ids", "res.company", "Companies"),
            Many2many(groups, "res.groups", "Groups"),
            Selection("lang", [("en_US", "English (US)")], "Language", default="en_US"),
            Char("tz", "Timezone", default="UTC"),
            Char("email", related="partner_id.email"),
        ],
        display=lambda env, rid: env.value("res.users", rid, "name") or "",
    )
    reg.model(
        "ir.model",
        "Models",
        [
            Char("name", "Model Description", required=True),
            Char("model", "Model", required=True),
            One2many("field_id", "ir.model.fields", "model_id", "Fields"),
            Boolean("transient", "Transient Model"),
        ],
        order="model",
    )
    reg.model(
        "ir.model.fields",
        "Fields",
        [
            Char("name", "Field Name", required=True),
            Char("field_description", "Field Label"),
            Char("model", "Model Name"),
            Many2one("model_id", "ir.model", "Model", ondelete="cascade"),
            Char("ttype", "Field Type"),
            Char("relation", "Related Model"),
            Boolean("store", "Stored"),
        ],
        order="name",
    )

    reg.model(
        "ir.model.fields.selection",
        "Fields Selection",
        [
            Many2one("field_id", "ir.model.fields", "Field", required=True, ondelete="cascade"),
            Char("value", required=True),
            Char("name", required=True),
            Integer("sequence", default=1000),
        ],
        order="sequence, id",
    )
    reg.model(
        "ir.model.data",
        "Model Data",
        [
            Char("name", "External Identifier", required=True),
            Char("module", required=True),
            Char("model", "Model Name", required=True),
            Integer("res_id", "Record ID"),
            Char(
                "complete_name",
                compute=lambda env, rid: "{module}.{name}".format(**env.row("ir.model.data", rid)),
            ),
            Boolean("noupdate", "Non Updatable"),
        ],
        order="module, model, name",
    )

    @reg.method("ir.model.data", "check_object_reference", kind="model")
    def check_object_reference(
        env: Env, model: str, module: str, xml_id: str, raise_on_access_error: bool = False
    ) -> list:
        """What odoorpc's env.ref() calls: [model, res_id] or ValueError."""
        for rid in env.store.table("ir.model.data").lookup("name", xml_id):
            row = env.row("ir.model.data", rid)
            if row["module"] == module:
                return [row["model"], row["res_id"]]
        raise ValueError(f"External ID not found in the system: {module}.{xml_id}")

    @reg.method("res.users", "context_get", kind="model")
    def context_get(env: Env, model: str) -> dict:
        return context_for(env, env.uid)


def bootstrap(env: Env) -> None:
    """Minimal data every fresh database has: company, users, ir.model rows, UoMs, locations, warehouse."""
    from .product import bootstrap_uoms
    from .stock import bootstrap_locations, create_warehouse

    usd = env.create("res.currency", {"name": "USD", "symbol": "$"})
    us = env.create("res.country", {"name": "United States", "code": "US"})
    env.create("res.country", {"name": "Belgium", "code": "BE"})
    partner = env.create("res.partner", {"name": "YourCompany", "is_company": True, "country_id": us})
    env.create("res.company", {"name": "YourCompany", "partner_id": partner, "currency_id": usd})
    env.write("res.partner", [partner], {"company_id": 1})
    bot = env.create("res.partner", {"name": "OdooBot"})
    env.create("res.users", {"login": "__system__", "partner_id": bot, "active": False, "__role": "admin"})
    admin_partner = env.create(
        "res.partner", {"name": "Mitchell Admin", "email": "admin@example.com", "parent_id": partner}
    )
    env.create(
        "res.users",
        {
            "login": "admin",
            "partner_id": admin_partner,
            "__role": "admin",
            "__password": ADMIN_PASSWORD,
            "__api_keys": [{"key": ADMIN_API_KEY, "scope": None, "name": "crossdock"}],
        },
    )
    viewer_partner = env.create("res.partner", {"name": "Read-only Viewer", "parent_id": partner})
    env.create(
        "res.users",
        {
            "login": "viewer",
            "partner_id": viewer_partner,
            "__role": "readonly",
            "__password": "viewer",
            "__api_keys": [{"key": VIEWER_API_KEY, "scope": "rpc", "name": "read-only"}],
        },
    )
    _ir_models(env)
    bootstrap_uoms(env)
    bootstrap_locations(env)
    create_warehouse(env, "WH", "YourCompany", partner)
    _xmlids(env)


XMLIDS = [
    ("base", "main_company", "res.company", "name", "YourCompany"),
    ("base", "main_partner", "res.partner", "name", "YourCompany"),
    ("base", "user_admin", "res.users", "login", "admin"),
    ("base", "partner_admin", "res.partner", "name", "Mitchell Admin"),
    ("base", "USD", "res.currency", "name", "USD"),
    ("base", "us", "res.country", "code", "US"),
    ("base", "be", "res.country", "code", "BE"),
    ("uom", "product_uom_unit", "uom.uom", "name", "Units"),
    ("uom", "product_uom_dozen", "uom.uom", "name", "Dozens"),
    ("uom", "product_uom_kgm", "uom.uom", "name", "kg"),
    ("uom", "product_uom_gram", "uom.uom", "name", "g"),
    ("uom", "product_uom_categ_unit", "uom.category", "name", "Unit"),
    ("uom", "product_uom_categ_kgm", "uom.category", "name", "Weight"),
    ("product", "product_category_all", "product.category", "name", "All"),
    ("stock", "stock_location_locations", "stock.location", "name", "Physical Locations"),
    ("stock", "stock_location_locations_partner", "stock.location", "name", "Partners"),
    ("stock", "stock_location_locations_virtual", "stock.location", "name", "Virtual Locations"),
    ("stock", "stock_location_suppliers", "stock.location", "name", "Vendors"),
    ("stock", "stock_location_customers", "stock.location", "name", "Customers"),
    ("stock", "location_inventory", "stock.location", "name", "Inventory adjustment"),
    ("stock", "stock_location_scrapped", "stock.location", "name", "Scrap"),
    ("stock", "warehouse0", "stock.warehouse", "code", "WH"),
    ("stock", "stock_location_stock", "stock.location", "name", "Stock"),
    ("stock", "picking_type_in", "stock.picking.type", "sequence_code", "IN"),
    ("stock", "picking_type_out", "stock.picking.type", "sequence_code", "OUT"),
    ("stock", "picking_type_internal", "stock.picking.type", "sequence_code", "INT"),
]


def _xmlids(env: Env) -> None:
    """External ids of the bootstrap records, so env.ref('stock.stock_location_stock') works like in Odoo."""
    for module, name, model, key, value in XMLIDS:
        if model not in env.registry:
            continue
        found = sorted(env.store.table(model).lookup(key, value))
        if found:
            env.create(
                "ir.model.data",
                {"module": module, "name": name, "model": model, "res_id": found[0], "noupdate": True},
            )


def _ir_models(env: Env) -> None:
    for name in sorted(env.registry.models):
        mdef = env.registry[name]
        mid = env.create("ir.model", {"name": mdef.description, "model": name, "transient": mdef.transient})
        for fname, fld in mdef.fields.items():
            env.create(
                "ir.model.fields",
                {
                    "name": fname,
                    "field_description": fld.string,
                    "model": name,
                    "model_id": mid,
                    "ttype": fld.type,
                    "relation": fld.relation or False,
                    "store": fld.stored,
                },
            )
            if fld.type == "selection" and fld.selection:
                fid = env.store.table("ir.model.fields").next_id - 1
                for seq, (value, label) in enumerate(fld.selection):
                    env.create(
                        "ir.model.fields.selection",
                        {"field_id": fid, "value": value, "name": label, "sequence": seq},
                    )


def model_id(env: Env, model: str) -> int:
    return next(iter(env.store.table("ir.model").lookup("model", model)))


def pick(values: dict, *keys: str) -> dict[str, Any]:
    return {k: values[k] for k in keys if k in values}
