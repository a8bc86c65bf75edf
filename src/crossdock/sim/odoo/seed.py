"""Deterministic demo data for a distributor: two warehouses, thousands of SKUs, lots, serials, partners."""

from __future__ import annotations

import random
from typing import Any

from .models.stock import create_warehouse, days_after
from .orm import Database, Env, open_database

ADJECTIVES = [
    "Premium",
    "Classic",
    "Organic",
    "Heavy-Duty",
    "Compact",
    "Deluxe",
    "Eco",
    "Industrial",
    "Mini",
    "Ultra",
    "Standard",
    "Pro",
]
NOUNS = [
    "Olive Oil",
    "Coffee Beans",
    "Paper Towels",
    "Cable Ties",
    "LED Bulb",
    "Hand Soap",
    "Rice",
    "Batteries",
    "Notebook",
    "Water Filter",
    "Tea Bags",
    "Gloves",
    "Screws",
    "Printer Toner",
    "Detergent",
    "Flour",
    "Sugar",
    "Tape",
    "Drill Bit",
    "Headset",
]
CITIES = [("Brussels", "1000"), ("Antwerp", "2000"), ("Ghent", "9000"), ("Liege", "4000"), ("Namur", "5000")]
EXPIRY_BASE = "2027-06-01 00:00:00"


def _ean13(n: int) -> str:
    digits = f"540{n:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def seed(
    db: Database | str,
    version: str | None = None,
    skus: int = 3000,
    customers: int = 200,
    suppliers: int = 30,
    random_seed: int = 42,
) -> Database:
    """Load the demo distributor into `db` (a Database or a SQLite path) and return the Database."""
    if isinstance(db, str):
        db = open_database(db, version)
    if db.store.meta.get("seeded"):
        raise ValueError(f"database {db.store.path} is already seeded")
    rng = random.Random(random_seed)
    with db.transaction(uid=1) as env:
        _seed(env, rng, skus, customers, suppliers)
    db.store.set_meta(
        "seeded", {"skus": skus, "customers": customers, "suppliers": suppliers, "seed": random_seed}
    )
    return db


def _storable(env: Env) -> dict[str, Any]:
    if env.p.storable_flag:
        return {"type": "consu", "is_storable": True}
    return {"type": "product"}


def _seed(env: Env, rng: random.Random, skus: int, customers: int, suppliers: int) -> None:
    wh = sorted(env.store.table("stock.warehouse").rows)[0]
    wh_stock = env.row("stock.warehouse", wh)["lot_stock_id"]
    env.write("stock.warehouse", [wh], {"name": "Main Warehouse"})
    shelves = [env.create("stock.location", {"name": f"Shelf {i}", "location_id": wh_stock}) for i in (1, 2)]
    wh2 = create_warehouse(env, "WH2", "Secondary Warehouse", 1)
    wh2_stock = env.row("stock.warehouse", wh2)["lot_stock_id"]
    categ_ids = [
        env.create("product.category", {"name": n, "parent_id": 1}) for n in ("Food", "Hardware", "Office")
    ]
    units, dozens, kg = _uom(env, "Units"), _uom(env, "Dozens"), _uom(env, "kg")
    storable = _storable(env)

    ship_tmpl = {
        "name": "Shipping",
        "type": "service",
        "sale_ok": False,
        "purchase_ok": False,
        "list_price": 0.0,
    }
    ship_product = env.create("product.product", ship_tmpl | {"default_code": "SHIP"})
    for i, (name, price) in enumerate((("DHL Express", 12.5), ("UPS Ground", 8.0), ("FedEx Priority", 15.0))):
        env.create(
            "delivery.carrier",
            {"name": name, "product_id": ship_product, "fixed_price": price, "sequence": i + 1},
        )

    internal = [wh_stock, shelves[0], shelves[1], wh2_stock]
    quants: list[dict[str, Any]] = []
    lot_rows: list[tuple[int, str, str | None]] = []
    for n in range(1, skus + 1):
        code = f"SKU{n:05d}"
        if n <= 5:
            tracking, expiry, uom = [
                ("none", False, units),
                ("lot", True, units),
                ("serial", False, units),
                ("none", False, dozens),
                ("none", False, kg),
            ][n - 1]
        else:
            roll = rng.random()
            tracking = "lot" if roll < 0.12 else ("serial" if roll < 0.17 else "none")
            expiry = tracking == "lot" and rng.random() < 0.6
            uom = rng.choices([units, dozens, kg], weights=[8, 1, 1])[0]
        vals = storable | {
            "name": f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {n}",
            "default_code": code,
            "barcode": _ean13(n),
            "categ_id": rng.choice(categ_ids),
            "uom_id": uom,
            "list_price": round(rng.uniform(2, 200), 2),
            "standard_price": round(rng.uniform(1, 100), 2),
            "weight": round(rng.uniform(0.05, 25), 3),
            "volume": round(rng.uniform(0.0005, 0.2), 4),
            "tracking": tracking,
            "use_expiration_date": expiry,
            "invoice_policy": "delivery",
        }
        if env.p.major <= 18:
            vals["uom_po_id"] = uom
        if expiry:
            vals.update(expiration_time=365, use_time=300, removal_time=30, alert_time=60)
        pid = env.create("product.product", vals)
        if env.p.has_packaging and (n <= 2 or rng.random() < 0.3):
            env.create(
                "product.packaging",
                {"name": "Box of 12", "product_id": pid, "qty": 12.0, "barcode": "9" + _ean13(n)[1:]},
            )
        if n <= 5:
            _fixed_stock(n, pid, wh_stock, quants, lot_rows)
            continue
        if rng.random() > 0.7:
            continue
        loc = rng.choice(internal)
        if tracking == "lot":
            for k in range(rng.randint(1, 3)):
                exp = days_after(EXPIRY_BASE, 90 * k + rng.randint(0, 60)) if expiry else None
                lot_rows.append((pid, f"LOT-{n:05d}-{chr(65 + k)}", exp))
                quants.append(
                    {
                        "product_id": pid,
                        "location_id": loc,
                        "quantity": float(rng.randint(5, 80)),
                        "lot": len(lot_rows) - 1,
                    }
                )
        elif tracking == "serial":
            for k in range(rng.randint(1, 4)):
                lot_rows.append((pid, f"SN-{n:05d}-{k + 1:03d}", None))
                quants.append(
                    {"product_id": pid, "location_id": loc, "quantity": 1.0, "lot": len(lot_rows) - 1}
                )
        else:
            quants.append({"product_id": pid, "location_id": loc, "quantity": float(rng.randint(10, 500))})

    lot_ids = [
        env.create("stock.lot", {"name": name, "product_id": pid, "expiration_date": exp or False})
        for pid, name, exp in lot_rows
    ]
    for q in quants:
        lot = q.pop("lot", None)
        env.create(
            "stock.quant", q | {"lot_id": lot_ids[lot] if lot is not None else False, "in_date": env.now}
        )

    country = next(iter(env.store.table("res.country").lookup("code", "BE")))
    for n in range(1, customers + 1):
        city, zip_code = rng.choice(CITIES)
        cust = env.create(
            "res.partner",
            {
                "name": f"Customer {n:04d} SA",
                "is_company": True,
                "ref": f"C{n:05d}",
                "city": city,
                "zip": zip_code,
                "country_id": country,
                "email": f"orders{n}@customer{n}.example",
                "customer_rank": 1,
                "street": f"{rng.randint(1, 200)} Rue du Commerce",
            },
        )
        env.create(
            "res.partner",
            {
                "name": f"Customer {n:04d} Depot",
                "parent_id": cust,
                "type": "delivery",
                "city": city,
                "zip": zip_code,
                "country_id": country,
                "street": f"{rng.randint(1, 200)} Zoning Industriel",
            },
        )
    for n in range(1, suppliers + 1):
        env.create(
            "res.partner",
            {
                "name": f"Supplier {n:03d} NV",
                "is_company": True,
                "ref": f"V{n:04d}",
                "supplier_rank": 1,
                "country_id": country,
                "email": f"sales@supplier{n}.example",
            },
        )


def _fixed_stock(n: int, pid: int, loc: int, quants: list, lot_rows: list) -> None:
    """The first five SKUs have fixed stock so tests and demos can rely on them."""
    if n == 1:
        quants.append({"product_id": pid, "location_id": loc, "quantity": 100.0})
    elif n == 2:
        lot_rows.append((pid, "LOT-00002-A", days_after(EXPIRY_BASE, 0)))
        quants.append({"product_id": pid, "location_id": loc, "quantity": 30.0, "lot": len(lot_rows) - 1})
        lot_rows.append((pid, "LOT-00002-B", days_after(EXPIRY_BASE, 180)))
        quants.append({"product_id": pid, "location_id": loc, "quantity": 50.0, "lot": len(lot_rows) - 1})
    elif n == 3:
        for k in range(1, 6):
            lot_rows.append((pid, f"SN-00003-{k:03d}", None))
            quants.append({"product_id": pid, "location_id": loc, "quantity": 1.0, "lot": len(lot_rows) - 1})
    elif n == 4:
        quants.append({"product_id": pid, "location_id": loc, "quantity": 120.0})
    else:
        quants.append({"product_id": pid, "location_id": loc, "quantity": 250.0})


def _uom(env: Env, name: str) -> int:
    return next(iter(env.store.table("uom.uom").lookup("name", name)))
