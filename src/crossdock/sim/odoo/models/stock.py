"""Stock helpers shared by the stock modules: locations, quants and reservations, quantity computes and
setters per version, sequences, and the bootstrap of locations and warehouses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..orm import DT_FMT, Env


# -- helpers -------------------------------------------------------------------------------------
def location_name(env: Env, rid: int) -> str:
    row = env.row("stock.location", rid)
    parent = row.get("location_id")
    if parent and row.get("usage") != "view":
        return f"{location_name(env, parent)}/{row['name']}"
    return row["name"]


def parent_path(env: Env, rid: int) -> str:
    chain = []
    cur = rid
    while cur:
        chain.append(cur)
        cur = env.row("stock.location", cur).get("location_id")
    return "/".join(str(i) for i in reversed(chain)) + "/"


def location_warehouse(env: Env, rid: int) -> int | bool:
    views = {
        env.row("stock.warehouse", w)["view_location_id"]: w for w in env.store.table("stock.warehouse").rows
    }
    cur = rid
    while cur:
        if cur in views:
            return views[cur]
        cur = env.row("stock.location", cur).get("location_id")
    return False


def quant_location_ids(env: Env) -> set[int]:
    """Internal locations, narrowed by the `location` / `warehouse` context keys like qty_available."""
    internal = set(env.store.table("stock.location").lookup("usage", "internal"))
    loc = env.context.get("location")
    wh = env.context.get("warehouse")
    if wh:
        wh_ids = wh if isinstance(wh, list) else [wh]
        roots = [
            env.row("stock.warehouse", w)["view_location_id"]
            for w in wh_ids
            if env.exists("stock.warehouse", w)
        ]
        internal &= env.search_set("stock.location", [("id", "child_of", roots)], active_test=False)
    if loc:
        internal &= env.search_set("stock.location", [("id", "child_of", loc)], active_test=False)
    return internal


def is_internal(env: Env, location_id: int) -> bool:
    return bool(location_id) and env.row("stock.location", location_id)["usage"] == "internal"


def ml_reserved(env: Env, row: dict) -> float:
    """Quantity a move line holds on the quants (16: reserved_uom_qty; 17+: quantity while not done)."""
    if row.get("move_id") and env.row("stock.move", row["move_id"])["state"] in ("done", "cancel"):
        return 0.0
    return row.get("reserved_uom_qty", 0.0) if env.p.major == 16 else row.get("quantity", 0.0)


def reserved_for(env: Env, qid: int) -> float:
    q = env.row("stock.quant", qid)
    total = 0.0
    for mlid in env.store.table("stock.move.line").lookup("product_id", q["product_id"]):
        ml = env.row("stock.move.line", mlid)
        if (ml["location_id"], ml.get("lot_id") or False, ml.get("package_id") or False) == (
            q["location_id"],
            q.get("lot_id") or False,
            q.get("package_id") or False,
        ):
            total += ml_reserved(env, ml)
    return total


def find_quant(
    env: Env, product: int, location: int, lot: Any = False, package: Any = False, owner: Any = False
) -> int | None:
    for qid in env.store.table("stock.quant").lookup("product_id", product):
        q = env.row("stock.quant", qid)
        if (
            q["location_id"],
            q.get("lot_id") or False,
            q.get("package_id") or False,
            q.get("owner_id") or False,
        ) == (location, lot or False, package or False, owner or False):
            return qid
    return None


def update_quant(
    env: Env,
    product: int,
    location: int,
    qty: float,
    lot: Any = False,
    package: Any = False,
    owner: Any = False,
) -> int:
    qid = find_quant(env, product, location, lot, package, owner)
    if qid is None:
        return env.create(
            "stock.quant",
            {
                "product_id": product,
                "location_id": location,
                "lot_id": lot or False,
                "package_id": package or False,
                "owner_id": owner or False,
                "quantity": qty,
                "in_date": env.now,
            },
        )
    env.set("stock.quant", qid, quantity=round(env.row("stock.quant", qid)["quantity"] + qty, 6))
    return qid


def move_name(env: Env, product_id: int) -> dict:
    """stock.move.name is required without default up to 18.0: business code fills it, RPC callers must."""
    from .product import product_display

    if "name" in env.registry["stock.move"].fields:
        return {"name": product_display(env, product_id)}
    return {}


def uom_factor(env: Env, uom_id: int) -> float:
    return env.row("uom.uom", uom_id).get("factor") or 1.0 if uom_id else 1.0


def convert_qty(env: Env, qty: float, from_uom: int, to_uom: int) -> float:
    if not from_uom or not to_uom or from_uom == to_uom:
        return qty
    return round(qty / uom_factor(env, from_uom) * uom_factor(env, to_uom), 6)


def next_name(env: Env, type_id: int) -> str:
    row = env.row("stock.picking.type", type_id)
    seq = row.get("seq_next", 1)
    env.set("stock.picking.type", type_id, seq_next=seq + 1)
    wh = row.get("warehouse_id")
    prefix = f"{env.row('stock.warehouse', wh)['code']}/" if wh else ""
    return f"{prefix}{row.get('sequence_code') or 'TR'}/{seq:05d}"


def lot_display(env: Env, rid: int) -> str:
    return env.row("stock.lot", rid)["name"]


def days_after(base: str, days: float) -> str:
    return (dt.datetime.strptime(base, DT_FMT) + dt.timedelta(days=days)).strftime(DT_FMT)


# -- computed fields -----------------------------------------------------------------------------
def _move_lines(env: Env, move_id: int) -> list[int]:
    return sorted(env.store.table("stock.move.line").lookup("move_id", move_id))


def move_quantity(env: Env, move_id: int) -> float:
    """17+ `quantity`: reserved-or-picked quantity, in the move's UoM."""
    m = env.row("stock.move", move_id)
    total = sum(env.row("stock.move.line", ml).get("quantity", 0.0) for ml in _move_lines(env, move_id))
    return convert_qty(env, total, env.value("product.product", m["product_id"], "uom_id"), m["product_uom"])


def move_done_16(env: Env, move_id: int) -> float:
    m = env.row("stock.move", move_id)
    total = sum(env.row("stock.move.line", ml).get("qty_done", 0.0) for ml in _move_lines(env, move_id))
    return convert_qty(env, total, env.value("product.product", m["product_id"], "uom_id"), m["product_uom"])


def move_reserved_16(env: Env, move_id: int) -> float:
    m = env.row("stock.move", move_id)
    total = sum(
        env.row("stock.move.line", ml).get("reserved_uom_qty", 0.0) for ml in _move_lines(env, move_id)
    )
    return convert_qty(env, total, env.value("product.product", m["product_id"], "uom_id"), m["product_uom"])


def move_picked(env: Env, move_id: int) -> bool:
    if env.row("stock.move", move_id)["state"] == "done":
        return True
    lines = _move_lines(env, move_id)
    if lines:
        return any(env.row("stock.move.line", ml).get("picked") for ml in lines)
    return bool(env.row("stock.move", move_id).get("picked_flag"))


def product_qty(env: Env, move_id: int) -> float:
    m = env.row("stock.move", move_id)
    return convert_qty(
        env, m["product_uom_qty"], m["product_uom"], env.value("product.product", m["product_id"], "uom_id")
    )


def _picking_moves(env: Env, pid: int) -> list[int]:
    return sorted(env.store.table("stock.move").lookup("picking_id", pid))


def _picking_lines(env: Env, pid: int) -> list[int]:
    return sorted(env.store.table("stock.move.line").lookup("picking_id", pid))


def _lot_qty(env: Env, lot_id: int) -> float:
    internal = set(env.store.table("stock.location").lookup("usage", "internal"))
    return sum(
        env.row("stock.quant", q)["quantity"]
        for q in env.store.table("stock.quant").lookup("lot_id", lot_id)
        if env.row("stock.quant", q)["location_id"] in internal
    )


def _lot_location(env: Env, lot_id: int) -> int | bool:
    locs = {
        env.row("stock.quant", q)["location_id"]
        for q in env.store.table("stock.quant").lookup("lot_id", lot_id)
        if env.row("stock.quant", q)["quantity"] > 0
        and is_internal(env, env.row("stock.quant", q)["location_id"])
    }
    return locs.pop() if len(locs) == 1 else False


# -- quantity setters ----------------------------------------------------------------------------
def _line_vals(env: Env, move_id: int, **extra: Any) -> dict:
    m = env.row("stock.move", move_id)
    vals = {
        "move_id": move_id,
        "picking_id": m.get("picking_id") or False,
        "product_id": m["product_id"],
        "product_uom_id": env.value("product.product", m["product_id"], "uom_id"),
        "location_id": m["location_id"],
        "location_dest_id": m["location_dest_id"],
        "company_id": m.get("company_id") or 1,
    }
    vals.update(extra)
    return vals


def _set_done_16(env: Env, move_id: int, value: float) -> None:
    from ..errors import UserError

    m = env.row("stock.move", move_id)
    value = convert_qty(
        env, float(value or 0), m["product_uom"], env.value("product.product", m["product_id"], "uom_id")
    )
    lines = _move_lines(env, move_id)
    if not lines:
        if value:
            env.create("stock.move.line", _line_vals(env, move_id, qty_done=value))
    elif len(lines) == 1:
        env.write("stock.move.line", lines, {"qty_done": value})
    else:
        current = sum(env.row("stock.move.line", ml).get("qty_done", 0.0) for ml in lines)
        if abs(current - value) > 1e-6:
            raise UserError(
                "Cannot set the done quantity from this stock move, work directly with the move lines."
            )


def _set_quantity(env: Env, move_id: int, value: float) -> None:
    """17+: shrink lines from the last one, or reserve more from stock (any remainder on a lot-less line)."""
    from .stock_flow import reserve_move

    m = env.row("stock.move", move_id)
    target = convert_qty(
        env, float(value or 0), m["product_uom"], env.value("product.product", m["product_id"], "uom_id")
    )
    lines = _move_lines(env, move_id)
    current = sum(env.row("stock.move.line", ml).get("quantity", 0.0) for ml in lines)
    if target < current:
        excess = current - target
        for ml in reversed(lines):
            qty = env.row("stock.move.line", ml).get("quantity", 0.0)
            if excess <= 0:
                break
            if qty <= excess + 1e-9:
                env.unlink("stock.move.line", [ml])
                excess -= qty
            else:
                env.set("stock.move.line", ml, quantity=round(qty - excess, 6))
                excess = 0
    elif target > current:
        missing = target - current
        if is_internal(env, m["location_id"]):
            missing -= reserve_move(env, move_id, missing)
        if missing > 1e-9:
            free = [
                ml
                for ml in _move_lines(env, move_id)
                if not env.row("stock.move.line", ml).get("lot_id")
                and not env.row("stock.move.line", ml).get("lot_name")
            ]
            if free:
                ml = free[-1]
                env.set(
                    "stock.move.line",
                    ml,
                    quantity=round(env.row("stock.move.line", ml)["quantity"] + missing, 6),
                )
            else:
                env.create("stock.move.line", _line_vals(env, move_id, quantity=round(missing, 6)))
    from .stock_flow import refresh_move_state

    refresh_move_state(env, move_id)


def _set_picked(env: Env, move_id: int, value: bool) -> None:
    env.set("stock.move", move_id, picked_flag=bool(value))
    for ml in _move_lines(env, move_id):
        env.set("stock.move.line", ml, picked=bool(value))


# -- bootstrap -----------------------------------------------------------------------------------
def bootstrap_locations(env: Env) -> None:
    env.create("stock.location", {"name": "Physical Locations", "usage": "view", "company_id": False})
    partners = env.create("stock.location", {"name": "Partners", "usage": "view", "company_id": False})
    virtual = env.create(
        "stock.location", {"name": "Virtual Locations", "usage": "view", "company_id": False}
    )
    env.create(
        "stock.location",
        {"name": "Vendors", "usage": "supplier", "location_id": partners, "company_id": False},
    )
    env.create(
        "stock.location",
        {"name": "Customers", "usage": "customer", "location_id": partners, "company_id": False},
    )
    env.create(
        "stock.location", {"name": "Inventory adjustment", "usage": "inventory", "location_id": virtual}
    )
    env.create("stock.location", {"name": "Scrap", "usage": "inventory", "location_id": virtual})


def special_location(env: Env, usage: str, name: str | None = None) -> int:
    for lid in sorted(env.store.table("stock.location").lookup("usage", usage)):
        if name is None or env.row("stock.location", lid)["name"] == name:
            return lid
    raise ValueError(f"no {usage} location")


def create_warehouse(env: Env, code: str, name: str, partner_id: int | bool = False) -> int:
    phys = next(i for i in env.store.table("stock.location").lookup("name", "Physical Locations"))
    view = env.create("stock.location", {"name": code, "usage": "view", "location_id": phys})
    stock = env.create("stock.location", {"name": "Stock", "usage": "internal", "location_id": view})
    vendors = special_location(env, "supplier")
    customers = special_location(env, "customer")
    wh = env.create(
        "stock.warehouse",
        {
            "name": name,
            "code": code,
            "partner_id": partner_id,
            "view_location_id": view,
            "lot_stock_id": stock,
        },
    )
    in_type = env.create(
        "stock.picking.type",
        {
            "name": "Receipts",
            "code": "incoming",
            "sequence_code": "IN",
            "warehouse_id": wh,
            "sequence": 1,
            "default_location_src_id": vendors,
            "default_location_dest_id": stock,
            "use_create_lots": True,
            "use_existing_lots": False,
            "reservation_method": "at_confirm",
        },
    )
    out_type = env.create(
        "stock.picking.type",
        {
            "name": "Delivery Orders",
            "code": "outgoing",
            "sequence_code": "OUT",
            "warehouse_id": wh,
            "sequence": 5,
            "default_location_src_id": stock,
            "default_location_dest_id": customers,
            "use_create_lots": False,
            "use_existing_lots": True,
        },
    )
    int_type = env.create(
        "stock.picking.type",
        {
            "name": "Internal Transfers",
            "code": "internal",
            "sequence_code": "INT",
            "warehouse_id": wh,
            "sequence": 2,
            "default_location_src_id": stock,
            "default_location_dest_id": stock,
            "use_create_lots": False,
        },
    )
    env.write("stock.picking.type", [in_type], {"return_picking_type_id": out_type})
    env.write("stock.picking.type", [out_type], {"return_picking_type_id": in_type})
    env.write(
        "stock.warehouse", [wh], {"in_type_id": in_type, "out_type_id": out_type, "int_type_id": int_type}
    )
    return wh


def order_line_done_qty(
    env: Env, link_field: str, line_id: int, uom: int, partner: str, inbound: bool
) -> float:
    """What an order line's done moves carried from (inbound) or to the partner's location, in `uom`,
    less returns that refund it: sale qty_delivered (customer) and purchase qty_received (supplier)."""
    total = 0.0
    for mid in env.store.table("stock.move").lookup(link_field, line_id):
        m = env.row("stock.move", mid)
        if m["state"] != "done":
            continue
        src = env.row("stock.location", m["location_id"])["usage"]
        dst = env.row("stock.location", m["location_dest_id"])["usage"]
        qty = convert_qty(
            env, product_qty(env, mid), env.value("product.product", m["product_id"], "uom_id"), uom
        )
        forward, back = (src, dst) if inbound else (dst, src)
        if forward == partner and not m.get("origin_returned_move_id"):
            total += qty
        elif back == partner and m.get("to_refund"):
            total -= qty
    return round(total, 6)
