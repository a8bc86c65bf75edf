"""Canonical business documents that cross the hub (one per event in the catalog)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

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
    non_empty,
)


class AllocationRule(StrEnum):
    FIFO = "fifo"
    FEFO = "fefo"
    LIFO = "lifo"
    SPECIFIC_LOT = "specific_lot"


class ComplianceInstruction(CanonicalModel):
    code: str = Field(description="e.g. SSCC_LABEL, GIFT_WRAP, NO_PARTIAL, PALLET_HEIGHT")
    text: str | None = None


class SalesOrderLine(CanonicalModel):
    line_no: str = Field(min_length=1)
    sku: str = Field(min_length=1)
    quantity: Quantity
    unit_price: Money | None = None
    requested_lot: str | None = None
    external_line_id: str | None = None


class SalesOrder(Document):
    document_type = "SalesOrder"
    key_field = "order_id"

    order_id: str = Field(min_length=1, description="Odoo's order name, e.g. SO0042")
    customer: PartyRef
    ship_to: Address
    warehouse_code: str | None = None
    lines: Annotated[list[SalesOrderLine], AfterValidator(non_empty)]
    customer_po: str | None = None
    service_level: str | None = None
    carrier_service: str | None = None
    requested_date: UtcDatetime | None = None
    promised_date: UtcDatetime | None = None
    allocation_rule: AllocationRule = AllocationRule.FIFO
    compliance: list[ComplianceInstruction] = Field(default_factory=list)
    external_ids: dict[str, str] = Field(default_factory=dict, description="ids in each system, by system")


class OrderCancellation(Document):
    document_type = "OrderCancellation"
    key_field = "order_id"

    order_id: str
    reason: str | None = None
    cancelled_at: UtcDatetime


class OrderStatus(StrEnum):
    ALLOCATED = "allocated"
    PICKED = "picked"
    PACKED = "packed"


class OrderProgress(Document):
    """order.allocated / order.picked / order.packed: a warehouse's progress on an order."""

    document_type = "OrderProgress"
    key_field = "order_id"

    order_id: str
    warehouse_code: str
    status: OrderStatus
    at: UtcDatetime


class ExpectedReceiptLine(CanonicalModel):
    line_no: str
    sku: str
    quantity: Quantity
    lot: str | None = None
    expiry: UtcDatetime | None = None


class ExpectedReceipt(Document):
    document_type = "ExpectedReceipt"
    key_field = "receipt_id"

    receipt_id: str = Field(description="the receipt's reference, e.g. Odoo's WH/IN/00012")
    purchase_order: str
    supplier: PartyRef
    warehouse_code: str
    expected_date: UtcDatetime | None = None
    carrier: str | None = None
    asn_reference: str | None = None
    lines: Annotated[list[ExpectedReceiptLine], AfterValidator(non_empty)]


class Package(CanonicalModel):
    package_id: str
    sscc: str | None = Field(default=None, pattern=r"^\d{18}$", description="SSCC-18")
    tracking_number: str | None = None
    weight: Measure | None = None
    dimensions: Dimensions | None = None
    contents: list[PackageContent] = Field(default_factory=list)


class PackageContent(CanonicalModel):
    line_no: str
    sku: str
    quantity: Quantity
    lot: str | None = None
    serials: list[str] = Field(default_factory=list)


class ShipmentLine(CanonicalModel):
    line_no: str
    sku: str
    ordered_quantity: Quantity | None = None
    shipped_quantity: Quantity
    lots: list[LotQuantity] = Field(default_factory=list)
    serials: list[str] = Field(default_factory=list)
    unit_price: Money | None = Field(default=None, description="owned by the ERP: a warehouse may not set it")


class ShipmentConfirmation(Document):
    document_type = "ShipmentConfirmation"
    key_field = "shipment_id"

    shipment_id: str
    order_id: str
    warehouse_code: str
    lines: Annotated[list[ShipmentLine], AfterValidator(non_empty)]
    packages: list[Package] = Field(default_factory=list)
    carrier: str | None = None
    service_level: str | None = None
    tracking_number: str | None = None
    freight_cost: Money | None = None
    picked_at: UtcDatetime | None = None
    packed_at: UtcDatetime | None = None
    shipped_at: UtcDatetime
    final: bool = Field(default=True, description="False when more shipments for this order will follow")


class ReceiptLine(CanonicalModel):
    line_no: str
    sku: str
    expected_quantity: Quantity | None = None
    received_quantity: Quantity = Field(description="every unit that arrived, damaged ones included")
    damaged_quantity: Quantity | None = Field(
        default=None, description="how many of the received units are damaged"
    )
    lots: list[LotQuantity] = Field(default_factory=list)
    serials: list[str] = Field(default_factory=list)
    putaway_location: str | None = None


class ReceiptConfirmation(Document):
    document_type = "ReceiptConfirmation"
    key_field = "receipt_id"

    receipt_id: str
    purchase_order: str | None = None
    warehouse_code: str
    lines: Annotated[list[ReceiptLine], AfterValidator(non_empty)]
    received_at: UtcDatetime


class PutawayCompleted(Document):
    document_type = "PutawayCompleted"
    key_field = "receipt_id"

    receipt_id: str
    warehouse_code: str
    sku: str
    quantity: Quantity
    location: str
    lot: str | None = None
    at: UtcDatetime


class StockStatus(StrEnum):
    AVAILABLE = "available"
    ON_HOLD = "on_hold"
    DAMAGED = "damaged"
    QUARANTINE = "quarantine"
    ALLOCATED = "allocated"


class SnapshotLine(CanonicalModel):
    sku: str
    quantity: Quantity
    lot: str | None = None
    expiry: UtcDatetime | None = None
    location: str | None = None
    status: StockStatus = StockStatus.AVAILABLE


class InventorySnapshot(Document):
    document_type = "InventorySnapshot"
    key_field = "snapshot_id"

    snapshot_id: str
    warehouse_code: str
    taken_at: UtcDatetime
    lines: list[SnapshotLine]


class AdjustmentReason(StrEnum):
    CYCLE_COUNT = "cycle_count"
    DAMAGED = "damaged"
    EXPIRED = "expired"
    FOUND = "found"
    LOST = "lost"
    QUALITY_HOLD = "quality_hold"
    RECLASSIFIED = "reclassified"
    OTHER = "other"


class AdjustmentLine(CanonicalModel):
    sku: str
    delta: SignedQuantity
    reason: AdjustmentReason
    lot: str | None = None
    location: str | None = None
    partner_reason_code: str | None = Field(
        default=None, description="the warehouse's own code, kept verbatim"
    )
    note: str | None = None


class InventoryAdjustment(Document):
    document_type = "InventoryAdjustment"
    key_field = "adjustment_id"

    adjustment_id: str
    warehouse_code: str
    adjusted_at: UtcDatetime
    lines: Annotated[list[AdjustmentLine], AfterValidator(non_empty)]


class ReturnLine(CanonicalModel):
    line_no: str
    sku: str
    quantity: Quantity
    reason: str | None = None
    lot: str | None = None
    serials: list[str] = Field(default_factory=list)


class ReturnAuthorization(Document):
    document_type = "ReturnAuthorization"
    key_field = "rma_id"

    rma_id: str
    order_id: str | None = None
    customer: PartyRef
    warehouse_code: str
    lines: Annotated[list[ReturnLine], AfterValidator(non_empty)]
    carrier: str | None = None
    return_tracking_number: str | None = None
    expected_date: UtcDatetime | None = None


class Condition(StrEnum):
    NEW = "new"
    OPENED = "opened"
    DAMAGED = "damaged"
    DEFECTIVE = "defective"


class Disposition(StrEnum):
    RESTOCK = "restock"
    SCRAP = "scrap"
    REFURBISH = "refurbish"
    RETURN_TO_VENDOR = "return_to_vendor"
    QUARANTINE = "quarantine"


class ReturnReceiptLine(CanonicalModel):
    line_no: str
    sku: str
    quantity: Quantity
    condition: Condition
    disposition: Disposition
    lot: str | None = None
    serials: list[str] = Field(default_factory=list)


class ReturnReceipt(Document):
    document_type = "ReturnReceipt"
    key_field = "rma_id"

    rma_id: str
    warehouse_code: str
    lines: Annotated[list[ReturnReceiptLine], AfterValidator(non_empty)]
    received_at: UtcDatetime


class TrackingStatus(StrEnum):
    LABEL_CREATED = "label_created"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNED = "returned"


class ProofOfDelivery(CanonicalModel):
    signed_by: str | None = None
    signature_ref: str | None = None
    photo_ref: str | None = None


class TrackingEvent(Document):
    document_type = "TrackingEvent"
    key_field = "tracking_number"

    tracking_number: str
    carrier: str
    status: TrackingStatus
    occurred_at: UtcDatetime
    shipment_id: str | None = None
    order_id: str | None = None
    location: str | None = None
    description: str | None = None
    exception_code: str | None = None
    pod: ProofOfDelivery | None = None

    @model_validator(mode="after")
    def _pod_only_when_delivered(self) -> TrackingEvent:
        if self.pod is not None and self.status is not TrackingStatus.DELIVERED:
            raise ValueError("proof of delivery is only valid with status 'delivered'")
        return self


class RateOption(CanonicalModel):
    carrier_service: str
    cost: Money
    transit_days: int | None = None
    estimated_delivery: UtcDatetime | None = None


class RateQuote(Document):
    document_type = "RateQuote"
    key_field = "shipment_id"

    shipment_id: str
    order_id: str | None = None
    options: list[RateOption]
    chosen: str | None = None


class ShipmentManifest(Document):
    """shipment.manifested: a label was bought, the tracking number is known."""

    document_type = "ShipmentManifest"
    key_field = "shipment_id"

    shipment_id: str
    order_id: str | None = None
    carrier: str
    carrier_service: str
    tracking_number: str
    label_ref: str | None = None
    freight_cost: Money | None = None
    manifested_at: UtcDatetime


class ExceptionRaised(Document):
    document_type = "ExceptionRaised"
    key_field = "exception_id"

    exception_id: str
    severity: str = Field(pattern=r"^(info|warning|error|critical)$")
    category: str
    message: str
    related_key: str | None = Field(default=None, description="business key the exception is about")
    raised_at: UtcDatetime


Package.model_rebuild()
