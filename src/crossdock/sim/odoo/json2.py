"""JSON-2 (19.0+): POST /json/2/<model>/<method>, bearer API keys, named arguments, HTTP status errors."""

from __future__ import annotations

import json
import traceback
from typing import Any

from .errors import NotFound, UnprocessableEntity, UserError, qualified_name
from .rpc_json import JsonRoute, dumps
from .service import Service

HINT = "Did you mean POST /json/2/<model>/<method>?"


def error_body(exc: BaseException, name: str | None = None) -> bytes:
    return dumps(
        {
            "name": name or qualified_name(exc),
            "message": str(exc),
            "arguments": list(exc.args),
            "context": {},
            "debug": "".join(traceback.format_exception(exc)),
        }
    )


def _status(exc: BaseException) -> int:
    if isinstance(exc, (UserError, NotFound, UnprocessableEntity)):
        return exc.http_status
    return 500


def authenticate(service: Service, headers: Any) -> int | None:
    auth = headers.get("Authorization") or ""
    scheme, _, key = auth.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return service.user_for_api_key(key.strip())


def unauthorized() -> JsonRoute:
    exc = Exception("Invalid apikey")
    return JsonRoute(401, error_body(exc, "werkzeug.exceptions.Unauthorized"), {"WWW-Authenticate": "bearer"})


def handle(service: Service, http_method: str, path: str, headers: Any, body: bytes) -> JsonRoute:
    parts = path.strip("/").split("/")
    if len(parts) != 4:
        return JsonRoute(404, error_body(NotFound(HINT)))
    if http_method != "POST":
        return JsonRoute(
            405,
            error_body(
                Exception("The method is not allowed for the requested URL."),
                "werkzeug.exceptions.MethodNotAllowed",
            ),
        )
    dbname = headers.get("X-Odoo-Database")
    if dbname and dbname != service.db.name:
        return JsonRoute(404, error_body(NotFound(f"database {dbname!r} not found")))
    uid = authenticate(service, headers)
    if uid is None:
        return unauthorized()
    mimetype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if mimetype != "application/json":
        exc = Exception(f"Unsupported media type {mimetype!r}, expected 'application/json'")
        return JsonRoute(415, error_body(exc, "werkzeug.exceptions.UnsupportedMediaType"))
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return JsonRoute(400, error_body(Exception("Invalid JSON data"), "werkzeug.exceptions.BadRequest"))
    if not isinstance(payload, dict):
        return JsonRoute(400, error_body(Exception("Invalid JSON data"), "werkzeug.exceptions.BadRequest"))
    _, _, model, method = parts
    try:
        result = service.call_json2(uid, model, method, payload)
    except Exception as exc:
        return JsonRoute(_status(exc), error_body(exc))
    return JsonRoute(200, dumps(result))


def doc(service: Service, path: str, headers: Any) -> JsonRoute:
    """GET /doc-bearer/<model>.json, the introspection odoo-client-lib's JSON-2 connector relies on."""
    if authenticate(service, headers) is None:
        return unauthorized()
    model = path.rsplit("/", 1)[-1].removesuffix(".json")
    try:
        return JsonRoute(200, dumps(service.describe_methods(model)))
    except NotFound as exc:
        return JsonRoute(404, error_body(exc))
