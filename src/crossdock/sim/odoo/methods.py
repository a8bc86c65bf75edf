"""ORM methods every model exposes over RPC, with Odoo's parameter names (they matter for JSON-2)."""

from __future__ import annotations

from typing import Any

from .errors import UserError
from .orm import Env
from .registry import Method, Registry


def _public_vals(env: Env, model: str, vals: dict) -> None:
    for key in vals:
        if key.startswith("__") or key not in env.registry[model].fields:
            raise ValueError(f"Invalid field {key!r} on model {model!r}")


def search(
    env: Env,
    model: str,
    domain: list,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    count: bool = False,
) -> Any:
    env.check_access(model, "read")
    if count:
        return len(env.search_set(model, domain))
    return env.search(model, domain, offset or 0, limit or None, order or None)


def search_count(env: Env, model: str, domain: list, limit: int | None = None) -> int:
    env.check_access(model, "read")
    found = len(env.search_set(model, domain))
    return min(found, limit) if limit else found


def search_read(
    env: Env,
    model: str,
    domain: list | None = None,
    fields: list | None = None,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    load: str | None = "_classic_read",
) -> list:
    env.check_access(model, "read")
    ids = env.search(model, domain or [], offset or 0, limit or None, order or None)
    return env.read(model, ids, fields or None, load)


def read(
    env: Env, model: str, ids: list, fields: list | None = None, load: str | None = "_classic_read"
) -> list:
    env.check_access(model, "read")
    return env.read(model, ids, fields or None, load)


def create(env: Env, model: str, vals_list: Any) -> list[int]:
    env.check_access(model, "create")
    single = isinstance(vals_list, dict)
    items = [vals_list] if single else list(vals_list)
    for vals in items:
        _public_vals(env, model, vals)
    return [env.create(model, vals) for vals in items]


def write(env: Env, model: str, ids: list, vals: dict) -> bool:
    env.check_access(model, "write")
    _public_vals(env, model, vals)
    return env.write(model, ids, vals)


def unlink(env: Env, model: str, ids: list) -> bool:
    env.check_access(model, "unlink")
    env.check_ids(model, ids)
    return env.unlink(model, ids)


def _name_search(
    env: Env, model: str, name: str, domain: list | None, operator: str, limit: int | None
) -> list:
    env.check_access(model, "read")
    ids = env.search(model, domain or [])
    if name:
        ids = [i for i in ids if _name_matches(env, model, i, name, operator)]
    ids = ids[:limit] if limit else ids
    return [[i, env.display_name(model, i)] for i in ids]


def _name_matches(env: Env, model: str, rid: int, name: str, operator: str) -> bool:
    from .domain import _compare

    candidates = [env.display_name(model, rid)]
    if "default_code" in env.registry[model].fields:
        candidates.append(env.value(model, rid, "default_code"))
    if operator.startswith("not") or operator == "!=":
        return all(_compare(c, operator, name, "char") for c in candidates)
    return any(_compare(c, operator, name, "char") for c in candidates)


def name_search_18(
    env: Env, model: str, name: str = "", args: list | None = None, operator: str = "ilike", limit: int = 100
) -> list:
    return _name_search(env, model, name, args, operator, limit)


def name_search_19(
    env: Env,
    model: str,
    name: str = "",
    domain: list | None = None,
    operator: str = "ilike",
    limit: int = 100,
) -> list:
    return _name_search(env, model, name, domain, operator, limit)


def name_get(env: Env, model: str, ids: list) -> list:
    env.check_access(model, "read")
    env.check_ids(model, ids)
    return [[i, env.display_name(model, i)] for i in ids]


def fields_get(env: Env, model: str, allfields: list | None = None, attributes: list | None = None) -> dict:
    mdef = env.registry[model]
    out = {}
    for fname, fld in mdef.fields.items():
        if allfields and fname not in allfields:
            continue
        desc = fld.describe()
        desc["name"] = fname
        if attributes:
            desc = {k: v for k, v in desc.items() if k in attributes}
        out[fname] = desc
    return out


def default_get_18(env: Env, model: str, fields_list: list) -> dict:
    return _default_get(env, model, fields_list)


def default_get_19(env: Env, model: str, fields: list) -> dict:
    return _default_get(env, model, fields)


def _default_get(env: Env, model: str, fnames: list) -> dict:
    mdef = env.registry[model]
    out = env.defaults(model, list(fnames))
    for hook in mdef.default_hooks:
        out.update({k: v for k, v in hook(env, list(fnames)).items() if k in fnames})
    return {k: v for k, v in out.items() if k in mdef.fields}


def copy(env: Env, model: str, ids: list, default: dict | None = None) -> int:
    env.check_access(model, "create")
    env.check_ids(model, ids)
    if len(ids) != 1:
        raise ValueError(f"Expected singleton: {model}({', '.join(map(str, ids))},)")
    vals = copy_data(env, model, ids[0])
    vals.update(default or {})
    return env.create(model, vals)


def copy_data(env: Env, model: str, rid: int, skip_field: str | None = None) -> dict:
    """Stored values minus copy=False fields; one2many fields flagged copy=True are duplicated too."""
    mdef = env.registry[model]
    skip = {"id", "display_name", "create_date", "write_date", "create_uid", "write_uid", skip_field}
    vals: dict[str, Any] = {}
    for fname, fld in mdef.fields.items():
        if fname in skip or fld.extra.get("copy") is False:
            continue
        if fld.type == "one2many" and fld.extra.get("copy"):
            vals[fname] = [
                [0, 0, copy_data(env, fld.relation, child, fld.inverse_name)]
                for child in env.value(model, rid, fname)
            ]
        elif fld.stored:
            vals[fname] = env.value(model, rid, fname)
            if fld.type == "many2many":
                vals[fname] = [[6, 0, vals[fname]]]
    return vals


def read_group(
    env: Env,
    model: str,
    domain: list,
    fields: list,
    groupby: Any,
    offset: int = 0,
    limit: int | None = None,
    orderby: str | bool = False,
    lazy: bool = True,
) -> list:
    env.check_access(model, "read")
    mdef = env.registry[model]
    groupbys = [groupby] if isinstance(groupby, str) else list(groupby)
    if not groupbys:
        raise UserError("read_group needs at least one groupby")
    used = groupbys[:1] if lazy else groupbys
    for g in used:
        if g.split(":")[0] not in mdef.fields:
            raise ValueError(f"Invalid field {g!r} on model {model!r}")
    aggs = []
    for spec in fields or []:
        fname = spec.split(":")[0].split("(")[0]
        if (
            fname in mdef.fields
            and mdef.fields[fname].type in ("integer", "float", "monetary")
            and fname not in used
        ):
            aggs.append(fname)
    ids = env.search(model, domain)
    groups: dict[tuple, list[int]] = {}
    for rid in ids:
        key = tuple(_group_key(env, model, rid, g) for g in used)
        groups.setdefault(key, []).append(rid)
    rows = []
    for key, members in groups.items():
        row: dict[str, Any] = {}
        sub_domain = list(domain or [])
        for g, k in zip(used, key, strict=True):
            fld = mdef.fields[g]
            if fld.type == "many2one" and k:
                row[g] = [k, env.display_name(fld.relation, k)]
            else:
                row[g] = k
            sub_domain.append([g, "=", k])
        count_key = f"{used[0]}_count" if lazy else "__count"
        row[count_key] = len(members)
        for a in aggs:
            row[a] = sum(env.value(model, r, a) or 0 for r in members)
        row["__domain"] = sub_domain
        if lazy and len(groupbys) > 1:
            row["__context"] = {"group_by": groupbys[1:]}
        rows.append(row)

    def sort_key(r: dict) -> tuple:
        return tuple(
            (v[1] if isinstance(v, list) else (v if v is not False else "")) for v in (r[g] for g in used)
        )

    rows.sort(key=sort_key)
    spec = str(orderby).split(",")[0].split() if orderby else []
    if spec and rows and spec[0] in rows[0]:  # orderby on a groupby or aggregate column

        def by_column(r: dict) -> Any:
            value = r[spec[0]]
            return (value[1] if isinstance(value, list) else value) or 0

        rows.sort(key=by_column, reverse=len(spec) > 1 and spec[1].lower() == "desc")
    rows = rows[offset or 0 :]
    return rows[:limit] if limit else rows


def _group_key(env: Env, model: str, rid: int, g: str) -> Any:
    val = env.value(model, rid, g.split(":")[0])
    return val if val not in (None, "") else False


def check_access_rights(env: Env, model: str, operation: str, raise_exception: bool = True) -> bool:
    try:
        env.check_access(model, operation)
    except Exception:
        if raise_exception:
            raise
        return False
    return True


def has_access(env: Env, model: str, operation: str) -> bool:
    return check_access_rights(env, model, operation, False)


def register_generic(reg: Registry) -> None:
    major = reg.major
    generic = {
        "search": Method(search, "model"),
        "search_count": Method(search_count, "model"),
        "search_read": Method(search_read, "model"),
        "read": Method(read, "record"),
        "create": Method(create, "create"),
        "write": Method(write, "record"),
        "unlink": Method(unlink, "record"),
        "name_search": Method(name_search_19 if major >= 19 else name_search_18, "model"),
        "fields_get": Method(fields_get, "model"),
        "default_get": Method(default_get_19 if major >= 19 else default_get_18, "model"),
        "copy": Method(copy, "record"),
        "read_group": Method(read_group, "model"),
        "check_access_rights": Method(check_access_rights, "model"),
    }
    if reg.p.has_name_get:
        generic["name_get"] = Method(name_get, "record")
    if major >= 18:
        generic["has_access"] = Method(has_access, "model")
    for mdef in reg.models.values():
        for name, meth in generic.items():
            mdef.methods.setdefault(name, meth)
