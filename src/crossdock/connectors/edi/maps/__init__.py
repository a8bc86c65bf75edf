"""Maps between X12 transaction sets and crossdock's canonical documents, driven by a partner profile.

Each set module exposes ``SET_ID``, ``to_x12(document, partner) -> list of body segments`` (the input of
``generate_interchange``) and ``from_x12(transaction_set, partner) -> canonical document``. Inbound
problems raise ``MapError`` listing every problem with its segment/element. See docs/edi-maps.md.

    partner = load_partner("generic-3pl")
    segments = get_map("940").to_x12(order, partner)
    order = get_map("940").from_x12(transaction_set, partner)
"""

from __future__ import annotations

from types import ModuleType

from . import w180, w214, w846, w856, w940, w943, w944, w945, w947
from .common import MapError, Problem
from .partner import PartnerProfile, ProfileError, load_partner

MAPS: dict[str, ModuleType] = {m.SET_ID: m for m in (w940, w943, w944, w945, w947, w846, w856, w214, w180)}

# the set a canonical document type is sent as (a ShipmentConfirmation can also become an 856 ASN)
SET_FOR_DOCUMENT: dict[str, str] = {
    "SalesOrder": "940",
    "ExpectedReceipt": "943",
    "ShipmentConfirmation": "945",
    "ReceiptConfirmation": "944",
    "InventoryAdjustment": "947",
    "InventorySnapshot": "846",
    "TrackingEvent": "214",
    "ReturnAuthorization": "180",
    "ReturnReceipt": "180",
}


def get_map(set_id: str) -> ModuleType:
    """The map module for an X12 set ID ("940", "945", ...)."""
    try:
        return MAPS[set_id]
    except KeyError:
        raise KeyError(f"no map for transaction set {set_id}; known: {', '.join(sorted(MAPS))}") from None


def map_for_document(document_type: str) -> ModuleType:
    """The map module that sends a canonical document type ("SalesOrder" -> the 940 map)."""
    try:
        return MAPS[SET_FOR_DOCUMENT[document_type]]
    except KeyError:
        raise KeyError(f"no X12 map sends a {document_type}") from None


__all__ = [
    "MAPS",
    "SET_FOR_DOCUMENT",
    "MapError",
    "PartnerProfile",
    "Problem",
    "ProfileError",
    "get_map",
    "load_partner",
    "map_for_document",
]
