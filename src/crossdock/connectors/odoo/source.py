"""Polls Odoo for what the warehouses and the hub must know, and emits canonical events.

Incremental polling on write_date with an overlap margin (write_date is the *start* of the
writing transaction, so a long transaction can commit rows older than the last high-water
mark: odoo-api.md §5.3). Records seen inside the margin are skipped by (model, id, write_date);
events carry stable ids, so anything that slips through is a duplicate at the inbox.
The cursor lives in the store and only moves after the inbox has committed the events.

Streams: orders (outgoing pickings of confirmed sale orders -> order.released / order.cancelled),
incoming (incoming pickings: of purchase orders -> receipt.expected; returns of deliveries ->
return.authorized), items (product.product -> item.changed), partners (customers, suppliers and
delivery addresses -> partner.changed).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Literal

from pydantic import Field

from ...core.cursors import Cursors, KeyValue, MemoryKeyValue
from ...model import OrderCancellation
from ..base import Incoming
from . import mapping
from .client import OdooClient, OdooConnectionOptions
from .mapping import Record, m2o_id
from .reader import PARTNER_FIELDS, RelatedReader
from .webhook import WebhookReceiver

Stream = Literal["orders", "incoming", "items", "partners"]
EPOCH = "1970-01-01 00:00:00"
MOVE_FIELDS = [
    "product_id",
    "product_uom_qty",
    "product_uom",
    "state",
    "origin_returned_move_id",
    "picking_id",
]
PICKING_FIELDS = [
    "name",
    "origin",
    "state",
    "partner_id",
    "picking_type_id",
    "scheduled_date",
    "move_ids",
    "backorder_id",
    "carrier_id",
    "location_id",
    "location_dest_id",
    "write_date",
]


def _digest(record: Record) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()


class OdooSourceOptions(OdooConnectionOptions):
    streams: list[Stream] = Field(default_factory=lambda: ["orders", "incoming", "items", "partners"])
    poll_interval: float = Field(default=30.0, gt=0)
    overlap_seconds: float = Field(default=300.0, ge=0)
    page_size: int = Field(default=500, ge=1)
    once: bool = Field(default=False, description="poll once and report exhausted (tests, backfills)")
    webhook_port: int | None = Field(default=None, description="listen for Odoo 17+ automation webhooks here")
    webhook_host: str = "127.0.0.1"
    webhook_token: str | None = Field(default=None, description="secret part of the webhook URL")


class OdooSource:
    Options = OdooSourceOptions

    def __init__(self, name: str, system: str, options: OdooSourceOptions, client: OdooClient | None = None):
        self.name = name
        self.system = system
        self.options = options
        self.client = client or options.client(page_size=options.page_size)
        self.reader = RelatedReader(self.client)
        self.cursors: KeyValue = MemoryKeyValue()  # the store's, once bound
        self.marks: dict[str, str] = {}
        self.pending_marks: dict[str, str] = {}
        self.seen: dict[tuple[str, int], tuple[str, str]] = {}  # (stream, id) -> (digest, write_date)
        self.next_poll = 0.0
        self.polls = 0
        self.hints = 0
        self._exhausted = False
        self.webhook: WebhookReceiver | None = None

    def bind(self, store) -> None:
        self.cursors = Cursors(store)

    def wake(self, payload: dict | None = None) -> None:
        """A webhook said something changed: poll now rather than at the next interval."""
        self.hints += 1
        self.next_poll = 0.0

    async def start_webhook(self) -> WebhookReceiver:
        token = self.options.webhook_token or secrets.token_urlsafe(24)
        self.webhook = await WebhookReceiver(
            self.wake, token, self.options.webhook_host, self.options.webhook_port or 0
        ).start()
        return self.webhook

    def _cursor_name(self, stream: str) -> str:
        return f"odoo:{self.name}:{stream}"

    def _since(self, stream: str) -> str:
        mark = self.marks.get(stream)
        if mark is None:
            mark = self.cursors.get(self._cursor_name(stream)) or EPOCH
            self.marks[stream] = mark
        if mark == EPOCH:
            return EPOCH
        since = mapping.odoo_time(mark) - timedelta(seconds=self.options.overlap_seconds)
        return mapping.to_odoo_time(since)

    async def poll(self, limit: int) -> Sequence[Incoming]:
        if self.options.webhook_port is not None and self.webhook is None:
            await self.start_webhook()
        if self._exhausted or time.monotonic() < self.next_poll:
            return []
        self.next_poll = time.monotonic() + self.options.poll_interval
        if self.client.transport is None:
            await self.client.connect()
        items: list[Incoming] = []
        for stream in self.options.streams:
            records = await self._changed(stream)
            if records:
                self.pending_marks[stream] = max(r["write_date"] for r in records)
            fresh = []
            for record in records:
                digest = _digest(record)
                if self.seen.get((stream, record["id"]), ("",))[0] != digest:
                    self.seen[(stream, record["id"])] = (digest, record["write_date"])
                    fresh.append(record)
            items.extend(await getattr(self, f"_{stream}")(fresh))
        self.polls += 1
        if self.options.once:
            self._exhausted = True
        return items

    async def _changed(self, stream: str) -> list[Record]:
        since = self._since(stream)
        order = "write_date asc, id asc"
        if stream == "items":
            return await self.client.search_read(
                "product.product",
                [["write_date", ">=", since]],
                [
                    "default_code",
                    "name",
                    "barcode",
                    "uom_id",
                    "weight",
                    "tracking",
                    "list_price",
                    "active",
                    "write_date",
                ],
                order=order,
                context={"active_test": False},
            )
        if stream == "partners":
            return await self.client.search_read(
                "res.partner",
                [["write_date", ">=", since]],
                [*PARTNER_FIELDS, "customer_rank", "supplier_rank", "active", "write_date"],
                order=order,
                context={"active_test": False},
            )
        code = "outgoing" if stream == "orders" else "incoming"
        states = ["confirmed", "assigned", "cancel"] if stream == "orders" else ["confirmed", "assigned"]
        return await self.client.search_read(
            "stock.picking",
            [["write_date", ">=", since], ["picking_type_code", "=", code], ["state", "in", states]],
            PICKING_FIELDS + (["sale_id"] if stream == "orders" else []),
            order=order,
        )

    async def commit(self, items: Sequence[Incoming]) -> None:
        for stream, mark in self.pending_marks.items():
            if mark > self.marks.get(stream, EPOCH):
                self.marks[stream] = mark
                self.cursors.set(self._cursor_name(stream), mark)
        self.pending_marks = {}
        # Forget what fell out of every stream's overlap window.
        oldest = min(self.marks.values(), default=EPOCH)
        if self.options.overlap_seconds and oldest != EPOCH:
            floor = mapping.to_odoo_time(
                mapping.odoo_time(oldest) - timedelta(seconds=2 * self.options.overlap_seconds)
            )
            self.seen = {k: v for k, v in self.seen.items() if v[1] >= floor}

    # ---- streams ---------------------------------------------------------------------------
    def _event(self, event_id: str, type_: str, subject: str, document, at: str) -> Incoming:
        body = {
            "id": event_id,
            "source": f"odoo://{self.options.db}",
            "type": type_,
            "subject": subject,
            "time": mapping.odoo_time(at).isoformat(),
            "data": document.model_dump(mode="json", exclude_none=True),
        }
        return Incoming(body=body, system=self.system, origin=f"odoo {event_id}")

    async def _moves_around(self, pickings: list[Record]) -> tuple[dict[int, list[Record]], dict, dict]:
        move_ids = {m for p in pickings for m in p["move_ids"]}
        moves = await self.reader.records("stock.move", move_ids, MOVE_FIELDS)
        by_picking: dict[int, list[Record]] = {}
        for move in moves.values():
            if move["state"] != "cancel":
                by_picking.setdefault(m2o_id(move["picking_id"]), []).append(move)
        products = await self.reader.records(
            "product.product",
            {m2o_id(m["product_id"]) for m in moves.values()},
            ["default_code", "name", "tracking"],
            context={"active_test": False},
        )
        uoms = await self.reader.uoms({m2o_id(m["product_uom"]) for m in moves.values()})
        return by_picking, products, uoms

    async def _orders(self, pickings: list[Record]) -> list[Incoming]:
        pickings = [p for p in pickings if m2o_id(p.get("sale_id"))]
        if not pickings:
            return []
        sales = await self.reader.records(
            "sale.order",
            {m2o_id(p["sale_id"]) for p in pickings},
            ["name", "client_order_ref", "commitment_date", "carrier_id", "partner_id"],
        )
        partners = await self.reader.partners(
            {m2o_id(p["partner_id"]) for p in pickings} | {m2o_id(s["partner_id"]) for s in sales.values()}
        )
        houses = await self.reader.warehouses({m2o_id(p["picking_type_id"]) for p in pickings})
        moves, products, uoms = await self._moves_around([p for p in pickings if p["state"] != "cancel"])
        out = []
        for picking in pickings:
            sale = sales[m2o_id(picking["sale_id"])]
            subject = f"odoo:sale.order:{sale['name']}"
            if picking["state"] == "cancel":
                doc = OrderCancellation(
                    order_id=sale["name"],
                    reason=f"delivery {picking['name']} cancelled in Odoo",
                    cancelled_at=mapping.odoo_time(picking["write_date"]),
                )
                out.append(
                    self._event(
                        f"stock.picking/{picking['id']}/cancelled",
                        "order.cancelled",
                        subject,
                        doc,
                        picking["write_date"],
                    )
                )
                continue
            if not moves.get(picking["id"]) or m2o_id(picking.get("backorder_id")):
                continue  # a backorder is the rest of an order the warehouse already holds and ships
            customer = partners.get(m2o_id(sale["partner_id"])) or partners[m2o_id(picking["partner_id"])]
            doc = mapping.sales_order(
                picking,
                sale,
                moves[picking["id"]],
                products,
                uoms,
                partners[m2o_id(picking["partner_id"])],
                customer,
                houses.get(m2o_id(picking["picking_type_id"])),
            )
            out.append(
                self._event(
                    f"stock.picking/{picking['id']}/released",
                    "order.released",
                    subject,
                    doc,
                    picking["write_date"],
                )
            )
        return out

    async def _incoming(self, pickings: list[Record]) -> list[Incoming]:
        if not pickings:
            return []
        moves, products, uoms = await self._moves_around(pickings)
        chosen = [p for p in pickings if moves.get(p["id"])]
        originals = await self.reader.records(
            "stock.move",
            {m2o_id(m["origin_returned_move_id"]) for p in chosen for m in moves[p["id"]]},
            ["picking_id"],
        )
        origin_pickings = await self.reader.records(
            "stock.picking", {m2o_id(o["picking_id"]) for o in originals.values()}, ["sale_id"]
        )
        partners = await self.reader.partners({m2o_id(p["partner_id"]) for p in chosen})
        houses = await self.reader.warehouses({m2o_id(p["picking_type_id"]) for p in chosen})
        out = []
        for picking in chosen:
            partner = partners.get(m2o_id(picking["partner_id"])) or {"id": 0, "name": "unknown"}
            house = houses.get(m2o_id(picking["picking_type_id"])) or "?"
            returned = [m2o_id(m["origin_returned_move_id"]) for m in moves[picking["id"]]]
            if any(returned):  # a return of a delivery: the customer sends goods back
                original = originals.get(next(r for r in returned if r), {})
                sale = origin_pickings.get(m2o_id(original.get("picking_id")), {}).get("sale_id")
                doc = mapping.return_authorization(
                    picking, moves[picking["id"]], products, uoms, partner, house, mapping.m2o_name(sale)
                )
                out.append(
                    self._event(
                        f"stock.picking/{picking['id']}/return",
                        "return.authorized",
                        f"odoo:return:{picking['name']}",
                        doc,
                        picking["write_date"],
                    )
                )
            else:
                doc = mapping.expected_receipt(picking, moves[picking["id"]], products, uoms, partner, house)
                out.append(
                    self._event(
                        f"stock.picking/{picking['id']}/expected",
                        "receipt.expected",
                        f"odoo:receipt:{picking['name']}",
                        doc,
                        picking["write_date"],
                    )
                )
        return out

    async def _items(self, products: list[Record]) -> list[Incoming]:
        uoms = await self.reader.uoms({m2o_id(p["uom_id"]) for p in products})
        out = []
        for product in products:
            if not product.get("default_code"):
                continue  # no SKU: nothing a warehouse could key it by
            doc = mapping.item(product, uoms.get(m2o_id(product["uom_id"]), "Units"))
            out.append(
                self._event(
                    f"product.product/{product['id']}@{product['write_date']}",
                    "item.changed",
                    f"odoo:product:{product['default_code']}",
                    doc,
                    product["write_date"],
                )
            )
        return out

    async def _partners(self, records: list[Record]) -> list[Incoming]:
        # A parent only gives its code (ref); parents among the records need no read.
        parents: dict[int, Record] = {r["id"]: r for r in records}
        parents |= await self.reader.records(
            "res.partner", {m2o_id(r.get("parent_id")) for r in records} - set(parents), ["ref"]
        )
        await self.reader.add_country_codes(records)
        out = []
        for record in records:
            doc = mapping.partner(record, parents.get(m2o_id(record.get("parent_id"))))
            if doc is not None:
                out.append(
                    self._event(
                        f"res.partner/{record['id']}@{_digest(record)[:16]}",
                        "partner.changed",
                        f"odoo:partner:{doc.code}",
                        doc,
                        record["write_date"],
                    )
                )
        return out

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    async def close(self) -> None:
        if self.webhook is not None:
            await self.webhook.close()
        await self.client.close()

    def stats(self) -> dict[str, Any]:
        return {
            "polls": self.polls,
            "hints": self.hints,
            "calls": self.client.calls,
            "marks": dict(self.marks),
        }
