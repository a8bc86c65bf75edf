"""Validation wizards: stock.backorder.confirmation (all versions), stock.immediate.transfer (16.0 only),
and putting processed lines in a package."""

from __future__ import annotations

from typing import Any

from ..errors import UserError
from ..fields import Boolean, Many2many, Many2one, One2many
from ..orm import Env
from ..registry import Registry
from .stock import _picking_lines, _picking_moves
from .stock_flow import EPS, _done_qty, action_confirm, assign_moves, button_validate


def register(reg: Registry) -> None:
    reg.method("stock.picking", "action_put_in_pack")(action_put_in_pack)

    reg.model(
        "stock.backorder.confirmation",
        "Backorder Confirmation",
        [
            Many2many("pick_ids", "stock.picking", "Pickings"),
            Boolean("show_transfers"),
            One2many(
                "backorder_confirmation_line_ids",
                "stock.backorder.confirmation.line",
                "backorder_confirmation_id",
                "Backorder Confirmation Lines",
            ),
        ],
        transient=True,
        rec_name=None,
    )
    reg.model(
        "stock.backorder.confirmation.line",
        "Backorder Confirmation Line",
        [
            Many2one(
                "backorder_confirmation_id",
                "stock.backorder.confirmation",
                "Immediate Transfer",
                ondelete="cascade",
            ),
            Many2one("picking_id", "stock.picking", "Transfer"),
            Boolean("to_backorder", "To Backorder"),
        ],
        transient=True,
        rec_name=None,
    )
    reg.models["stock.backorder.confirmation"].after_create.append(
        lambda env, rid, vals: _wizard_lines(
            env, "stock.backorder.confirmation", rid, "backorder_confirmation_line_ids", "to_backorder"
        )
    )
    reg.method("stock.backorder.confirmation", "process")(backorder_process)
    reg.method("stock.backorder.confirmation", "process_cancel_backorder")(backorder_cancel)

    reg.model(
        "stock.immediate.transfer",
        "Immediate Transfer",
        [
            Many2many("pick_ids", "stock.picking", "Transfers"),
            Boolean("show_transfers"),
            One2many(
                "immediate_transfer_line_ids",
                "stock.immediate.transfer.line",
                "immediate_transfer_id",
                "Immediate Transfer Lines",
            ),
        ],
        until=16,
        transient=True,
        rec_name=None,
    )
    reg.model(
        "stock.immediate.transfer.line",
        "Immediate Transfer Line",
        [
            Many2one(
                "immediate_transfer_id", "stock.immediate.transfer", "Immediate Transfer", ondelete="cascade"
            ),
            Many2one("picking_id", "stock.picking", "Transfer"),
            Boolean("to_immediate", "To Process"),
        ],
        until=16,
        transient=True,
        rec_name=None,
    )
    if reg.major == 16:
        reg.models["stock.immediate.transfer"].after_create.append(
            lambda env, rid, vals: _wizard_lines(
                env, "stock.immediate.transfer", rid, "immediate_transfer_line_ids", "to_immediate"
            )
        )
        reg.method("stock.immediate.transfer", "process")(immediate_process)


def _wizard_lines(env: Env, model: str, rid: int, o2m: str, flag: str) -> None:
    if env.value(model, rid, o2m):
        return
    for pid in env.value(model, rid, "pick_ids"):
        env.write(model, [rid], {o2m: [[0, 0, {"picking_id": pid, flag: True}]]})


def backorder_process(env: Env, model: str, ids: list[int]) -> Any:
    env.check_ids(model, ids)
    todo = env.context.get("button_validate_picking_ids")
    if not todo:
        return True
    not_todo = [
        env.row("stock.backorder.confirmation.line", ln)["picking_id"]
        for w in ids
        for ln in env.value(model, w, "backorder_confirmation_line_ids")
        if not env.row("stock.backorder.confirmation.line", ln).get("to_backorder")
    ]
    ctx: dict[str, Any] = {"skip_backorder": True}
    if not_todo:
        ctx["picking_ids_not_to_backorder"] = not_todo
    return button_validate(env.with_context(**ctx), "stock.picking", list(todo))


def backorder_cancel(env: Env, model: str, ids: list[int]) -> Any:
    env.check_ids(model, ids)
    todo = env.context.get("button_validate_picking_ids")
    if not todo:
        return True
    picks = [p for w in ids for p in env.value(model, w, "pick_ids")]
    return button_validate(
        env.with_context(skip_backorder=True, picking_ids_not_to_backorder=picks), "stock.picking", list(todo)
    )


def immediate_process(env: Env, model: str, ids: list[int]) -> Any:
    env.check_ids(model, ids)
    pickings = []
    for w in ids:
        for ln in env.value(model, w, "immediate_transfer_line_ids"):
            row = env.row("stock.immediate.transfer.line", ln)
            if row.get("to_immediate"):
                pickings.append(row["picking_id"])
    for pid in pickings:
        if env.row("stock.picking", pid)["state"] == "draft":
            action_confirm(env, "stock.picking", [pid])
        if env.row("stock.picking", pid)["state"] != "assigned":
            assign_moves(env, _picking_moves(env, pid))
            if env.row("stock.picking", pid)["state"] != "assigned":
                raise UserError(
                    "Could not reserve all requested products. Please use the 'Mark as Todo' button to "
                    "handle the reservation manually."
                )
        for ml in _picking_lines(env, pid):
            row = env.row("stock.move.line", ml)
            env.set("stock.move.line", ml, qty_done=row.get("reserved_uom_qty", 0.0))
    todo = env.context.get("button_validate_picking_ids")
    if todo:
        return button_validate(env.with_context(skip_immediate=True), "stock.picking", list(todo))
    return True


def action_put_in_pack(env: Env, model: str, ids: list[int]) -> int:
    """Returns the new package id (Odoo returns the package record; see docs/odoo-emulator.md)."""
    env.check_ids(model, ids)
    lines = [
        ml
        for p in ids
        for ml in _picking_lines(env, p)
        if _done_qty(env, ml) > EPS or (env.p.major >= 17 and env.row("stock.move.line", ml).get("quantity"))
    ]
    lines = [ml for ml in lines if not env.row("stock.move.line", ml).get("result_package_id")]
    if not lines:
        raise UserError(
            "There is nothing eligible to put in a pack. Either there are no quantities to put in a pack "
            "or all products are already in a pack."
        )
    package = env.create(env.p.package_model, {})
    for ml in lines:
        env.write("stock.move.line", [ml], {"result_package_id": package})
    return package
