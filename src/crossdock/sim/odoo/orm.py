"""A small ORM over the in-memory store: create/write/unlink with x2many commands, reads, search, ordering,
transactions (undo log + SQLite persistence), and a transaction-start `now` used for create/write dates."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from . import domain as dom
from .errors import AccessError, ValidationError, missing
from .fields import NUMERIC, Field
from .registry import ModelDef, Registry, build_registry
from .store import Store
from .versions import Personality, personality

DT_FMT = "%Y-%m-%d %H:%M:%S"
OP_WORDS = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}


def utcnow() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).strftime(DT_FMT)


class Txn:
    def __init__(self) -> None:
        self.now = utcnow()
        self.undo: dict[tuple[str, int], dict | None] = {}
        self.postcommit: list[Callable[[], None]] = []
        self.automation_done: set[tuple[int, str, int]] = set()
        self.pending_moves: set[int] = (
            set()
        )  # stock moves whose state must be recomputed after line deletions


class Database:
    """One emulated Odoo database: a store, a version personality and its model registry."""

    def __init__(self, store: Store, series: str | None = None, name: str | None = None) -> None:
        self.store = store
        series = series or store.meta.get("version") or "17.0"
        if store.meta.get("version") and store.meta["version"] != series:
            raise ValueError(f"database {store.path} holds Odoo {store.meta['version']}, not {series}")
        self.p: Personality = personality(series)
        self.name = name or store.meta.get("dbname") or "crossdock"
        self.registry: Registry = build_registry(self.p)
        if "version" not in store.meta:
            store.set_meta("version", series)
            store.set_meta("dbname", self.name)
            from .models.base import bootstrap

            with self.transaction(uid=1) as env:
                bootstrap(env)

    @contextlib.contextmanager
    def transaction(self, uid: int, context: dict | None = None) -> Iterator[Env]:
        # `now` is taken before waiting for the lock: like PostgreSQL's now(), it is the transaction start,
        # so a call queued behind a long one commits an older write_date than rows pollers already saw.
        txn = Txn()
        with self.store.lock:
            env = Env(self, uid, dict(context or {}), txn)
            try:
                yield env
            except BaseException:
                for (model, rid), old in txn.undo.items():
                    self.store.table(model).put(rid, old)
                raise
            self.store.persist(set(txn.undo))
        for hook in txn.postcommit:
            hook()


class Env:
    def __init__(self, db: Database, uid: int, context: dict, txn: Txn) -> None:
        self.db = db
        self.store = db.store
        self.registry = db.registry
        self.p = db.p
        self.uid = uid
        self.context = context
        self.txn = txn

    @property
    def now(self) -> str:
        return self.txn.now

    def with_context(self, **kw: Any) -> Env:
        return Env(self.db, self.uid, {**self.context, **kw}, self.txn)

    def mdef(self, model: str) -> ModelDef:
        return self.registry[model]

    # -- access -----------------------------------------------------------------------------------
    def check_access(self, model: str, operation: str) -> None:
        user = self.store.table("res.users").rows.get(self.uid, {})
        if user.get("role") == "readonly" and operation != "read":
            desc = self.registry[model].description
            raise AccessError(
                f"You are not allowed to {OP_WORDS[operation]} '{desc}' ({model}) records.\n\n"
                "Contact your administrator to request access if necessary."
            )

    # -- raw access -------------------------------------------------------------------------------
    def exists(self, model: str, rid: Any) -> bool:
        return isinstance(rid, int) and rid in self.store.table(model).rows

    def row(self, model: str, rid: int) -> dict:
        try:
            return self.store.table(model).rows[rid]
        except KeyError:
            raise missing(model, [rid], self.uid) from None

    def check_ids(self, model: str, ids: list[int]) -> None:
        rows = self.store.table(model).rows
        gone = [i for i in ids if i not in rows]
        if gone:
            raise missing(model, gone, self.uid)

    def value(self, model: str, rid: int, fname: str) -> Any:
        """Raw value: many2one as int/False, x2many as id list, empty as False (numbers as 0)."""
        if fname == "id":
            return rid
        if fname == "display_name":
            return self.display_name(model, rid)
        fld = self.registry[model].fields[fname]
        if fld.related:
            cur_model, cur = model, rid
            parts = fld.related.split(".")
            for part in parts[:-1]:
                val = self.value(cur_model, cur, part)
                if not val:
                    return fld.empty()
                cur_model, cur = self.registry[cur_model].fields[part].relation, val
            return self.value(cur_model, cur, parts[-1])
        if fld.compute:
            return fld.compute(self, rid)
        if fld.type == "one2many":
            ids = self.store.table(fld.relation).lookup(fld.inverse_name, rid)
            return self.order_ids(fld.relation, ids, None)
        val = self.row(model, rid).get(fname)
        if val is None:
            return fld.empty()
        return val

    def values(self, model: str, rid: int, *fnames: str) -> tuple:
        return tuple(self.value(model, rid, f) for f in fnames)

    def display_name(self, model: str, rid: int) -> str:
        mdef = self.registry[model]
        if mdef.display:
            return mdef.display(self, rid)
        if mdef.rec_name and mdef.rec_name in mdef.fields:
            return self.value(model, rid, mdef.rec_name) or ""
        return f"{model},{rid}"

    # -- search -----------------------------------------------------------------------------------
    def search_set(self, model: str, domain: list | None, active_test: bool | None = None) -> set[int]:
        if model not in self.registry:
            raise ValueError(f"Unknown model {model!r}")
        tree = dom.parse(domain or [])
        if active_test is None:
            active_test = self.context.get("active_test", True)
        mdef = self.registry[model]
        if active_test and "active" in mdef.fields and not dom.mentions_active(tree):
            tree = ("&", ("leaf", ("active", "=", True)), tree)
        return dom.Evaluator(self, model).filter(tree, set(self.store.table(model).rows))

    def search(
        self,
        model: str,
        domain: list | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[int]:
        ids = self.order_ids(model, self.search_set(model, domain), order)
        offset = offset or 0
        return ids[offset : offset + limit] if limit else ids[offset:]

    def order_ids(self, model: str, ids: Any, order: str | None) -> list[int]:
        mdef = self.registry[model]
        spec = order or mdef.order
        keys: list[tuple[str, bool]] = []
        for part in spec.split(","):
            words = part.strip().split()
            if not words:
                continue
            if len(words) > 3 or (len(words) > 1 and words[1].lower() not in ("asc", "desc")):
                raise ValueError(
                    f'Invalid "order" specified ({spec}). A valid "order" specification is a '
                    "comma-separated list of valid field names (optionally followed by asc/desc "
                    "for the direction)"
                )
            fname = words[0]
            if fname != "id" and fname not in mdef.fields:
                raise ValueError(f"Invalid field {fname!r} on model {model!r}")
            keys.append((fname, len(words) > 1 and words[1].lower() == "desc"))
        result = list(ids)
        result.sort()
        for fname, desc in reversed(keys):
            ftype = "integer" if fname == "id" else mdef.fields[fname].type

            def key(rid: int, fname: str = fname, ftype: str = ftype) -> tuple:
                val = self.value(model, rid, fname)
                if ftype in NUMERIC:
                    return (0, val or 0)
                if ftype == "boolean":
                    return (0, bool(val))
                if val is False or val is None or isinstance(val, list):
                    return (1, 0)
                return (0, val.lower() if isinstance(val, str) and ftype != "selection" else val)

            result.sort(key=key, reverse=desc)
        return result

    # -- writes -----------------------------------------------------------------------------------
    def _put(self, model: str, rid: int, row: dict | None) -> None:
        key = (model, rid)
        table = self.store.table(model)
        if key not in self.txn.undo:
            self.txn.undo[key] = table.rows.get(rid)
        table.put(rid, row)

    def convert(self, model: str, fld: Field, value: Any) -> Any:
        if value is None:
            value = False
        t = fld.type
        if t == "many2one":
            if value is False:
                return False
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, (list, tuple)) and value and isinstance(value[0], int):
                    value = value[0]
                else:
                    raise ValueError(f"Wrong value for {model}.{fld.name}: {value!r}")
            return value
        if t == "selection":
            if value is False:
                return False
            if value not in {k for k, _ in fld.selection or []}:
                raise ValueError(f"Wrong value for {model}.{fld.name}: {value!r}")
            return value
        if t == "datetime":
            return self._datetime(value)
        if t == "date":
            if value is False:
                return False
            if isinstance(value, (dt.date, dt.datetime)):
                return value.strftime("%Y-%m-%d")
            return dt.datetime.strptime(str(value)[:10], "%Y-%m-%d").strftime("%Y-%m-%d")
        if t == "integer":
            return int(value or 0)
        if t in ("float", "monetary"):
            return float(value or 0.0)
        if t == "boolean":
            return bool(value)
        if t in ("char", "text", "html", "binary"):
            return value if value is False else str(value)
        return value

    def _datetime(self, value: Any) -> Any:
        if value is False or value == "":
            return False
        if isinstance(value, dt.datetime):
            if value.tzinfo:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            return value.strftime(DT_FMT)
        text = str(value)
        if self.p.iso_datetimes:
            parsed = dt.datetime.fromisoformat(text)
            if parsed.tzinfo:
                parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
            return parsed.strftime(DT_FMT)
        # 16-18: cut to 19 chars and parse with the space format; "T" separators fail like in Odoo.
        if len(text) == 10:
            return dt.datetime.strptime(text, "%Y-%m-%d").strftime(DT_FMT)
        return dt.datetime.strptime(text[:19], DT_FMT).strftime(DT_FMT)

    def _check_fields(self, model: str, vals: dict) -> None:
        fields = self.registry[model].fields
        for fname in vals:
            if fname not in fields and not fname.startswith("__"):
                raise ValueError(f"Invalid field {fname!r} on model {model!r}")

    def _mandatory(self, model: str, fname: str) -> ValidationError:
        mdef = self.registry[model]
        fld = mdef.fields[fname]
        return ValidationError(
            "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
            "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
            f"Model: {mdef.description} ({model})\nField: {fld.string} ({fname})"
        )

    def defaults(self, model: str, fnames: list[str] | None = None) -> dict:
        mdef = self.registry[model]
        out: dict[str, Any] = {}
        for fname, fld in mdef.fields.items():
            if fnames is not None and fname not in fnames:
                continue
            ctx_key = f"default_{fname}"
            if ctx_key in self.context:
                out[fname] = self.context[ctx_key]
            elif fld.default is not None:
                out[fname] = fld.default(self) if callable(fld.default) else fld.default
        return out

    def create(self, model: str, vals: dict) -> int:
        mdef = self.registry[model]
        vals = dict(vals)
        self._check_fields(model, vals)
        for fname, dval in self.defaults(model).items():
            vals.setdefault(fname, dval)
        for hook in mdef.before_create:
            vals = hook(self, vals) or vals
        table = self.store.table(model)
        rid = table.next_id
        row: dict[str, Any] = {}
        later: dict[str, Any] = {}
        for fname, fld in mdef.fields.items():
            if fname in ("id", "display_name"):
                continue
            if fld.stored and fld.type != "many2many":
                row[fname] = self.convert(model, fld, vals[fname]) if fname in vals else fld.empty()
            elif fld.type == "many2many" and fld.stored:
                row[fname] = []
                if fname in vals:
                    later[fname] = vals[fname]
            elif fname in vals:
                later[fname] = vals[fname]
        for key, val in vals.items():
            if key.startswith("__"):
                row[key[2:]] = val
        for fname, fld in mdef.fields.items():
            if fld.required and fld.stored and row.get(fname) in (False, None, "") and fld.type != "boolean":
                raise self._mandatory(model, fname)
        row.update(create_date=self.now, write_date=self.now, create_uid=self.uid, write_uid=self.uid)
        self._put(model, rid, row)
        self._apply_later(model, [rid], later)
        for hook in mdef.after_create:
            hook(self, rid, vals)
        self._notify(model, [rid], "create", vals)
        return rid

    def write(self, model: str, ids: list[int], vals: dict) -> bool:
        mdef = self.registry[model]
        vals = dict(vals)
        self._check_fields(model, vals)
        self.check_ids(model, ids)
        for hook in mdef.before_write:
            vals = hook(self, ids, vals) or vals
        plain: dict[str, Any] = {}
        later: dict[str, Any] = {}
        for fname, value in vals.items():
            if fname.startswith("__"):
                plain[fname[2:]] = value
                continue
            fld = mdef.fields[fname]
            if fname in ("id", "display_name", "create_date", "write_date", "create_uid", "write_uid"):
                continue
            if fld.stored and fld.type != "many2many":
                plain[fname] = self.convert(model, fld, value)
                if fld.required and plain[fname] in (False, "") and fld.type != "boolean":
                    raise self._mandatory(model, fname)
            else:
                later[fname] = value
        for rid in ids:
            row = dict(self.row(model, rid))
            row.update(plain)
            row.update(write_date=self.now, write_uid=self.uid)
            self._put(model, rid, row)
        self._apply_later(model, ids, later)
        for hook in mdef.after_write:
            hook(self, ids, vals)
        self._notify(model, ids, "write", vals)
        return True

    def set(self, model: str, rid: int, **vals: Any) -> None:
        """Internal write of stored values that skips hooks (used by business code for bookkeeping)."""
        row = dict(self.row(model, rid))
        row.update(vals)
        row.update(write_date=self.now, write_uid=self.uid)
        self._put(model, rid, row)
        self._notify(model, [rid], "write", vals)

    def _apply_later(self, model: str, ids: list[int], later: dict) -> None:
        mdef = self.registry[model]
        for fname, value in later.items():
            fld = mdef.fields[fname]
            if fld.compute and not fld.inverse:
                continue  # like Odoo, values for computed fields without inverse are dropped
            if fld.type in ("one2many", "many2many") and not fld.related and not fld.inverse:
                for rid in ids:
                    self._x2many(model, rid, fld, value)
            elif fld.related:
                path, _, last = fld.related.rpartition(".")
                for rid in ids:
                    cur_model, cur = model, rid
                    for part in path.split("."):
                        cur_model, cur = (
                            self.registry[cur_model].fields[part].relation,
                            self.value(cur_model, cur, part),
                        )
                    if cur:
                        self.write(cur_model, [cur], {last: value})
            elif fld.inverse:
                for rid in ids:
                    fld.inverse(self, rid, value)

    def _x2many(self, model: str, rid: int, fld: Field, commands: Any) -> None:
        comodel = fld.relation
        if commands is False or commands is None:
            commands = [[5, 0, 0]]
        if commands and all(isinstance(c, int) and not isinstance(c, bool) for c in commands):
            commands = [[6, 0, list(commands)]]
        current = list(self.value(model, rid, fld.name))
        o2m = fld.type == "one2many"
        for cmd in commands:
            if not isinstance(cmd, (list, tuple)) or not cmd:
                raise ValueError(f"Invalid x2many command {cmd!r} for {model}.{fld.name}")
            code = cmd[0]
            arg = cmd[1] if len(cmd) > 1 else 0
            vals = cmd[2] if len(cmd) > 2 else 0
            if code == 0:
                child_vals = dict(vals or {})
                if o2m:
                    child_vals[fld.inverse_name] = rid
                new_id = self.create(comodel, child_vals)
                current.append(new_id)
            elif code == 1:
                self.write(comodel, [arg], dict(vals or {}))
            elif code == 2:
                self.unlink(comodel, [arg])
                current = [i for i in current if i != arg]
            elif code == 3:
                current = [i for i in current if i != arg]
                if o2m:
                    self._detach(comodel, fld, arg)
            elif code == 4:
                self.check_ids(comodel, [arg])
                if arg not in current:
                    current.append(arg)
                if o2m:
                    self.write(comodel, [arg], {fld.inverse_name: rid})
            elif code == 5:
                if o2m:
                    for child in current:
                        self._detach(comodel, fld, child)
                current = []
            elif code == 6:
                ids = list(vals or [])
                self.check_ids(comodel, ids)
                if o2m:
                    for child in current:
                        if child not in ids:
                            self._detach(comodel, fld, child)
                    for child in ids:
                        self.write(comodel, [child], {fld.inverse_name: rid})
                current = ids
            else:
                raise ValueError(f"Invalid x2many command {cmd!r} for {model}.{fld.name}")
        if not o2m:
            row = dict(self.row(model, rid))
            row[fld.name] = list(dict.fromkeys(current))
            self._put(model, rid, row)

    def _detach(self, comodel: str, fld: Field, child: int) -> None:
        inverse = self.registry[comodel].fields[fld.inverse_name]
        if inverse.ondelete == "cascade" or inverse.required:
            self.unlink(comodel, [child])
        else:
            self.write(comodel, [child], {fld.inverse_name: False})

    def unlink(self, model: str, ids: list[int]) -> bool:
        mdef = self.registry[model]
        ids = [i for i in ids if self.exists(model, i)]
        for hook in mdef.before_unlink:
            hook(self, ids)
        for rid in ids:
            if not self.exists(model, rid):
                continue
            self._put(model, rid, None)
            for refmodel, fname, ondelete in self._references(model):
                for ref in list(self.store.table(refmodel).lookup(fname, rid)):
                    if not self.exists(refmodel, ref):
                        continue
                    if ondelete == "cascade":
                        self.unlink(refmodel, [ref])
                    elif ondelete == "restrict":
                        raise ValidationError(
                            "The operation cannot be completed: another model requires the record being "
                            "deleted. If possible, archive it instead.\n\n"
                            f"Model: {mdef.description} ({model})"
                        )
                    else:
                        row = dict(self.row(refmodel, ref))
                        row[fname] = False
                        self._put(refmodel, ref, row)
        for hook in mdef.after_unlink:
            hook(self, ids)
        return True

    def _references(self, model: str) -> list[tuple[str, str, str]]:
        cache = self.registry.references
        if model not in cache:
            cache[model] = [
                (m.name, f.name, f.ondelete)
                for m in self.registry.models.values()
                for f in m.fields.values()
                if f.type == "many2one" and f.relation == model and f.stored
            ]
        return cache[model]

    def _notify(self, model: str, ids: list[int], event: str, vals: dict) -> None:
        for observer in self.registry.observers:
            observer(self, model, ids, event, vals)

    # -- read formatting --------------------------------------------------------------------------
    def read(
        self, model: str, ids: list[int], fields: list[str] | None = None, load: str | None = "_classic_read"
    ) -> list[dict]:
        mdef = self.registry[model]
        self.check_ids(model, ids)
        names = list(fields) if fields else [f for f in mdef.fields if f != "id"]
        for fname in names:
            if fname not in mdef.fields:
                raise ValueError(f"Invalid field {fname!r} on model {model!r}")
        out = []
        for rid in ids:
            rec: dict[str, Any] = {"id": rid}
            for fname in names:
                if fname == "id":
                    continue
                rec[fname] = self.export(model, rid, mdef.fields[fname], load)
            out.append(rec)
        return out

    def export(self, model: str, rid: int, fld: Field, load: str | None = "_classic_read") -> Any:
        if fld.name == "display_name":
            return self.display_name(model, rid)
        val = self.value(model, rid, fld.name)
        if fld.type == "many2one":
            if not val:
                return False
            if load == "_classic_read":
                return [val, self.display_name(fld.relation, val)]
            return val
        if fld.type in ("one2many", "many2many"):
            return list(val or [])
        if fld.type in NUMERIC:
            return val or (0 if fld.type == "integer" else 0.0)
        if fld.type == "boolean":
            return bool(val)
        if val is None or val == "" and fld.type in ("date", "datetime", "selection"):
            return False
        return val


def open_database(path: str = ":memory:", series: str | None = None, name: str | None = None) -> Database:
    return Database(Store(path), series, name)
