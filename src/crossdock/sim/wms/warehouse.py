"""Warehouse state: configuration, item master, bin stock (quants) with lots/expiry/serials, allocation.

All state lives in one dict (persisted by `Store`), guarded by one re-entrant lock: the emulator is
small, and a single writer keeps every run reproducible from its seed.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .clock import EPOCH, SimClock, iso, parse_iso
from .errors import bad_request, conflict, unprocessable
from .sscc import is_valid_gs1
from .store import Store, wire_dumps

WEIGHT_TO_KG = {
    "kg": Decimal(1),
    "g": Decimal("0.001"),
    "lb": Decimal("0.45359237"),
    "oz": Decimal("0.028349523125"),
}
DIM_TO_CM = {"cm": Decimal(1), "mm": Decimal("0.1"), "m": Decimal(100), "in": Decimal("2.54")}
# base units that are measured rather than counted: only these accept fractional quantities
CONTINUOUS_UOMS = {"KG", "G", "LB", "OZ", "L", "ML", "M", "CM", "M2", "M3"}


def is_continuous(item: dict) -> bool:
    """Whether the item's base unit is measured (fractions allowed) rather than counted."""
    return item["base_uom"].upper() in CONTINUOUS_UOMS


STORAGE_BINS = [f"{a}-{b:02d}-{lvl}" for a in "ABCD" for b in range(1, 13) for lvl in (1, 2, 3)]
PACK_STATION = "PACK-01"
DAMAGE_BIN = "DAMAGE-01"
QUARANTINE_BIN = "QUAR-01"
REFURB_BIN = "REFURB-01"
RTV_BIN = "RTV-01"
SPECIAL_BINS = {
    PACK_STATION: "available",
    DAMAGE_BIN: "damaged",
    QUARANTINE_BIN: "quarantine",
    REFURB_BIN: "on_hold",
    RTV_BIN: "on_hold",
}
STATUSES = ("available", "on_hold", "damaged", "quarantine")
ROW_COLLECTIONS = ("orders", "notices", "shipments")
DISTURBANCES = (
    "short_pick_rate",
    "mispick_rate",
    "over_receipt_rate",
    "short_receipt_rate",
    "damaged_rate",
    "return_short_rate",
    "cycle_count_variance_rate",
)


@dataclass
class WmsConfig:
    """Behaviour knobs. Rates are probabilities drawn from the emulator's seeded RNG."""

    seed: int = 42
    api_key: str = "crossdock-wms-key"
    facility: str = "WH1"
    seed_catalogue: bool = True
    wave_interval_min: int = 60
    pick_minutes: int = 20
    pack_minutes: int = 10
    ship_minutes: int = 30
    receive_minutes: int = 45
    short_pick_rate: float = 0.02
    mispick_rate: float = 0.01
    over_receipt_rate: float = 0.03
    short_receipt_rate: float = 0.05
    damaged_rate: float = 0.02
    return_short_rate: float = 0.05
    cycle_count_bins_per_day: int = 4
    cycle_count_variance_rate: float = 0.25
    snapshot_daily: bool = True
    webhook_max_attempts: int = 8
    webhook_retry_base_s: float = 1.0
    webhook_timeout_s: float = 5.0
    speed: float = 0.0  # simulated minutes per wall-clock second; 0 = time moves only via /_sim/advance

    @classmethod
    def undisturbed(cls, **overrides: Any) -> WmsConfig:
        """No random short picks, mispicks, receipt or count variances, or damage: every quantity is exact
        unless ``overrides`` switch a disturbance on."""
        return cls(**{**dict.fromkeys(DISTURBANCES, 0.0), **overrides})

    @classmethod
    def tunable(cls) -> set[str]:
        return {f.name for f in fields(cls)} - {"seed", "api_key", "facility", "seed_catalogue"}


class Warehouse:
    def __init__(self, store: Store, config: WmsConfig) -> None:
        self.lock = threading.RLock()
        self.store = store
        self._pending: list[tuple[int, str, str]] = []
        self._touched: set[tuple[str, str]] = set()
        self.on_commit: Callable[[], None] | None = None
        loaded = store.load_state()
        if loaded is None:
            self.state: dict[str, Any] = _fresh_state(config)
            self.rng = random.Random(config.seed)
            self.fresh = True
        else:
            self.state = loaded
            self.rng = random.Random()
            version, internal, gauss = loaded["rng"]
            self.rng.setstate((version, tuple(internal), gauss))
            self.fresh = False
            # rows load in key order; restore creation order so iteration matches the run before the restart
            self.state["orders"] = dict(sorted(loaded.get("orders", {}).items(), key=lambda kv: kv[1]["seq"]))
            self.state["notices"] = dict(
                sorted(loaded.get("notices", {}).items(), key=lambda kv: int(kv[1]["wms_id"].split("-")[1]))
            )
            self.state["shipments"] = dict(sorted(loaded.get("shipments", {}).items()))
            for delivery in self.state["deliveries"]:  # a crash mid-delivery: send again (at-least-once)
                if delivery["status"] == "in_flight":
                    delivery["status"] = "pending"
        # operational settings come from whoever starts the emulator; behaviour stays as the file was created
        self.state["config"]["api_key"] = config.api_key
        self.state["config"]["speed"] = config.speed
        self.clock = SimClock(parse_iso(self.state["clock"]))

    # --- configuration -------------------------------------------------------------------------
    def cfg(self, name: str) -> Any:
        return self.state["config"][name]

    @property
    def facility(self) -> str:
        return self.state["config"]["facility"]

    # --- ids, persistence, events ---------------------------------------------------------------
    def next_id(self, name: str) -> int:
        counters = self.state["counters"]
        counters[name] = counters.get(name, 0) + 1
        return counters[name]

    def touch(self, collection: str, key: str) -> None:
        """Mark an order / notice / shipment as changed: only touched entries are rewritten on commit."""
        self._touched.add((collection, key))

    def discard(self) -> None:
        """Forget unsaved changes' bookkeeping after a refused request (it changed nothing)."""
        self._pending.clear()
        self._touched.clear()

    def commit(self) -> None:
        self.state["clock"] = iso(self.clock.now)
        version, internal, gauss = self.rng.getstate()
        self.state["rng"] = [version, list(internal), gauss]
        pending, self._pending = self._pending, []
        touched, self._touched = self._touched, set()
        rows = [(c, k, self.state[c][k]) for c, k in sorted(touched) if k in self.state[c]]
        doc = {k: v for k, v in self.state.items() if k not in ROW_COLLECTIONS}
        self.store.save(doc, pending, rows)
        if self.on_commit:
            self.on_commit()

    def emit(
        self, event_type: str, subject_type: str, external_id: str | None, wms_id: str | None, payload: dict
    ) -> dict:
        seq = self.state["next_seq"]
        self.state["next_seq"] = seq + 1
        digest = hashlib.sha256(f"{self.facility}:{self.cfg('seed')}:{seq}:{event_type}".encode()).hexdigest()
        envelope = {
            "event_id": f"evt_{seq:08d}_{digest[:8]}",
            "event_type": event_type,
            "sequence": seq,
            "occurred_at": iso(self.clock.now),
            "facility": self.facility,
            "subject": {"type": subject_type, "external_id": external_id, "wms_id": wms_id},
            "payload": payload,
        }
        self._pending.append((seq, event_type, wire_dumps(envelope)))
        for hook in self.state["webhooks"].values():
            if subscribed(hook["events"], event_type):
                self.state["deliveries"].append(
                    {
                        "id": self.next_id("delivery"),
                        "webhook_id": hook["id"],
                        "sequence": seq,
                        "event_id": envelope["event_id"],
                        "event_type": event_type,
                        "attempts": 0,
                        "next_at": 0.0,
                        "status": "pending",
                        "last_error": None,
                        "duplicate": False,
                    }
                )
        self.state["stats"][event_type] = self.state["stats"].get(event_type, 0) + 1
        return envelope

    # --- items ------------------------------------------------------------------------------------
    def item(self, sku: str) -> dict | None:
        return self.state["items"].get(sku)

    def known_item(self, sku: str, field: str) -> dict:
        """The item a request names, or the 422 for an unknown SKU."""
        item = self.item(sku)
        if item is None:
            raise unprocessable(
                "UNKNOWN_SKU", f"unknown SKU {sku!r}: send it with PUT /v1/items/{sku} first", field
            )
        return item

    def factor(self, item: dict, uom: str, field: str) -> Decimal:
        for level in item["pack_levels"]:
            if level["uom"] == uom:
                return level["qty_in_base"]
        known = ", ".join(level["uom"] for level in item["pack_levels"])
        raise unprocessable(
            "UNKNOWN_UOM", f"item {item['sku']} has no pack level {uom!r} (known: {known})", field
        )

    def to_base(self, item: dict, qty: Decimal, uom: str, field: str) -> Decimal:
        base = qty * self.factor(item, uom, field)
        if not is_continuous(item) and base != base.to_integral_value():
            raise unprocessable(
                "FRACTIONAL_QUANTITY", f"{qty} {uom} is {base} {item['base_uom']}: not a whole number", field
            )
        return base

    def upsert_item(self, sku: str, body: Any) -> tuple[dict, bool]:
        item = validate_item(sku, body)
        existing = self.item(sku)
        now = iso(self.clock.now)
        if existing is not None:
            if existing["tracking"] != item["tracking"] and any(
                q["sku"] == sku and q["on_hand"] > 0 for q in self.state["quants"].values()
            ):
                raise conflict(
                    "TRACKING_LOCKED", f"item {sku} has stock: its tracking cannot change", "tracking"
                )
            item["wms_id"] = existing["wms_id"]
            item["created_at"] = existing["created_at"]
            item["version"] = existing["version"] + (0 if _same_item(existing, item) else 1)
        else:
            item["wms_id"] = f"ITM-{self.next_id('item'):06d}"
            item["created_at"] = now
            item["version"] = 1
        item["updated_at"] = (
            now if existing is None or item["version"] != existing["version"] else existing["updated_at"]
        )
        self.state["items"][sku] = item
        return item, existing is None

    # --- stock ------------------------------------------------------------------------------------
    def quants(self, sku: str | None = None) -> list[dict]:
        rows = self.state["quants"].values()
        return sorted((q for q in rows if sku is None or q["sku"] == sku), key=lambda q: q["id"])

    def add_stock(
        self,
        sku: str,
        qty: Decimal,
        location: str,
        lot: str | None = None,
        expiry: str | None = None,
        status: str | None = None,
        serials: list[str] | None = None,
        order: str | None = None,
    ) -> dict:
        status = status or SPECIAL_BINS.get(location, "available")
        for quant in self.quants(sku):
            if (quant["location"], quant["lot"], quant["expiry"], quant["status"], quant["order"]) == (
                location,
                lot,
                expiry,
                status,
                order,
            ):
                quant["on_hand"] += qty
                quant["serials"].extend(serials or [])
                return quant
        qid = self.next_id("quant")
        quant = {
            "id": qid,
            "sku": sku,
            "lot": lot,
            "expiry": expiry,
            "location": location,
            "status": status,
            "on_hand": qty,
            "allocated": Decimal(0),
            "serials": list(serials or []),
            "order": order,
            "received_at": iso(self.clock.now),
        }
        self.state["quants"][str(qid)] = quant
        return quant

    def quant(self, qid: int) -> dict | None:
        return self.state["quants"].get(str(qid))

    def drop_empty(self) -> None:
        for key in [k for k, q in self.state["quants"].items() if q["on_hand"] <= 0 and q["allocated"] <= 0]:
            del self.state["quants"][key]

    def putaway_bin(self, sku: str, lot: str | None) -> str:
        for quant in self.quants(sku):
            if quant["lot"] == lot and quant["location"] in STORAGE_BINS and quant["status"] == "available":
                return quant["location"]
        used = {q["location"] for q in self.state["quants"].values()}
        return next((b for b in STORAGE_BINS if b not in used), STORAGE_BINS[-1])

    def allocate(
        self, item: dict, qty: Decimal, rule: str, lot: str | None, exclude: set[int] | None = None
    ) -> tuple[list[tuple[dict, Decimal]], Decimal]:
        """Reserve up to `qty` base units; returns the (quant, qty) takes and the shortfall."""
        today = self.clock.today()
        candidates = [
            q
            for q in self.quants(item["sku"])
            if q["status"] == "available"
            and q["order"] is None
            and q["location"] in STORAGE_BINS
            and q["on_hand"] - q["allocated"] > 0
            and (lot is None or q["lot"] == lot)
            and (q["expiry"] is None or q["expiry"] >= today)
            and q["id"] not in (exclude or set())
        ]
        if rule == "fefo":
            candidates.sort(key=lambda q: (q["expiry"] or "9999-12-31", q["received_at"], q["id"]))
        elif rule == "lifo":
            candidates.sort(key=lambda q: (q["received_at"], q["id"]), reverse=True)
        else:
            candidates.sort(key=lambda q: (q["received_at"], q["id"]))
        takes: list[tuple[dict, Decimal]] = []
        remaining = qty
        for quant in candidates:
            if remaining <= 0:
                break
            take = min(remaining, quant["on_hand"] - quant["allocated"])
            quant["allocated"] += take
            takes.append((quant, take))
            remaining -= take
        return takes, remaining

    def balances(self, granularity: str, sku: str | None) -> list[dict]:
        keys = {
            "SKU": ("sku", "status"),
            "SKU_LOT": ("sku", "lot", "expiry", "status"),
            "SKU_LOT_LOCATION": ("sku", "lot", "expiry", "location", "status"),
        }[granularity]
        groups: dict[tuple, dict] = {}
        for quant in self.quants(sku):
            if quant["on_hand"] <= 0:
                continue
            key = tuple(quant[k] for k in keys)
            row = groups.setdefault(
                key,
                {
                    "sku": quant["sku"],
                    "lot": quant["lot"] if "lot" in keys else None,
                    "expiry": quant["expiry"] if "expiry" in keys else None,
                    "location": quant["location"] if "location" in keys else None,
                    "status": quant["status"],
                    "uom": self.state["items"][quant["sku"]]["base_uom"],
                    "on_hand": Decimal(0),
                    "allocated": Decimal(0),
                    "available": Decimal(0),
                },
            )
            row["on_hand"] += quant["on_hand"]
            row["allocated"] += quant["allocated"]
            if quant["status"] == "available":
                row["available"] += quant["on_hand"] - quant["allocated"]
        as_of = iso(self.clock.now)
        rows = [dict(row, as_of=as_of) for row in groups.values()]
        return sorted(rows, key=lambda r: (r["sku"], r["lot"] or "", r["location"] or "", r["status"]))


def subscribed(patterns: list[str], event_type: str) -> bool:
    return any(
        p in ("*", event_type) or (p.endswith(".*") and event_type.startswith(p[:-1])) for p in patterns
    )


def _fresh_state(config: WmsConfig) -> dict[str, Any]:
    return {
        "config": asdict(config),
        "clock": iso(EPOCH),
        "rng": None,
        "counters": {},
        "next_seq": 1,
        "items": {},
        "quants": {},
        "orders": {},
        "notices": {},
        "shipments": {},
        "tasks": [],
        "webhooks": {},
        "deliveries": [],
        "faults": {},
        "stats": {},
        "delivery_stats": {},
        "metrics": {},
    }


def _same_item(a: dict, b: dict) -> bool:
    skip = {"wms_id", "created_at", "updated_at", "version"}
    return {k: v for k, v in a.items() if k not in skip} == {k: v for k, v in b.items() if k not in skip}


# --- validation helpers (400 with the offending field named) --------------------------------------
def req_str(body: dict, key: str, field: str, required: bool = True, max_len: int = 200) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise bad_request(f"{field} is required", field)
        return None
    if not isinstance(value, str):
        raise bad_request(f"{field} must be a string", field)
    if len(value) > max_len:
        raise bad_request(f"{field} is longer than {max_len} characters", field)
    return value


def req_obj(body: dict, key: str, field: str, required: bool = True) -> dict | None:
    value = body.get(key)
    if value is None:
        if required:
            raise bad_request(f"{field} is required", field)
        return None
    if not isinstance(value, dict):
        raise bad_request(f"{field} must be an object", field)
    return value


def req_list(body: dict, key: str, field: str, required: bool = True) -> list:
    value = body.get(key)
    if value is None:
        if required:
            raise bad_request(f"{field} is required", field)
        return []
    if not isinstance(value, list):
        raise bad_request(f"{field} must be an array", field)
    return value


def request_lines(body: dict, what: str) -> Iterator[tuple[str, dict, str, str]]:
    """A request's lines as (field, line, line_ref, sku): objects, at least one, line_refs unique."""
    raw_lines = req_list(body, "lines", "lines")
    if not raw_lines:
        raise bad_request(f"{what} needs at least one line", "lines")
    seen: set[str] = set()
    for i, raw in enumerate(raw_lines):
        field = f"lines[{i}]"
        if not isinstance(raw, dict):
            raise bad_request(f"{field} must be an object", field)
        line_ref = req_str(raw, "line_ref", f"{field}.line_ref", max_len=64)
        if line_ref in seen:
            raise bad_request(f"line_ref {line_ref!r} appears twice", f"{field}.line_ref")
        seen.add(line_ref)
        yield field, raw, line_ref, req_str(raw, "sku", f"{field}.sku", max_len=64)


def parse_decimal(value: Any, field: str, positive: bool = True, allow_zero: bool = False) -> Decimal:
    """Quantities are decimal strings ("12", "1.5"); integers are tolerated, floats refused (lossy)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise bad_request(f'{field} must be a decimal string, e.g. "12"', field)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise bad_request(f"{field} is not a decimal number: {value!r}", field) from None
    if not number.is_finite():
        raise bad_request(f"{field} must be finite", field)
    if positive and (number < 0 or (number == 0 and not allow_zero)):
        raise bad_request(f"{field} must be greater than zero", field)
    return number


def parse_enum(value: Any, allowed: tuple[str, ...], field: str, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if value not in allowed:
        raise bad_request(f"{field} must be one of {', '.join(allowed)}", field)
    return value


def parse_when(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"{field} must be an ISO-8601 date-time", field)
    try:
        return parse_iso(value)
    except ValueError:
        raise bad_request(f"{field} must be an ISO-8601 date-time", field) from None


def parse_date(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"{field} must be a date (YYYY-MM-DD)", field)
    try:
        return datetime.fromisoformat(value[:10]).date().isoformat()
    except ValueError:
        raise bad_request(f"{field} must be a date (YYYY-MM-DD)", field) from None


def _measure(body: dict, key: str, field: str, units: dict[str, Decimal]) -> dict | None:
    value = req_obj(body, key, field, required=False)
    if value is None:
        return None
    unit = parse_enum(value.get("unit"), tuple(units), f"{field}.unit")
    return {"value": parse_decimal(value.get("value"), f"{field}.value"), "unit": unit}


def _dims(body: dict, key: str, field: str) -> dict | None:
    value = req_obj(body, key, field, required=False)
    if value is None:
        return None
    unit = parse_enum(value.get("unit"), tuple(DIM_TO_CM), f"{field}.unit")
    return {axis: parse_decimal(value.get(axis), f"{field}.{axis}") for axis in ("l", "w", "h")} | {
        "unit": unit
    }


def _gtin(value: Any, field: str) -> str:
    if not isinstance(value, str) or len(value) not in (8, 12, 13, 14) or not is_valid_gs1(value):
        raise bad_request(f"{field} is not a valid GTIN-8/12/13/14 (length or check digit)", field)
    return value


def validate_item(sku: str, body: Any) -> dict:
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    if body.get("sku") not in (None, sku):
        raise bad_request(f"body sku {body.get('sku')!r} differs from the path's {sku!r}", "sku")
    description = req_str(body, "description", "description")
    base_uom = req_str(body, "base_uom", "base_uom", max_len=20)
    gtins = [_gtin(g, f"gtins[{i}]") for i, g in enumerate(req_list(body, "gtins", "gtins", required=False))]
    weight = _measure(body, "weight", "weight", WEIGHT_TO_KG)
    levels: list[dict] = []
    for i, raw in enumerate(req_list(body, "pack_levels", "pack_levels", required=False)):
        field = f"pack_levels[{i}]"
        if not isinstance(raw, dict):
            raise bad_request(f"{field} must be an object", field)
        uom = req_str(raw, "uom", f"{field}.uom", max_len=20)
        if any(level["uom"] == uom for level in levels):
            raise bad_request(f"pack level uom {uom!r} appears twice", f"{field}.uom")
        qty = parse_decimal(raw.get("qty_in_base"), f"{field}.qty_in_base")
        if uom == base_uom and qty != 1:
            raise bad_request(f"the base uom {uom} must have qty_in_base 1", f"{field}.qty_in_base")
        levels.append(
            {
                "uom": uom,
                "qty_in_base": qty,
                "gtin": _gtin(raw["gtin"], f"{field}.gtin") if raw.get("gtin") is not None else None,
                "weight": _measure(raw, "weight", f"{field}.weight", WEIGHT_TO_KG),
                "dims": _dims(raw, "dims", f"{field}.dims"),
            }
        )
    if not any(level["uom"] == base_uom for level in levels):
        levels.insert(
            0,
            {
                "uom": base_uom,
                "qty_in_base": Decimal(1),
                "gtin": gtins[0] if gtins else None,
                "weight": weight,
                "dims": None,
            },
        )
    levels.sort(key=lambda level: level["qty_in_base"])
    tracking_raw = req_obj(body, "tracking", "tracking", required=False) or {}
    tracking = {
        "lot": parse_enum(tracking_raw.get("lot"), ("none", "required"), "tracking.lot", "none"),
        "expiry": parse_enum(tracking_raw.get("expiry"), ("none", "required"), "tracking.expiry", "none"),
        "serial": parse_enum(
            tracking_raw.get("serial"), ("none", "outbound", "both"), "tracking.serial", "none"
        ),
    }
    if tracking["expiry"] == "required" and tracking["lot"] != "required":
        raise bad_request(
            "expiry is captured per lot: expiry tracking needs tracking.lot=required", "tracking.lot"
        )
    rotation = body.get("rotation")
    if rotation is None and tracking["lot"] == "required":
        raise bad_request("a lot-tracked item needs a rotation rule (FIFO or FEFO)", "rotation")
    rotation = parse_enum(rotation, ("FIFO", "FEFO", "LIFO"), "rotation", "FIFO")
    if rotation == "FEFO" and tracking["expiry"] != "required":
        raise bad_request("FEFO rotation needs expiry tracking (tracking.expiry=required)", "rotation")
    shelf_life = body.get("shelf_life_days")
    if shelf_life is not None and (
        isinstance(shelf_life, bool) or not isinstance(shelf_life, int) or shelf_life < 1
    ):
        raise bad_request("shelf_life_days must be a positive integer", "shelf_life_days")
    return {
        "sku": sku,
        "description": description,
        "gtins": gtins,
        "base_uom": base_uom,
        "pack_levels": levels,
        "weight": weight,
        "tracking": tracking,
        "rotation": rotation,
        "shelf_life_days": shelf_life,
    }
