"""The Odoo client against the emulator, on every version and transport."""

from __future__ import annotations

import pytest

from crossdock.connectors.odoo import (
    OdooAuthError,
    OdooClient,
    OdooMissingError,
    OdooNotFound,
    OdooTransientError,
    OdooUserError,
)
from crossdock.connectors.odoo.client import RateLimit

from .conftest import API_KEY, DB, LOGIN, PASSWORD


def transports(major: int) -> list[str]:
    return ["xml-rpc", "json-rpc"] + (["json-2"] if major >= 19 else [])


async def test_version_and_transport_are_detected(odoo, client):
    assert client.version.major == odoo.major
    assert client.transport.name == ("json-2" if odoo.major >= 19 else "json-rpc")
    assert client.uid == 2


async def test_every_transport_reads_pages_and_creates_in_batches(odoo):
    for name in transports(odoo.major):
        secret = API_KEY if name == "json-2" else PASSWORD
        client = await OdooClient(odoo.url, DB, LOGIN, secret, transport=name, page_size=7).connect()
        before = client.calls
        products = await client.search_read(
            "product.product",
            [["default_code", "like", "SKU"]],
            ["default_code", "uom_id"],
            order="default_code asc",
        )
        assert [p["default_code"] for p in products] == [f"SKU{n:05d}" for n in range(1, 41)]
        assert client.calls - before == 6  # 40 records in pages of 7
        assert isinstance(products[0]["uom_id"], list) and len(products[0]["uom_id"]) == 2  # [id, name]
        ids = await client.create("res.partner", [{"name": f"{name} partner {i}"} for i in range(3)])
        assert len(ids) == 3 and all(isinstance(i, int) for i in ids)
        names = await client.read("res.partner", ids, ["name"])
        assert [r["name"] for r in names] == [f"{name} partner {i}" for i in range(3)]
        await client.close()


async def test_wrong_credentials_are_a_clear_error(odoo):
    for name in transports(odoo.major):
        client = OdooClient(odoo.url, DB, LOGIN, "wrong-secret", transport=name)
        with pytest.raises(OdooAuthError) as caught:
            await client.connect()
        assert "refused" in str(caught.value)
        await client.close()


async def test_errors_name_the_odoo_object(client):
    with pytest.raises(OdooNotFound, match=r"^no\.such\.model\.search: "):
        await client.search("no.such.model", [])
    with pytest.raises(OdooMissingError, match=r"^stock\.picking\.button_validate: Record does not exist"):
        await client.call("stock.picking", "button_validate", [987654])
    with pytest.raises(
        OdooUserError, match=r"^stock\.picking\.button_validate: .*(empty transfer|add some items to move)"
    ):
        picking_type = (await client.search("stock.picking.type", [["code", "=", "outgoing"]]))[0]
        [empty] = await client.create("stock.picking", [{"picking_type_id": picking_type}])
        await client.call("stock.picking", "button_validate", [empty])


async def test_methods_returning_none_succeed_on_every_transport(odoo):
    """Odoo faults 'cannot marshal None' over XML-RPC after committing; the client treats it as success."""
    for name in transports(odoo.major):
        client = await OdooClient(
            odoo.url, DB, LOGIN, API_KEY if name == "json-2" else PASSWORD, transport=name
        ).connect()
        product = (await client.search("product.product", [["default_code", "=", "SKU00001"]]))[0]
        location = (await client.search_read("stock.warehouse", [["code", "=", "WH"]], ["lot_stock_id"]))[0]
        [quant] = await client.create(
            "stock.quant",
            [{"product_id": product, "location_id": location["lot_stock_id"][0], "inventory_quantity": 77}],
            context={"inventory_mode": True},
        )
        assert await client.call("stock.quant", "action_apply_inventory", [quant]) is None
        [row] = await client.read("stock.quant", [quant], ["quantity"])
        assert row["quantity"] == 77
        await client.close()


async def test_unreachable_server_is_transient_and_retried(unused_tcp_port):
    client = OdooClient(
        f"http://127.0.0.1:{unused_tcp_port}", DB, LOGIN, PASSWORD, transport="xml-rpc", retries=2
    )
    attempts = 0
    post = client.http.post

    async def counted(*args, **kwargs):
        nonlocal attempts
        attempts += 1
        return await post(*args, **kwargs)

    client.http.post = counted
    with pytest.raises(OdooTransientError) as caught:
        await client.connect()
    assert caught.value.retryable and "cannot connect" in str(caught.value)
    assert attempts == client.retries + 1  # the version probe is retried like any call
    await client.close()


async def test_rate_limit_spaces_calls(monkeypatch):
    now = [0.0]
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    monkeypatch.setattr("crossdock.connectors.odoo.client.time.monotonic", lambda: now[0])
    monkeypatch.setattr("crossdock.connectors.odoo.client.asyncio.sleep", fake_sleep)
    limit = RateLimit(per_second=4, burst=2)
    for _ in range(6):
        await limit.wait()
    assert slept == [0.25, 0.25, 0.25, 0.25]  # two from the burst, then one every 1/4 s
    assert now[0] == pytest.approx(1.0)


async def test_a_server_that_stops_answering_is_a_timeout_not_a_hang():
    """Reads are retried, then the timeout surfaces as transient; a write is not repeated blindly."""
    import asyncio

    accepted = 0

    async def silent(reader, writer):
        nonlocal accepted
        accepted += 1
        await asyncio.sleep(5)
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = OdooClient(
        f"http://127.0.0.1:{port}", DB, LOGIN, PASSWORD, transport="json-rpc", timeout=0.2, retries=2
    )
    from crossdock.connectors.odoo.transports import JsonRpc

    client.transport = JsonRpc(client.http, DB, LOGIN, PASSWORD)
    with pytest.raises(OdooTransientError, match="ReadTimeout"):
        await client.search("res.partner", [])
    reads = accepted
    with pytest.raises(OdooTransientError):
        await client.write("res.partner", [1], {"name": "x"})
    assert reads == 3 and accepted == reads + 1  # a read: 1 + 2 retries; a write: once
    await client.close()
    server.close()


async def test_a_request_the_server_cannot_read_names_the_problem(client):
    """A field or operator this version does not know is a clear, non-retryable error."""
    from crossdock.connectors.odoo import OdooError

    with pytest.raises(
        OdooError, match=r"^stock\.picking\.search: Invalid field stock\.picking\.no_such_field"
    ) as caught:
        await client.search("stock.picking", [["no_such_field", "=", 1]])
    assert not caught.value.retryable
    with pytest.raises(OdooError, match=r"^stock\.picking\.search: Invalid leaf \('state', '~~', 'x'\)"):
        await client.search("stock.picking", [["state", "~~", "x"]])


async def test_missing_access_rights_are_a_clear_permanent_error(odoo):
    """The read-only user may read, not write: an AccessError naming the model, not a retry."""
    from crossdock.connectors.odoo import OdooAccessError
    from crossdock.sim.odoo.models.base import VIEWER_API_KEY

    client = await OdooClient(
        odoo.url, DB, "viewer", VIEWER_API_KEY if odoo.major >= 19 else "viewer"
    ).connect()
    assert await client.search_count("res.partner", []) > 0
    with pytest.raises(OdooAccessError, match=r"^res\.partner\.write: You are not allowed to") as caught:
        await client.write("res.partner", [1], {"name": "renamed"})
    assert not caught.value.retryable
    await client.close()
