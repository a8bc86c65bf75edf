"""A small realistic catalogue aligned with the Odoo emulator's first SKUs, and their bin stock.

SKU00001-SKU00005 mirror the Odoo seed's fixed products (same barcodes, tracking and stock);
SKU00006-SKU00012 add pack hierarchies (inner, case, pallet) for cartonization and uom conversion.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .sscc import gs1_check_digit
from .warehouse import Warehouse


def ean13(n: int) -> str:
    """Same barcodes as crossdock.sim.odoo's seed: 540 + 9-digit number + check digit."""
    digits = f"540{n:09d}"
    return digits + gs1_check_digit(digits)


def _case_gtin(n: int, indicator: int) -> str:
    body = f"{indicator}{ean13(n)[:-1]}"
    return body + gs1_check_digit(body)


def _level(
    uom: str, qty: int, kg: str, dims: tuple[int, int, int], gtin: str | None = None
) -> dict[str, Any]:
    return {
        "uom": uom,
        "qty_in_base": str(qty),
        "gtin": gtin,
        "weight": {"value": kg, "unit": "kg"},
        "dims": {"l": str(dims[0]), "w": str(dims[1]), "h": str(dims[2]), "unit": "cm"},
    }


def catalogue() -> list[dict[str, Any]]:
    """Item bodies exactly as a client would PUT them."""
    none = {"lot": "none", "expiry": "none", "serial": "none"}
    items = [
        {
            "sku": "SKU00001",
            "description": "Stainless Hex Bolt M8 x 40",
            "base_uom": "EA",
            "pack_levels": [
                _level("EA", 1, "0.05", (5, 2, 2)),
                _level("CS", 12, "0.8", (20, 15, 10), _case_gtin(1, 1)),
            ],
            "tracking": none,
            "rotation": "FIFO",
        },
        {
            "sku": "SKU00002",
            "description": "Organic Oat Drink 1 L",
            "base_uom": "EA",
            "pack_levels": [
                _level("EA", 1, "1.05", (7, 7, 20)),
                _level("CS", 6, "6.5", (22, 15, 21), _case_gtin(2, 1)),
            ],
            "tracking": {"lot": "required", "expiry": "required", "serial": "none"},
            "rotation": "FEFO",
            "shelf_life_days": 270,
        },
        {
            "sku": "SKU00003",
            "description": "Cordless Drill 18 V",
            "base_uom": "EA",
            "pack_levels": [_level("EA", 1, "2.2", (35, 28, 10))],
            "tracking": {"lot": "none", "expiry": "none", "serial": "both"},
            "rotation": "FIFO",
        },
        {
            "sku": "SKU00004",
            "description": "Copy Paper A4 (dozen reams)",
            "base_uom": "DZ",
            "pack_levels": [_level("DZ", 1, "30", (45, 32, 30))],
            "tracking": none,
            "rotation": "FIFO",
        },
        {
            "sku": "SKU00005",
            "description": "Coffee Beans, bulk",
            "base_uom": "KG",
            "pack_levels": [
                _level("KG", 1, "1", (20, 12, 8)),
                _level("BAG", 5, "5.1", (40, 25, 12), _case_gtin(5, 1)),
            ],
            "tracking": none,
            "rotation": "FIFO",
        },
    ]
    for n, name, kg, dims, inner, case in (
        (6, "Nitrile Gloves, box of 100", "0.6", (24, 12, 8), 10, 40),
        (7, "LED Bulb E27 9 W", "0.09", (6, 6, 11), 4, 48),
        (8, "Packing Tape 50 mm", "0.3", (10, 10, 5), 6, 36),
        (9, "Ballpoint Pen Blue", "0.01", (15, 1, 1), 10, 500),
        (10, "Safety Glasses Clear", "0.05", (16, 6, 5), None, 60),
        (11, "Cable Ties 200 mm (100)", "0.12", (21, 6, 2), None, 100),
        (12, "Microfibre Cloth", "0.04", (20, 20, 1), 5, 100),
    ):
        levels = [_level("EA", 1, kg, dims)]
        if inner:
            levels.append({"uom": "IN", "qty_in_base": str(inner), "gtin": _case_gtin(n, 2)})
        case_kg = str((Decimal(kg) * case * Decimal("1.05")).quantize(Decimal("0.01")))
        levels.append(_level("CS", case, case_kg, (40, 30, 30), _case_gtin(n, 1)))
        levels.append({"uom": "PL", "qty_in_base": str(case * 40)})
        items.append(
            {
                "sku": f"SKU{n:05d}",
                "description": name,
                "base_uom": "EA",
                "pack_levels": levels,
                "tracking": none,
                "rotation": "FIFO",
            }
        )
    for item in items:
        item["gtins"] = [ean13(int(item["sku"][3:]))]
        item["weight"] = item["pack_levels"][0]["weight"]
    return items


# sku, location, qty, lot, expiry (the Odoo seed's LOT-00002-A/B expire 2027-06-01 and 2027-11-28)
STOCK: list[tuple[str, str, int, str | None, str | None]] = [
    ("SKU00001", "A-01-1", 100, None, None),
    ("SKU00002", "A-02-1", 50, "LOT-00002-B", "2027-11-28"),
    ("SKU00002", "A-02-2", 30, "LOT-00002-A", "2027-06-01"),
    ("SKU00003", "A-03-1", 5, None, None),
    ("SKU00004", "A-04-1", 120, None, None),
    ("SKU00005", "A-05-1", 250, None, None),
    ("SKU00006", "B-01-1", 400, None, None),
    ("SKU00007", "B-02-1", 480, None, None),
    ("SKU00008", "B-03-1", 180, None, None),
    ("SKU00009", "B-04-1", 1000, None, None),
    ("SKU00010", "B-05-1", 120, None, None),
    ("SKU00011", "B-06-1", 300, None, None),
    ("SKU00012", "B-07-1", 200, None, None),
]


def seed_catalogue(wh: Warehouse) -> None:
    for body in catalogue():
        wh.upsert_item(body["sku"], body)
    for index, (sku, location, qty, lot, expiry) in enumerate(STOCK):
        serials = [f"SN-00003-{k:03d}" for k in range(1, qty + 1)] if sku == "SKU00003" else None
        quant = wh.add_stock(sku, Decimal(qty), location, lot, expiry, serials=serials)
        # LOT-00002-B arrived first: FIFO and FEFO pick different lots, which is the point of the seed
        quant["received_at"] = f"2026-12-{index + 1:02d}T08:00:00Z"
    wh.state["counters"]["serial:SKU00003"] = 5
