"""Polling Odoo: what it emits, the cursor in the store, the overlap margin, de-duplication."""

from __future__ import annotations

import asyncio

import pytest

from crossdock.connectors.odoo.source import OdooSource, OdooSourceOptions
from crossdock.core.store import open_store
from crossdock.model import ExpectedReceipt, Item, ReturnAuthorization, SalesOrder
from crossdock.sim.odoo.versions import personality

from .conftest import API_KEY, DB, LOGIN, PASSWORD


def source(odoo, store=None, **options) -> OdooSource:
    secret = API_KEY if odoo.major >= 19 else PASSWORD
    made = OdooSource(
        "odoo",
        "odoo",
        OdooSourceOptions(url=odoo.url, db=DB, login=LOGIN, secret=secret, poll_interval=0.001, **options),
    )
    if store is not None:
        made.bind(store)
    return made


def of_type(items, event_type: str) -> list[dict]:
    return [i.body for i in items if i.body["type"] == event_type]


async def poll(src: OdooSource):
    await asyncio.sleep(0.002)
    items = await src.poll(1000)
    await src.commit(items)
    return items


async def test_confirmed_order_is_released_with_its_picking(odoo, tmp_path):
    name = odoo.sell([("SKU00001", 5), ("SKU00002", 3)], "Customer 0002 SA")
    src = source(odoo, streams=["orders"])
    released = [e for e in of_type(await poll(src), "order.released") if e["data"]["order_id"] == name]
    assert len(released) == 1
    event = released[0]
    order = SalesOrder.model_validate(event["data"])
    assert event["subject"] == f"odoo:sale.order:{name}" and event["source"] == f"odoo://{DB}"
    assert [(line.sku, line.quantity.value) for line in order.lines] == [("SKU00001", 5), ("SKU00002", 3)]
    assert order.warehouse_code == "WH" and order.customer.name == "Customer 0002 SA"
    assert order.ship_to.country and order.external_ids["odoo.picking_name"].startswith("WH/OUT/")
    await src.close()


async def test_cursor_survives_a_restart_and_the_inbox_absorbs_the_overlap(odoo, tmp_path):
    """Polls re-read the boundary second (>= write_date): the source or the inbox drops the repeats."""
    from crossdock.config import parse_config
    from crossdock.core.runtime import Runtime

    config = parse_config(
        f'store: {{url: "sqlite:///{tmp_path / "cd.db"}"}}\nsystems: {{odoo: {{role: erp}}}}\n'
    )
    store = open_store(config.store.url)
    runtime = Runtime(config, store=store, sources=[], sinks={})
    first = source(odoo, store, streams=["orders"], overlap_seconds=600)
    name = odoo.sell([("SKU00004", 2)])
    report = await runtime.ingest(await poll(first))
    assert name in {m for m in _released(runtime, report.accepted)}
    assert await poll(first) == []  # inside the overlap margin and already seen: skipped at the source
    await first.close()
    second = source(
        odoo, store, streams=["orders"], overlap_seconds=0
    )  # a restart: the cursor comes from the store
    assert second.marks == {} and second._since("orders") > "1970"
    later = odoo.sell([("SKU00004", 1)])
    report = await runtime.ingest(await poll(second))
    assert _released(runtime, report.accepted) == [later]
    assert name in [_key_order(runtime, message_id) for message_id, _ in report.duplicates]
    await second.close()
    await runtime.close()


def _released(runtime, accepted) -> list[str]:
    from sqlalchemy import select

    from crossdock.core.tables import messages

    with runtime.store.engine.connect() as conn:
        rows = conn.execute(
            select(messages.c.business_key).where(messages.c.id.in_([i for i, _ in accepted]))
        ).all()
    return [r[0] for r in rows]


def _key_order(runtime, message_id: int) -> str:
    return _released(runtime, [(message_id, "")])[0]


async def test_purchase_becomes_an_expected_receipt(odoo):
    po = odoo.buy([("SKU00001", 40), ("SKU00002", 10)])
    src = source(odoo, streams=["incoming"])
    [event] = [e for e in of_type(await poll(src), "receipt.expected") if e["data"]["purchase_order"] == po]
    receipt = ExpectedReceipt.model_validate(event["data"])
    assert receipt.receipt_id.startswith("WH/IN/") and receipt.supplier.name.startswith("Supplier")
    assert [(line.sku, line.quantity.value) for line in receipt.lines] == [("SKU00001", 40), ("SKU00002", 10)]
    await src.close()


async def test_return_of_a_delivery_becomes_a_return_authorization(odoo):
    name = odoo.sell([("SKU00001", 4)])
    [picking] = odoo.pickings(name)
    odoo.deliver_all(picking["id"])
    wizard_values = {"picking_id": picking["id"]}
    context = {"active_id": picking["id"], "active_ids": [picking["id"]], "active_model": "stock.picking"}
    if odoo.major == 16:
        move = odoo.x("stock.move", "search", [["picking_id", "=", picking["id"]]])[0]
        wizard_values["product_return_moves"] = [
            [0, 0, {"product_id": odoo.product("SKU00001"), "quantity": 2, "move_id": move}]
        ]
    wizard = odoo.x("stock.return.picking", "create", wizard_values, context=context)
    if odoo.major >= 17:  # 17 defaults to the whole remainder, 18+ to zero: say what comes back
        lines = odoo.x("stock.return.picking", "read", [wizard], ["product_return_moves"])[0][
            "product_return_moves"
        ]
        odoo.x("stock.return.picking.line", "write", lines, {"quantity": 2})
    odoo.x("stock.return.picking", personality(odoo.version).return_method, [wizard], context=context)
    src = source(odoo, streams=["incoming"])
    [event] = [e for e in of_type(await poll(src), "return.authorized") if e["data"]["order_id"] == name]
    rma = ReturnAuthorization.model_validate(event["data"])
    assert [(line.sku, line.quantity.value) for line in rma.lines] == [("SKU00001", 2)]
    await src.close()


async def test_product_changes_are_item_events(odoo):
    src = source(odoo, streams=["items"])
    first = [e for e in of_type(await poll(src), "item.changed") if e["data"]["sku"].startswith("SKU")]
    assert len(first) == 40 and Item.model_validate(first[1]["data"]).tracking == "lot"
    odoo.x("product.product", "write", [odoo.product("SKU00005")], {"weight": 2.5})
    [changed] = of_type(await poll(src), "item.changed")
    item = Item.model_validate(changed["data"])
    assert item.sku == "SKU00005" and str(item.weight.value) == "2.5" and item.weight.unit == "kg"
    await src.close()


async def test_automation_webhook_wakes_the_poller(odoo):
    """17+: Odoo posts a hint when a delivery is created; the source polls at once instead of waiting."""
    import httpx

    if odoo.major < 17:
        pytest.skip("base.automation webhooks exist from 17.0")
    src = source(odoo, streams=["orders"], webhook_port=0, webhook_token="t0ken")
    src.options.poll_interval = 3600  # only the hint can make it poll again
    await poll(src)
    model = odoo.x("ir.model", "search", [["model", "=", "stock.picking"]])[0]
    fields = odoo.x(
        "ir.model.fields", "search", [["model_id", "=", model], ["name", "in", ["name", "state"]]]
    )
    rule = odoo.x(
        "base.automation",
        "create",
        {
            "name": "crossdock hint",
            "model_id": model,
            "trigger": "on_create_or_write",
            "action_server_ids": [
                [
                    0,
                    0,
                    {
                        "name": "notify crossdock",
                        "model_id": model,
                        "state": "webhook",
                        "webhook_url": src.webhook.url,
                        "usage": "base_automation",
                        "webhook_field_ids": [[6, 0, fields]],
                    },
                ]
            ],
        },
    )
    name = await asyncio.to_thread(odoo.sell, [("SKU00001", 1)])
    for _ in range(200):  # the post arrives on the receiver's own loop
        if src.hints:
            break
        await asyncio.sleep(0.01)
    assert src.hints >= 1 and src.webhook.received >= 1
    released = of_type(await src.poll(1000), "order.released")
    assert name in [e["data"]["order_id"] for e in released]
    async with httpx.AsyncClient() as http:  # a wrong token is refused and wakes nothing
        wrong = await http.post(src.webhook.url.replace("t0ken", "guess"), json={"_model": "x", "_id": 1})
    assert wrong.status_code == 404 and src.webhook.refused == 1
    odoo.x("base.automation", "unlink", [rule])
    await src.close()


async def test_customers_suppliers_and_delivery_addresses_are_partner_events(odoo):
    from crossdock.model import Partner

    src = source(odoo, streams=["partners"])
    events = {
        e["data"]["name"]: Partner.model_validate(e["data"])
        for e in of_type(await poll(src), "partner.changed")
    }
    customer = events["Customer 0001 SA"]
    assert customer.roles == ["customer"] and customer.address.country == "BE"
    depot = events["Customer 0001 Depot"]
    assert depot.roles == ["ship_to"] and depot.parent_code == customer.code
    assert "BE" in src.reader.country_codes.values()  # remembered: the next poll does not read it again
    assert any(p.roles == ["supplier"] for p in events.values())
    assert await poll(src) == []
    await src.close()
