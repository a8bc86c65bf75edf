"""JSON-RPC transports: /jsonrpc (services) and the web-client session routes."""

from __future__ import annotations

import json
import traceback
from typing import Any

from .errors import AccessDenied, NotFound, SessionExpired, qualified_name
from .service import Service

JSON_MIMETYPES = ("application/json", "application/json-rpc")


def serialize_exception(exc: BaseException) -> dict:
    debug = "" if isinstance(exc, AccessDenied) else "".join(traceback.format_exception(exc))
    return {
        "name": qualified_name(exc),
        "debug": debug,
        "message": str(exc),
        "arguments": list(exc.args),
        "context": {},
    }


def error_payload(exc: BaseException) -> dict:
    if isinstance(exc, NotFound):
        return {"code": 404, "message": "404: Not Found", "data": serialize_exception(exc)}
    if isinstance(exc, SessionExpired):
        return {"code": 100, "message": "Odoo Session Expired", "data": serialize_exception(exc)}
    return {"code": 200, "message": "Odoo Server Error", "data": serialize_exception(exc)}


def dumps(value: Any) -> bytes:
    return json.dumps(value, default=str).encode()


class JsonRoute:
    """Result of a JSON route: body, extra headers and status."""

    def __init__(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.content_type = content_type


def handle(service: Service, path: str, content_type: str, body: bytes, session_id: str | None) -> JsonRoute:
    mimetype = content_type.split(";")[0].strip().lower()
    if mimetype not in JSON_MIMETYPES:
        status = 400 if service.db.p.major == 16 else 415
        msg = f"Request inferred type is compatible with ['http'] but '{path}' is type='json'"
        return JsonRoute(status, msg.encode(), content_type="text/plain")
    try:
        request = json.loads(body or b"null")
    except ValueError:
        return JsonRoute(400, b"Invalid JSON data", content_type="text/plain")
    if not isinstance(request, dict):
        return JsonRoute(400, b"Invalid JSON-RPC data", content_type="text/plain")
    req_id = request.get("id")
    params = request.get("params") or {}
    headers: dict[str, str] = {}
    try:
        if not isinstance(params, dict):
            raise TypeError("params must be an object")
        result = _route(service, path, params, session_id, headers)
    except Exception as exc:
        return JsonRoute(200, dumps({"jsonrpc": "2.0", "id": req_id, "error": error_payload(exc)}), headers)
    response: dict[str, Any] = {"jsonrpc": "2.0", "id": req_id}
    if result is not None:  # Odoo omits `result` for None
        response["result"] = result
    return JsonRoute(200, dumps(response), headers)


def _session_uid(service: Service, session_id: str | None) -> int:
    uid = service.sessions.get(session_id or "")
    if uid is None:
        raise SessionExpired("Session expired")
    return uid


def _route(service: Service, path: str, params: dict, session_id: str | None, headers: dict[str, str]) -> Any:
    if path == "/jsonrpc":
        name, method, args = params.get("service"), params.get("method"), params.get("args") or []
        if name == "common":
            return service.common(method, list(args))
        if name == "object":
            if method == "execute_kw":
                return service.execute_kw(*args)
            if method == "execute":
                return service.execute(*args)
            raise NameError(f"Method not available {method}")
        if name == "db":
            return service.db_service(method, list(args))
        raise NameError(f"No such service {name}")
    if path == "/web/webclient/version_info":
        return service.db.p.version()
    if path == "/web/session/authenticate":
        if params.get("db") != service.db.name:
            from .errors import AccessError

            raise AccessError("Database not found.")
        uid = service.authenticate(
            params["db"], params.get("login"), params.get("password"), interactive=True
        )
        if not uid:
            raise AccessDenied()
        sid = service.new_session(uid)
        headers["Set-Cookie"] = f"session_id={sid}; HttpOnly; Path=/; SameSite=Lax"
        return service.session_info(uid, sid)
    if path == "/web/session/get_session_info":
        return service.session_info(_session_uid(service, session_id), session_id or "")
    if path == "/web/session/destroy":
        service.sessions.pop(session_id or "", None)
        return None
    if path.startswith("/web/dataset/call_kw") or path == "/web/dataset/call_button":
        uid = _session_uid(service, session_id)
        return service.call(
            uid,
            params["model"],
            params["method"],
            list(params.get("args") or []),
            dict(params.get("kwargs") or {}),
        )
    raise NotFound(f"No JSON route {path}")
