"""An Odoo emulator per version (in memory, on a loopback port) and helpers to drive it like a user."""

from __future__ import annotations

import pytest

from crossdock.connectors.odoo import OdooClient
from crossdock.sim.odoo.orm import open_database
from crossdock.sim.odoo.person import OdooPerson
from crossdock.sim.odoo.seed import seed
from crossdock.sim.odoo.server import OdooServer

VERSIONS = ["16.0", "17.0", "18.0", "19.0"]
DB, LOGIN, PASSWORD, API_KEY = "crossdock", "admin", "admin", "crossdock-sim-admin-api-key"


class Odoo(OdooPerson):
    """A running emulator, driven the way a person in Odoo would (plain XML-RPC)."""

    def __init__(self, version: str):
        self.version = version
        self.major = int(version.split(".")[0])
        self.server = OdooServer(
            seed(open_database(":memory:", version), skus=40, customers=6, suppliers=3)
        ).start()
        self.url = self.server.url
        super().__init__(self.url, DB, PASSWORD)

    def deliver_all(self, picking_id: int) -> None:
        """Ship everything that was ordered, as a person validating in the UI would."""
        if self.major == 16:
            for move in self.x(
                "stock.move", "search_read", [["picking_id", "=", picking_id]], ["product_uom_qty"]
            ):
                self.x("stock.move", "write", [move["id"]], {"quantity_done": move["product_uom_qty"]})
        self.x("stock.picking", "button_validate", [picking_id], context={"skip_backorder": True})

    def on_hand(self, code: str, lot: str | None = None) -> float:
        domain = [["product_id", "=", self.product(code)], ["location_id.usage", "=", "internal"]]
        if lot:
            domain.append(["lot_id.name", "=", lot])
        return sum(q["quantity"] for q in self.x("stock.quant", "search_read", domain, ["quantity"]))

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture(scope="module", params=VERSIONS)
def odoo(request):
    instance = Odoo(request.param)
    yield instance
    instance.stop()


@pytest.fixture
async def client(odoo):
    connected = await OdooClient(odoo.url, DB, LOGIN, API_KEY if odoo.major >= 19 else PASSWORD).connect()
    yield connected
    await connected.close()
