"""The batched reads and writes behind OdooSink: markers, checks, move lines, validation, counts."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ...core.cursors import KeyValue, MemoryKeyValue
from ..base import DeliveryError, Outcome, PermanentError, TransientError
from .client import OdooClient
from .errors import OdooError, OdooUserError, delivery_error
from .mapping import decimal, m2o_id

WIZARDS = {
    "stock.backorder.confirmation",
    "stock.immediate.transfer",
    "expiry.picking.confirmation",
    "confirm.stock.sms",
}
MODULE = "crossdock"
PICKING_FIELDS = ["state", "name", "location_id", "location_dest_id", "move_ids", "picking_type_code"]


@dataclass
class PickingPlan:
    picking_id: int
    document: Any
    kind: str
    commands: list = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    packages: list[dict[str, Any]] = field(default_factory=list)  # to create; lines refer by index


@dataclass
class Entry:
    """One move line to create: a product, a quantity, maybe a lot or serial, maybe a package."""

    product_id: int
    quantity: Decimal
    lot: str | None = None
    package: str | None = None
    expiry: Any = None
    scrap: bool = False  # a returned unit the warehouse disposed of: it goes to Odoo's scrap location


class PickingWriter:
    def __init__(self, client: OdooClient, carriers: dict[str, str] | None = None):
        self.client = client
        self.carrier_names = carriers or {}
        self._scrap_location: int | None = None
        self.products: dict[str, dict] = {}
        self._fields: dict[str, set[str]] = {}
        self._stock_locations: dict[str, int] = {}  # warehouse code -> lot_stock_id
        self.plans: KeyValue = (
            MemoryKeyValue()
        )  # the sink binds the store's cursors: plans then survive a crash

    async def fields(self, model: str) -> set[str]:
        if model not in self._fields:
            self._fields[model] = set(
                await self.client.call(model, "fields_get", params={"allfields": [], "attributes": ["type"]})
            )
        return self._fields[model]

    # ---- finding pickings --------------------------------------------------------------------
    async def markers(self, names: list[str]) -> dict[str, int]:
        if not names:
            return {}
        rows = await self.client.search_read(
            "ir.model.data", [["module", "=", MODULE], ["name", "in", names]], ["name", "res_id"]
        )
        return {r["name"]: r["res_id"] for r in rows}

    async def mark(self, markers: dict[str, int]) -> None:
        if markers:
            await self.client.create(
                "ir.model.data",
                [
                    {
                        "module": MODULE,
                        "name": name,
                        "model": "stock.picking",
                        "res_id": picking_id,
                        "noupdate": True,
                    }
                    for name, picking_id in markers.items()
                ],
            )

    async def open_pickings(self, code: str, refs: list[str], by_name: bool) -> dict[str, list[int]]:
        if not refs:
            return {}
        key = "name" if by_name else "origin"
        rows = await self.client.search_read(
            "stock.picking",
            [
                [key, "in", sorted(set(refs))],
                ["picking_type_code", "=", code],
                ["state", "not in", ["done", "cancel"]],
            ],
            [key],
            order="id asc",
        )
        found: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            found[row[key]].append(row["id"])
        return found

    async def pickings(self, ids: set[int]) -> dict[int, dict]:
        """The claimed pickings, read once: the state decides, the rest is what prepare() needs."""
        if not ids:
            return {}
        return {r["id"]: r for r in await self.client.read("stock.picking", sorted(ids), PICKING_FIELDS)}

    # ---- checking and planning ---------------------------------------------------------------
    async def _products(self, skus: set[str]) -> dict[str, dict]:
        missing = sorted(skus - set(self.products))
        if missing:
            for row in await self.client.search_read(
                "product.product",
                [["default_code", "in", missing]],
                ["default_code", "tracking"],
                context={"active_test": False},
            ):
                self.products[row["default_code"]] = row
        return self.products

    async def prepare(
        self, plans: dict[int, PickingPlan], pickings: dict[int, dict], allow_over: bool
    ) -> dict[int, DeliveryError]:
        """Check every document against its picking (as pickings() read it) and build the writes."""
        moves = {
            m["id"]: m
            for m in await self.client.read(
                "stock.move",
                sorted({m for p in pickings.values() for m in p["move_ids"]}),
                ["product_id", "product_uom_qty", "product_uom", "state", "move_line_ids"],
            )
        }
        entries = {oid: _entries(plan.document) for oid, plan in plans.items()}
        products = await self._products({sku for es in entries.values() for sku, _ in es})
        lot_names = {e.lot for es in entries.values() for _, e in es if e.lot}
        lots: dict[tuple[int, str], int] = {}
        if lot_names:
            for row in await self.client.search_read(
                "stock.lot", [["name", "in", sorted(lot_names)]], ["name", "product_id"]
            ):
                lots[(m2o_id(row["product_id"]), row["name"])] = row["id"]
        refused: dict[int, DeliveryError] = {}
        await self._resolve_carriers(plans)
        if any(e.scrap for es in entries.values() for _, e in es):
            self._scrap_location = await self._scrap()
        for oid, plan in plans.items():
            picking = pickings[plan.picking_id]
            try:
                plan.commands = self._lines(plan, picking, moves, entries[oid], products, lots, allow_over)
            except ValueError as exc:
                refused[oid] = PermanentError(f"{picking['name']}: {exc}")
        return refused

    def _lines(
        self,
        plan: PickingPlan,
        picking: dict,
        moves: dict[int, dict],
        entries: list[tuple[str, Entry]],
        products: dict[str, dict],
        lots: dict,
        allow_over: bool,
    ) -> list:
        picking_moves = [moves[m] for m in picking["move_ids"] if moves[m]["state"] not in ("done", "cancel")]
        by_product: dict[int, list[dict]] = defaultdict(list)
        for move in picking_moves:
            by_product[m2o_id(move["product_id"])].append(move)
        shipped: dict[int, Decimal] = defaultdict(Decimal)
        outgoing = picking["picking_type_code"] == "outgoing"
        commands: list = [[2, line, 0] for move in picking_moves for line in move["move_line_ids"]]
        for sku, entry in entries:
            product = products.get(sku)
            if product is None:
                raise ValueError(f"unknown SKU {sku!r}: no product with that internal reference in Odoo")
            entry.product_id = product["id"]
            if product["id"] not in by_product:
                raise ValueError(f"SKU {sku!r} is not on this picking")
            if product["tracking"] in ("lot", "serial") and not entry.lot:
                raise ValueError(
                    f"SKU {sku!r} is {product['tracking']}-tracked: a lot / serial number is required"
                )
            shipped[product["id"]] += entry.quantity
            move = by_product[product["id"]][0]
            values: dict[str, Any] = {
                "move_id": move["id"],
                "product_id": product["id"],
                "product_uom_id": m2o_id(move["product_uom"]),
                "location_id": m2o_id(picking["location_id"]),
                "location_dest_id": m2o_id(picking["location_dest_id"]),
                self.client.version.move_line_qty: float(entry.quantity),
            }
            if entry.lot:
                known = lots.get((product["id"], entry.lot))
                if known:
                    values["lot_id"] = known
                elif outgoing:
                    raise ValueError(f"lot / serial {entry.lot!r} of SKU {sku!r} does not exist in Odoo")
                else:
                    values["lot_name"] = entry.lot
                    if entry.expiry is not None:
                        values["expiration_date"] = entry.expiry.strftime("%Y-%m-%d %H:%M:%S")
            if entry.package:
                values["result_package_id"] = entry.package  # replaced by the package id once created
            if entry.scrap:
                values["location_dest_id"] = self._scrap_location
            if self.client.version.has_picked:
                values["picked"] = True
            commands.append([0, 0, values])
        for product_id, quantity in shipped.items():
            demand = sum(decimal(m["product_uom_qty"]) for m in by_product[product_id])
            if quantity > demand and not allow_over:
                sku = next(s for s, e in entries if e.product_id == product_id)
                raise ValueError(f"SKU {sku!r}: {quantity} confirmed but only {demand} ordered")
        if not shipped:
            raise ValueError(
                "the warehouse processed nothing (every quantity is zero): cancel or re-plan it in Odoo"
            )
        plan.values = _picking_values(plan.document)
        carrier_id = self._carrier_ids.get(self._carrier_name(plan.document) or "")
        if carrier_id:
            plan.values["carrier_id"] = carrier_id
        plan.packages = _packages(plan.document)
        return commands

    async def _scrap(self) -> int:
        found = await self.client.search(
            "stock.location", [["usage", "=", "inventory"], ["name", "ilike", "scrap"]], limit=1
        )
        if not found:
            raise OdooUserError("no scrap location in Odoo for scrapped returns", model="stock.location")
        return found[0]

    def _carrier_name(self, document: Any) -> str | None:
        code = getattr(document, "carrier", None)
        if not code:
            return None
        service = getattr(document, "service_level", None)
        return self.carrier_names.get(f"{code}/{service}") or self.carrier_names.get(code) or code

    async def _resolve_carriers(self, plans: dict[int, PickingPlan]) -> None:
        """Carrier names to delivery.carrier ids in one read; an unknown carrier is left unset, not an error."""
        names = {n for plan in plans.values() if (n := self._carrier_name(plan.document))}
        self._carrier_ids: dict[str, int] = {}
        if names and await self.has_model("delivery.carrier"):
            rows = await self.client.search_read(
                "delivery.carrier", [["name", "in", sorted(names)]], ["name"]
            )
            self._carrier_ids = {r["name"]: r["id"] for r in rows}

    # ---- writing and validating --------------------------------------------------------------
    async def apply(
        self, plans: dict[int, PickingPlan], no_backorder, batch_name: str | None = None
    ) -> dict[int, Outcome | DeliveryError]:
        """Write each picking's lines and tracking, then validate them all.

        With `batch_name` (Odoo's Batch Transfers installed), every picking is written by one
        create of a stock.picking.batch that links them and updates each (x2many commands):
        one call instead of one per picking. Otherwise, one write per picking.
        """
        results: dict[int, Outcome | DeliveryError] = {}
        if not plans:
            return results
        picking_fields = await self.fields("stock.picking")
        package_ids = await self._create_packages(plans)
        updates: dict[int, dict[str, Any]] = {}
        for oid, plan in plans.items():
            for command in plan.commands:
                if command[0] == 0 and "result_package_id" in command[2]:
                    command[2]["result_package_id"] = package_ids[(oid, command[2]["result_package_id"])]
            values = {k: v for k, v in plan.values.items() if k in picking_fields}
            updates[oid] = {"move_line_ids": plan.commands, **values}
        written: dict[int, PickingPlan] = {}
        if batch_name and len(plans) > 1:
            commands = [
                command
                for oid, plan in plans.items()
                for command in ([4, plan.picking_id, 0], [1, plan.picking_id, updates[oid]])
            ]
            try:
                await self.client.create(
                    "stock.picking.batch", [{"name": batch_name, "picking_ids": commands}]
                )
                written = dict(plans)
            except OdooUserError:
                written = {}  # one picking refused the whole call: write them one by one to find it
        if not written:
            for oid, plan in plans.items():
                try:
                    await self.client.write("stock.picking", [plan.picking_id], updates[oid])
                    written[oid] = plan
                except OdooError as exc:
                    results[oid] = delivery_error(exc)
        results.update(await self._validate(written, no_backorder))
        return results

    async def has_model(self, model: str) -> bool:
        """Whether a module's model is installed (asked once per connection)."""
        key = f"model:{model}"
        if key not in self._fields:
            found = await self.client.search("ir.model", [["model", "=", model]])
            self._fields[key] = {model} if found else set()
        return bool(self._fields[key])

    async def _create_packages(self, plans: dict[int, PickingPlan]) -> dict[tuple[int, str], int]:
        wanted = [(oid, package) for oid, plan in plans.items() for package in plan.packages]
        if not wanted:
            return {}
        model = self.client.version.package_model
        known = await self.fields(model)
        ids = await self.client.create(model, [{k: v for k, v in p.items() if k in known} for _, p in wanted])
        return {(oid, package["name"]): id_ for (oid, package), id_ in zip(wanted, ids, strict=True)}

    async def _validate(
        self, plans: dict[int, PickingPlan], no_backorder
    ) -> dict[int, Outcome | DeliveryError]:
        if not plans:
            return {}
        ids = [plan.picking_id for plan in plans.values()]
        context = {
            "skip_backorder": True,
            "skip_sms": True,
            "skip_expired": True,
            "picking_ids_not_to_backorder": [
                p.picking_id for p in plans.values() if no_backorder(p.document)
            ],
        }
        results: dict[int, Outcome | DeliveryError] = {}
        try:
            answer = await self.client.call("stock.picking", "button_validate", ids, context=context)
            _check_answer(answer)
        except OdooUserError:
            if len(plans) == 1:
                raise
            for oid, plan in plans.items():  # one bad picking fails the whole call: find it
                try:
                    results.update(await self._validate({oid: plan}, no_backorder))
                except OdooError as exc:
                    results[oid] = delivery_error(exc)
            return results
        # The validated pickings and their backorders in one read.
        rows = await self.client.search_read(
            "stock.picking",
            ["|", ["id", "in", ids], ["backorder_id", "in", ids]],
            ["state", "name", "backorder_id"],
        )
        states = {r["id"]: r["state"] for r in rows if r["id"] in ids}
        follow = {m2o_id(r["backorder_id"]): r["name"] for r in rows if m2o_id(r["backorder_id"]) in ids}
        for oid, plan in plans.items():
            if states.get(plan.picking_id) == "done":
                results[oid] = Outcome(
                    acknowledged=True,
                    detail={"picking_id": plan.picking_id, "backorder": follow.get(plan.picking_id)},
                )
            else:
                results[oid] = TransientError(
                    f"picking {plan.picking_id} is {states.get(plan.picking_id)} after validation"
                )
        return results

    # ---- tracking ------------------------------------------------------------------------------
    async def track(self, document) -> Outcome | DeliveryError:
        rows = await self.client.search_read(
            "stock.picking",
            [
                ["origin", "=", document.order_id],
                ["picking_type_code", "=", "outgoing"],
                ["state", "!=", "cancel"],
            ],
            ["state", "carrier_tracking_ref"],
            order="id desc",
        )
        if not rows:
            return PermanentError(f"no delivery in Odoo for order {document.order_id!r}")
        # The open delivery if there is one (a label bought before shipping), else the latest done one.
        picking = next((r for r in rows if r["state"] != "done"), rows[0])
        numbers = [n for n in (picking["carrier_tracking_ref"] or "").split(",") if n]
        values: dict[str, Any] = {}
        if document.tracking_number not in numbers:
            values["carrier_tracking_ref"] = ",".join([*numbers, document.tracking_number])
        freight = getattr(document, "freight_cost", None)
        if freight is not None and "carrier_price" in await self.fields("stock.picking"):
            values["carrier_price"] = float(freight.amount)
        if values:
            await self.client.write("stock.picking", [picking["id"]], values)
        status = getattr(document, "status", "manifested")
        return Outcome(
            acknowledged=True,
            detail={"picking_id": picking["id"], "status": str(status), "already_applied": not values},
        )

    # ---- inventory adjustments ----------------------------------------------------------------
    async def adjust(self, document, plan_name: str) -> dict[str, Any]:
        """Deltas become absolute counts, computed once and kept, so a redelivery cannot count twice."""
        saved = self.plans.get(f"odoo-plan:{plan_name}")
        if saved is None:
            targets = await self._targets(document)
            self.plans.set(f"odoo-plan:{plan_name}", json.dumps(targets))
        else:
            targets = json.loads(saved)
        reasons = sorted({line.partner_reason_code or str(line.reason) for line in document.lines})
        quants = await self.set_counts(targets, f"crossdock {document.adjustment_id} ({', '.join(reasons)})")
        return {"quants": quants, "targets": [t["target"] for t in targets]}

    async def set_counts(self, targets: list[dict[str, Any]], name: str) -> int:
        """Inventory mode: count each (product, location, lot) at its target and apply, in two calls."""
        if not targets:
            return 0
        values = [
            {
                "product_id": t["product_id"],
                "location_id": t["location_id"],
                "lot_id": t["lot_id"] or False,
                "inventory_quantity": t["target"],
            }
            for t in targets
        ]
        context = {"inventory_mode": True, "inventory_name": name}
        quant_ids = sorted(set(await self.client.create("stock.quant", values, context=context)))
        _check_answer(
            await self.client.call("stock.quant", "action_apply_inventory", quant_ids, context=context)
        )
        return len(quant_ids)

    async def reconcile(self, snapshot, tolerance: dict[str, str]) -> dict[str, Any]:
        """A warehouse's count against Odoo's stock, per SKU and lot, in the warehouse's stock locations."""
        from ...flows.inventory import reconcile, totals

        location = await self.stock_location(snapshot.warehouse_code)
        quants = await self.client.search_read(
            "stock.quant", [["location_id", "child_of", location]], ["product_id", "lot_id", "quantity"]
        )
        product_ids = {m2o_id(q["product_id"]) for q in quants}
        codes = (
            {
                r["id"]: r["default_code"]
                for r in await self.client.read("product.product", sorted(product_ids), ["default_code"])
            }
            if product_ids
            else {}
        )
        erp: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
        for quant in quants:
            if codes.get(m2o_id(quant["product_id"])):
                lot = quant["lot_id"][1] if quant.get("lot_id") else None
                erp[(codes[m2o_id(quant["product_id"])], lot)] += decimal(quant["quantity"])
        wms = totals([line.model_dump(mode="json") for line in snapshot.lines])
        # A snapshot speaks for the SKUs it lists: Odoo stock of other SKUs is not "zero in the warehouse".
        counted = {sku for sku, _ in wms}
        erp = {key: value for key, value in erp.items() if key[0] in counted}
        report = reconcile(
            wms, dict(erp), Decimal(tolerance.get("units", "0")), Decimal(tolerance.get("percent", "0"))
        )
        products = await self._products({line["sku"] for line in report["adjust"]})
        lots = {}
        wanted_lots = sorted({line["lot"] for line in report["adjust"] if line["lot"]})
        if wanted_lots:
            for row in await self.client.search_read(
                "stock.lot", [["name", "in", wanted_lots]], ["name", "product_id"]
            ):
                lots[(m2o_id(row["product_id"]), row["name"])] = row["id"]
        targets = [
            {
                "product_id": products[line["sku"]]["id"],
                "location_id": location,
                "lot_id": lots.get((products[line["sku"]]["id"], line["lot"])),
                "target": float(Decimal(line["wms"])),
            }
            for line in report["adjust"]
            if line["sku"] in products
        ]
        report["applied"] = await self.set_counts(targets, f"crossdock reconciliation {snapshot.snapshot_id}")
        return report

    async def stock_location(self, code: str) -> int:
        """A warehouse's stock location, asked once per connection: it does not move."""
        if code not in self._stock_locations:
            houses = await self.client.search_read("stock.warehouse", [["code", "=", code]], ["lot_stock_id"])
            if not houses:
                raise ValueError(f"unknown warehouse {code!r}")
            self._stock_locations[code] = m2o_id(houses[0]["lot_stock_id"])
        return self._stock_locations[code]

    async def _targets(self, document) -> list[dict[str, Any]]:
        location = await self.stock_location(document.warehouse_code)
        products = await self._products({line.sku for line in document.lines})
        for line in document.lines:
            if line.sku not in products:
                raise ValueError(f"unknown SKU {line.sku!r}")
        product_ids = sorted({products[line.sku]["id"] for line in document.lines})
        lots = await self._lot_ids(document.lines, product_ids)
        on_hand = await self._on_hand(product_ids, location)
        targets = []
        for line in document.lines:
            product_id = products[line.sku]["id"]
            lot_id = None
            if line.lot:
                lot_id = lots.get((product_id, line.lot))
                if lot_id is None:
                    raise ValueError(f"lot {line.lot!r} of SKU {line.sku!r} does not exist in Odoo")
            current = on_hand[(product_id, lot_id)]
            target = current + line.delta.value
            if target < 0:
                raise ValueError(
                    f"SKU {line.sku!r}: adjusting {current} by {line.delta.value} goes below zero"
                )
            targets.append(
                {"product_id": product_id, "location_id": location, "lot_id": lot_id, "target": float(target)}
            )
        return targets

    async def _lot_ids(self, lines, product_ids: list[int]) -> dict[tuple[int, str], int]:
        """(product id, lot name) -> lot id for the lines' lots, in one read."""
        names = sorted({line.lot for line in lines if line.lot})
        if not names:
            return {}
        rows = await self.client.search_read(
            "stock.lot", [["name", "in", names], ["product_id", "in", product_ids]], ["name", "product_id"]
        )
        lots: dict[tuple[int, str], int] = {}
        for row in rows:  # ids ascending: the first of duplicates wins, as a search would give it
            lots.setdefault((m2o_id(row["product_id"]), row["name"]), row["id"])
        return lots

    async def _on_hand(self, product_ids: list[int], location: int) -> dict[tuple[int, int | None], Decimal]:
        """Quantity per (product id, lot id or None) in exactly `location`, in one read."""
        quants = await self.client.search_read(
            "stock.quant",
            [["product_id", "in", product_ids], ["location_id", "=", location]],
            ["product_id", "lot_id", "quantity"],
        )
        on_hand: dict[tuple[int, int | None], Decimal] = defaultdict(Decimal)
        for quant in quants:
            on_hand[(m2o_id(quant["product_id"]), m2o_id(quant["lot_id"]))] += decimal(quant["quantity"])
        return on_hand


def _check_answer(answer: Any) -> None:
    if isinstance(answer, dict) and answer.get("res_model") in WIZARDS | {"stock.inventory.conflict"}:
        raise TransientError(
            f"Odoo asked for the {answer['res_model']} wizard; retrying after re-reading state"
        )


def _entries(document: Any) -> list[tuple[str, Entry]]:
    """(sku, entry) per move line to create, from a shipment, a receipt or a return receipt."""
    out: list[tuple[str, Entry]] = []
    package_of = {}
    for package in getattr(document, "packages", []) or []:
        for content in package.contents:
            package_of.setdefault((content.line_no, content.sku), package.sscc or package.package_id)
    single = None
    packages = getattr(document, "packages", []) or []
    if len(packages) == 1 and not packages[0].contents:
        single = packages[0].sscc or packages[0].package_id
    for line in document.lines:
        quantity = (
            getattr(line, "shipped_quantity", None)
            or getattr(line, "received_quantity", None)
            or line.quantity
        )
        package = package_of.get((line.line_no, line.sku), single)
        lots = [(lot.lot, lot.quantity.value, lot.expiry) for lot in getattr(line, "lots", []) or []]
        if not lots and getattr(line, "lot", None):  # a return receipt line names one lot
            lots = [(line.lot, quantity.value, None)]
        scrap = str(getattr(line, "disposition", "")) == "scrap"
        if line.serials:
            out.extend(
                (line.sku, Entry(0, Decimal(1), serial, package, scrap=scrap)) for serial in line.serials
            )
        elif lots:
            out.extend((line.sku, Entry(0, qty, lot, package, expiry, scrap)) for lot, qty, expiry in lots)
        elif quantity.value > 0:
            out.append((line.sku, Entry(0, quantity.value, None, package, scrap=scrap)))
    return out


def _picking_values(document: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    tracking = getattr(document, "tracking_number", None)
    numbers = (
        [tracking]
        if tracking
        else [p.tracking_number for p in getattr(document, "packages", []) if p.tracking_number]
    )
    if numbers:
        values["carrier_tracking_ref"] = ",".join(dict.fromkeys(numbers))
    freight = getattr(document, "freight_cost", None)
    if freight is not None:
        values["carrier_price"] = float(freight.amount)
    weights = [p.weight.value for p in getattr(document, "packages", []) if p.weight]
    if weights:
        values["shipping_weight"] = float(sum(weights))
    return values


def _packages(document: Any) -> list[dict[str, Any]]:
    out = []
    for package in getattr(document, "packages", []) or []:
        row: dict[str, Any] = {"name": package.sscc or package.package_id}
        if package.weight:
            row["shipping_weight"] = float(package.weight.value)
        out.append(row)
    return out
