"""Odoo domain language evaluated in Python over the in-memory rows.

Prefix operators (&, |, !), all comparison operators, child_of / parent_of, any / not any (17+),
dotted paths through many2one and x2many fields, and name matching when a many2one is compared to a string.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .orm import Env

OPERATORS = {
    "=",
    "!=",
    ">",
    ">=",
    "<",
    "<=",
    "=?",
    "like",
    "not like",
    "ilike",
    "not ilike",
    "=like",
    "=ilike",
    "in",
    "not in",
    "child_of",
    "parent_of",
    "any",
    "not any",
}
NEGATIVE = {"!=": "=", "not like": "like", "not ilike": "ilike", "not in": "in", "not any": "any"}


def _is_leaf(term: Any) -> bool:
    return isinstance(term, (list, tuple)) and len(term) == 3 and isinstance(term[1], str)


def parse(domain: list) -> Any:
    """Turn a (prefix, implicitly and-ed) domain into a tree of ('&'|'|', a, b), ('!', a) and leaves."""
    if not domain:
        return True
    terms = list(domain)
    pos = 0

    def take() -> Any:
        nonlocal pos
        if pos >= len(terms):
            raise ValueError(f"Invalid domain: {domain!r}")
        term = terms[pos]
        pos += 1
        if term in ("&", "|"):
            return (term, take(), take())
        if term == "!":
            return ("!", take())
        if term in (True, False) or (
            isinstance(term, (list, tuple))
            and len(term) == 3
            and term[0] in (0, 1)
            and term[1] == "="
            and term[2] == 1
        ):
            return bool(term is True or (not isinstance(term, bool) and term[0] == 1))
        if not _is_leaf(term):
            raise ValueError(f"Invalid leaf {term!r}")
        return ("leaf", tuple(term))

    trees = []
    while pos < len(terms):
        trees.append(take())
    tree = trees[-1]
    for t in reversed(trees[:-1]):
        tree = ("&", t, tree)
    return tree


def mentions_active(tree: Any) -> bool:
    if isinstance(tree, bool):
        return False
    if tree[0] == "leaf":
        return tree[1][0] == "active"
    return any(mentions_active(t) for t in tree[1:])


class Evaluator:
    def __init__(self, env: Env, model: str) -> None:
        self.env = env
        self.model = model
        self.mdef = env.registry[model]
        self._cache: dict[int, Any] = {}

    def filter(self, tree: Any, ids: set[int]) -> set[int]:
        if tree is True:
            return set(ids)
        if tree is False:
            return set()
        op = tree[0]
        if op == "&":
            left = self.filter(tree[1], ids)
            return self.filter(tree[2], left)
        if op == "|":
            left = self.filter(tree[1], ids)
            return left | self.filter(tree[2], ids - left)
        if op == "!":
            return ids - self.filter(tree[1], ids)
        return self._leaf(tree[1], ids)

    # -- leaves -----------------------------------------------------------------------------------
    def _leaf(self, leaf: tuple, ids: set[int]) -> set[int]:
        path, op, value = leaf
        op = op.lower()
        if op not in OPERATORS or (op in ("any", "not any") and self.env.p.major < 17):
            raise ValueError(f"Invalid leaf {leaf!r}")
        if not isinstance(path, str):
            raise ValueError(f"Invalid leaf {leaf!r}")
        fname, _, rest = path.partition(".")
        fld = self.mdef.fields.get(fname)
        if fld is None:
            raise ValueError(f"Invalid field {self.model}.{fname} in leaf {leaf!r}")
        if op in NEGATIVE and (rest or fld.type in ("one2many", "many2many")):
            return ids - self._leaf((path, NEGATIVE[op], value), ids)
        if rest:
            if not fld.relation:
                raise ValueError(f"Invalid field {self.model}.{path} in leaf {leaf!r}")
            sub = self.env.search_set(fld.relation, [(rest, op, value)], active_test=False)
            return {i for i in ids if self._related_ids(i, fld) & sub}
        if op in ("any", "not any"):
            sub = self.env.search_set(fld.relation, value, active_test=False)
            hit = {i for i in ids if self._related_ids(i, fld) & sub}
            return hit if op == "any" else ids - hit
        if op in ("child_of", "parent_of"):
            return self._hierarchy(fld, op, value, ids)
        if fld.relation and _is_name_value(value) and op not in ("=?",):
            return self._by_name(fld, op, value, ids)
        if fld.type in ("one2many", "many2many"):
            return self._x2many(fld, op, value, ids)
        fast = self._indexed(fld, op, value, ids)
        if fast is not None:
            return fast
        return {i for i in ids if _compare(self.env.value(self.model, i, fname), op, value, fld.type)}

    def _indexed(self, fld: Any, op: str, value: Any, ids: set[int]) -> set[int] | None:
        if fld.name == "id":
            if op == "=" and isinstance(value, int) and not isinstance(value, bool):
                return ids & {value}
            if op == "in" and isinstance(value, (list, tuple)):
                return ids & {v for v in value if isinstance(v, int)}
            return None
        if not fld.stored or fld.type not in ("many2one", "char", "selection", "integer", "boolean"):
            return None
        table = self.env.store.table(self.model)
        if op == "=" and not isinstance(value, (list, dict)) and value is not False and value is not None:
            return ids & table.lookup(fld.name, value)
        if op == "in" and isinstance(value, (list, tuple)) and False not in value and len(value) < 200:
            out: set[int] = set()
            for v in value:
                out |= table.lookup(fld.name, v)
            return ids & out
        return None

    def _related_ids(self, rid: int, fld: Any) -> set[int]:
        val = self.env.value(self.model, rid, fld.name)
        if not val:
            return set()
        return set(val) if isinstance(val, list) else {val}

    def _x2many(self, fld: Any, op: str, value: Any, ids: set[int]) -> set[int]:
        if op == "=?" and value in (None, False):
            return set(ids)
        if op in ("=", "=?"):
            if value is False or value is None:
                return {i for i in ids if not self._related_ids(i, fld)}
            return {i for i in ids if value in self._related_ids(i, fld)}
        if op == "in":
            vals = set(value) if isinstance(value, (list, tuple)) else {value}
            empty_ok = False in vals
            return {
                i
                for i in ids
                if (self._related_ids(i, fld) & vals) or (empty_ok and not self._related_ids(i, fld))
            }
        raise ValueError(f"Invalid leaf {(fld.name, op, value)!r}")

    def _by_name(self, fld: Any, op: str, value: Any, ids: set[int]) -> set[int]:
        base_op = NEGATIVE.get(op, op)
        names = value if isinstance(value, (list, tuple)) else [value]
        comodel = fld.relation
        sub: set[int] = set()
        for rid in self.env.search_set(comodel, [], active_test=False):
            dn = self.env.display_name(comodel, rid)
            if any(_compare(dn, base_op if base_op != "in" else "=", n, "char") for n in names):
                sub.add(rid)
        hit = {i for i in ids if self._related_ids(i, fld) & sub}
        return ids - hit if op in NEGATIVE else hit

    def _hierarchy(self, fld: Any, op: str, value: Any, ids: set[int]) -> set[int]:
        target = fld.relation if fld.relation else self.model
        roots = value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(r, str) for r in roots):
            roots = list(
                self.env.search_set(
                    target, [("display_name", "ilike", r) for r in roots][:1] or [], active_test=False
                )
            )
        parent = self.env.registry[target].parent_name
        if not parent:
            raise ValueError(f"Invalid domain: {target} has no parent field for {op}")
        related = set()
        if op == "child_of":
            frontier = {int(r) for r in roots if r}
            while frontier:
                related |= frontier
                nxt: set[int] = set()
                for r in frontier:
                    nxt |= self.env.store.table(target).lookup(parent, r)
                frontier = nxt - related
        else:
            for r in roots:
                cur = r
                while cur and cur not in related:
                    related.add(cur)
                    row = self.env.store.table(target).rows.get(cur)
                    cur = row.get(parent) if row else False
        if fld.name == "id":
            return ids & related
        return {i for i in ids if self._related_ids(i, fld) & related}


def _is_name_value(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, str) for v in value)


def _like_regex(pattern: str, wrap: bool) -> re.Pattern:
    out = []
    for ch in pattern:
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    body = "".join(out)
    if wrap:
        body = f".*{body}.*"
    return re.compile(f"^{body}$", re.DOTALL)


def _compare(actual: Any, op: str, value: Any, ftype: str) -> bool:
    if op == "=?":
        if value is None or value is False:
            return True
        op = "="
    if op in ("=", "!="):
        if value is None:
            value = False
        if ftype == "many2one" and isinstance(value, (list, tuple)):
            value = value[0] if value else False
        if ftype in ("integer", "float", "monetary") and value is False:
            eq = actual in (False, None)
        elif ftype == "boolean":
            eq = bool(actual) == bool(value)
        else:
            eq = actual == value if actual not in (None,) else value is False
            if actual is False and value is False:
                eq = True
        return eq if op == "=" else not eq
    if op in ("in", "not in"):
        vals = list(value) if isinstance(value, (list, tuple, set)) else [value]
        if ftype == "boolean":
            hit = bool(actual) in [bool(v) for v in vals]
        else:
            hit = actual in vals or (actual in (False, None) and False in vals)
        return hit if op == "in" else not hit
    if op in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
        if actual in (False, None):
            return op.startswith("not")
        text = str(actual)
        pattern = str(value)
        ci = "ilike" in op
        if ci:
            text, pattern = text.lower(), pattern.lower()
        hit = bool(_like_regex(pattern, wrap=not op.startswith("=")).match(text))
        return not hit if op.startswith("not") else hit
    if actual in (False, None) and ftype not in ("integer", "float", "monetary"):
        return False
    if value is False or value is None:
        return False
    try:
        if op == ">":
            return actual > value
        if op == ">=":
            return actual >= value
        if op == "<":
            return actual < value
        if op == "<=":
            return actual <= value
    except TypeError:
        return False
    raise ValueError(f"Invalid operator {op!r}")
