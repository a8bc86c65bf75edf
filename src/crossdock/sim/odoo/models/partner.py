"""res.partner: companies, contacts and delivery addresses (children with type='delivery')."""

from __future__ import annotations

from ..fields import Boolean, Char, Integer, Many2many, Many2one, One2many, Selection
from ..orm import Env
from ..registry import Registry


def partner_display(env: Env, rid: int) -> str:
    row = env.row("res.partner", rid)
    name = row.get("name") or ""
    parent = row.get("parent_id")
    if parent and not row.get("is_company"):
        if not name:
            name = dict(_types(env.p.major)).get(row.get("type") or "contact", "")
        return f"{partner_display(env, parent)}, {name}"
    return name


def _types(major: int) -> list[tuple[str, str]]:
    types = [
        ("contact", "Contact"),
        ("invoice", "Invoice Address"),
        ("delivery", "Delivery Address"),
        ("other", "Other Address"),
    ]
    if major == 16:
        types.append(("private", "Private Address"))
    return types


def _commercial(env: Env, rid: int) -> int:
    cur = rid
    while True:
        row = env.row("res.partner", cur)
        if row.get("is_company") or not row.get("parent_id"):
            return cur
        cur = row["parent_id"]


def register(reg: Registry) -> None:
    major = reg.major
    reg.model(
        "res.partner.category",
        "Partner Tags",
        [
            Char("name", "Tag Name", required=True),
            Many2one("parent_id", "res.partner.category", "Parent Category"),
            Boolean("active", default=True),
        ],
        parent_name="parent_id",
    )
    reg.model(
        "res.partner",
        "Contact",
        [
            Char("name", "Name"),
            Char("complete_name", "Complete Name", compute=partner_display, since=17),
            Char("ref", "Reference"),
            Char("vat", "Tax ID"),
            Char("street"),
            Char("street2"),
            Char("city"),
            Char("zip"),
            Many2one("state_id", "res.country.state", "State"),
            Many2one("country_id", "res.country", "Country"),
            Char("email"),
            Char("phone"),
            Char("mobile", until=18),
            Many2one("parent_id", "res.partner", "Related Company"),
            One2many("child_ids", "res.partner", "parent_id", "Contact"),
            Boolean("is_company", "Is a Company"),
            Many2one("commercial_partner_id", "res.partner", "Commercial Entity", compute=_commercial),
            Selection("type", _types(major), "Address Type", default="contact"),
            Boolean("active", default=True),
            Many2one("company_id", "res.company", "Company"),
            Integer("customer_rank"),
            Integer("supplier_rank"),
            Char("comment", "Notes"),
            Many2many("category_id", "res.partner.category", "Tags"),
        ],
        order="display_name ASC, id DESC" if major == 16 else "complete_name ASC, id DESC",
        display=partner_display,
        parent_name="parent_id",
    )

    mdef = reg.models["res.partner"]

    def require_name(env: Env, vals: dict) -> dict:
        if not vals.get("name") and not vals.get("parent_id"):
            # Odoo's check constraint res_partner_check_name
            from ..errors import ValidationError

            raise ValidationError("Contacts require a name")
        return vals

    mdef.before_create.append(require_name)
