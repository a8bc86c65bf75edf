"""Cartonization: full cases ship as their own cartons; loose units fill the smallest box that holds them.

Volumes and weights come from the item master (pack level dims/weight); items without dims are assumed to
be a litre, so an incomplete master still yields plausible packages.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from .warehouse import DIM_TO_CM, WEIGHT_TO_KG, is_continuous

FILL = Decimal("0.85")  # packers never fill a box to the last cm3
DEFAULT_UNIT_CM3 = Decimal(1000)
DEFAULT_UNIT_KG = Decimal("0.5")


@dataclass(frozen=True)
class Box:
    code: str
    l: int  # noqa: E741 - the contract's axis names
    w: int
    h: int
    max_kg: Decimal
    tare_kg: Decimal

    @property
    def usable_cm3(self) -> Decimal:
        return Decimal(self.l * self.w * self.h) * FILL


BOXES = (
    Box("S", 30, 20, 15, Decimal(10), Decimal("0.2")),
    Box("M", 40, 30, 30, Decimal(20), Decimal("0.4")),
    Box("L", 60, 40, 40, Decimal(30), Decimal("0.7")),
)


def _volume(dims: dict | None) -> Decimal | None:
    if not dims:
        return None
    factor = DIM_TO_CM[dims["unit"]]
    return dims["l"] * factor * dims["w"] * factor * dims["h"] * factor


def _kg(weight: dict | None) -> Decimal | None:
    return weight["value"] * WEIGHT_TO_KG[weight["unit"]] if weight else None


def _unit(item: dict) -> tuple[Decimal, Decimal]:
    base = item["pack_levels"][0]
    volume = _volume(base.get("dims")) or DEFAULT_UNIT_CM3
    weight = _kg(base.get("weight")) or _kg(item.get("weight")) or DEFAULT_UNIT_KG
    return volume, weight


def _case(item: dict) -> dict | None:
    cases = [
        lv for lv in item["pack_levels"] if lv["qty_in_base"] > 1 and lv.get("dims") and lv.get("weight")
    ]
    return cases[-1] if cases else None


def _cm(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"))


def cartonize(rows: list[dict], items: dict[str, dict]) -> list[dict]:
    """rows: [{line_ref, sku, qty, uom, lot, expiry, serials}] in base units -> packages (without ids)."""
    packages: list[dict] = []
    loose: list[dict] = []
    for row in rows:
        item = items[row["sku"]]
        row = dict(row, serials=list(row["serials"]))
        case = _case(item)
        if case is not None:
            while row["qty"] >= case["qty_in_base"]:
                take = case["qty_in_base"]
                serials, row["serials"] = row["serials"][: int(take)], row["serials"][int(take) :]
                dims = case["dims"]
                factor = DIM_TO_CM[dims["unit"]]
                packages.append(
                    {
                        "box": f"CASE-{case['uom']}",
                        "weight": {"value": _kg(case["weight"]).quantize(Decimal("0.001")), "unit": "kg"},
                        "dims": {
                            "l": _cm(dims["l"] * factor),
                            "w": _cm(dims["w"] * factor),
                            "h": _cm(dims["h"] * factor),
                            "unit": "cm",
                        },
                        "contents": [dict(row, qty=take, serials=serials)],
                    }
                )
                row["qty"] -= take
        if row["qty"] > 0:
            loose.append(row)
    loose.sort(key=lambda r: (-_unit(items[r["sku"]])[0], r["line_ref"]))
    largest = BOXES[-1]
    current: list[dict] = []
    used_cm3 = used_kg = Decimal(0)
    for row in loose:
        item = items[row["sku"]]
        unit_cm3, unit_kg = _unit(item)
        continuous = is_continuous(item)
        remaining = row["qty"]
        serials = list(row["serials"])
        while remaining > 0:
            fit = min((largest.usable_cm3 - used_cm3) / unit_cm3, (largest.max_kg - used_kg) / unit_kg)
            if not continuous:
                fit = fit.to_integral_value(rounding=ROUND_FLOOR)
            fit = max(min(fit, remaining), Decimal(0))
            if fit == 0 and current:
                packages.append(_close(current, used_cm3, used_kg))
                current, used_cm3, used_kg = [], Decimal(0), Decimal(0)
                continue
            if fit == 0:  # one unit larger than the largest box: it ships alone, oversize
                fit = min(remaining, Decimal(1))
            take_serials, serials = serials[: int(fit)], serials[int(fit) :]
            current.append(dict(row, qty=fit, serials=take_serials))
            used_cm3 += unit_cm3 * fit
            used_kg += unit_kg * fit
            remaining -= fit
    if current:
        packages.append(_close(current, used_cm3, used_kg))
    return packages


def _close(contents: list[dict], cm3: Decimal, kg: Decimal) -> dict:
    box = next((b for b in BOXES if b.usable_cm3 >= cm3 and b.max_kg >= kg), BOXES[-1])
    merged: dict[tuple, dict] = {}
    for row in contents:
        key = (row["line_ref"], row["sku"], row["lot"], row["expiry"])
        if key in merged:
            merged[key]["qty"] += row["qty"]
            merged[key]["serials"].extend(row["serials"])
        else:
            merged[key] = dict(row, serials=list(row["serials"]))
    return {
        "box": box.code,
        "weight": {"value": (kg + box.tare_kg).quantize(Decimal("0.001")), "unit": "kg"},
        "dims": {"l": Decimal(box.l), "w": Decimal(box.w), "h": Decimal(box.h), "unit": "cm"},
        "contents": list(merged.values()),
    }
