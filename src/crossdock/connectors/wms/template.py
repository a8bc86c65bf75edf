"""A small declarative language that maps JSON documents, for WMS profiles written in YAML.

A spec is plain data:
- "$path.to.value | filter | filter(arg)": a value from the current scope, piped through filters;
  "$^path" reads from the enclosing scope (e.g. an order header while mapping its lines);
  "$" alone is the current scope itself; "$$text" is the literal "$text";
- any other scalar is a literal;
- a mapping maps each key to the value of its spec, leaving out keys whose value is None;
- {"$each": "$lines", "$map": spec} maps every element of a list (each element becomes the scope);
  "$where": "$path" keeps only elements where the path is truthy;
- {"$if": "$path", "$then": spec, "$else": spec} chooses on a truthy value;
- a list maps each of its items.
Filters are functions of (value, context, *args); profiles get the built-in ones below plus
code lists and cross-references from their own YAML. A mistake in a spec is reported with the
path of the key that holds it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

_FILTER = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(?:\((.*)\))?\s*$")


class TemplateError(ValueError):
    """A spec, or a value it met, is wrong; the message names where."""


@dataclass
class Context:
    """What filters may consult: the profile's code lists and cross-references."""

    code_lists: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    xrefs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise TemplateError(f"{value!r} is not a number") from None


def _code(value: Any, ctx: Context, list_name: str, default: Any = "__error__") -> Any:
    table = ctx.code_lists.get(list_name)
    if table is None:
        raise TemplateError(f"no code list {list_name!r} in the profile")
    if value in table:
        return table[value]
    if str(value) in table:
        return table[str(value)]
    if default != "__error__":
        return default
    raise TemplateError(f"{value!r} is not in code list {list_name!r} (known: {', '.join(map(str, table))})")


def _xref(value: Any, ctx: Context, name: str) -> Any:
    return ctx.xrefs.get(name, {}).get(value, value)  # unknown keys pass through unchanged


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


FILTERS: dict[str, Callable[..., Any]] = {
    "str": lambda v, ctx: None if v is None else str(v),
    "int": lambda v, ctx: None if v is None else int(_decimal(v)),
    "decimal": lambda v, ctx: None if v is None else _plain(_decimal(v)),
    "upper": lambda v, ctx: None if v is None else str(v).upper(),
    "lower": lambda v, ctx: None if v is None else str(v).lower(),
    "default": lambda v, ctx, d: d if v in (None, "", []) else v,
    "first": lambda v, ctx: v[0] if isinstance(v, list) and v else None,
    "join": lambda v, ctx, sep: None if not v else sep.join(str(x) for x in v),
    "split": lambda v, ctx, sep: None if not v else [x for x in str(v).split(sep) if x],
    "list": lambda v, ctx: [] if v is None else (v if isinstance(v, list) else [v]),
    "sum": lambda v, ctx, key: _plain(sum((_decimal(x[key]) for x in v or []), Decimal(0))),
    "not": lambda v, ctx: not v,
    "equals": lambda v, ctx, other: v == other,
    "code": lambda v, ctx, name, *default: None if v is None else _code(v, ctx, name, *default),
    "xref": lambda v, ctx, name: None if v is None else _xref(v, ctx, name),
    "quantity": lambda v, ctx, uom: None if v is None else {"value": _plain(_decimal(v)), "uom": uom},
    "date": lambda v, ctx: None if not v else str(v)[:10],
    "utc": lambda v, ctx: _utc(v),
    "named": lambda v, ctx, name: next((x.get("value") for x in v or [] if x.get("name") == name), None),
}


def _utc(value: Any) -> str | None:
    """A date or a zone-less time, as the WMS's UTC time: 2027-06-01 -> 2027-06-01T00:00:00Z."""
    if not value:
        return None
    text = str(value).replace(" ", "T")
    if len(text) == 10:
        return f"{text}T00:00:00Z"
    has_zone = text.endswith("Z") or re.search(r"[+-]\d\d:?\d\d$", text[10:]) is not None
    return text if has_zone else f"{text}Z"


def _literal(text: str) -> Any:
    """Filter arguments: numbers, quoted strings, true/false/null, else bare words."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text in ("true", "false", "null"):
        return {"true": True, "false": False, "null": None}[text]
    try:
        return int(text)
    except ValueError:
        return text


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[int, str, tuple[tuple[str, str, tuple[Any, ...]], ...]]:
    """ "$^path | f(a, b)" -> (scope depth, path, ((raw pipe, name, args), ...)); name "" if malformed.

    Cached: profiles are parsed when they load and rendered per message, so each expression is
    split once."""
    path, *pipes = text.split("|")
    path = path.strip()[1:]
    depth = 0
    while path.startswith("^"):
        depth, path = depth + 1, path[1:]
    filters = []
    for pipe in pipes:
        match = _FILTER.match(pipe)
        name, raw_args = match.groups() if match else ("", None)
        args = tuple(_literal(a) for a in raw_args.split(",")) if raw_args else ()
        filters.append((pipe.strip(), name, args))
    return depth, path, tuple(filters)


def lookup(scope: Any, path: str) -> Any:
    """A dotted path into nested dicts and lists; None where it leads nowhere."""
    value = scope
    for part in [p for p in path.split(".") if p]:
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.lstrip("-").isdigit():
            index = int(part)
            value = value[index] if -len(value) <= index < len(value) else None
        else:
            return None
        if value is None:
            return None
    return value


class Template:
    def __init__(
        self, spec: Any, filters: Mapping[str, Callable[..., Any]] | None = None, where: str = "template"
    ):
        self.spec = spec
        self.filters = {**FILTERS, **(filters or {})}
        self.where = where
        self._check(spec, where)

    def _check(self, spec: Any, where: str) -> None:
        if isinstance(spec, str) and spec.startswith("$") and not spec.startswith("$$"):
            for raw, name, _ in _parse(spec)[2]:
                if name not in self.filters:
                    raise TemplateError(f"{where}: unknown filter {raw!r}")
        elif isinstance(spec, Mapping):
            if "$each" in spec and "$map" not in spec:
                raise TemplateError(f"{where}: $each needs a $map")
            for key, inner in spec.items():
                self._check(inner, f"{where}.{key}")
        elif isinstance(spec, list):
            for index, inner in enumerate(spec):
                self._check(inner, f"{where}[{index}]")

    def render(self, document: Any, ctx: Context | None = None) -> Any:
        return self._render(self.spec, [document], ctx or Context(), self.where)

    def _render(self, spec: Any, scopes: list[Any], ctx: Context, where: str) -> Any:
        if isinstance(spec, str):
            if spec.startswith("$$"):
                return spec[1:]
            if spec.startswith("$"):
                return self._expression(spec, scopes, ctx, where)
            return spec
        if isinstance(spec, Mapping):
            if "$each" in spec:
                items = self._expression(spec["$each"], scopes, ctx, where) or []
                if not isinstance(items, list):
                    raise TemplateError(f"{where}: $each needs a list, got {type(items).__name__}")
                keep = spec.get("$where")
                out = []
                for index, item in enumerate(items):
                    if keep and not self._expression(keep, [*scopes, item], ctx, f"{where}[{index}]"):
                        continue
                    out.append(self._render(spec["$map"], [*scopes, item], ctx, f"{where}[{index}]"))
                return out
            if "$if" in spec:
                chosen = "$then" if self._expression(spec["$if"], scopes, ctx, where) else "$else"
                return self._render(spec.get(chosen), scopes, ctx, where)
            rendered = {}
            for key, inner in spec.items():
                value = self._render(inner, scopes, ctx, f"{where}.{key}")
                if value is not None:
                    rendered[key] = value
            return rendered
        if isinstance(spec, list):
            return [self._render(inner, scopes, ctx, f"{where}[{i}]") for i, inner in enumerate(spec)]
        return spec

    def _expression(self, text: str, scopes: list[Any], ctx: Context, where: str) -> Any:
        depth, path, filters = _parse(text)
        if depth >= len(scopes):
            raise TemplateError(f"{where}: {text!r} reaches above the document")
        value = lookup(scopes[-1 - depth], path)
        for _, name, literals in filters:
            args = [
                self._expression(a, scopes, ctx, where) if isinstance(a, str) and a.startswith("$") else a
                for a in literals
            ]
            try:
                value = self.filters[name](value, ctx, *args)
            except TemplateError as exc:
                raise TemplateError(f"{where}: {exc}") from None
        return value
