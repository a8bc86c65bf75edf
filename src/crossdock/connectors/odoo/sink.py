"""Applies what the warehouses and carriers report back to Odoo, in batches, idempotently.

Shipment confirmations (and receipt / return receipts) follow one recipe:
1. find each document's picking: a marker (ir.model.data `crossdock.<kind>_<id>`) if the
   document was seen before, else the open picking of its order or reference;
2. a marked picking that is already done means the document was applied: report it, touch
   nothing (a done picking is never validated twice);
3. check every line before writing anything: unknown SKU, more than ordered, a lot or serial
   missing for a tracked product are refused with the field named (nothing half-applied);
4. write the marker first, then replace the picking's move lines with what was really
   processed (quantities, lots / serials, packages) and set carrier, tracking and freight;
5. validate all pickings of the batch in one call, backorder or not per policy, and read the
   state back.
A crash between 4 and 5 leaves a marked, open picking; the redelivery finds the marker and
completes it. Reads and writes are batched per model, so a batch of N documents costs about
N writes (one per picking, for its lines and tracking) plus a dozen calls.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Literal

from pydantic import Field

from ...core.cursors import Cursors
from ...model import (
    InventoryAdjustment,
    InventorySnapshot,
    ReceiptConfirmation,
    ReturnReceipt,
    ShipmentConfirmation,
    ShipmentManifest,
    TrackingEvent,
)
from ..base import Delivery, DeliveryError, Outcome, PermanentError, TransientError
from .client import OdooClient, OdooConnectionOptions
from .errors import OdooError, delivery_error
from .sink_pickings import PickingPlan, PickingWriter

_SAFE = re.compile(r"[^A-Za-z0-9_]")


def marker_name(kind: str, document_id: str) -> str:
    return f"{kind}_{_SAFE.sub('_', document_id)}"[:120]


class OdooSinkOptions(OdooConnectionOptions):
    backorder_policy: Literal["auto", "always", "never"] = Field(
        default="auto", description="auto: a shipment marked final cancels the rest; else a backorder follows"
    )
    allow_over_ship: bool = False
    carriers: dict[str, str] = Field(
        default_factory=dict,
        description="WMS carrier (CODE or CODE/SERVICE) -> Odoo delivery.carrier name; default: the same name",
    )
    batch_transfers: Literal["auto", "never"] = Field(
        default="auto",
        description="auto: when Odoo's Batch Transfers module is installed, write a batch's pickings in one "
        "call through a stock.picking.batch named after it",
    )


class OdooSink:
    Options = OdooSinkOptions

    def __init__(self, name: str, options: OdooSinkOptions, client: OdooClient | None = None):
        self.name = name
        self.options = options
        self.client = client or options.client()
        self.writer = PickingWriter(self.client, options.carriers)

    async def deliver(self, delivery: Delivery) -> Outcome:
        [result] = await self.deliver_many([delivery])
        if isinstance(result, DeliveryError):
            raise result
        return result

    async def deliver_many(self, deliveries: list[Delivery]) -> list[Outcome | DeliveryError]:
        """Outcomes in the order of `deliveries`; documents of one kind are applied together."""
        if self.client.transport is None:
            try:
                await self.client.connect()
            except OdooError as exc:
                error = delivery_error(exc)
                return [error for _ in deliveries]
        results: dict[int, Outcome | DeliveryError] = {}
        groups: dict[str, list[Delivery]] = defaultdict(list)
        for delivery in deliveries:
            groups[delivery.action].append(delivery)
        for action, group in groups.items():
            handler = HANDLERS.get(action)
            if handler is None:
                for d in group:
                    results[d.outbox_id] = PermanentError(f"the Odoo sink cannot apply {action!r}")
                continue
            try:
                outcomes = await handler(self, group)
            except OdooError as exc:  # the whole group failed the same way (e.g. Odoo is down)
                outcomes = {d.outbox_id: delivery_error(exc) for d in group}
            results.update(outcomes)
        return [results[d.outbox_id] for d in deliveries]

    # ---- pickings: shipments, receipts, returns -------------------------------------------
    async def _apply_pickings(
        self, group: list[Delivery], kind: str, parse, reference, code: str, by_name: bool
    ) -> dict[int, Outcome | DeliveryError]:
        """Shared recipe; `reference(doc)` is the order (shipments) or picking name (receipts, returns)."""
        results: dict[int, Outcome | DeliveryError] = {}
        docs: dict[int, Any] = {}
        for d in group:
            try:
                docs[d.outbox_id] = parse(d.payload)
            except ValueError as exc:
                results[d.outbox_id] = PermanentError(f"payload is not a valid {kind}: {exc}")
        markers = await self.writer.markers([marker_name(kind, _doc_id(doc)) for doc in docs.values()])
        claimed: dict[int, int] = {}  # outbox id -> picking id
        taken_refs: set[str] = set()
        unmarked = {oid: doc for oid, doc in docs.items() if marker_name(kind, _doc_id(doc)) not in markers}
        open_pickings = await self.writer.open_pickings(
            code, [reference(doc) for doc in unmarked.values()], by_name
        )
        for oid, doc in docs.items():
            marked = markers.get(marker_name(kind, _doc_id(doc)))
            if marked:
                claimed[oid] = marked
                continue
            ref = reference(doc)
            if ref in taken_refs:  # one document per order per batch: the next waits for the backorder
                results[oid] = TransientError(f"another {kind} for {ref} is being applied in this batch")
                continue
            candidates = open_pickings.get(ref, [])
            if not candidates:
                results[oid] = PermanentError(f"no open {code} picking in Odoo for {ref!r}")
                continue
            taken_refs.add(ref)
            claimed[oid] = candidates[0]
        pickings = await self.writer.pickings(set(claimed.values()))
        states = {picking_id: picking["state"] for picking_id, picking in pickings.items()}
        plans: dict[int, PickingPlan] = {}
        for oid, picking_id in claimed.items():
            if states.get(picking_id) == "done":
                results[oid] = Outcome(
                    acknowledged=True, detail={"picking_id": picking_id, "already_applied": True}
                )
            elif states.get(picking_id) == "cancel":
                results[oid] = PermanentError(
                    f"Odoo picking {picking_id} for {reference(docs[oid])} is cancelled"
                )
            else:
                plans[oid] = PickingPlan(picking_id=picking_id, document=docs[oid], kind=kind)
        if plans:
            refused = await self.writer.prepare(
                plans, pickings, allow_over=self.options.allow_over_ship or code == "incoming"
            )
            results.update(refused)
            ready = {oid: plan for oid, plan in plans.items() if oid not in refused}
            await self.writer.mark(
                {
                    marker_name(kind, _doc_id(plan.document)): plan.picking_id
                    for plan in ready.values()
                    if marker_name(kind, _doc_id(plan.document)) not in markers
                }
            )
            batch = None
            batching = ready and self.options.batch_transfers == "auto"
            if batching and await self.writer.has_model("stock.picking.batch"):
                batch = f"crossdock {kind}s {min(_doc_id(p.document) for p in ready.values())}"
            results.update(await self.writer.apply(ready, self._no_backorder, batch))
        return results

    def _no_backorder(self, document: Any) -> bool:
        policy = self.options.backorder_policy
        if policy == "auto":
            return bool(getattr(document, "final", False))
        return policy == "never"

    async def shipments(self, group: list[Delivery]):
        return await self._apply_pickings(
            group,
            "shipment",
            ShipmentConfirmation.model_validate,
            lambda doc: doc.order_id,
            "outgoing",
            by_name=False,
        )

    async def receipts(self, group: list[Delivery]):
        return await self._apply_pickings(
            group,
            "receipt",
            ReceiptConfirmation.model_validate,
            lambda doc: doc.receipt_id,
            "incoming",
            by_name=True,
        )

    async def return_receipts(self, group: list[Delivery]):
        return await self._apply_pickings(
            group, "return", ReturnReceipt.model_validate, lambda doc: doc.rma_id, "incoming", by_name=True
        )

    # ---- inventory -----------------------------------------------------------------------
    async def adjustments(self, group: list[Delivery]) -> dict[int, Outcome | DeliveryError]:
        results: dict[int, Outcome | DeliveryError] = {}
        for d in group:  # each adjustment is its own count; Odoo merges quants per location and lot
            try:
                document = InventoryAdjustment.model_validate(d.payload)
                applied = await self.writer.adjust(
                    document, marker_name("adjustment", document.adjustment_id)
                )
                results[d.outbox_id] = Outcome(acknowledged=True, detail=applied)
            except ValueError as exc:
                results[d.outbox_id] = PermanentError(str(exc))
            except OdooError as exc:
                results[d.outbox_id] = delivery_error(exc)
        return results

    def bind(self, store) -> None:
        self.writer.plans = Cursors(store)

    async def reconciliations(self, group: list[Delivery]) -> dict[int, Outcome | DeliveryError]:
        results: dict[int, Outcome | DeliveryError] = {}
        for d in group:
            payload = dict(d.payload)
            tolerance = payload.pop("tolerance", None)
            try:
                snapshot = InventorySnapshot.model_validate(payload)
                report = await self.writer.reconcile(snapshot, tolerance or {})
            except ValueError as exc:
                results[d.outbox_id] = PermanentError(str(exc))
                continue
            except OdooError as exc:
                results[d.outbox_id] = delivery_error(exc)
                continue
            results[d.outbox_id] = Outcome(
                acknowledged=True,
                detail={
                    "accuracy": report["accuracy"],
                    "positions": report["positions"],
                    "adjusted": len(report["adjust"]),
                    "review": report["review"],
                },
            )
        return results

    # ---- tracking ------------------------------------------------------------------------
    async def tracking(self, group: list[Delivery]) -> dict[int, Outcome | DeliveryError]:
        """Label bought or tracking news: make sure the order's delivery carries the number (and price)."""
        results: dict[int, Outcome | DeliveryError] = {}
        for d in group:
            try:
                document = (
                    ShipmentManifest if d.action == "shipment.manifested" else TrackingEvent
                ).model_validate(d.payload)
            except ValueError as exc:
                results[d.outbox_id] = PermanentError(f"payload is not valid: {exc}")
                continue
            if not document.order_id:
                results[d.outbox_id] = PermanentError(
                    "a tracking update needs the order it belongs to (order_id)"
                )
                continue
            try:
                results[d.outbox_id] = await self.writer.track(document)
            except OdooError as exc:
                results[d.outbox_id] = delivery_error(exc)
        return results

    async def close(self) -> None:
        await self.client.close()


def _doc_id(document: Any) -> str:
    return str(document.business_key())


HANDLERS = {
    "shipment.confirmed": OdooSink.shipments,
    "receipt.confirmed": OdooSink.receipts,
    "return.received": OdooSink.return_receipts,
    "inventory.adjusted": OdooSink.adjustments,
    "inventory.reconcile": OdooSink.reconciliations,
    "shipment.manifested": OdooSink.tracking,
    "shipment.in_transit": OdooSink.tracking,
    "shipment.delivered": OdooSink.tracking,
    "shipment.exception": OdooSink.tracking,
}
