"""Picking lifecycle: confirm, reserve (FIFO/FEFO), validate with backorder / immediate-transfer wizards."""

from __future__ import annotations

from typing import Any

from ..errors import UserError, ValidationError
from ..orm import Env
from ..registry import Registry
from .product import is_storable, product_display
from .stock import (
    _line_vals,
    _move_lines,
    _picking_lines,
    _picking_moves,
    convert_qty,
    is_internal,
    ml_reserved,
    move_name,
    next_name,
    product_qty,
    reserved_for,
    update_quant,
)

EPS = 1e-6
WIZARD_VIEW_IDS = {"stock.backorder.confirmation": 801, "stock.immediate.transfer": 802}


# -- state ---------------------------------------------------------------------------------------
def reserved_qty(env: Env, move_id: int) -> float:
    return sum(ml_reserved(env, env.row("stock.move.line", ml)) for ml in _move_lines(env, move_id))


def refresh_move_state(env: Env, move_id: int) -> None:
    m = env.row("stock.move", move_id)
    if m["state"] in ("draft", "done", "cancel"):
        return
    need = product_qty(env, move_id)
    have = reserved_qty(env, move_id)
    state = "assigned" if have >= need - EPS else ("partially_available" if have > EPS else "confirmed")
    if state != m["state"]:
        env.set("stock.move", move_id, state=state)
    if m.get("picking_id"):
        refresh_picking_state(env, m["picking_id"])


def refresh_picking_state(env: Env, pid: int) -> None:
    states = [env.row("stock.move", m)["state"] for m in _picking_moves(env, pid)]
    if not states:
        state = "draft"
    elif all(s == "cancel" for s in states):
        state = "cancel"
    elif all(s in ("done", "cancel") for s in states):
        state = "done"
    elif any(s == "draft" for s in states):
        state = "draft"
    else:
        live = [s for s in states if s not in ("done", "cancel")]
        policy = env.row("stock.picking", pid).get("move_type") or "direct"
        if policy == "one":
            state = "assigned" if all(s == "assigned" for s in live) else "confirmed"
        else:
            state = "assigned" if any(s in ("assigned", "partially_available") for s in live) else "confirmed"
    if env.row("stock.picking", pid)["state"] != state:
        env.write("stock.picking", [pid], {"__state": state})


# -- confirm & reserve ---------------------------------------------------------------------------
def confirm_moves(env: Env, move_ids: list[int]) -> None:
    to_assign = []
    for mid in move_ids:
        m = env.row("stock.move", mid)
        if m["state"] != "draft":
            continue
        env.set("stock.move", mid, state="confirmed")
        ptype = m.get("picking_type_id")
        if ptype and env.row("stock.picking.type", ptype)["reservation_method"] == "at_confirm":
            to_assign.append(mid)
        if m.get("picking_id"):
            refresh_picking_state(env, m["picking_id"])
    assign_moves(env, to_assign)


def _quant_candidates(env: Env, move_id: int) -> list[int]:
    m = env.row("stock.move", move_id)
    locs = env.search_set("stock.location", [("id", "child_of", m["location_id"])], active_test=False)
    quants = [
        q
        for q in env.store.table("stock.quant").lookup("product_id", m["product_id"])
        if env.row("stock.quant", q)["location_id"] in locs and env.row("stock.quant", q)["quantity"] > 0
    ]
    fefo = env.value("product.product", m["product_id"], "use_expiration_date")

    def key(qid: int) -> tuple:
        q = env.row("stock.quant", qid)
        removal = env.value("stock.quant", qid, "removal_date") if fefo else False
        return (removal or "9999", q.get("in_date") or "", qid)

    return sorted(quants, key=key)


def reserve_move(env: Env, move_id: int, wanted: float) -> float:
    """Reserve up to `wanted` (product UoM) from quants under the move's source location.

    Returns the quantity reserved."""
    m = env.row("stock.move", move_id)
    serial = env.value("product.product", m["product_id"], "tracking") == "serial"
    qty_field = "reserved_uom_qty" if env.p.major == 16 else "quantity"
    got = 0.0
    for qid in _quant_candidates(env, move_id):
        if wanted - got <= EPS:
            break
        q = env.row("stock.quant", qid)
        free = q["quantity"] - reserved_for(env, qid)
        take = min(free, wanted - got)
        if take <= EPS:
            continue
        base = {
            "location_id": q["location_id"],
            "lot_id": q.get("lot_id") or False,
            "package_id": q.get("package_id") or False,
        }
        if base["package_id"]:
            base["result_package_id"] = base["package_id"]
        if serial:
            for _ in range(int(take + EPS)):
                env.create("stock.move.line", _line_vals(env, move_id, **base, **{qty_field: 1.0}))
            take = float(int(take + EPS))
        else:
            existing = [
                ml
                for ml in _move_lines(env, move_id)
                if all((env.row("stock.move.line", ml).get(k) or False) == v for k, v in base.items())
            ]
            if existing:
                ml = existing[0]
                env.set(
                    "stock.move.line",
                    ml,
                    **{qty_field: round(env.row("stock.move.line", ml).get(qty_field, 0.0) + take, 6)},
                )
            else:
                env.create("stock.move.line", _line_vals(env, move_id, **base, **{qty_field: round(take, 6)}))
        got += take
    return got


def assign_moves(env: Env, move_ids: list[int]) -> None:
    for mid in move_ids:
        m = env.row("stock.move", mid)
        if m["state"] not in ("confirmed", "partially_available", "waiting"):
            continue
        need = product_qty(env, mid) - reserved_qty(env, mid)
        if need > EPS:
            if not is_internal(env, m["location_id"]) or not is_storable(env, m["product_id"]):
                _assign_without_stock(env, mid, need)
            else:
                reserve_move(env, mid, need)
        refresh_move_state(env, mid)


def _assign_without_stock(env: Env, move_id: int, qty: float) -> None:
    """Receipts, returns and consumables are 'reserved' outright; serials get one line per unit.
    Returns reuse the lots of the returned move's lines."""
    m = env.row("stock.move", move_id)
    qty_field = "reserved_uom_qty" if env.p.major == 16 else "quantity"
    tracking = env.value("product.product", m["product_id"], "tracking")
    origin = m.get("origin_returned_move_id")
    if origin:
        remaining = qty
        for ml in _move_lines(env, origin):
            src = env.row("stock.move.line", ml)
            done = src.get("qty_done", 0.0) if env.p.major == 16 else src.get("quantity", 0.0)
            take = min(done, remaining)
            if take > EPS:
                env.create(
                    "stock.move.line",
                    _line_vals(env, move_id, lot_id=src.get("lot_id") or False, **{qty_field: take}),
                )
                remaining -= take
        qty = remaining
    if qty <= EPS:
        return
    if tracking == "serial":
        for _ in range(int(qty + EPS)):
            env.create("stock.move.line", _line_vals(env, move_id, **{qty_field: 1.0}))
    else:
        env.create("stock.move.line", _line_vals(env, move_id, **{qty_field: round(qty, 6)}))


# -- picking methods -----------------------------------------------------------------------------
def action_confirm(env: Env, model: str, ids: list[int]) -> bool:
    env.check_access(model, "write")
    env.check_ids(model, ids)
    for pid in ids:
        confirm_moves(
            env, [m for m in _picking_moves(env, pid) if env.row("stock.move", m)["state"] == "draft"]
        )
        refresh_picking_state(env, pid)
    return True


def action_assign(env: Env, model: str, ids: list[int]) -> bool:
    env.check_access(model, "write")
    env.check_ids(model, ids)
    action_confirm(env, model, [p for p in ids if env.row("stock.picking", p)["state"] == "draft"])
    moves = [
        m
        for p in ids
        for m in _picking_moves(env, p)
        if env.row("stock.move", m)["state"] in ("confirmed", "waiting", "partially_available")
    ]
    if not moves:
        raise UserError("Nothing to check the availability for.")
    assign_moves(env, moves)
    return True


def unreserve_move(env: Env, mid: int) -> None:
    """Release a move's reservation; processed quantities (qty_done / picked lines) stay."""
    if env.row("stock.move", mid)["state"] in ("done", "cancel"):
        return
    for ml in _move_lines(env, mid):
        row = env.row("stock.move.line", ml)
        if env.p.major == 16 and row.get("qty_done"):
            env.set("stock.move.line", ml, reserved_uom_qty=0.0)
        elif env.p.major == 16 or not row.get("picked"):
            env.unlink("stock.move.line", [ml])
    if env.row("stock.move", mid)["state"] != "draft":
        env.set("stock.move", mid, state="confirmed")


def do_unreserve(env: Env, model: str, ids: list[int]) -> None:
    env.check_ids(model, ids)
    for pid in ids:
        for mid in _picking_moves(env, pid):
            unreserve_move(env, mid)
        refresh_picking_state(env, pid)
    return None  # Odoo's do_unreserve has no return statement: XML-RPC faults after commit


def action_cancel(env: Env, model: str, ids: list[int]) -> bool:
    env.check_ids(model, ids)
    for pid in ids:
        for mid in _picking_moves(env, pid):
            if env.row("stock.move", mid)["state"] != "done":
                env.unlink("stock.move.line", _move_lines(env, mid))
                env.set("stock.move", mid, state="cancel")
        refresh_picking_state(env, pid)
    return True


def action_toggle_is_locked(env: Env, model: str, ids: list[int]) -> bool:
    env.check_ids(model, ids)
    for pid in ids:
        env.write(model, [pid], {"is_locked": not env.row(model, pid).get("is_locked")})
    return True


def action_set_quantities_to_reservation(env: Env, model: str, ids: list[int]) -> None:
    for pid in ids:
        for mid in _picking_moves(env, pid):
            lines = _move_lines(env, mid)
            if all(not env.row("stock.move.line", ml).get("qty_done") for ml in lines):
                for ml in lines:
                    env.set(
                        "stock.move.line",
                        ml,
                        qty_done=env.row("stock.move.line", ml).get("reserved_uom_qty", 0.0),
                    )
    return None


def _done_qty(env: Env, ml: int) -> float:
    row = env.row("stock.move.line", ml)
    if env.p.major == 16:
        return row.get("qty_done", 0.0)
    return row.get("quantity", 0.0) if row.get("picked") else 0.0


def sanity_check(env: Env, ids: list[int]) -> None:
    messages = []
    for pid in ids:
        moves = _picking_moves(env, pid)
        lines = _picking_lines(env, pid)
        if not moves and not lines:
            messages.append(
                "Please add some items to move."
                if env.p.major <= 17
                else "You can't validate an empty transfer. Please add some products to move before "
                "proceeding."
            )
            continue
        if env.p.major == 16:
            state = env.row("stock.picking", pid)["state"]
            if state == "done" or all(
                not env.row("stock.move.line", ml).get("qty_done")
                and not env.row("stock.move.line", ml).get("reserved_uom_qty")
                for ml in lines
            ):
                messages.append(
                    "You cannot validate a transfer if no quantities are reserved nor done. To force "
                    "the transfer, switch in edit mode and encode the done quantities."
                )
                continue
        elif all(not env.row("stock.move.line", ml).get("quantity") for ml in lines):
            messages.append(
                "You cannot validate a transfer if no quantities are reserved. To force the transfer, "
                "encode quantities."
            )
            continue
        missing = []
        for ml in lines:
            row = env.row("stock.move.line", ml)
            qty = row.get("qty_done", 0.0) if env.p.major == 16 else row.get("quantity", 0.0)
            if (
                qty
                and env.value("product.product", row["product_id"], "tracking") != "none"
                and not row.get("lot_id")
                and not row.get("lot_name")
            ):
                name = product_display(env, row["product_id"])
                if name not in missing:
                    missing.append(name)
        if missing:
            messages.append(f"You need to supply a Lot/Serial number for products {', '.join(missing)}.")
    if messages:
        raise UserError("\n\n".join(messages))


def _needs_backorder(env: Env, pid: int) -> bool:
    for mid in _picking_moves(env, pid):
        m = env.row("stock.move", mid)
        if m["state"] in ("done", "cancel"):
            continue
        demand = product_qty(env, mid)
        done = sum(_done_qty(env, ml) for ml in _move_lines(env, mid))
        if demand > EPS and done < demand - EPS:
            return True
    return False


def _wizard_action(env: Env, res_model: str, name: str, pids: list[int], ctx: dict) -> dict:
    view = WIZARD_VIEW_IDS[res_model]
    context = dict(ctx, default_show_transfers=len(pids) > 1, default_pick_ids=[[4, p] for p in pids])
    return {
        "name": name,
        "type": "ir.actions.act_window",
        "view_mode": "form",
        "res_model": res_model,
        "views": [[view, "form"]],
        "view_id": view,
        "target": "new",
        "context": context,
    }


def button_validate(env: Env, model: str, ids: list[int]) -> Any:
    env.check_access(model, "write")
    env.check_ids(model, ids)
    ctx = env.context
    if env.p.major >= 17:
        ids = [p for p in ids if env.row("stock.picking", p)["state"] != "done"]
        if not ids:
            return True
        for pid in ids:
            if env.row("stock.picking", pid)["state"] == "draft":
                action_confirm(env, model, [pid])
                for mid in _picking_moves(env, pid):
                    if (
                        env.value("stock.move", mid, "quantity") <= EPS
                        and env.row("stock.move", mid)["product_uom_qty"] > EPS
                    ):
                        env.write(
                            "stock.move", [mid], {"quantity": env.row("stock.move", mid)["product_uom_qty"]}
                        )
    if not ctx.get("skip_sanity_check"):
        sanity_check(env, ids)
    ctx = dict(ctx, button_validate_picking_ids=list(ids))
    # _pre_action_done_hook
    if env.p.immediate_transfer and not ctx.get("skip_immediate"):
        immediate = [
            p
            for p in ids
            if all(not env.row("stock.move.line", ml).get("qty_done") for ml in _picking_lines(env, p))
        ]
        if immediate:
            return _wizard_action(env, "stock.immediate.transfer", "Immediate Transfer?", immediate, ctx)
    if env.p.picked_flow:
        for pid in ids:
            moves = [
                m
                for m in _picking_moves(env, pid)
                if env.row("stock.move", m)["state"] not in ("done", "cancel")
            ]
            if not any(env.value("stock.move", m, "picked") for m in moves) and any(
                env.value("stock.move", m, "quantity") > EPS for m in moves
            ):
                for m in moves:
                    env.write("stock.move", [m], {"picked": True})
    if not ctx.get("skip_backorder"):
        ask = [
            p
            for p in ids
            if env.value("stock.picking", p, "picking_type_id")
            and env.row("stock.picking.type", env.row("stock.picking", p)["picking_type_id"])[
                "create_backorder"
            ]
            == "ask"
            and _needs_backorder(env, p)
        ]
        if ask:
            return _wizard_action(env, "stock.backorder.confirmation", "Create Backorder?", ask, ctx)
    not_to_backorder = set(ctx.get("picking_ids_not_to_backorder") or [])
    for pid in ids:
        policy = env.row("stock.picking.type", env.row("stock.picking", pid)["picking_type_id"])[
            "create_backorder"
        ]
        cancel = (
            policy == "never"
            or (pid in not_to_backorder and policy != "always")
            or bool(ctx.get("cancel_backorder"))
        )
        action_done(env, pid, cancel)
    if env.p.major >= 17:
        printable = [
            p
            for p in ids
            if env.row("stock.picking.type", env.row("stock.picking", p)["picking_type_id"]).get(
                "auto_print_delivery_slip"
            )
        ]
        if printable:
            return {
                "type": "ir.actions.client",
                "tag": "do_multi_print",
                "params": {
                    "reports": [
                        {
                            "type": "ir.actions.report",
                            "report_name": "stock.report_deliveryslip",
                            "report_type": "qweb-pdf",
                            "context": {"active_ids": printable},
                        }
                    ]
                },
            }
    return True


# -- _action_done --------------------------------------------------------------------------------
def _resolve_lot(env: Env, ml: int) -> int | bool:
    row = env.row("stock.move.line", ml)
    if row.get("lot_id") or not row.get("lot_name"):
        return row.get("lot_id") or False
    existing = [
        i
        for i in env.store.table("stock.lot").lookup("name", row["lot_name"])
        if env.row("stock.lot", i)["product_id"] == row["product_id"]
    ]
    if existing:
        lot = existing[0]
    else:
        vals: dict[str, Any] = {"name": row["lot_name"], "product_id": row["product_id"]}
        if row.get("expiration_date"):
            vals["expiration_date"] = row["expiration_date"]
        lot = env.create("stock.lot", vals)
    env.set("stock.move.line", ml, lot_id=lot)
    return lot


def _apply_line(env: Env, ml: int, qty: float) -> None:
    row = env.row("stock.move.line", ml)
    product = row["product_id"]
    tracking = env.value("product.product", product, "tracking")
    lot = _resolve_lot(env, ml) if tracking != "none" else (row.get("lot_id") or False)
    if tracking == "serial":
        if abs(qty - 1.0) > EPS:
            uom = env.display_name("uom.uom", env.value("product.product", product, "uom_id"))
            raise UserError(f"You can only process 1.0 {uom} of products with unique serial number.")
        if is_internal(env, row["location_dest_id"]) and not is_internal(env, row["location_id"]):
            from .stock import _lot_qty

            if _lot_qty(env, lot) > EPS:
                raise ValidationError(
                    "The serial number has already been assigned: \n"
                    f" Product: {product_display(env, product)}, "
                    f"Serial Number: {env.row('stock.lot', lot)['name']}"
                )
    if not is_storable(env, product):
        return
    if is_internal(env, row["location_id"]):
        update_quant(env, product, row["location_id"], -qty, lot, row.get("package_id"), row.get("owner_id"))
    if is_internal(env, row["location_dest_id"]):
        update_quant(
            env, product, row["location_dest_id"], qty, lot, row.get("result_package_id"), row.get("owner_id")
        )


def _split_move(env: Env, mid: int, remainder_product_qty: float, state: str) -> int:
    m = env.row("stock.move", mid)
    prod_uom = env.value("product.product", m["product_id"], "uom_id")
    remainder = convert_qty(env, remainder_product_qty, prod_uom, m["product_uom"])
    keep = {
        k: v
        for k, v in m.items()
        if k not in ("create_date", "write_date", "create_uid", "write_uid", "state")
    }
    keep = {k if k in env.registry["stock.move"].fields else f"__{k}": v for k, v in keep.items()}
    keep.update(product_uom_qty=round(remainder, 6))
    new = env.create("stock.move", keep)
    env.set("stock.move", new, state=state)
    env.set("stock.move", mid, product_uom_qty=round(m["product_uom_qty"] - remainder, 6))
    return new


def action_done(env: Env, pid: int, cancel_backorder: bool) -> None:
    backorder_moves: list[int] = []
    touched_moves: list[int] = []
    for mid in _picking_moves(env, pid):
        m = env.row("stock.move", mid)
        if m["state"] in ("done", "cancel"):
            continue
        lines = _move_lines(env, mid)
        if env.p.picked_flow and (
            not env.value("stock.move", mid, "picked") or env.value("stock.move", mid, "quantity") <= EPS
        ):
            if cancel_backorder or m["product_uom_qty"] <= EPS:
                env.unlink("stock.move.line", lines)
                env.set("stock.move", mid, state="cancel")
            else:
                backorder_moves.append(mid)
            continue
        done_lines = [ml for ml in lines if _done_qty(env, ml) > EPS]
        env.unlink("stock.move.line", [ml for ml in lines if ml not in done_lines])
        done = sum(_done_qty(env, ml) for ml in done_lines)
        if done <= EPS:
            if cancel_backorder:
                env.set("stock.move", mid, state="cancel")
            else:
                backorder_moves.append(mid)
            continue
        demand = product_qty(env, mid)
        if done < demand - EPS:
            new = _split_move(env, mid, demand - done, "cancel" if cancel_backorder else "confirmed")
            if not cancel_backorder:
                backorder_moves.append(new)
        elif done > demand + EPS and demand > EPS:
            # _create_extra_move(): the excess becomes an extra move merged back into this one
            prod_uom = env.value("product.product", m["product_id"], "uom_id")
            env.set("stock.move", mid, product_uom_qty=convert_qty(env, done, prod_uom, m["product_uom"]))
        for ml in done_lines:
            _apply_line(env, ml, _done_qty(env, ml))
            if env.p.major == 16:
                env.set("stock.move.line", ml, reserved_uom_qty=0.0, date=env.now)
            else:
                env.set("stock.move.line", ml, date=env.now)
        env.set("stock.move", mid, state="done", date=env.now)
        touched_moves.append(mid)
    if backorder_moves:
        _create_backorder(env, pid, backorder_moves)
    env.write("stock.picking", [pid], {"__date_done": env.now, "priority": "0"})
    refresh_picking_state(env, pid)
    _cleanup_quants(env)
    from .purchase import refresh_received
    from .sale import refresh_delivered

    refresh_delivered(env, touched_moves)
    refresh_received(env, touched_moves)


def _create_backorder(env: Env, pid: int, move_ids: list[int]) -> int:
    p = env.row("stock.picking", pid)
    bo = env.create(
        "stock.picking",
        {
            "picking_type_id": p["picking_type_id"],
            "partner_id": p.get("partner_id") or False,
            "origin": p.get("origin") or False,
            "location_id": p["location_id"],
            "location_dest_id": p["location_dest_id"],
            "backorder_id": pid,
            "scheduled_date": p.get("scheduled_date") or env.now,
            "carrier_id": p.get("carrier_id") or False,
            "sale_id": p.get("sale_id") or False,
            "move_type": p.get("move_type") or "direct",
            "company_id": p.get("company_id") or 1,
        },
    )
    for mid in move_ids:
        env.set("stock.move", mid, picking_id=bo)
        for ml in _move_lines(env, mid):
            env.set("stock.move.line", ml, picking_id=bo)
    env.set("stock.picking", bo, state="confirmed")
    ptype = env.row("stock.picking.type", p["picking_type_id"])
    if ptype["reservation_method"] == "at_confirm":
        assign_moves(env, move_ids)
    for mid in move_ids:
        refresh_move_state(env, mid)
    refresh_picking_state(env, bo)
    return bo


def _cleanup_quants(env: Env) -> None:
    for qid in list(env.store.table("stock.quant").lookup("quantity", 0.0)):
        q = env.row("stock.quant", qid)
        if not q.get("inventory_quantity_set") and reserved_for(env, qid) <= EPS:
            env.unlink("stock.quant", [qid])


# -- hooks ---------------------------------------------------------------------------------------
def _picking_defaults(env: Env, vals: dict) -> dict:
    ptype = vals.get("picking_type_id")
    if ptype and env.exists("stock.picking.type", ptype):
        t = env.row("stock.picking.type", ptype)
        vals.setdefault("location_id", t.get("default_location_src_id") or False)
        vals.setdefault("location_dest_id", t.get("default_location_dest_id") or False)
        if vals.get("name", "/") in ("/", False, None):
            vals["name"] = next_name(env, ptype)
    if env.p.major == 16 and env.context.get("default_immediate_transfer"):
        vals.setdefault("immediate_transfer", True)
    return vals


def _move_defaults(env: Env, vals: dict) -> dict:
    pid = vals.get("picking_id")
    if pid and env.exists("stock.picking", pid):
        p = env.row("stock.picking", pid)
        vals.setdefault("location_id", p.get("location_id"))
        vals.setdefault("location_dest_id", p.get("location_dest_id"))
        vals.setdefault("picking_type_id", p.get("picking_type_id"))
        vals.setdefault("partner_id", p.get("partner_id") or False)
        vals.setdefault("origin", p.get("origin") or False)
    product = vals.get("product_id")
    if product and env.exists("product.product", product):
        vals.setdefault("product_uom", env.value("product.product", product, "uom_id"))
    if env.p.major >= 18 and not vals.get("location_final_id"):
        vals["location_final_id"] = vals.get("location_dest_id") or False
    return vals


def _move_created(env: Env, mid: int, vals: dict) -> None:
    m = env.row("stock.move", mid)
    if m.get("picking_id"):
        pstate = env.row("stock.picking", m["picking_id"])["state"]
        if pstate not in ("draft", "done", "cancel") and m["state"] == "draft" and not vals.get("__state"):
            confirm_moves(env, [mid])
        refresh_picking_state(env, m["picking_id"])


def _line_defaults(env: Env, vals: dict) -> dict:
    mid = vals.get("move_id")
    if not mid and vals.get("picking_id") and vals.get("product_id"):
        same = [
            m
            for m in _picking_moves(env, vals["picking_id"])
            if env.row("stock.move", m)["product_id"] == vals["product_id"]
            and env.row("stock.move", m)["state"] not in ("done", "cancel")
        ]
        if same:
            mid = vals["move_id"] = same[0]
        else:
            p = env.row("stock.picking", vals["picking_id"])
            mid = vals["move_id"] = env.create(
                "stock.move",
                {
                    **move_name(env, vals["product_id"]),
                    "picking_id": vals["picking_id"],
                    "product_id": vals["product_id"],
                    "product_uom_qty": 0.0,
                    "location_id": vals.get("location_id") or p["location_id"],
                    "location_dest_id": vals.get("location_dest_id") or p["location_dest_id"],
                },
            )
    if mid and env.exists("stock.move", mid):
        m = env.row("stock.move", mid)
        vals.setdefault("product_id", m["product_id"])
        vals.setdefault("picking_id", m.get("picking_id") or False)
        vals.setdefault("location_id", m["location_id"])
        vals.setdefault("location_dest_id", m["location_dest_id"])
    if vals.get("product_id"):
        vals.setdefault("product_uom_id", env.value("product.product", vals["product_id"], "uom_id"))
    if env.p.major >= 17 and vals.get("picked") is None and mid and env.exists("stock.move", mid):
        vals["picked"] = bool(env.row("stock.move", mid).get("picked_flag"))
    return vals


def _line_changed(env: Env, ids: Any, vals: dict) -> None:
    ids = [ids] if isinstance(ids, int) else ids
    for ml in ids:
        if env.exists("stock.move.line", ml):
            mid = env.row("stock.move.line", ml).get("move_id")
            if mid:
                if "picked" in vals and vals["picked"]:
                    env.set("stock.move", mid, picked_flag=True)
                refresh_move_state(env, mid)


def _line_unlinking(env: Env, ids: list[int]) -> None:
    moves = {env.row("stock.move.line", ml).get("move_id") for ml in ids}
    for ml in ids:
        if env.row("stock.move.line", ml).get("state") == "done":
            raise UserError(
                "You can not delete product moves if the picking is done. You can only correct the "
                "done quantities."
            )
    env.txn.pending_moves |= {m for m in moves if m}


def _lines_unlinked(env: Env, ids: list[int]) -> None:
    moves, env.txn.pending_moves = env.txn.pending_moves, set()
    for mid in moves:
        if env.exists("stock.move", mid):
            refresh_move_state(env, mid)


def _move_changed(env: Env, ids: list[int], vals: dict) -> None:
    if "product_uom_qty" in vals:
        for mid in ids:
            # a demand lowered below the reservation unreserves and reserves again, as stock.move.write does
            if env.row("stock.move", mid)["state"] not in ("draft", "done", "cancel") and (
                reserved_qty(env, mid) > product_qty(env, mid) + EPS
            ):
                unreserve_move(env, mid)
                assign_moves(env, [mid])
            refresh_move_state(env, mid)


def register(reg: Registry) -> None:
    reg.models["stock.picking"].before_create.append(_picking_defaults)
    reg.models["stock.move"].before_create.append(_move_defaults)
    reg.models["stock.move"].after_create.append(_move_created)
    reg.models["stock.move"].after_write.append(_move_changed)
    reg.models["stock.move.line"].before_create.append(_line_defaults)
    reg.models["stock.move.line"].after_create.append(lambda env, rid, vals: _line_changed(env, rid, vals))
    reg.models["stock.move.line"].after_write.append(_line_changed)
    reg.models["stock.move.line"].before_unlink.append(_line_unlinking)
    reg.models["stock.move.line"].after_unlink.append(_lines_unlinked)
    for name, func in (
        ("action_confirm", action_confirm),
        ("action_assign", action_assign),
        ("do_unreserve", do_unreserve),
        ("action_cancel", action_cancel),
        ("button_validate", button_validate),
    ):
        reg.method("stock.picking", name)(func)
    reg.method("stock.picking", "action_toggle_is_locked")(action_toggle_is_locked)
    reg.method("stock.picking", "action_set_quantities_to_reservation", until=16)(
        action_set_quantities_to_reservation
    )
