"""Odoo's three wire protocols behind one call: XML-RPC, JSON-RPC (/jsonrpc) and JSON-2 (19.0+).

A call is (model, method, ids, params, context). `params` is ordered: XML-RPC and JSON-RPC send
the values positionally (Odoo's parameter names differ between versions, positions do not);
JSON-2 has no positional arguments and sends them by name.
"""

from __future__ import annotations

import itertools
import xmlrpc.client
from typing import Any

import httpx

from .errors import OdooAuthError, OdooError, OdooNotFound, OdooTransientError, from_fault, from_name

_NONE_FAULT = "cannot marshal None"


async def _post(http: httpx.AsyncClient, path: str, where: dict, **request: Any) -> httpx.Response:
    try:
        response = await http.post(path, **request)
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # the request never reached Odoo
        raise OdooTransientError(
            f"cannot connect: {exc or type(exc).__name__}", sent=False, **where
        ) from None
    except httpx.TransportError as exc:  # it may or may not have run: the caller re-reads state
        raise OdooTransientError(f"{type(exc).__name__}: {exc or 'no answer'}", **where) from None
    if response.status_code in (429, 502, 503, 504):
        raise OdooTransientError(f"HTTP {response.status_code} from {path}", **where)
    return response


class _ExecuteKw:
    """The `common` and `object` services, the same over XML-RPC and JSON-RPC; `_call` differs."""

    name = ""

    def __init__(self, http: httpx.AsyncClient, db: str, login: str, secret: str):
        self.http, self.db, self.login, self.secret = http, db, login, secret
        self.uid: int | None = None

    async def _call(self, service: str, method: str, args: list, where: dict) -> Any:
        raise TypeError("a transport defines _call")

    async def version(self) -> dict:
        return await self._call("common", "version", [], {"model": "common", "method": "version"})

    async def authenticate(self) -> int:
        where = {"model": "common", "method": "authenticate"}
        uid = await self._call("common", "authenticate", [self.db, self.login, self.secret, {}], where)
        if not uid:
            raise OdooAuthError(
                f"login {self.login!r} refused by database {self.db!r}", method="authenticate"
            )
        self.uid = uid
        return uid

    async def execute(
        self, model: str, method: str, ids: list[int] | None, params: dict, context: dict
    ) -> Any:
        args = ([ids] if ids is not None else []) + list(params.values())
        kwargs = {"context": context} if context else {}
        return await self._call(
            "object",
            "execute_kw",
            [self.db, self.uid, self.secret, model, method, args, kwargs],
            {"model": model, "method": method},
        )


class XmlRpc(_ExecuteKw):
    name = "xml-rpc"

    async def _call(self, service: str, method: str, args: list, where: dict) -> Any:
        body = xmlrpc.client.dumps(tuple(args), method, allow_none=True)
        response = await _post(
            self.http,
            f"/xmlrpc/2/{service}",
            where,
            content=body.encode(),
            headers={"Content-Type": "text/xml"},
        )
        if response.status_code != 200:
            raise OdooError(f"HTTP {response.status_code} from /xmlrpc/2/{service}", **where)
        try:
            (result,), _ = xmlrpc.client.loads(response.content, use_builtin_types=True)
        except xmlrpc.client.Fault as fault:
            if _NONE_FAULT in fault.faultString:  # the call committed; Odoo could not marshal its None
                return None
            raise from_fault(fault.faultCode, fault.faultString, **where) from None
        return result


class JsonRpc(_ExecuteKw):
    name = "json-rpc"

    def __init__(self, http: httpx.AsyncClient, db: str, login: str, secret: str):
        super().__init__(http, db, login, secret)
        self._ids = itertools.count(1)

    async def _call(self, service: str, method: str, args: list, where: dict) -> Any:
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._ids),
            "params": {"service": service, "method": method, "args": args},
        }
        response = await _post(self.http, "/jsonrpc", where, json=payload)
        if response.status_code == 404:
            raise OdooNotFound("/jsonrpc is not served here (Odoo 19+ may disable it: use JSON-2)", **where)
        if response.status_code != 200:
            raise OdooError(f"HTTP {response.status_code} from /jsonrpc", **where)
        body = response.json()
        if "error" in body:
            data = body["error"].get("data") or {}
            message = data.get("message") or body["error"].get("message", "")
            raise from_name(data.get("name"), message, debug=data.get("debug"), **where)
        return body.get("result")  # a None result has no "result" key at all


class Json2:
    """The 19.0 API: POST /json/2/<model>/<method>, bearer API key, named arguments only."""

    name = "json-2"

    def __init__(self, http: httpx.AsyncClient, db: str, login: str, secret: str):
        self.http, self.db, self.login, self.secret = http, db, login, secret
        self.uid: int | None = None
        self.headers = {"Authorization": f"bearer {secret}", "X-Odoo-Database": db}

    async def authenticate(self) -> int:
        context = await self.execute("res.users", "context_get", None, {}, {})
        self.uid = int(context.get("uid") or 0) or None
        return self.uid or 0

    async def execute(
        self, model: str, method: str, ids: list[int] | None, params: dict, context: dict
    ) -> Any:
        where = {"model": model, "method": method}
        body: dict[str, Any] = dict(params)
        if ids is not None:
            body["ids"] = ids
        if context:
            body["context"] = context
        response = await _post(self.http, f"/json/2/{model}/{method}", where, json=body, headers=self.headers)
        if response.status_code == 200:
            return response.json()
        try:
            error = response.json()
        except ValueError:
            error = response.text
        if isinstance(error, str):  # early 19 builds answered with a bare string
            error = {"message": error}
        message = error.get("message") or f"HTTP {response.status_code}"
        if response.status_code == 401:
            raise OdooAuthError(f"API key refused: {message}", **where)
        if response.status_code == 404 and not error.get("name"):
            raise OdooNotFound(message, **where)
        raise from_name(error.get("name"), message, debug=error.get("debug"), **where)


TRANSPORTS = {"xml-rpc": XmlRpc, "json-rpc": JsonRpc, "json-2": Json2}
