"""Stock models and their fields per version: locations, warehouses, picking types, lots, packages, quants,
pickings, moves and move lines."""

from __future__ import annotations

from ..errors import ValidationError
from ..fields import Boolean, Char, Datetime, Float, Integer, Many2many, Many2one, One2many, Selection, Text
from ..orm import Env
from ..registry import Registry
from .product import product_display
from .stock import (
    _lot_location,
    _lot_qty,
    _move_lines,
    _picking_moves,
    _set_done_16,
    _set_picked,
    _set_quantity,
    days_after,
    find_quant,
    is_internal,
    location_name,
    location_warehouse,
    lot_display,
    move_done_16,
    move_picked,
    move_quantity,
    move_reserved_16,
    parent_path,
    product_qty,
    reserved_for,
)

USAGES = [
    ("supplier", "Vendor Location"),
    ("view", "View"),
    ("internal", "Internal Location"),
    ("customer", "Customer Location"),
    ("inventory", "Inventory Loss"),
    ("production", "Production"),
    ("transit", "Transit Location"),
]
PICKING_STATES = [
    ("draft", "Draft"),
    ("waiting", "Waiting Another Operation"),
    ("confirmed", "Waiting"),
    ("assigned", "Ready"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]
MOVE_STATES = [
    ("draft", "New"),
    ("waiting", "Waiting Another Move"),
    ("confirmed", "Waiting Availability"),
    ("partially_available", "Partially Available"),
    ("assigned", "Available"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]


def register(reg: Registry) -> None:
    major = reg.major
    pkg = reg.p.package_model
    reg.model(
        "stock.location",
        "Inventory Locations",
        [
            Char("name", "Location Name", required=True),
            Char("complete_name", "Full Location Name", compute=location_name),
            Many2one("location_id", "stock.location", "Parent Location", ondelete="cascade"),
            One2many("child_ids", "stock.location", "location_id", "Contains"),
            Selection("usage", USAGES, "Location Type", default="internal", required=True),
            Boolean("active", default=True),
            Char("barcode"),
            Many2one("company_id", "res.company", "Company", default=1),
            Many2one("warehouse_id", "stock.warehouse", "Warehouse", compute=location_warehouse),
            Char("parent_path", compute=parent_path),
            Boolean("scrap_location", "Is a Scrap Location?", until=18),
            Boolean("return_location", "Is a Return Location?", until=17),
            Text("comment", "Additional Information", until=18),
        ],
        order="complete_name, id",
        parent_name="location_id",
        display=location_name,
    )
    reg.model(
        "stock.warehouse",
        "Warehouse",
        [
            Char("name", "Warehouse", required=True),
            Char("code", "Short Name", required=True),
            Boolean("active", default=True),
            Many2one("company_id", "res.company", "Company", default=1),
            Many2one("partner_id", "res.partner", "Address"),
            Many2one("view_location_id", "stock.location", "View Location"),
            Many2one("lot_stock_id", "stock.location", "Location Stock"),
            Many2one("in_type_id", "stock.picking.type", "In Type"),
            Many2one("out_type_id", "stock.picking.type", "Out Type"),
            Many2one("int_type_id", "stock.picking.type", "Internal Type"),
            Many2one("pick_type_id", "stock.picking.type", "Pick Type"),
            Many2one("pack_type_id", "stock.picking.type", "Pack Type"),
            Many2one("return_type_id", "stock.picking.type", "Return Type", until=16),
            Many2one("qc_type_id", "stock.picking.type", "Quality Control Type", since=18),
            Many2one("store_type_id", "stock.picking.type", "Storage Type", since=18),
            Many2one("xdock_type_id", "stock.picking.type", "Cross Dock Type", since=18),
            Selection(
                "reception_steps",
                [
                    ("one_step", "Receive goods directly (1 step)"),
                    ("two_steps", "Receive goods in input and then stock (2 steps)"),
                    ("three_steps", "Receive goods in input, then quality and then stock (3 steps)"),
                ],
                "Incoming Shipments",
                default="one_step",
            ),
            Selection(
                "delivery_steps",
                [
                    ("ship_only", "Deliver goods directly (1 step)"),
                    ("pick_ship", "Send goods in output and then deliver (2 steps)"),
                    ("pick_pack_ship", "Pack goods, send goods in output and then deliver (3 steps)"),
                ],
                "Outgoing Shipments",
                default="ship_only",
            ),
            Integer("sequence", default=10),
        ],
        order="sequence,id",
    )
    type_fields = [
        Char("name", "Operation Type", required=True),
        Selection(
            "code",
            [("incoming", "Receipt"), ("outgoing", "Delivery"), ("internal", "Internal Transfer")],
            "Type of Operation",
            required=True,
        ),
        Char("sequence_code", "Sequence Prefix", required=True),
        Many2one("warehouse_id", "stock.warehouse", "Warehouse"),
        Many2one(
            "default_location_src_id", "stock.location", "Default Source Location", required=major >= 18
        ),
        Many2one(
            "default_location_dest_id", "stock.location", "Default Destination Location", required=major >= 18
        ),
        Selection(
            "create_backorder",
            [("ask", "Ask"), ("always", "Always"), ("never", "Never")],
            "Create Backorder",
            default="ask",
            required=True,
        ),
        Selection(
            "reservation_method",
            [("at_confirm", "At Confirmation"), ("manual", "Manually"), ("by_date", "Before scheduled date")],
            "Reservation Method",
            default="at_confirm",
            required=True,
        ),
        Boolean("use_create_lots", "Create New Lots/Serial Numbers", default=True),
        Boolean("use_existing_lots", "Use Existing Lots/Serial Numbers", default=True),
        Many2one("return_picking_type_id", "stock.picking.type", "Operation Type for Returns"),
        Boolean("active", default=True),
        Integer("sequence", default=1),
        Many2one("company_id", "res.company", "Company", default=1),
        Boolean("auto_print_delivery_slip", "Auto Print Delivery Slip", since=17),
        Selection(
            "move_type",
            [("direct", "As soon as possible"), ("one", "When all products are ready")],
            "Shipping Policy",
            default="direct",
            since=18,
        ),
    ]
    reg.model(
        "stock.picking.type",
        "Picking Type",
        type_fields,
        order="sequence, id",
        display=lambda env, rid: (
            f"{env.row('stock.warehouse', env.row('stock.picking.type', rid)['warehouse_id'])['name']}: "
            f"{env.row('stock.picking.type', rid)['name']}"
            if env.row("stock.picking.type", rid).get("warehouse_id")
            else env.row("stock.picking.type", rid)["name"]
        ),
    )
    reg.model(
        "stock.lot",
        "Lot/Serial",
        [
            Char("name", "Lot/Serial Number", required=True),
            Many2one("product_id", "product.product", "Product", required=True),
            Many2one("company_id", "res.company", "Company", default=1),
            Char("ref", "Internal Reference"),
            Text("note", "Description"),
            Float("product_qty", "On Hand Quantity", compute=_lot_qty),
            One2many("quant_ids", "stock.quant", "lot_id", "Quants"),
            Many2one("location_id", "stock.location", "Location", compute=_lot_location, since=17),
            Many2one("product_uom_id", "uom.uom", "Unit of Measure", related="product_id.uom_id"),
            Datetime("expiration_date", "Expiration Date"),
            Datetime("use_date", "Best before Date"),
            Datetime("removal_date", "Removal Date"),
            Datetime("alert_date", "Alert Date"),
            Boolean(
                "product_expiry_alert",
                "Expiration Alert",
                compute=lambda env, rid: bool(
                    env.row("stock.lot", rid).get("expiration_date")
                    and env.row("stock.lot", rid)["expiration_date"] <= env.now
                ),
            ),
        ],
        order="name, id",
        display=lot_display,
    )
    reg.model(
        pkg,
        "Packages",
        [
            Char("name", "Package Reference", default=lambda env: _package_name(env)),
            Many2one(
                "location_id",
                "stock.location",
                "Location",
                compute=lambda env, rid: _package_location(env, rid),
            ),
            One2many("quant_ids", "stock.quant", "package_id", "Bulk Content"),
            Float("shipping_weight", "Shipping Weight"),
            Datetime("pack_date", "Pack Date", default=lambda env: env.now),
            Selection(
                "package_use",
                [("disposable", "Disposable Box"), ("reusable", "Reusable Box")],
                "Package Use",
                default="disposable",
                until=18,
            ),
            Many2one("company_id", "res.company", "Company", default=1),
            Many2one("parent_package_id", pkg, "Container", since=19),
            One2many("child_package_ids", pkg, "parent_package_id", "Contained Packages", since=19),
            Char("complete_name", compute=lambda env, rid: env.row(pkg, rid)["name"], since=19),
        ],
        order="name",
        parent_name="parent_package_id" if major >= 19 else None,
    )
    reg.model(
        "stock.quant",
        "Quants",
        [
            Many2one("product_id", "product.product", "Product", required=True, ondelete="restrict"),
            Many2one("location_id", "stock.location", "Location", required=True, ondelete="restrict"),
            Many2one("lot_id", "stock.lot", "Lot/Serial Number", ondelete="restrict"),
            Many2one("package_id", pkg, "Package", ondelete="restrict"),
            Many2one("owner_id", "res.partner", "Owner"),
            Float("quantity", "Quantity", readonly=True),
            Float("reserved_quantity", "Reserved Quantity", compute=reserved_for, readonly=True),
            Float(
                "available_quantity",
                "Available Quantity",
                compute=lambda env, rid: env.row("stock.quant", rid)["quantity"] - reserved_for(env, rid),
            ),
            Datetime("in_date", "Incoming Date", readonly=True),
            Many2one("company_id", "res.company", "Company", default=1),
            Many2one(
                "warehouse_id",
                "stock.warehouse",
                "Warehouse",
                compute=lambda env, rid: location_warehouse(env, env.row("stock.quant", rid)["location_id"]),
            ),
            Many2one("product_uom_id", "uom.uom", "Unit of Measure", related="product_id.uom_id"),
            Float("inventory_quantity", "Counted Quantity"),
            Float(
                "inventory_diff_quantity", "Difference", compute=lambda env, rid: _inventory_diff(env, rid)
            ),
            Boolean("inventory_quantity_set", "Inventory Quantity Set"),
            Datetime("inventory_date", "Scheduled Date"),
            Datetime(
                "last_count_date",
                "Last Count Date",
                compute=lambda env, rid: env.row("stock.quant", rid).get("last_count") or False,
            ),
            Many2one("user_id", "res.users", "Assigned To"),
            Boolean(
                "is_outdated",
                "Quantity has been moved since last count",
                compute=lambda env, rid: _outdated(env, rid),
            ),
            Float(
                "inventory_quantity_auto_apply",
                "Inventoried Quantity",
                compute=lambda env, rid: env.row("stock.quant", rid)["quantity"],
            ),
            Datetime("removal_date", "Removal Date", related="lot_id.removal_date"),
        ],
        order="removal_date, in_date, id",
        rec_name=None,
    )
    picking_fields = [
        Char("name", "Reference", default="/", extra={"copy": False}),
        Char("origin", "Source Document"),
        Text("note", "Notes"),
        Many2one("partner_id", "res.partner", "Contact"),
        Many2one("picking_type_id", "stock.picking.type", "Operation Type", required=True),
        Selection(
            "picking_type_code",
            [("incoming", "Receipt"), ("outgoing", "Delivery"), ("internal", "Internal Transfer")],
            related="picking_type_id.code",
        ),
        Many2one("location_id", "stock.location", "Source Location"),
        Many2one("location_dest_id", "stock.location", "Destination Location"),
        Many2one("company_id", "res.company", "Company", default=1),
        Many2one("user_id", "res.users", "Responsible"),
        Many2one("owner_id", "res.partner", "Assign Owner"),
        Selection("priority", [("0", "Normal"), ("1", "Urgent")], "Priority", default="0"),
        Selection(
            "move_type",
            [("direct", "As soon as possible"), ("one", "When all products are ready")],
            "Shipping Policy",
            default="direct",
        ),
        Datetime("scheduled_date", "Scheduled Date", default=lambda env: env.now),
        Datetime("date_deadline", "Deadline"),
        Datetime("date_done", "Date of Transfer", readonly=True, extra={"copy": False}),
        Datetime("date", "Creation Date", default=lambda env: env.now, until=18),
        Selection("state", PICKING_STATES, "Status", default="draft", readonly=True, extra={"copy": False}),
        One2many("move_ids", "stock.move", "picking_id", "Stock Moves"),
        One2many(
            "move_ids_without_package", "stock.move", "picking_id", "Stock moves not in package", until=18
        ),
        One2many("move_line_ids", "stock.move.line", "picking_id", "Operations"),
        One2many(
            "move_line_ids_without_package",
            "stock.move.line",
            "picking_id",
            "Operations without package",
            until=18,
        ),
        Many2one("backorder_id", "stock.picking", "Back Order of", extra={"copy": False}),
        One2many("backorder_ids", "stock.picking", "backorder_id", "Back Orders"),
        Many2one("return_id", "stock.picking", "Return of", since=17),
        One2many("return_ids", "stock.picking", "return_id", "Returns", since=17),
        Integer(
            "return_count",
            "# Returns",
            since=17,
            compute=lambda env, rid: len(env.store.table("stock.picking").lookup("return_id", rid)),
        ),
        Many2one("carrier_id", "delivery.carrier", "Carrier"),
        Char("carrier_tracking_ref", "Tracking Reference"),
        Char("carrier_tracking_url", "Tracking URL", compute=lambda env, rid: False),
        Float("carrier_price", "Shipping Cost"),
        Float("weight", "Weight", compute=lambda env, rid: _picking_weight(env, rid)),
        Float("shipping_weight", "Weight for Shipping"),
        Selection(
            "delivery_type",
            [("fixed", "Fixed Price"), ("base_on_rule", "Based on Rules")],
            related="carrier_id.delivery_type",
        ),
        Boolean(
            "is_return_picking",
            compute=lambda env, rid: any(
                env.row("stock.move", m).get("origin_returned_move_id") for m in _picking_moves(env, rid)
            ),
        ),
        Many2one("sale_id", "sale.order", "Sales Order"),
        Many2one(
            "purchase_id", "purchase.order", "Purchase Orders", compute=lambda env, rid: _picking_po(env, rid)
        ),
        Boolean("immediate_transfer", "Immediate Transfer", until=16),
        Boolean("is_locked", default=True),
        Boolean("printed"),
    ]
    reg.model("stock.picking", "Transfer", picking_fields, order="priority desc, scheduled_date asc, id desc")
    move_fields = [
        Char("name", "Description", required=True, until=18),
        Char(
            "reference",
            compute=lambda env, rid: (
                env.row("stock.picking", env.row("stock.move", rid)["picking_id"])["name"]
                if env.row("stock.move", rid).get("picking_id")
                else env.row("stock.move", rid).get("name") or False
            ),
        ),
        Many2one("product_id", "product.product", "Product", required=True),
        Text("description_picking", "Description of Picking"),
        Float("product_uom_qty", "Demand", default=0.0),
        Float("product_qty", "Real Quantity", compute=product_qty),
        Many2one("product_uom", "uom.uom", "UoM", required=True),
        Many2one("location_id", "stock.location", "Source Location", required=True),
        Many2one("location_dest_id", "stock.location", "Destination Location", required=True),
        Many2one("location_final_id", "stock.location", "Final Location", since=18),
        Many2one("picking_id", "stock.picking", "Transfer", ondelete="cascade"),
        Many2one("picking_type_id", "stock.picking.type", "Operation Type"),
        Many2one("partner_id", "res.partner", "Destination Address"),
        Many2one("company_id", "res.company", "Company", default=1),
        Selection("state", MOVE_STATES, "Status", default="draft", readonly=True),
        One2many("move_line_ids", "stock.move.line", "move_id", "Move Lines"),
        Many2one("origin_returned_move_id", "stock.move", "Origin return move"),
        One2many("returned_move_ids", "stock.move", "origin_returned_move_id", "All returned moves"),
        Many2one("sale_line_id", "sale.order.line", "Sale Line"),
        Many2one("purchase_line_id", "purchase.order.line", "Purchase Order Line"),
        Datetime("date", "Date Scheduled", default=lambda env: env.now),
        Datetime("date_deadline", "Deadline"),
        Char("origin", "Source Document"),
        Boolean("to_refund", "Update quantities on SO/PO"),
        Boolean("is_inventory", "Inventory"),
        Boolean("scrapped", "Scrapped", until=18),
        Many2one("packaging_uom_id", "uom.uom", "Packaging", since=19),
        Float("packaging_uom_qty", "Packaging Quantity", since=19),
        Many2one("product_packaging_id", "product.packaging", "Packaging", until=18),
        Many2many(
            "lot_ids",
            "stock.lot",
            "Serial Numbers",
            compute=lambda env, rid: sorted(
                {
                    env.row("stock.move.line", ml)["lot_id"]
                    for ml in _move_lines(env, rid)
                    if env.row("stock.move.line", ml).get("lot_id")
                }
            ),
        ),
        Float(
            "quantity_done",
            "Quantity Done",
            compute=move_done_16,
            inverse=lambda env, rid, v: _set_done_16(env, rid, v),
            until=16,
        ),
        Float("reserved_availability", "Quantity Reserved", compute=move_reserved_16, until=16),
        Float(
            "quantity",
            "Quantity",
            compute=move_quantity,
            inverse=lambda env, rid, v: _set_quantity(env, rid, v),
            since=17,
        ),
        Boolean(
            "picked",
            "Picked",
            compute=move_picked,
            inverse=lambda env, rid, v: _set_picked(env, rid, v),
            since=17,
        ),
    ]
    reg.model(
        "stock.move",
        "Stock Move",
        move_fields,
        order="id",
        display=lambda env, rid: product_display(env, env.row("stock.move", rid)["product_id"]),
    )
    line_fields = [
        Many2one("product_id", "product.product", "Product"),
        Many2one("product_uom_id", "uom.uom", "Unit of Measure"),
        Many2one("lot_id", "stock.lot", "Lot/Serial Number"),
        Char("lot_name", "Lot/Serial Number Name"),
        Many2one("location_id", "stock.location", "From", required=True),
        Many2one("location_dest_id", "stock.location", "To", required=True),
        Many2one("package_id", pkg, "Source Package", ondelete="restrict"),
        Many2one("result_package_id", pkg, "Destination Package", ondelete="restrict"),
        Many2one("owner_id", "res.partner", "From Owner"),
        Many2one("picking_id", "stock.picking", "Transfer"),
        Many2one("move_id", "stock.move", "Stock Operation", ondelete="cascade"),
        Selection("state", MOVE_STATES, "Status", related="move_id.state"),
        Selection(
            "tracking",
            [("serial", "By Unique Serial Number"), ("lot", "By Lots"), ("none", "By Quantity")],
            related="product_id.tracking",
        ),
        Selection(
            "picking_code",
            [("incoming", "Receipt"), ("outgoing", "Delivery"), ("internal", "Internal Transfer")],
            related="picking_id.picking_type_code",
        ),
        Datetime("date", "Date", default=lambda env: env.now),
        Many2one("company_id", "res.company", "Company", default=1),
        Char(
            "reference",
            compute=lambda env, rid: (
                env.row("stock.picking", env.row("stock.move.line", rid)["picking_id"])["name"]
                if env.row("stock.move.line", rid).get("picking_id")
                else False
            ),
        ),
        Datetime("expiration_date", "Expiration Date"),
        Float("qty_done", "Quantity Done", until=16),
        Float("reserved_uom_qty", "Reserved", until=16),
        Float(
            "reserved_qty",
            "Real Reserved Quantity",
            until=16,
            compute=lambda env, rid: env.row("stock.move.line", rid).get("reserved_uom_qty", 0.0),
        ),
        Float("quantity", "Quantity", since=17),
        Float(
            "quantity_product_uom",
            "Quantity in Product UoM",
            since=17,
            compute=lambda env, rid: env.row("stock.move.line", rid).get("quantity", 0.0),
        ),
        Boolean("picked", "Picked", since=17),
        Many2one(
            "quant_id", "stock.quant", "Pick From", since=17, compute=lambda env, rid: _line_quant(env, rid)
        ),
    ]
    reg.model(
        "stock.move.line",
        "Product Moves (Stock Move Line)",
        line_fields,
        order="result_package_id desc, location_id asc, location_dest_id asc, picking_id asc, id",
        display=lambda env, rid: (
            product_display(env, env.row("stock.move.line", rid)["product_id"])
            if env.row("stock.move.line", rid).get("product_id")
            else ""
        ),
    )
    reg.models["stock.lot"].before_create.append(_lot_defaults)
    reg.models["stock.lot"].after_create.append(_lot_unique)


def _package_name(env: Env) -> str:
    model = env.p.package_model
    return f"PACK{env.store.table(model).next_id:07d}"


def _package_location(env: Env, rid: int) -> int | bool:
    quants = env.store.table("stock.quant").lookup("package_id", rid)
    locs = {env.row("stock.quant", q)["location_id"] for q in quants}
    return locs.pop() if len(locs) == 1 else False


def _inventory_diff(env: Env, rid: int) -> float:
    q = env.row("stock.quant", rid)
    return (
        round(q.get("inventory_quantity", 0.0) - q["quantity"], 6) if q.get("inventory_quantity_set") else 0.0
    )


def _outdated(env: Env, rid: int) -> bool:
    q = env.row("stock.quant", rid)
    return bool(q.get("inventory_quantity_set")) and q.get("qty_at_count", q["quantity"]) != q["quantity"]


def _picking_weight(env: Env, rid: int) -> float:
    total = 0.0
    for m in _picking_moves(env, rid):
        row = env.row("stock.move", m)
        if row["state"] != "cancel":
            total += product_qty(env, m) * (env.value("product.product", row["product_id"], "weight") or 0.0)
    return round(total, 4)


def _picking_po(env: Env, rid: int) -> int | bool:
    for m in _picking_moves(env, rid):
        line = env.row("stock.move", m).get("purchase_line_id")
        if line:
            return env.row("purchase.order.line", line)["order_id"]
    return False


def _line_quant(env: Env, rid: int) -> int | bool:
    ml = env.row("stock.move.line", rid)
    if not ml.get("product_id") or not is_internal(env, ml["location_id"]):
        return False
    return (
        find_quant(env, ml["product_id"], ml["location_id"], ml.get("lot_id"), ml.get("package_id")) or False
    )


def _lot_defaults(env: Env, vals: dict) -> dict:
    product = vals.get("product_id")
    if (
        product
        and env.exists("product.product", product)
        and env.value("product.product", product, "use_expiration_date")
    ):
        if not vals.get("expiration_date"):
            days = env.value("product.product", product, "expiration_time")
            vals["expiration_date"] = days_after(env.now, days) if days else False
        exp = vals.get("expiration_date")
        if exp:
            exp = env._datetime(exp)
            for fname, days_field in (
                ("use_date", "use_time"),
                ("removal_date", "removal_time"),
                ("alert_date", "alert_time"),
            ):
                if not vals.get(fname):
                    vals[fname] = days_after(exp, -(env.value("product.product", product, days_field) or 0))
    return vals


def _lot_unique(env: Env, rid: int, vals: dict) -> None:
    row = env.row("stock.lot", rid)
    same = [
        i
        for i in env.store.table("stock.lot").lookup("name", row["name"])
        if env.row("stock.lot", i)["product_id"] == row["product_id"]
        and env.row("stock.lot", i).get("company_id") == row.get("company_id")
    ]
    if len(same) > 1:
        raise ValidationError(
            "The combination of serial number and product must be unique across a company.\n"
            "Following combination contains duplicates:\n"
            f" - Product: {env.value('product.product', row['product_id'], 'name')}, "
            f"Serial Number: {row['name']}"
        )
