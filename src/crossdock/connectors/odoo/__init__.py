"""The Odoo connector: a batched client over XML-RPC, JSON-RPC and JSON-2, a polling source and a sink."""

from .client import OdooClient
from .errors import (
    OdooAccessError,
    OdooAuthError,
    OdooError,
    OdooMissingError,
    OdooNotFound,
    OdooTransientError,
    OdooUserError,
)
from .versions import OdooVersion

__all__ = [
    "OdooAccessError",
    "OdooAuthError",
    "OdooClient",
    "OdooError",
    "OdooMissingError",
    "OdooNotFound",
    "OdooTransientError",
    "OdooUserError",
    "OdooVersion",
]
