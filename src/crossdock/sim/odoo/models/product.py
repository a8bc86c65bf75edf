"""uom, product.category, product.template / product.product, product.packaging."""

from __future__ import annotations

from typing import Any

from ..fields import Boolean, Char, Float, Integer, Many2one, One2many, Selection
from ..orm import Env
from ..registry import Registry

TEMPLATE_FIELDS = (
    "name",
    "type",
    "detailed_type",
    "is_storable",
    "categ_id",
    "uom_id",
    "uom_po_id",
    "list_price",
    "standard_price",
    "weight",
    "volume",
    "sale_ok",
    "purchase_ok",
    "tracking",
    "use_expiration_date",
    "expiration_time",
    "use_time",
    "removal_time",
    "alert_time",
    "invoice_policy",
    "description_sale",
    "company_id",
    "purchase_method",
)


def type_selection(major: int) -> list[tuple[str, str]]:
    if major >= 18:
        return [("consu", "Goods"), ("service", "Service"), ("combo", "Combo")]
    return [("consu", "Consumable"), ("service", "Service"), ("product", "Storable Product")]


def is_storable(env: Env, product_id: int) -> bool:
    if env.p.storable_flag:
        return bool(env.value("product.product", product_id, "is_storable"))
    return env.value("product.product", product_id, "type") == "product"


def product_display(env: Env, rid: int) -> str:
    code = env.row("product.product", rid).get("default_code")
    name = env.value("product.product", rid, "name")
    return f"[{code}] {name}" if code else name


def template_display(env: Env, rid: int) -> str:
    code = _variant_value(env, rid, "default_code")
    name = env.row("product.template", rid).get("name")
    return f"[{code}] {name}" if code else name


def _variants(env: Env, tmpl_id: int) -> list[int]:
    return sorted(env.store.table("product.product").lookup("product_tmpl_id", tmpl_id))


def _variant_value(env: Env, tmpl_id: int, fname: str) -> Any:
    variants = _variants(env, tmpl_id)
    return env.row("product.product", variants[0]).get(fname) or False if len(variants) == 1 else False


def _set_variant_value(fname: str) -> Any:
    def inverse(env: Env, tmpl_id: int, value: Any) -> None:
        variants = _variants(env, tmpl_id)
        if len(variants) == 1:
            env.write("product.product", variants, {fname: value})

    return inverse


def _quant_qty(env: Env, product_id: int, which: str) -> float:
    from .stock import quant_location_ids, reserved_for

    locs = quant_location_ids(env)
    total = 0.0
    for qid in env.store.table("stock.quant").lookup("product_id", product_id):
        q = env.row("stock.quant", qid)
        if q["location_id"] in locs:
            total += q["quantity"] - (reserved_for(env, qid) if which == "free" else 0.0)
    return total


def _moves_qty(env: Env, product_id: int, direction: str) -> float:
    from .stock import quant_location_ids

    locs = quant_location_ids(env)
    total = 0.0
    for mid in env.store.table("stock.move").lookup("product_id", product_id):
        m = env.row("stock.move", mid)
        if m["state"] in ("done", "cancel", "draft"):
            continue
        src_in, dst_in = m["location_id"] in locs, m["location_dest_id"] in locs
        if direction == "in" and dst_in and not src_in:
            total += m["product_uom_qty"]
        if direction == "out" and src_in and not dst_in:
            total += m["product_uom_qty"]
    return total


def register(reg: Registry) -> None:
    major = reg.major
    reg.model(
        "uom.category",
        "Product UoM Categories",
        [Char("name", "Unit of Measure Category", required=True)],
        until=18,
    )
    reg.model(
        "uom.uom",
        "Product Unit of Measure",
        [
            Char("name", "Unit of Measure", required=True),
            Many2one("category_id", "uom.category", "Category", required=True, until=18, ondelete="restrict"),
            Float("factor", "Ratio", default=1.0),
            Float(
                "factor_inv",
                "Bigger Ratio",
                until=18,
                compute=lambda env, rid: 1.0 / (env.row("uom.uom", rid).get("factor") or 1.0),
            ),
            Selection(
                "uom_type",
                [
                    ("bigger", "Bigger than the reference Unit of Measure"),
                    ("reference", "Reference Unit of Measure for this category"),
                    ("smaller", "Smaller than the reference Unit of Measure"),
                ],
                "Type",
                default="reference",
                until=18,
            ),
            Many2one("relative_uom_id", "uom.uom", "Reference Unit", since=19),
            Float("relative_factor", "Contains", default=1.0, since=19),
            Float("rounding", "Rounding Precision", default=0.01),
            Boolean("active", default=True),
        ],
        order="name",
    )
    reg.model(
        "product.category",
        "Product Category",
        [
            Char("name", required=True),
            Many2one("parent_id", "product.category", "Parent Category"),
            Char("complete_name", compute=lambda env, rid: _categ_name(env, rid)),
        ],
        parent_name="parent_id",
        display=lambda env, rid: _categ_name(env, rid),
        order="complete_name",
    )
    common = [
        Many2one("categ_id", "product.category", "Product Category", default=1),
        Many2one("uom_id", "uom.uom", "Unit of Measure", default=1),
        Many2one("uom_po_id", "uom.uom", "Purchase Unit", default=1, until=18),
        Float("list_price", "Sales Price", default=1.0),
        Float("standard_price", "Cost"),
        Float("weight"),
        Float("volume"),
        Boolean("sale_ok", "Can be Sold", default=True),
        Boolean("purchase_ok", "Can be Purchased", default=True),
        Selection(
            "tracking",
            [("serial", "By Unique Serial Number"), ("lot", "By Lots"), ("none", "By Quantity")],
            "Tracking",
            default="none",
        ),
        Boolean("use_expiration_date", "Use Expiration Date"),
        Integer("expiration_time", "Expiration Time"),
        Integer("use_time", "Best Before Time"),
        Integer("removal_time", "Removal Time"),
        Integer("alert_time", "Alert Time"),
        Selection(
            "invoice_policy",
            [("order", "Ordered quantities"), ("delivery", "Delivered quantities")],
            "Invoicing Policy",
            default="order",
        ),
        Selection(
            "purchase_method",
            [("purchase", "On ordered quantities"), ("receive", "On received quantities")],
            "Control Policy",
            default="receive",
        ),
        Char("description_sale", "Sales Description"),
        Many2one("company_id", "res.company", "Company"),
    ]
    types = type_selection(major)
    tmpl_only = [
        Char("name", required=True),
        Selection("type", types, "Product Type"),
        Selection("detailed_type", types, "Product Type", until=17),
        Boolean("is_storable", "Track Inventory", since=18),
        Boolean("active", default=True),
        Char(
            "default_code",
            "Internal Reference",
            compute=lambda env, rid: _variant_value(env, rid, "default_code"),
            inverse=_set_variant_value("default_code"),
        ),
        Char(
            "barcode",
            compute=lambda env, rid: _variant_value(env, rid, "barcode"),
            inverse=_set_variant_value("barcode"),
        ),
        One2many("product_variant_ids", "product.product", "product_tmpl_id", "Products"),
        Many2one(
            "product_variant_id",
            "product.product",
            "Product",
            compute=lambda env, rid: (_variants(env, rid) or [False])[0],
        ),
        Float(
            "qty_available",
            "Quantity On Hand",
            compute=lambda env, rid: sum(_quant_qty(env, v, "on_hand") for v in _variants(env, rid)),
        ),
    ]
    reg.model("product.template", "Product", tmpl_only + common, order="name", display=template_display)
    related = [related_twin(f) for f in common] + [
        Char("name", related="product_tmpl_id.name"),
        Selection("type", types, "Product Type", related="product_tmpl_id.type"),
        Selection("detailed_type", types, "Product Type", related="product_tmpl_id.detailed_type", until=17),
        Boolean("is_storable", "Track Inventory", related="product_tmpl_id.is_storable", since=18),
    ]
    reg.model(
        "product.product",
        "Product Variant",
        related
        + [
            Many2one(
                "product_tmpl_id", "product.template", "Product Template", required=True, ondelete="cascade"
            ),
            Char("default_code", "Internal Reference"),
            Char("barcode"),
            Boolean("active", default=True),
            One2many("packaging_ids", "product.packaging", "product_id", "Product Packages", until=18),
            One2many("stock_quant_ids", "stock.quant", "product_id", "Quants"),
            Float(
                "qty_available", "Quantity On Hand", compute=lambda env, rid: _quant_qty(env, rid, "on_hand")
            ),
            Float("free_qty", "Free To Use Quantity", compute=lambda env, rid: _quant_qty(env, rid, "free")),
            Float("incoming_qty", "Incoming", compute=lambda env, rid: _moves_qty(env, rid, "in")),
            Float("outgoing_qty", "Outgoing", compute=lambda env, rid: _moves_qty(env, rid, "out")),
            Float(
                "virtual_available",
                "Forecasted Quantity",
                compute=lambda env, rid: (
                    _quant_qty(env, rid, "on_hand") + _moves_qty(env, rid, "in") - _moves_qty(env, rid, "out")
                ),
            ),
        ],
        order="default_code, name, id",
        display=product_display,
    )
    reg.model(
        "product.packaging",
        "Product Packaging",
        [
            Char("name", "Product Packaging", required=True),
            Many2one("product_id", "product.product", "Product", required=major >= 17, ondelete="cascade"),
            Float("qty", "Contained Quantity", default=1.0),
            Char("barcode"),
            Integer("sequence", default=1),
            Many2one("company_id", "res.company", "Company"),
            Many2one("product_uom_id", "uom.uom", "Unit of Measure", related="product_id.uom_id"),
            Boolean("sales", default=True),
            Boolean("purchase", default=True),
        ],
        until=18,
        order="product_id, sequence, id",
    )

    tmpl = reg.models["product.template"]
    prod = reg.models["product.product"]
    tmpl.after_create.append(_template_created)
    prod.before_create.append(_product_before_create)
    tmpl.before_write.append(_sync_type)
    tmpl.before_create.append(lambda env, vals: _sync_type(env, [], vals))


def related_twin(f: Any) -> Any:
    """The product.product field delegating to the same product.template field (Odoo's _inherits)."""
    from dataclasses import replace

    return replace(f, related=f"product_tmpl_id.{f.name}", default=None, store=False, compute=None)


def _categ_name(env: Env, rid: int) -> str:
    row = env.row("product.category", rid)
    parent = row.get("parent_id")
    return f"{_categ_name(env, parent)} / {row['name']}" if parent else row["name"]


def _sync_type(env: Env, ids: list[int], vals: dict) -> dict:
    """16/17 keep `type` and `detailed_type` in step (detailed_type is what the UI writes)."""
    if env.p.major <= 17:
        if "detailed_type" in vals and "type" not in vals:
            vals["type"] = vals["detailed_type"]
        elif "type" in vals and "detailed_type" not in vals:
            vals["detailed_type"] = vals["type"]
    if not ids and not vals.get("type"):  # creation default, applied after syncing the explicit values
        vals["type"] = "consu"
        if env.p.major <= 17:
            vals.setdefault("detailed_type", "consu")
    return vals


def _template_created(env: Env, rid: int, vals: dict) -> None:
    if env.context.get("create_product_product"):
        return
    env.create(
        "product.product",
        {
            "product_tmpl_id": rid,
            "default_code": vals.get("default_code") or False,
            "barcode": vals.get("barcode") or False,
        },
    )


def _product_before_create(env: Env, vals: dict) -> dict:
    if vals.get("product_tmpl_id"):
        for key in TEMPLATE_FIELDS:
            vals.pop(key, None)
        return vals
    tmpl_vals = {k: vals.pop(k) for k in list(vals) if k in TEMPLATE_FIELDS}
    fields = env.registry["product.product"].fields
    for key, value in tmpl_vals.items():
        if key in fields and fields[key].type == "selection":
            env.convert("product.product", fields[key], value)  # same error text as Odoo's delegated field
    if "name" not in tmpl_vals:
        tmpl_vals["name"] = False  # triggers the mandatory-field error like Odoo
    vals["product_tmpl_id"] = env.with_context(create_product_product=True).create(
        "product.template", tmpl_vals
    )
    return vals


def bootstrap_uoms(env: Env) -> None:
    if env.p.has_uom_category:
        unit_cat = env.create("uom.category", {"name": "Unit"})
        weight_cat = env.create("uom.category", {"name": "Weight"})
        env.create(
            "uom.uom", {"name": "Units", "category_id": unit_cat, "uom_type": "reference", "rounding": 1.0}
        )
        env.create(
            "uom.uom",
            {
                "name": "Dozens",
                "category_id": unit_cat,
                "uom_type": "bigger",
                "factor": 1 / 12,
                "rounding": 1.0,
            },
        )
        env.create(
            "uom.uom", {"name": "kg", "category_id": weight_cat, "uom_type": "reference", "rounding": 0.001}
        )
        env.create(
            "uom.uom",
            {
                "name": "g",
                "category_id": weight_cat,
                "uom_type": "smaller",
                "factor": 1000.0,
                "rounding": 0.01,
            },
        )
    else:
        units = env.create("uom.uom", {"name": "Units", "rounding": 1.0})
        env.create(
            "uom.uom",
            {
                "name": "Dozens",
                "relative_uom_id": units,
                "relative_factor": 12.0,
                "factor": 1 / 12,
                "rounding": 1.0,
            },
        )
        kg = env.create("uom.uom", {"name": "kg", "rounding": 0.001})
        env.create(
            "uom.uom",
            {
                "name": "g",
                "relative_uom_id": kg,
                "relative_factor": 0.001,
                "factor": 1000.0,
                "rounding": 0.01,
            },
        )
        env.create(
            "uom.uom",
            {
                "name": "Pack of 6",
                "relative_uom_id": units,
                "relative_factor": 6.0,
                "factor": 1 / 6,
                "rounding": 1.0,
            },
        )
    env.create("product.category", {"name": "All"})
