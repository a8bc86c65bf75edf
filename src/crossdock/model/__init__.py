"""crossdock's canonical model: master data, business documents, the CloudEvents envelope."""

from .base import (
    Address,
    CanonicalModel,
    Dimensions,
    Document,
    LotQuantity,
    Measure,
    Money,
    PartyRef,
    Quantity,
    SignedQuantity,
    UtcDatetime,
    utc_now,
)
from .catalog import EVENT_TYPES, UnknownEventType, document_class, parse_document
from .documents import *  # noqa: F403 - the documents are the public surface of this package
from .envelope import CloudEvent
from .master import (
    CarrierService,
    Item,
    Location,
    LocationUsage,
    NodeKind,
    Pack,
    PackLevel,
    Partner,
    PartnerRole,
    RoutingGuide,
    Tracking,
    UnknownUom,
    UomConversion,
    Warehouse,
)

__all__ = [
    "Address", "CanonicalModel", "CarrierService", "CloudEvent", "Dimensions", "Document", "EVENT_TYPES",
    "Item", "Location", "LocationUsage", "LotQuantity", "Measure", "Money", "NodeKind", "Pack", "PackLevel",
    "Partner", "PartnerRole", "PartyRef", "Quantity", "RoutingGuide", "SignedQuantity", "Tracking",
    "UnknownEventType", "UnknownUom", "UomConversion", "UtcDatetime", "Warehouse", "document_class",
    "parse_document", "utc_now",
]
