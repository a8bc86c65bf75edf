"""WmsSink against the real emulator: a repeated create is applied once; a 409 is a refusal."""

from __future__ import annotations

import pytest

from crossdock.connectors.base import Delivery, PermanentError
from crossdock.connectors.wms.sink import WmsSink, WmsSinkOptions
from crossdock.sim.wms import WmsConfig, WmsOperator, WmsServer

KEY = "sink-key"


@pytest.fixture
def wms():
    with WmsServer(config=WmsConfig.undisturbed(seed=7, api_key=KEY, cycle_count_bins_per_day=0)) as server:
        yield server


@pytest.fixture
def operator(wms):
    hands = WmsOperator(wms)
    yield hands
    hands.close()


@pytest.fixture
async def sink(wms):
    sink = WmsSink("wms", WmsSinkOptions(url=wms.url, api_key=KEY, facilities={"WH": "WH1"}))
    yield sink
    await sink.close()


def order(qty: str) -> dict:
    return {
        "order_id": "SO-1",
        "warehouse_code": "WH",
        "ship_to": {"name": "Store", "street": "1 Main St", "city": "Ghent", "zip": "9000", "country": "BE"},
        "lines": [{"line_no": "1", "sku": "SKU00002", "quantity": {"value": qty, "uom": "EA"}}],
    }


def delivery(action: str, payload: dict, attempt: int = 1) -> Delivery:
    return Delivery(1, f"key-{action}", "wms", action, payload, attempt)


async def test_the_same_order_sent_again_is_acknowledged(sink, operator):
    first = await sink.deliver(delivery("order.released", order("4")))
    again = await sink.deliver(delivery("order.released", order("4"), attempt=2))
    assert first.acknowledged and again.acknowledged
    assert again.detail == first.detail and first.detail["wms"]["external_id"] == "SO-1"


async def test_the_same_order_id_with_another_body_is_a_permanent_error(sink, operator):
    await sink.deliver(delivery("order.released", order("4")))
    with pytest.raises(PermanentError, match="IDEMPOTENCY_CONFLICT") as refused:
        await sink.deliver(delivery("order.released", order("5")))
    assert not refused.value.retryable and refused.value.detail == {"code": "IDEMPOTENCY_CONFLICT"}
    assert operator.get("/v1/orders/SO-1")["lines"][0]["qty_requested"] == "4"  # the WMS kept the first


async def test_a_cancel_after_shipping_is_a_permanent_error(sink, operator):
    await sink.deliver(delivery("order.released", order("4")))
    operator.post("/_sim/advance", {"minutes": 8 * 60})
    assert operator.get("/v1/orders/SO-1")["status"] == "SHIPPED"
    with pytest.raises(PermanentError, match="ORDER_SHIPPED") as refused:
        await sink.deliver(delivery("order.cancelled", {"order_id": "SO-1", "reason": "customer"}))
    assert refused.value.detail == {"code": "ORDER_SHIPPED"}


async def test_a_profile_may_declare_a_409_code_as_already_applied(sink, operator):
    sink.profile.profile.outbound["order.released"].duplicate_codes = ["IDEMPOTENCY_CONFLICT"]
    await sink.deliver(delivery("order.released", order("4")))
    outcome = await sink.deliver(delivery("order.released", order("5")))
    assert outcome.acknowledged and outcome.detail == {"already_applied": True}
