"""What flows need to know about the business: which endpoint reaches which warehouse, tolerances."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class WarehouseRoute(BaseModel):
    model_config = ConfigDict(extra="forbid")

    endpoint: str = Field(description="the endpoint (WMS API, 3PL EDI, ...) that reaches this warehouse")
    units: str = Field(
        default="as_ordered",
        description="as_ordered, base (the item's base unit: a WMS that counts eaches) or a unit code such as CS "
        "(a WMS that counts cases)",
    )


class FlowSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    warehouses: dict[str, WarehouseRoute] = Field(default_factory=dict, description="warehouse code -> route")
    erp_endpoint: str | None = Field(default=None, description="where confirmations go back to (Odoo)")
    reports_endpoint: str | None = Field(default=None, description="where discrepancy reports go")
    require_known_items: bool = Field(
        default=False, description="refuse documents naming SKUs not in the item master"
    )
    extra_units: list[str] = Field(
        default_factory=list, description="unit codes to accept beyond the standard ones"
    )
    reconcile_tolerance_units: Decimal = Field(default=Decimal(0), ge=0)
    reconcile_tolerance_percent: Decimal = Field(default=Decimal(0), ge=0)
