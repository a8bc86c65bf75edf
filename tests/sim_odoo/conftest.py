"""Fixtures: an in-process emulator on port 0 per test module, seeded with a small deterministic dataset."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from crossdock.sim.odoo.orm import Database, open_database
from crossdock.sim.odoo.seed import seed
from crossdock.sim.odoo.server import OdooServer

VERSIONS = ["16.0", "17.0", "18.0", "19.0"]
DB = "crossdock"
API_KEY = "crossdock-sim-admin-api-key"


class Sim:
    """A running emulator plus small XML-RPC helpers (the standard library client, unmodified)."""

    def __init__(self, server: OdooServer) -> None:
        self.server = server
        self.db: Database = server.db
        self.version = self.db.p.series
        self.major = self.db.p.major
        self.url = server.url
        self.port = server.port
        self.common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common")
        self.object = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object")
        self.uid = self.common.authenticate(DB, "admin", "admin", {})

    def x(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.object.execute_kw(DB, self.uid, "admin", model, method, list(args), kwargs)

    def fault(self, model: str, method: str, *args: Any, **kwargs: Any) -> xmlrpc.client.Fault:
        with pytest.raises(xmlrpc.client.Fault) as info:
            self.x(model, method, *args, **kwargs)
        return info.value

    def one(self, model: str, domain: list) -> int:
        ids = self.x(model, "search", domain)
        assert len(ids) == 1, (model, domain, ids)
        return ids[0]

    def product(self, code: str) -> int:
        return self.one("product.product", [["default_code", "=", code]])

    def customer(self, n: int = 1) -> int:
        return self.one("res.partner", [["name", "=", f"Customer {n:04d} SA"]])

    @property
    def qty_field(self) -> str:
        """Processed quantity on move lines: qty_done (16) or quantity (17+)."""
        return "qty_done" if self.major == 16 else "quantity"


def start_sim(version: str, skus: int = 30, path: str = ":memory:") -> OdooServer:
    db = seed(open_database(path, version), skus=skus, customers=6, suppliers=3)
    return OdooServer(db).start()


@pytest.fixture(scope="module")
def sim_factory() -> Iterator[Callable[[str], Sim]]:
    servers: list[OdooServer] = []

    def make(version: str) -> Sim:
        srv = start_sim(version)
        servers.append(srv)
        return Sim(srv)

    yield make
    for srv in servers:
        srv.stop()


@pytest.fixture(scope="module", params=VERSIONS)
def sim(request: pytest.FixtureRequest, sim_factory: Callable[[str], Sim]) -> Sim:
    return sim_factory(request.param)
