"""Odoo's errors, as the three transports send them, turned into one hierarchy that says what to do.

Every error names the Odoo model and method it came from. `retryable` is True only when trying
again can help (the server was unreachable, overloaded, or hit a serialization conflict).
"""

from __future__ import annotations

from ..base import DeliveryError, PermanentError, TransientError


class OdooError(Exception):
    retryable = False
    kind = "server_error"

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        method: str | None = None,
        odoo_name: str | None = None,
        debug: str | None = None,
    ):
        where = f"{model}.{method}" if model and method else (model or method or "odoo")
        super().__init__(f"{where}: {message}")
        self.message = message
        self.model = model
        self.method = method
        self.odoo_name = odoo_name
        self.debug = debug


class OdooAuthError(OdooError):
    """Wrong login, password or API key (AccessDenied)."""

    kind = "access_denied"


class OdooAccessError(OdooError):
    """The user lacks the rights (AccessError): fix the bot user's groups."""

    kind = "access_error"


class OdooUserError(OdooError):
    """A business rule refused the call (UserError, ValidationError): the data must change."""

    kind = "user_error"


class OdooMissingError(OdooUserError):
    kind = "missing"


class OdooNotFound(OdooError):
    """The model or method does not exist on this server's version."""

    kind = "not_found"


class OdooTransientError(OdooError):
    """Unreachable, timed out, overloaded or a concurrency conflict: retrying can help.

    `sent` is False when the request provably never reached Odoo, so even a non-idempotent call
    (a create) can be repeated safely.
    """

    retryable = True
    kind = "transient"

    def __init__(self, message: str, *, sent: bool = True, **where):
        super().__init__(message, **where)
        self.sent = sent


_BY_NAME = {
    "odoo.exceptions.AccessDenied": OdooAuthError,
    "odoo.exceptions.AccessError": OdooAccessError,
    "odoo.exceptions.MissingError": OdooMissingError,
    "odoo.exceptions.UserError": OdooUserError,
    "odoo.exceptions.ValidationError": OdooUserError,
    "odoo.exceptions.RedirectWarning": OdooUserError,
    "odoo.exceptions.LockError": OdooTransientError,
    "werkzeug.exceptions.NotFound": OdooNotFound,
}
_TRANSIENT_TEXT = (
    "could not serialize access",
    "deadlock detected",
    "concurrent update",
    "could not obtain lock",
)


def _user_error(message: str, **where) -> OdooError:
    # Fault 2 carries every UserError subclass; the text tells the ones a caller treats apart.
    if message.startswith("Record does not exist or has been deleted"):
        return OdooMissingError(message, **where)
    if message.startswith("Object ") and message.endswith("doesn't exist"):
        return OdooNotFound(f"{message} (is the module installed on this Odoo version?)", **where)
    return OdooUserError(message, **where)


def from_name(name: str | None, message: str, **where) -> OdooError:
    """From an exception class name (JSON-RPC `data.name`, JSON-2 body `name`)."""
    if any(text in message for text in _TRANSIENT_TEXT):
        return OdooTransientError(message, odoo_name=name, **where)
    if name == "odoo.exceptions.UserError":
        return _user_error(message, **where)
    return _BY_NAME.get(name or "", OdooError)(message, odoo_name=name, **where)


def from_fault(code: int | str, text: str, **where) -> OdooError:
    """From an XML-RPC fault: /xmlrpc/2 integer codes, or the legacy endpoints' strings."""
    if code == 3 or code == "AccessDenied":
        return OdooAuthError("Access Denied: wrong login, password or API key", **where)
    if code == 4:
        return OdooAccessError(text, **where)
    if code == 2:
        return _user_error(text, **where)
    if isinstance(code, str) and code.startswith("warning -- "):
        name, _, message = code[len("warning -- ") :].partition("\n\n")
        return from_name(f"odoo.exceptions.{name}", message or text, **where)
    last_line = text.strip().splitlines()[-1] if text.strip() else str(code)
    if "does not exist" in last_line and ("Object" in last_line or "has no attribute" in last_line):
        return OdooNotFound(last_line, debug=text, **where)
    if any(marker in text for marker in _TRANSIENT_TEXT):
        return OdooTransientError(last_line, debug=text, **where)
    return OdooError(last_line, debug=text, **where)


def delivery_error(exc: OdooError) -> DeliveryError:
    """An Odoo error as the outbox's verdict: retry later or give up, naming where it failed."""
    cls = TransientError if exc.retryable else PermanentError
    return cls(str(exc), detail={"odoo_error": exc.kind, "model": exc.model, "method": exc.method})
