"""Odoo records -> crossdock's canonical documents. Pure functions over records already read.

Odoo sends False for empty values, many2one as [id, display_name], datetimes as naive UTC
strings 'YYYY-MM-DD HH:MM:SS'; these helpers turn them into what the canonical model expects.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ...model import (
    Address,
    ExpectedReceipt,
    Item,
    Partner,
    PartyRef,
    ReturnAuthorization,
    SalesOrder,
)

Record = dict[str, Any]

# Odoo names units in words; crossdock (and warehouses, and X12) use codes.
UOM_CODES = {
    "Units": "EA",
    "Unit": "EA",
    "Dozens": "DZ",
    "kg": "KG",
    "g": "G",
    "lb": "LB",
    "lbs": "LB",
    "oz": "OZ",
    "L": "L",
    "Liters": "L",
    "m": "M",
    "cm": "CM",
    "Hours": "HR",
    "Days": "DAY",
}


def uom_code(name: str) -> str:
    return UOM_CODES.get(name, name.upper().replace(" ", "_")[:20])


def m2o_id(value: Any) -> int | None:
    if isinstance(value, (list, tuple)) and value:
        return int(value[0])
    return int(value) if isinstance(value, int) and not isinstance(value, bool) and value else None


def m2o_name(value: Any) -> str | None:
    return str(value[1]) if isinstance(value, (list, tuple)) and len(value) > 1 else None


def text(value: Any) -> str | None:
    return None if value is False or value is None or value == "" else str(value)


def odoo_time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(
        str(value)[:19], "%Y-%m-%d %H:%M:%S" if len(str(value)) > 10 else "%Y-%m-%d"
    ).replace(tzinfo=UTC)


def to_odoo_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def decimal(value: Any) -> Decimal:
    # Odoo floats are rounded to the UoM precision already; repr keeps 2.5 as 2.5, not 2.49999.
    return Decimal(repr(float(value or 0)))


def address(partner: Record) -> Address:
    return Address(
        name=text(partner.get("name")) or f"partner {partner['id']}",
        street=text(partner.get("street")),
        street2=text(partner.get("street2")),
        city=text(partner.get("city")),
        state=text(m2o_name(partner.get("state_id"))),
        zip=text(partner.get("zip")),
        country=text(partner.get("country_code")) or None,
        phone=text(partner.get("phone")),
        email=text(partner.get("email")),
    )


def party(partner: Record) -> PartyRef:
    return PartyRef(code=text(partner.get("ref")) or f"odoo-{partner['id']}", name=text(partner.get("name")))


def _lines(
    moves: list[Record], products: dict[int, Record], uoms: dict[int, str], key: str = "product_uom_qty"
):
    for move in sorted(moves, key=lambda m: m["id"]):
        product = products[m2o_id(move["product_id"])]
        yield {
            "line_no": str(move["id"]),
            "sku": text(product.get("default_code")) or f"odoo-product-{product['id']}",
            "quantity": {
                "value": decimal(move[key]),
                "uom": uom_code(uoms.get(m2o_id(move["product_uom"]), "Units")),
            },
        }


def sales_order(
    picking: Record,
    sale: Record,
    moves: list[Record],
    products: dict[int, Record],
    uoms: dict[int, str],
    ship_to: Record,
    customer: Record,
    warehouse_code: str | None,
) -> SalesOrder:
    """An outgoing picking of a confirmed sale order, as the order released to a warehouse."""
    return SalesOrder(
        order_id=sale["name"],
        customer=party(customer),
        ship_to=address(ship_to),
        warehouse_code=warehouse_code,
        lines=list(_lines(moves, products, uoms)),
        customer_po=text(sale.get("client_order_ref")),
        carrier_service=m2o_name(picking.get("carrier_id")) or m2o_name(sale.get("carrier_id")),
        requested_date=odoo_time(picking.get("scheduled_date")),
        promised_date=odoo_time(sale.get("commitment_date")),
        external_ids={
            "odoo.stock.picking": str(picking["id"]),
            "odoo.picking_name": picking["name"],
            "odoo.sale.order": str(sale["id"]),
        },
    )


def expected_receipt(
    picking: Record,
    moves: list[Record],
    products: dict[int, Record],
    uoms: dict[int, str],
    supplier: Record,
    warehouse_code: str,
) -> ExpectedReceipt:
    return ExpectedReceipt(
        receipt_id=picking["name"],
        purchase_order=text(picking.get("origin")) or picking["name"],
        supplier=party(supplier),
        warehouse_code=warehouse_code,
        expected_date=odoo_time(picking.get("scheduled_date")),
        lines=list(_lines(moves, products, uoms)),
    )


def return_authorization(
    picking: Record,
    moves: list[Record],
    products: dict[int, Record],
    uoms: dict[int, str],
    customer: Record,
    warehouse_code: str,
    order_name: str | None,
) -> ReturnAuthorization:
    lines = [{**line, "reason": text(picking.get("origin"))} for line in _lines(moves, products, uoms)]
    return ReturnAuthorization(
        rma_id=picking["name"],
        order_id=order_name,
        customer=party(customer),
        warehouse_code=warehouse_code,
        lines=lines,
        expected_date=odoo_time(picking.get("scheduled_date")),
    )


def item(product: Record, uom_name: str) -> Item:
    weight = product.get("weight") or 0
    tracking = product.get("tracking") or "none"
    return Item(
        sku=text(product.get("default_code")) or f"odoo-product-{product['id']}",
        name=text(product.get("name")) or "",
        barcodes=[product["barcode"]] if product.get("barcode") else [],
        base_uom=uom_code(uom_name),
        weight={"value": decimal(weight), "unit": "kg"} if weight else None,
        tracking=tracking if tracking in ("none", "lot", "serial") else "none",
        tracks_expiry=bool(product.get("use_expiration_date")),
        list_price={"amount": decimal(product.get("list_price")), "currency": "USD"}
        if product.get("list_price")
        else None,
        active=bool(product.get("active", True)),
    )


def partner(record: Record, parent: Record | None) -> Partner | None:
    """Customers, suppliers and delivery addresses; other contacts are not master data for the hub."""
    roles = []
    if record.get("customer_rank"):
        roles.append("customer")
    if record.get("supplier_rank"):
        roles.append("supplier")
    if record.get("type") == "delivery":
        roles.append("ship_to")
    if not roles:
        return None
    return Partner(
        code=party(record).code,
        name=text(record.get("name")) or f"partner {record['id']}",
        roles=roles,
        address=address(record),
        parent_code=party(parent).code if parent else None,
        active=bool(record.get("active", True)),
    )
