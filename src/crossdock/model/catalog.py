"""The event catalog: each canonical event type and the document its data must be."""

from __future__ import annotations

from .base import Document
from .documents import (
    ExceptionRaised,
    ExpectedReceipt,
    InventoryAdjustment,
    InventorySnapshot,
    OrderCancellation,
    OrderProgress,
    PutawayCompleted,
    RateQuote,
    ReceiptConfirmation,
    ReturnAuthorization,
    ReturnReceipt,
    SalesOrder,
    ShipmentConfirmation,
    ShipmentManifest,
    TrackingEvent,
)
from .master import Item, Partner

EVENT_TYPES: dict[str, type[Document]] = {
    "order.released": SalesOrder,
    "order.cancelled": OrderCancellation,
    "order.allocated": OrderProgress,
    "order.picked": OrderProgress,
    "order.packed": OrderProgress,
    "shipment.rated": RateQuote,
    "shipment.manifested": ShipmentManifest,
    "shipment.confirmed": ShipmentConfirmation,
    "shipment.in_transit": TrackingEvent,
    "shipment.delivered": TrackingEvent,
    "shipment.exception": TrackingEvent,
    "receipt.expected": ExpectedReceipt,
    "receipt.confirmed": ReceiptConfirmation,
    "putaway.completed": PutawayCompleted,
    "inventory.snapshot": InventorySnapshot,
    "inventory.adjusted": InventoryAdjustment,
    "return.authorized": ReturnAuthorization,
    "return.received": ReturnReceipt,
    "item.changed": Item,
    "partner.changed": Partner,
    "exception.raised": ExceptionRaised,
}


class UnknownEventType(ValueError):
    pass


def document_class(event_type: str) -> type[Document]:
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventType(
            f"unknown event type {event_type!r}; known types: {', '.join(sorted(EVENT_TYPES))}"
        ) from None


def parse_document(event_type: str, data: dict) -> Document:
    return document_class(event_type).model_validate(data)
