"""stock.picking.batch (Odoo's Batch Transfers, module stock_picking_batch): pickings processed together.

Only what integrations use: a batch created with its pickings (x2many commands may update each
picking in the same call), its state following the pickings, and validating it as a whole.
"""

from __future__ import annotations

from typing import Any

from ..fields import Boolean, Char, Datetime, Many2one, One2many, Selection
from ..orm import Env
from ..registry import Registry
from .stock_flow import button_validate

STATES = [("draft", "Draft"), ("in_progress", "In progress"), ("done", "Done"), ("cancel", "Cancelled")]


def _batch_name(env: Env) -> str:
    return f"BATCH/{len(env.store.table('stock.picking.batch').rows) + 1:05d}"


def _state(env: Env, rid: int) -> str:
    states = {
        env.row("stock.picking", p)["state"] for p in env.store.table("stock.picking").lookup("batch_id", rid)
    }
    if states and states <= {"done", "cancel"}:
        return "done" if "done" in states else "cancel"
    return env.row("stock.picking.batch", rid).get("__state") or "draft"


def register(reg: Registry) -> None:
    reg.model(
        "stock.picking.batch",
        "Batch Transfer",
        [
            Char("name", "Batch Transfer", default=_batch_name),
            Many2one("user_id", "res.users", "Responsible"),
            Many2one("company_id", "res.company", "Company", default=1),
            One2many("picking_ids", "stock.picking", "batch_id", "Transfers"),
            Many2one("picking_type_id", "stock.picking.type", "Operation Type"),
            Datetime("scheduled_date", "Scheduled Date"),
            Boolean("is_wave", "This batch is a wave"),
            Selection("state", STATES, "State", compute=_state),
        ],
        order="name desc",
    )
    reg.model("stock.picking", "Transfer", [Many2one("batch_id", "stock.picking.batch", "Batch Transfer")])

    @reg.method("stock.picking.batch", "action_confirm")
    def action_confirm(env: Env, model: str, ids: list[int]) -> bool:
        env.check_ids(model, ids)
        for rid in ids:
            env.set(model, rid, __state="in_progress")
        return True

    @reg.method("stock.picking.batch", "action_done")
    def action_done(env: Env, model: str, ids: list[int]) -> Any:
        env.check_ids(model, ids)
        pickings = sorted(p for rid in ids for p in env.store.table("stock.picking").lookup("batch_id", rid))
        return button_validate(env, "stock.picking", pickings)
