"""XML-RPC transport: /xmlrpc/2/<service> (integer fault codes), legacy /xmlrpc/<service> (string codes)."""

from __future__ import annotations

import re
import traceback
import xmlrpc.client
from typing import Any

from .errors import AccessDenied, AccessError, MissingError, RedirectWarning, UserError
from .service import Service

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(value: Any) -> Any:
    """Odoo's marshaller strips control characters; None is kept so dumps() raises like Odoo's does."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def fault_int(exc: BaseException) -> xmlrpc.client.Fault:
    if isinstance(exc, RedirectWarning):
        return xmlrpc.client.Fault(2, str(exc))
    if isinstance(exc, AccessError):
        return xmlrpc.client.Fault(4, str(exc))
    if isinstance(exc, AccessDenied):
        return xmlrpc.client.Fault(3, str(exc))
    if isinstance(exc, UserError):
        return xmlrpc.client.Fault(2, str(exc))
    return xmlrpc.client.Fault(1, "".join(traceback.format_exception(exc)))


def fault_string(exc: BaseException) -> xmlrpc.client.Fault:
    if isinstance(exc, RedirectWarning):
        return xmlrpc.client.Fault("warning -- Warning\n\n" + str(exc), "")
    if isinstance(exc, MissingError):
        return xmlrpc.client.Fault("warning -- MissingError\n\n" + str(exc), "")
    if isinstance(exc, AccessError):
        return xmlrpc.client.Fault("warning -- AccessError\n\n" + str(exc), "")
    if isinstance(exc, AccessDenied):
        return xmlrpc.client.Fault("AccessDenied", str(exc))
    if isinstance(exc, UserError):
        return xmlrpc.client.Fault("warning -- UserError\n\n" + str(exc), "")
    return xmlrpc.client.Fault(str(exc), "".join(traceback.format_exception(exc)))


def dispatch(service: Service, name: str, method: str, params: tuple) -> Any:
    if name == "common":
        return service.common(method, list(params))
    if name == "object":
        if method == "execute_kw":
            return service.execute_kw(*params)
        if method == "execute":
            return service.execute(*params)
        raise NameError(f"Method not available {method}")
    if name == "db":
        return service.db_service(method, list(params))
    raise NameError(f"No such service {name}")


def handle(service: Service, name: str, body: bytes, legacy: bool) -> bytes:
    make_fault = fault_string if legacy else fault_int
    try:
        params, method = xmlrpc.client.loads(body, use_datetime=service.db.p.major >= 19)
        result = dispatch(service, name, method or "", params)
    except Exception as exc:  # every failure becomes a Fault, as in Odoo's RPC controller
        return xmlrpc.client.dumps(make_fault(exc), allow_none=False).encode()
    try:
        # marshalled after the transaction committed: a None result faults but the change stays
        return xmlrpc.client.dumps((_clean(result),), methodresponse=True, allow_none=False).encode()
    except Exception as exc:
        return xmlrpc.client.dumps(make_fault(exc), allow_none=False).encode()
