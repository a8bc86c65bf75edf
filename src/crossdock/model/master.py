"""Master data: items, partners, warehouse nodes and locations, carrier services."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from .base import Address, CanonicalModel, Dimensions, Document, Measure, Money, Quantity


class Tracking(StrEnum):
    NONE = "none"
    LOT = "lot"
    SERIAL = "serial"


class PackLevel(StrEnum):
    EACH = "each"
    INNER = "inner"
    CASE = "case"
    PALLET = "pallet"


class UomConversion(CanonicalModel):
    """How many base units one `uom` holds: a case of 12 is {uom: CS, factor: 12}."""

    uom: str = Field(min_length=1, max_length=20)
    factor: Decimal = Field(gt=0)


class Pack(CanonicalModel):
    level: PackLevel
    uom: str
    quantity: Decimal = Field(gt=0, description="base units in one pack")
    gtin: str | None = None
    weight: Measure | None = None
    dimensions: Dimensions | None = None


class UnknownUom(ValueError):
    pass


class Item(Document):
    document_type = "Item"
    key_field = "sku"

    sku: str = Field(min_length=1, max_length=64)
    name: str
    barcodes: list[str] = Field(default_factory=list)
    base_uom: str = Field(default="EA", min_length=1, max_length=20)
    conversions: list[UomConversion] = Field(default_factory=list)
    packs: list[Pack] = Field(default_factory=list)
    weight: Measure | None = None
    dimensions: Dimensions | None = None
    tracking: Tracking = Tracking.NONE
    tracks_expiry: bool = False
    shelf_life_days: int | None = Field(default=None, ge=0)
    list_price: Money | None = None
    standard_cost: Money | None = None
    active: bool = True

    @model_validator(mode="after")
    def _packs_and_conversions_agree(self) -> Item:
        known = {self.base_uom} | {c.uom for c in self.conversions}
        for pack in self.packs:
            if pack.uom not in known:
                raise ValueError(f"pack level {pack.level} uses uom {pack.uom!r} with no conversion")
        return self

    def factor(self, uom: str) -> Decimal:
        if uom == self.base_uom:
            return Decimal(1)
        for conversion in self.conversions:
            if conversion.uom == uom:
                return conversion.factor
        raise UnknownUom(f"item {self.sku} has no conversion for uom {uom!r} (base {self.base_uom})")

    def to_base(self, quantity: Quantity) -> Quantity:
        """Exact conversion to the base unit: 2 CS of 12 -> 24 EA."""
        return Quantity(value=quantity.value * self.factor(quantity.uom), uom=self.base_uom)

    def convert(self, quantity: Quantity, uom: str) -> Quantity:
        base = self.to_base(quantity).value
        return Quantity(value=base / self.factor(uom), uom=uom)


class PartnerRole(StrEnum):
    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    SHIP_TO = "ship_to"
    CARRIER = "carrier"


class RoutingGuide(CanonicalModel):
    """A retail customer's shipping rules (routing guide) the warehouse must follow."""

    preferred_carriers: list[str] = Field(default_factory=list)
    requires_asn: bool = False
    requires_sscc_labels: bool = False
    max_pallet_height: Measure | None = None
    appointment_required: bool = False
    notes: str | None = None


class Partner(Document):
    document_type = "Partner"
    key_field = "code"

    code: str = Field(min_length=1)
    name: str
    roles: list[PartnerRole] = Field(min_length=1)
    address: Address | None = None
    parent_code: str | None = Field(default=None, description="for a ship-to: the customer it belongs to")
    edi_id: str | None = None
    routing_guide: RoutingGuide | None = None
    active: bool = True


class NodeKind(StrEnum):
    OWN_WMS = "own_wms"
    THIRD_PARTY = "3pl"


class Warehouse(Document):
    document_type = "Warehouse"
    key_field = "code"

    code: str = Field(min_length=1)
    name: str
    kind: NodeKind
    address: Address | None = None
    timezone: str = "UTC"
    cutoff_local_time: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$")
    endpoint: str | None = Field(default=None, description="crossdock endpoint that reaches this node")


class LocationUsage(StrEnum):
    STORAGE = "storage"
    PICK_FACE = "pick_face"
    RECEIVING = "receiving"
    SHIPPING = "shipping"
    QUARANTINE = "quarantine"
    RETURNS = "returns"


class Location(CanonicalModel):
    warehouse_code: str
    code: str
    usage: LocationUsage = LocationUsage.STORAGE


class CarrierService(Document):
    document_type = "CarrierService"
    key_field = "code"

    code: str = Field(min_length=1, description="e.g. UPS_GROUND")
    carrier: str
    service_level: str = Field(description="crossdock level: same_day, next_day, two_day, ground, freight")
    transit_days: int | None = Field(default=None, ge=0)
    scac: str | None = Field(default=None, pattern=r"^[A-Z]{2,4}$")
