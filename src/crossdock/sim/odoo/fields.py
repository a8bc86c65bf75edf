"""Field descriptors: enough metadata for reads, writes, domains and `fields_get`, gated per version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RELATIONAL = ("many2one", "one2many", "many2many")
NUMERIC = ("integer", "float", "monetary")


@dataclass
class Field:
    name: str
    type: str
    string: str = ""
    required: bool = False
    readonly: bool = False
    store: bool = True
    default: Any = None
    relation: str | None = None
    inverse_name: str | None = None
    selection: list[tuple[str, str]] | None = None
    compute: Callable[..., Any] | None = None
    inverse: Callable[..., Any] | None = None
    related: str | None = None
    ondelete: str = "set null"
    help: str = ""
    since: int = 16
    until: int = 99
    groups: str | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.string:
            label = self.name.removesuffix("_ids").removesuffix("_id").replace("_", " ")
            self.string = label.title()
        if self.compute or self.related or self.type == "one2many":
            self.store = self.extra.get("store", False)

    @property
    def stored(self) -> bool:
        """Kept in the record row (x2many are kept only for many2many)."""
        return self.store and self.type != "one2many"

    def empty(self) -> Any:
        if self.type in ("one2many", "many2many"):
            return []
        if self.type in ("integer",):
            return 0
        if self.type in ("float", "monetary"):
            return 0.0
        return False

    def describe(self) -> dict:
        desc: dict[str, Any] = {
            "type": self.type,
            "string": self.string,
            "help": self.help,
            "required": self.required,
            "readonly": self.readonly
            or bool(self.compute and not self.inverse)
            or (bool(self.related) and not self.extra.get("writable", True)),
            "store": self.store or self.type == "one2many",
            "searchable": True,
            "sortable": self.stored,
            "manual": False,
            "depends": [],
            "company_dependent": False,
            "change_default": False,
            "exportable": True,
            "groupable": self.stored,
        }
        if self.relation:
            desc["relation"] = self.relation
            desc["context"] = {}
            desc["domain"] = []
        if self.type == "one2many":
            desc["relation_field"] = self.inverse_name
        if self.type == "selection":
            desc["selection"] = [list(s) for s in (self.selection or [])]
        if self.related:
            desc["related"] = self.related
        if self.type in ("char", "text", "html"):
            desc["translate"] = bool(self.extra.get("translate", False))
            desc["trim"] = True
        if self.type == "float":
            desc["group_operator"] = "sum"
        return desc


def _mk(ftype: str) -> Callable[..., Field]:
    def make(name: str, string: str = "", **kw: Any) -> Field:
        return Field(name=name, type=ftype, string=string, **kw)

    return make


Char = _mk("char")
Text = _mk("text")
Html = _mk("html")
Integer = _mk("integer")
Float = _mk("float")
Monetary = _mk("monetary")
Boolean = _mk("boolean")
Date = _mk("date")
Datetime = _mk("datetime")
Binary = _mk("binary")


def Selection(name: str, selection: list[tuple[str, str]], string: str = "", **kw: Any) -> Field:
    return Field(name=name, type="selection", string=string, selection=selection, **kw)


def Many2one(name: str, relation: str, string: str = "", **kw: Any) -> Field:
    return Field(name=name, type="many2one", relation=relation, string=string, **kw)


def One2many(name: str, relation: str, inverse_name: str, string: str = "", **kw: Any) -> Field:
    return Field(
        name=name, type="one2many", relation=relation, inverse_name=inverse_name, string=string, **kw
    )


def Many2many(name: str, relation: str, string: str = "", **kw: Any) -> Field:
    return Field(name=name, type="many2many", relation=relation, string=string, **kw)
