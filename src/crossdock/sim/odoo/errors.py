"""Odoo's exception hierarchy, reproduced so transports can map errors exactly as Odoo does."""

from __future__ import annotations


class UserError(Exception):
    """Base of Odoo's "expected" errors (XML-RPC fault code 2, JSON-2 status 422)."""

    odoo_name = "odoo.exceptions.UserError"
    http_status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)


class RedirectWarning(UserError):
    odoo_name = "odoo.exceptions.RedirectWarning"


class ValidationError(UserError):
    odoo_name = "odoo.exceptions.ValidationError"


class MissingError(UserError):
    odoo_name = "odoo.exceptions.MissingError"
    http_status = 404


class AccessError(UserError):
    odoo_name = "odoo.exceptions.AccessError"
    http_status = 403


class AccessDenied(UserError):
    odoo_name = "odoo.exceptions.AccessDenied"
    http_status = 403

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class NotFound(Exception):
    """Stands in for werkzeug.exceptions.NotFound (JSON-2 unknown model/method)."""

    odoo_name = "werkzeug.exceptions.NotFound"
    http_status = 404


class UnprocessableEntity(Exception):
    odoo_name = "werkzeug.exceptions.UnprocessableEntity"
    http_status = 422


class SessionExpired(Exception):
    odoo_name = "odoo.http.SessionExpiredException"


def qualified_name(exc: BaseException) -> str:
    """The `data.name` Odoo puts in JSON errors: module-qualified class name."""
    name = getattr(exc, "odoo_name", None)
    if name:
        return name
    return f"{type(exc).__module__}.{type(exc).__name__}"


def missing(model: str, ids: list[int], uid: int) -> MissingError:
    rec = f"{model}({', '.join(str(i) for i in ids)},)"
    return MissingError(f"Record does not exist or has been deleted.\n(Record: {rec}, User: {uid})")
