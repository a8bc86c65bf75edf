"""Business areas; each module registers its models and RPC methods into a version's registry."""

from __future__ import annotations

from typing import Any

from ..fields import Char, Datetime, Integer, Many2one
from ..methods import register_generic
from ..registry import Registry
from . import (
    account,
    automation,
    base,
    partner,
    product,
    purchase,
    sale,
    stock_batch,
    stock_flow,
    stock_models,
    stock_return,
    stock_wizards,
)


def register_all(reg: Registry) -> None:
    for module in (
        base,
        partner,
        product,
        stock_models,
        stock_flow,
        stock_wizards,
        stock_return,
        stock_batch,
        sale,
        purchase,
        account,
        automation,
    ):
        module.register(reg)
    for mdef in reg.models.values():
        magic = [
            Integer("id", "ID", readonly=True, extra={"store": True}),
            Char("display_name", "Display Name", compute=_display_name, readonly=True),
            Datetime("create_date", "Created on", readonly=True),
            Datetime("write_date", "Last Updated on", readonly=True),
            Many2one("create_uid", "res.users", "Created by", readonly=True),
            Many2one("write_uid", "res.users", "Last Updated by", readonly=True),
        ]
        for f in magic:
            mdef.fields.setdefault(f.name, f)
    register_generic(reg)


def _display_name(env: Any, rid: int) -> str:
    raise AssertionError("display_name is resolved by Env.value/Env.export, never computed per field")
