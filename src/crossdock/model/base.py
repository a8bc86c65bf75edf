"""Building blocks shared by every canonical document: UTC times, exact quantities, money."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _require_utc(value: datetime) -> datetime:
    # Naive times are ambiguous across warehouses in different zones: refuse them.
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError("time must carry a timezone (e.g. 2026-11-27T10:00:00Z)")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_require_utc)]


def utc_now() -> datetime:
    return datetime.now(UTC)


def plain(value: Decimal) -> str:
    """2.50 -> '2.5', 24.0 -> '24': Decimal text without exponent or trailing zeros."""
    return format(value.normalize(), "f")


class CanonicalModel(BaseModel):
    """Strict base: unknown fields are errors, so a partner's typo never passes silently."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)


def _positive_or_zero(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("quantity cannot be negative")
    return value


class Quantity(CanonicalModel):
    """An exact quantity in a unit of measure (Decimal: a case of 12 is exactly 12 each)."""

    value: Annotated[Decimal, AfterValidator(_positive_or_zero)]
    uom: str = Field(default="EA", min_length=1, max_length=20)

    def __str__(self) -> str:
        return f"{self.value.normalize():f} {self.uom}"


class SignedQuantity(CanonicalModel):
    """A quantity that may be negative, for adjustments and deltas."""

    value: Decimal
    uom: str = Field(default="EA", min_length=1, max_length=20)


class Money(CanonicalModel):
    amount: Decimal
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


class Measure(CanonicalModel):
    """A weight or length with its unit (kg, lb, g, oz; cm, m, in, ft)."""

    value: Annotated[Decimal, AfterValidator(_positive_or_zero)]
    unit: str = Field(min_length=1, max_length=10)


class Dimensions(CanonicalModel):
    length: Decimal = Field(ge=0)
    width: Decimal = Field(ge=0)
    height: Decimal = Field(ge=0)
    unit: str = Field(default="cm", min_length=1, max_length=10)


class Address(CanonicalModel):
    name: str
    street: str | None = None
    street2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = Field(default=None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    phone: str | None = None
    email: str | None = None


class PartyRef(CanonicalModel):
    """A reference to a partner by its code in the system of record, with a display name."""

    code: str = Field(min_length=1)
    name: str | None = None


class LotQuantity(CanonicalModel):
    lot: str = Field(min_length=1)
    quantity: Quantity
    expiry: UtcDatetime | None = None


class Document(CanonicalModel):
    """A canonical business document. Each type names the field that is its business key."""

    document_type: ClassVar[str]
    key_field: ClassVar[str]

    def business_key(self) -> str:
        return str(getattr(self, self.key_field))


def non_empty(values: list[Any]) -> list[Any]:
    if not values:
        raise ValueError("at least one line is required")
    return values
