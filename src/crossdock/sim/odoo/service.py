"""The `common`, `object` and `db` services shared by every transport, plus sessions and API keys."""

from __future__ import annotations

import inspect
import secrets
import threading
from typing import Any

from .errors import AccessDenied, AccessError, NotFound, UnprocessableEntity, UserError
from .orm import Database, Env
from .registry import Method


class Service:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.sessions: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- identity ---------------------------------------------------------------------------------
    def _users(self) -> dict[int, dict]:
        return self.db.store.table("res.users").rows

    def check_credentials(self, uid: int, secret: Any) -> bool:
        user = self._users().get(uid)
        if not user or not user.get("active", True) or not isinstance(secret, str):
            return False
        return secret == user.get("password") or any(k["key"] == secret for k in user.get("api_keys", []))

    def user_for_api_key(self, key: str) -> int | None:
        for uid, user in self._users().items():
            if user.get("active", True) and any(k["key"] == key for k in user.get("api_keys", [])):
                return uid
        return None

    def _check_db(self, dbname: Any) -> None:
        if dbname != self.db.name:
            raise RuntimeError(f'connection to server failed: FATAL:  database "{dbname}" does not exist')

    def authenticate(
        self, dbname: str, login: str, password: str, user_agent_env: Any = None, interactive: bool = False
    ) -> int | bool:
        self._check_db(dbname)
        for uid, user in self._users().items():
            if user.get("login") == login and user.get("active", True):
                if password == user.get("password"):
                    return uid
                if not interactive and any(k["key"] == password for k in user.get("api_keys", [])):
                    return uid
        return False

    # -- common -----------------------------------------------------------------------------------
    def common(self, method: str, args: list) -> Any:
        if method == "version":
            return self.db.p.version()
        if method == "about":
            return "See http://openerp.com" if not args else ["See http://openerp.com", self.db.p.series]
        if method == "login":
            return self.authenticate(*args[:3])
        if method == "authenticate":
            return self.authenticate(*args[:4])
        raise NotFound(f"Method not found: {method}")

    def db_service(self, method: str, args: list) -> Any:
        if method == "list":
            return [self.db.name]
        if method in ("server_version",):
            return self.db.p.series
        if method == "db_exist":
            return args[:1] == [self.db.name]
        if method == "list_lang":
            return [["en_US", "English (US)"]]
        raise AccessDenied()

    # -- object -----------------------------------------------------------------------------------
    def execute_kw(
        self,
        dbname: str,
        uid: Any,
        password: Any,
        model: str,
        method: str,
        args: list | None = None,
        kwargs: dict | None = None,
    ) -> Any:
        self._check_db(dbname)
        uid = int(uid)
        if not self.check_credentials(uid, password):
            raise AccessDenied()
        return self.call(uid, model, method, list(args or []), dict(kwargs or {}))

    def execute(self, dbname: str, uid: Any, password: Any, model: str, method: str, *args: Any) -> Any:
        return self.execute_kw(dbname, uid, password, model, method, list(args), {})

    def resolve(self, model: str, method: str) -> Method:
        if method.startswith("_"):
            raise AccessError(f"Private methods (such as {method}) cannot be called remotely.")
        if model not in self.db.registry:
            raise UserError(f"Object {model} doesn't exist")
        meth = self.db.registry[model].methods.get(method)
        if meth is None:
            raise AttributeError(f"type object '{model}' has no attribute '{method}'")
        return meth

    def call(self, uid: int, model: str, method: str, args: list, kwargs: dict) -> Any:
        """api.call_kw: args[0] are the ids for record methods; a dict to create returns a bare id."""
        meth = self.resolve(model, method)
        context = kwargs.pop("context", None) or {}
        with self.db.transaction(uid, context) as env:
            if meth.kind == "record":
                ids, rest = args[0], args[1:]
                ids = [ids] if isinstance(ids, int) else list(ids or [])
                return meth.func(env, model, ids, *rest, **kwargs)
            if meth.kind == "create":
                # api.call_kw reads args[0]: values sent only as kwargs={"vals_list": ...} raise IndexError
                single = isinstance(args[0], dict)
                result = meth.func(env, model, *args, **kwargs)
                return result[0] if single else result
            return meth.func(env, model, *args, **kwargs)

    # -- JSON-2 -----------------------------------------------------------------------------------
    def call_json2(self, uid: int, model: str, method: str, body: dict) -> Any:
        if model not in self.db.registry:
            raise NotFound(f"the model {model!r} does not exist")
        try:
            meth = self.resolve(model, method)
        except (AccessError, AttributeError) as exc:
            raise NotFound(str(exc)) from None
        body = dict(body)
        ids = body.pop("ids", None) or []
        context = body.pop("context", None) or {}
        sig = inspect.signature(meth.func)
        if meth.kind != "record" and ids:
            raise UnprocessableEntity(f"cannot call {model}.{method} with ids")
        try:
            if meth.kind == "record":
                bound = sig.bind(None, model, list(ids), **body)
            else:
                bound = sig.bind(None, model, **body)
        except TypeError as exc:
            raise UnprocessableEntity(str(exc)) from None
        with self.db.transaction(uid, context) as env:
            bound.arguments[next(iter(sig.parameters))] = env
            return meth.func(*bound.args, **bound.kwargs)

    def describe_methods(self, model: str) -> dict:
        """The /doc-bearer/<model>.json shape odoo-client-lib uses to map positional arguments."""
        if model not in self.db.registry:
            raise NotFound(f"the model {model!r} does not exist")
        out = {}
        for name, meth in self.db.registry[model].methods.items():
            params = list(inspect.signature(meth.func).parameters)[2:]
            if meth.kind == "record":
                params = params[1:]
            api = (
                ["model"]
                if meth.kind == "model"
                else (["model", "model_create"] if meth.kind == "create" else [])
            )
            out[name] = {"parameters": {p: {} for p in params}, "api": api}
        return {"model": model, "methods": out}

    # -- web sessions -----------------------------------------------------------------------------
    def new_session(self, uid: int) -> str:
        sid = secrets.token_hex(20)
        with self._lock:
            self.sessions[sid] = uid
        return sid

    def session_info(self, uid: int, sid: str) -> dict:
        with self.db.transaction(uid) as env:
            user = env.row("res.users", uid)
            ctx = context_for(env, uid)
            partner = user.get("partner_id")
            return {
                "uid": uid,
                "is_system": uid in (1, 2),
                "is_admin": uid in (1, 2),
                "db": self.db.name,
                "name": env.value("res.users", uid, "name"),
                "username": user.get("login"),
                "partner_id": partner,
                "partner_display_name": env.display_name("res.partner", partner),
                "company_id": 1,
                "user_context": ctx,
                "server_version": self.db.p.series,
                "server_version_info": self.db.p.version_info(),
                "web.base.url": "http://127.0.0.1:8069",
                "user_companies": {
                    "current_company": 1,
                    "allowed_companies": {"1": {"id": 1, "name": env.display_name("res.company", 1)}},
                },
                "currencies": {},
                "show_effect": True,
                "display_switch_company_menu": False,
                "cache_hashes": {},
                "active_ids_limit": 20000,
                "web_tours": [],
                "session_id": sid,
            }


def context_for(env: Env, uid: int) -> dict:
    user = env.row("res.users", uid)
    return {"lang": user.get("lang") or "en_US", "tz": user.get("tz") or "UTC", "uid": uid}
