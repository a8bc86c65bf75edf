"""The hub's side of the exchange, built only from crossdock's own pieces (maps, generator, SFTP)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from crossdock.connectors.edi import InMemoryControlNumbers, OutboundSet, generate_interchange, read
from crossdock.connectors.edi.maps import PartnerProfile, get_map, load_partner
from crossdock.connectors.edi.model import Document
from crossdock.connectors.transfer.transport import Sftp
from crossdock.model import ExpectedReceipt, ReturnAuthorization, SalesOrder
from crossdock.sim.tpl import TplEmulator

ISSUED = datetime(2027, 1, 4, 7, 30, tzinfo=UTC)


def sales_order(order_id: str = "SO0042", lines: list[tuple[str, str, str]] | None = None) -> SalesOrder:
    lines = lines or [("1", "SKU00002", "8"), ("2", "SKU00003", "2")]
    return SalesOrder(
        order_id=order_id,
        customer={"code": "C100", "name": "Acme Retail"},
        ship_to={
            "name": "Acme DC 7",
            "street": "1 Main St",
            "city": "Reno",
            "state": "NV",
            "zip": "89501",
            "country": "US",
        },
        customer_po="PO-77",
        carrier_service="UPS_GROUND",
        service_level="ground",
        lines=[
            {"line_no": n, "sku": sku, "quantity": {"value": Decimal(q), "uom": "EA"}} for n, sku, q in lines
        ],
    )


def expected_receipt(receipt_id: str, lines: list[tuple[str, str, str]]) -> ExpectedReceipt:
    return ExpectedReceipt(
        receipt_id=receipt_id,
        purchase_order=f"PO-{receipt_id}",
        supplier={"code": "SUP1", "name": "Bolt Works"},
        warehouse_code="WH1",
        carrier="ups",
        lines=[
            {"line_no": n, "sku": sku, "quantity": {"value": Decimal(q), "uom": "EA"}} for n, sku, q in lines
        ],
    )


def return_authorization(rma_id: str, order_id: str, sku: str, serials: list[str]) -> ReturnAuthorization:
    return ReturnAuthorization(
        rma_id=rma_id,
        order_id=order_id,
        customer={"code": "C100", "name": "Acme Retail"},
        warehouse_code="WH1",
        lines=[
            {
                "line_no": "1",
                "sku": sku,
                "quantity": {"value": Decimal(len(serials)), "uom": "EA"},
                "reason": "wrong size",
                "serials": serials,
            }
        ],
    )


class Hub:
    def __init__(self, sftp: Sftp, tpl: TplEmulator, profile: str = "generic-3pl") -> None:
        self.sftp = sftp
        self.tpl = tpl
        self.partner: PartnerProfile = load_partner(profile)
        self.numbers = InMemoryControlNumbers(start=100)  # the hub's own numbers, distinct from the 3PL's

    def interchange(self, set_id: str, document: Any, **kw: Any) -> str:
        segments = get_map(set_id).to_x12(document, self.partner, **kw)
        gen = generate_interchange(
            "tpl",
            self.partner.envelope(),
            [OutboundSet(set_id, segments)],
            self.numbers,
            now=ISSUED,
            profile=self.partner.raw,
        )
        return gen.text

    async def send(self, name: str, text: str) -> None:
        await self.sftp.write(f"inbound/{name}", text.encode())  # temporary name, then rename

    async def outbound(self) -> list[str]:
        return sorted(f.name for f in await self.sftp.list("outbound"))

    async def text(self, name: str) -> str:
        return (await self.sftp.read(f"outbound/{name}")).decode()

    async def wait_for(self, prefix: str, count: int = 1, timeout: float = 5.0) -> list[str]:
        """Wait until ``count`` files starting with ``prefix`` are in outbound/; their names."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            names = [n for n in await self.outbound() if n.startswith(prefix)]
            if len(names) >= count:
                return names
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no {prefix} file in outbound/: {await self.outbound()}")
            await asyncio.sleep(0.02)

    async def read_strict(self, name: str) -> Document:
        doc = read(await self.text(name), "strict", self.partner.raw)
        assert doc.accepted and [str(e) for e in doc.all_errors() if e.severity == "error"] == []
        return doc

    async def document(self, name: str) -> Any:
        doc = await self.read_strict(name)
        (ts,) = list(doc.sets())
        return get_map(ts.set_id).from_x12(ts, self.partner)

    async def wait_for_state(self, check: Any, timeout: float = 5.0) -> Any:
        """Wait until ``check(tpl.state())`` is truthy (the emulator works in the background)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not (found := check(self.tpl.state())):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"state never matched: {self.tpl.state()}")
            await asyncio.sleep(0.02)
        return found
