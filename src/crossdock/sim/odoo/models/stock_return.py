"""stock.return.picking wizard (per-version line defaults and method names) and inventory mode on quants."""

from __future__ import annotations

from typing import Any

from ..errors import UserError
from ..fields import Boolean, Float, Many2one, One2many
from ..orm import Env
from ..registry import Registry
from .stock import _picking_moves, find_quant, move_name, next_name, special_location, update_quant
from .stock_flow import EPS, assign_moves, confirm_moves, refresh_picking_state

INVENTORY_FIELDS = {
    "product_id",
    "location_id",
    "lot_id",
    "package_id",
    "owner_id",
    "inventory_quantity",
    "inventory_quantity_auto_apply",
    "inventory_date",
    "user_id",
    "company_id",
}


def _returnable(env: Env, move_id: int) -> float:
    m = env.row("stock.move", move_id)
    done = m["product_uom_qty"] if m["state"] == "done" else 0.0
    returned = sum(
        env.row("stock.move", r)["product_uom_qty"]
        for r in env.store.table("stock.move").lookup("origin_returned_move_id", move_id)
        if env.row("stock.move", r)["state"] != "cancel"
    )
    return max(done - returned, 0.0)


def _default_lines(env: Env, picking_id: int) -> list:
    lines = []
    for mid in _picking_moves(env, picking_id):
        m = env.row("stock.move", mid)
        if m["state"] != "done":
            continue
        qty = _returnable(env, mid) if env.p.major == 17 else 0.0
        lines.append(
            [0, 0, {"product_id": m["product_id"], "quantity": qty, "move_id": mid, "to_refund": True}]
        )
    return lines


def _wizard_defaults(env: Env, fnames: list[str]) -> dict:
    out: dict[str, Any] = {}
    if env.context.get("active_model") == "stock.picking" or env.context.get("active_id"):
        active_ids = env.context.get("active_ids") or [env.context.get("active_id")]
        if len(active_ids) > 1:
            raise UserError("You may only return one picking at a time.")
        pid = active_ids[0]
        if pid and env.exists("stock.picking", pid):
            if env.row("stock.picking", pid)["state"] != "done":
                raise UserError("You may only return Done pickings.")
            out["picking_id"] = pid
            if env.p.major <= 17:
                out["location_id"] = env.row("stock.picking", pid)["location_id"]
    return out


def _wizard_before_create(env: Env, vals: dict) -> dict:
    for key, val in _wizard_defaults(env, []).items():
        vals.setdefault(key, val)
    return vals


def _wizard_after_create(env: Env, rid: int, vals: dict) -> None:
    if env.p.major >= 17 and not vals.get("product_return_moves"):
        pid = env.row("stock.return.picking", rid).get("picking_id")
        if pid:
            env.write("stock.return.picking", [rid], {"product_return_moves": _default_lines(env, pid)})


def create_returns(env: Env, model: str, ids: list[int], fill_all: bool = False) -> dict:
    env.check_ids(model, ids)
    wiz = env.row(model, ids[0])
    pid = wiz.get("picking_id")
    if not pid:
        raise UserError("You may only return Done pickings.")
    picking = env.row("stock.picking", pid)
    if picking["state"] != "done":
        raise UserError("You may only return Done pickings.")
    lines = [
        env.row("stock.return.picking.line", ln) | {"id": ln}
        for ln in env.value(model, ids[0], "product_return_moves")
    ]
    if fill_all:
        for ln in lines:
            if ln.get("move_id"):
                ln["quantity"] = _returnable(env, ln["move_id"])
                env.set("stock.return.picking.line", ln["id"], quantity=ln["quantity"])
    if env.p.major >= 17 and not any(ln.get("move_id") for ln in lines):
        # 17+ compute the lines; an empty result is reported like the 16.0 onchange did
        raise UserError(
            "No products to return (only lines in Done state and not fully returned yet can be returned)."
        )
    if not any((ln.get("quantity") or 0) > EPS for ln in lines):
        raise UserError("Please specify at least one non-zero quantity.")
    ptype = env.row("stock.picking.type", picking["picking_type_id"])
    rtype = ptype.get("return_picking_type_id") or picking["picking_type_id"]
    dest = wiz.get("location_id") or picking["location_id"]
    vals = {
        "picking_type_id": rtype,
        "partner_id": picking.get("partner_id") or False,
        "origin": f"Return of {picking['name']}",
        "location_id": picking["location_dest_id"],
        "location_dest_id": dest,
        "name": next_name(env, rtype),
        "sale_id": picking.get("sale_id") or False,
        "__state": "draft",
    }
    if env.p.major >= 17:
        vals["return_id"] = pid
    new = env.create("stock.picking", vals)
    moves = []
    for ln in lines:
        if (ln.get("quantity") or 0) <= EPS or not ln.get("move_id"):
            continue
        orig = env.row("stock.move", ln["move_id"])
        mvals = {
            **move_name(env, ln["product_id"]),
            "picking_id": new,
            "product_id": ln["product_id"],
            "product_uom_qty": ln["quantity"],
            "product_uom": orig["product_uom"],
            "location_id": picking["location_dest_id"],
            "location_dest_id": dest,
            "origin_returned_move_id": ln["move_id"],
            "to_refund": bool(ln.get("to_refund")),
            "partner_id": orig.get("partner_id") or False,
            "picking_type_id": rtype,
        }
        if ln.get("to_refund"):
            mvals["sale_line_id"] = orig.get("sale_line_id") or False
            mvals["purchase_line_id"] = orig.get("purchase_line_id") or False
        moves.append(env.create("stock.move", mvals))
    confirm_moves(env, moves)
    assign_moves(env, moves)
    refresh_picking_state(env, new)
    context = dict(env.context)
    if env.p.major <= 17:
        context.update(
            default_partner_id=picking.get("partner_id") or False, search_default_picking_type_id=rtype
        )
    return {
        "name": "Returned Picking",
        "view_mode": "form,tree,calendar" if env.p.major <= 17 else "form",
        "res_model": "stock.picking",
        "res_id": new,
        "type": "ir.actions.act_window",
        "context": context,
    }


# -- inventory mode ------------------------------------------------------------------------------
def _quant_before_create(env: Env, vals: dict) -> dict:
    if not env.context.get("inventory_mode"):
        return vals
    extra = set(vals) - INVENTORY_FIELDS - {k for k in vals if k.startswith("__")}
    if extra:
        raise UserError("Quant's creation is restricted, you can't do this operation.")
    return vals


def quant_create(env: Env, model: str, vals_list: Any) -> list[int]:
    """Inventory mode merges into an existing quant (same product/location/lot/package/owner)."""
    from ..methods import create

    items = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
    out = []
    for vals in items:
        if env.context.get("inventory_mode"):
            _quant_before_create(env, vals)
            qid = find_quant(
                env,
                vals.get("product_id"),
                vals.get("location_id"),
                vals.get("lot_id"),
                vals.get("package_id"),
                vals.get("owner_id"),
            )
            if qid is not None:
                _inventory_write(env, [qid], vals)
                out.append(qid)
                continue
            counted = {
                k: v for k, v in vals.items() if k in ("inventory_quantity", "inventory_quantity_auto_apply")
            }
            base = {k: v for k, v in vals.items() if k not in counted}
            qid = create(env, model, base)[0]
            env.set(model, qid, in_date=env.now)
            _inventory_write(env, [qid], counted)
            out.append(qid)
        else:
            out.extend(create(env, model, vals))
    return out


def _inventory_write(env: Env, ids: list[int], vals: dict) -> None:
    if "inventory_quantity" in vals:
        for qid in ids:
            env.write(
                "stock.quant",
                [qid],
                {
                    "inventory_quantity": vals["inventory_quantity"],
                    "inventory_quantity_set": True,
                    "__qty_at_count": env.row("stock.quant", qid)["quantity"],
                    "user_id": env.uid,
                },
            )
    if "inventory_quantity_auto_apply" in vals:
        for qid in ids:
            env.write(
                "stock.quant",
                [qid],
                {
                    "inventory_quantity": vals["inventory_quantity_auto_apply"],
                    "inventory_quantity_set": True,
                    "__qty_at_count": env.row("stock.quant", qid)["quantity"],
                },
            )
            apply_inventory(env, [qid])


def quant_write(env: Env, model: str, ids: list[int], vals: dict) -> bool:
    from ..methods import write

    inv = {k: vals[k] for k in ("inventory_quantity", "inventory_quantity_auto_apply") if k in vals}
    rest = {k: v for k, v in vals.items() if k not in inv}
    if "quantity" in rest and not env.context.get("inventory_mode"):
        raise UserError("Quant's editing is restricted, you can't do this operation.")
    env.check_ids(model, ids)
    if rest:
        write(env, model, ids, rest)
    _inventory_write(env, ids, inv)
    return True


def apply_inventory(env: Env, ids: list[int]) -> None:
    inventory_loc = special_location(env, "inventory", "Inventory adjustment")
    for qid in ids:
        q = env.row("stock.quant", qid)
        if not q.get("inventory_quantity_set"):
            continue
        diff = round(q.get("inventory_quantity", 0.0) - q["quantity"], 6)
        if abs(diff) > EPS:
            src, dst = (inventory_loc, q["location_id"]) if diff > 0 else (q["location_id"], inventory_loc)
            product = q["product_id"]
            vals = {
                "product_id": product,
                "product_uom_qty": abs(diff),
                "location_id": src,
                "location_dest_id": dst,
                "is_inventory": True,
                "company_id": 1,
                "__state": "done",
            }
            if "name" in env.registry["stock.move"].fields:
                vals["name"] = "Product Quantity Updated" if env.p.major >= 17 else "Quantity Updated"
            mid = env.create("stock.move", vals)
            line = {
                "move_id": mid,
                "product_id": product,
                "location_id": src,
                "location_dest_id": dst,
                "lot_id": q.get("lot_id") or False,
                "package_id": q.get("package_id") or False if diff < 0 else False,
                "result_package_id": q.get("package_id") or False if diff > 0 else False,
            }
            line["qty_done" if env.p.major == 16 else "quantity"] = abs(diff)
            if env.p.major >= 17:
                line["picked"] = True
            env.create("stock.move.line", line)
            env.set("stock.move", mid, date=env.now)
            update_quant(
                env, product, q["location_id"], diff, q.get("lot_id"), q.get("package_id"), q.get("owner_id")
            )
        env.write(
            "stock.quant",
            [qid],
            {"inventory_quantity": 0.0, "inventory_quantity_set": False, "__last_count": env.now},
        )


def action_apply_inventory(env: Env, model: str, ids: list[int]) -> Any:
    env.check_ids(model, ids)
    outdated = [q for q in ids if env.value(model, q, "is_outdated")]
    if outdated:
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.inventory.conflict",
            "views": [[False, "form"]],
            "target": "new",
            "context": dict(env.context, default_quant_ids=list(ids), default_quant_to_fix_ids=outdated),
        }
    apply_inventory(env, ids)
    return None  # Odoo returns None on success: XML-RPC faults after the commit


def register(reg: Registry) -> None:
    reg.model(
        "stock.return.picking",
        "Return Picking",
        [
            Many2one("picking_id", "stock.picking", "Picking"),
            One2many("product_return_moves", "stock.return.picking.line", "wizard_id", "Moves"),
            Many2one("location_id", "stock.location", "Return Location", until=17),
        ],
        transient=True,
        rec_name=None,
    )
    reg.model(
        "stock.return.picking.line",
        "Return Picking Line",
        [
            Many2one("product_id", "product.product", "Product", required=True),
            Float("quantity", "Quantity"),
            Many2one("uom_id", "uom.uom", "Unit of Measure", related="product_id.uom_id"),
            Many2one("wizard_id", "stock.return.picking", "Wizard", ondelete="cascade"),
            Many2one("move_id", "stock.move", "Move"),
            Boolean("to_refund", "Update quantities on SO/PO", default=True),
        ],
        transient=True,
        rec_name=None,
    )
    wiz = reg.models["stock.return.picking"]
    wiz.before_create.append(_wizard_before_create)
    wiz.after_create.append(_wizard_after_create)
    wiz.default_hooks.append(_wizard_defaults)
    if reg.p.return_method == "action_create_returns":
        reg.method("stock.return.picking", "action_create_returns")(
            lambda env, model, ids: create_returns(env, model, ids)
        )
        reg.method("stock.return.picking", "action_create_returns_all")(
            lambda env, model, ids: create_returns(env, model, ids, fill_all=True)
        )
    else:
        reg.method("stock.return.picking", "create_returns")(
            lambda env, model, ids: create_returns(env, model, ids)
        )

    from ..registry import Method

    quant = reg.models["stock.quant"]
    quant.methods["create"] = Method(quant_create, "create")
    quant.methods["write"] = Method(quant_write, "record")
    reg.method("stock.quant", "action_apply_inventory")(action_apply_inventory)
    reg.method("stock.quant", "action_set_inventory_quantity")(_set_inventory_quantity)
    reg.method("stock.quant", "action_set_inventory_quantity_to_zero")(_set_inventory_zero)


def _set_inventory_quantity(env: Env, model: str, ids: list[int]) -> None:
    for qid in ids:
        _inventory_write(env, [qid], {"inventory_quantity": env.row(model, qid)["quantity"]})
    return None


def _set_inventory_zero(env: Env, model: str, ids: list[int]) -> None:
    for qid in ids:
        env.write(model, [qid], {"inventory_quantity": 0.0, "inventory_quantity_set": False})
    return None
