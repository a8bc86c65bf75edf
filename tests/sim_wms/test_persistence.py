"""Restart persistence, determinism from a seed, the real-time clock option and the CLI."""

from __future__ import annotations

import time

from typer.testing import CliRunner

from crossdock.sim.wms import WmsServer
from crossdock.sim.wms.cli import app

from .conftest import advance, client_for, events_of, order_body, quiet_config


def test_restart_keeps_state(tmp_path):
    db = str(tmp_path / "wms.sqlite")
    with WmsServer(db, config=quiet_config()) as server, client_for(server) as api:
        api.post("/v1/orders", json=order_body("SO-P1", [{"line_ref": "1", "sku": "SKU00002", "qty": "7"}]))
        api.post("/v1/orders", json=order_body("SO-P2", [{"line_ref": "1", "sku": "SKU00001", "qty": "2"}]))
        api.post(
            "/v1/webhooks",
            json={
                "url": "http://127.0.0.1:9/hook",
                "secret": "s3cret-value",
                "events": ["shipment.confirmed"],
            },
        )
        advance(api, 75)  # both picking; their pick tasks are due at 09:30
        before = {
            "orders": [api.get(f"/v1/orders/SO-P{n}").json() for n in (1, 2)],
            "events": events_of(api),
            "inventory": api.get("/v1/inventory", params={"granularity": "SKU_LOT_LOCATION"}).json(),
            "tasks": api.get("/_sim/state").json()["tasks"],
        }
    with WmsServer(db, config=quiet_config()) as server, client_for(server) as api:
        assert [api.get(f"/v1/orders/SO-P{n}").json() for n in (1, 2)] == before["orders"]
        assert events_of(api) == before["events"]
        assert (
            api.get("/v1/inventory", params={"granularity": "SKU_LOT_LOCATION"}).json() == before["inventory"]
        )
        state = api.get("/_sim/state").json()
        assert state["now"] == "2027-01-04T09:15:00Z"
        assert state["tasks"] == before["tasks"]
        assert [h["id"] for h in state["webhooks"]] == ["wh_0001"]
        advance(api, 60)  # the work in progress carries on after the restart
        assert api.get("/v1/orders/SO-P1").json()["status"] == "SHIPPED"
        shipped = events_of(api, "shipment.confirmed")
        assert [s["payload"]["lines"][0]["lots"] for s in shipped[:1]] == [
            [{"lot": "LOT-00002-A", "expiry": "2027-06-01", "qty": "7"}]
        ]
        created = api.post(
            "/v1/orders", json=order_body("SO-P3", [{"line_ref": "1", "sku": "SKU00001", "qty": "1"}])
        )
        assert created.json()["wms_id"] == "SO-000003"


def _busy_day(seed: int) -> list[dict]:
    config = quiet_config(
        seed=seed,
        short_pick_rate=0.3,
        mispick_rate=0.2,
        over_receipt_rate=0.3,
        short_receipt_rate=0.3,
        damaged_rate=0.3,
        return_short_rate=0.3,
        cycle_count_bins_per_day=6,
        cycle_count_variance_rate=0.5,
    )
    with WmsServer(config=config) as server, client_for(server) as api:
        for n in range(1, 13):
            api.post(
                "/v1/orders",
                json=order_body(
                    f"SO-D{n}",
                    [
                        {"line_ref": "1", "sku": f"SKU{n:05d}", "qty": "3"},
                        {"line_ref": "2", "sku": "SKU00002", "qty": "2"},
                    ],
                ),
            )
        api.post(
            "/v1/inbound-notices",
            json={
                "external_id": "ASN-D",
                "kind": "ASN",
                "supplier": {"code": "S"},
                "lines": [
                    {"line_ref": str(n), "sku": f"SKU{n:05d}", "qty_expected": "20"} for n in range(1, 13)
                ],
            },
        )
        api.post(
            "/v1/inbound-notices",
            json={
                "external_id": "RMA-D",
                "kind": "RETURN",
                "lines": [{"line_ref": "1", "sku": "SKU00006", "qty_expected": "9"}],
            },
        )
        advance(api, 30 * 60)
        return events_of(api)


def test_same_seed_same_events():
    first = _busy_day(11)
    assert len(first) > 60
    assert {e["event_type"] for e in first} == {
        "order.accepted",
        "order.status_changed",
        "shipment.confirmed",
        "receipt.confirmed",
        "return.received",
        "inventory.adjusted",
        "inventory.snapshot",
    }
    assert _busy_day(11) == first
    assert _busy_day(12) != first


def test_realtime_speed_moves_the_clock(wms, api):
    api.post("/_sim/config", json={"speed": 30})
    time.sleep(1.3)
    api.post("/_sim/config", json={"speed": 0})
    assert api.get("/_sim/state").json()["now"] == "2027-01-04T08:30:00Z"


def test_cli_serves_only_loopback():
    runner = CliRunner()
    help_text = runner.invoke(app, ["--help"]).output
    for option in ("--host", "--port", "--db", "--seed", "--api-key"):
        assert option in help_text
    refused = runner.invoke(app, ["--host", "10.1.2.3", "--port", "0"])
    assert refused.exit_code == 1
    assert "only binds loopback" in refused.output


def test_restart_after_a_busy_day_restores_everything(tmp_path):
    db = str(tmp_path / "busy.sqlite")
    config = quiet_config(
        seed=3,
        short_pick_rate=0.3,
        damaged_rate=0.3,
        over_receipt_rate=0.3,
        cycle_count_bins_per_day=5,
        cycle_count_variance_rate=0.5,
    )
    with WmsServer(db, config=config) as server, client_for(server) as api:
        for n in range(1, 9):
            policy = {
                "allow_partial": n % 2 == 0,
                "on_shortage": "BACKORDER" if n % 3 else "CANCEL_REMAINDER",
            }
            api.post(
                "/v1/orders",
                json=order_body(
                    f"SO-B{n}",
                    [{"line_ref": "1", "sku": f"SKU{n:05d}", "qty": "6"}],
                    fulfilment_policy=policy,
                ),
            )
        api.post("/v1/orders/SO-B8/cancel")
        api.post(
            "/v1/inbound-notices",
            json={
                "external_id": "ASN-B",
                "kind": "ASN",
                "supplier": {"code": "S"},
                "lines": [{"line_ref": "1", "sku": "SKU00003", "qty_expected": "4"}],
            },
        )
        api.post(
            "/v1/inbound-notices",
            json={
                "external_id": "RMA-B",
                "kind": "RETURN",
                "original_order_ref": "SO-B3",
                "expected_at": "2027-01-04T18:00:00Z",
                "lines": [{"line_ref": "1", "sku": "SKU00003", "qty_expected": "2"}],
            },
        )
        advance(api, 30 * 60)
        before = api.get("/_sim/state").json()
        shipments = [api.get(f"/v1/shipments/SHP-{n:06d}").json() for n in range(1, 4)]
        feed = events_of(api)
    assert len(before["orders"]) == 8 and len(feed) > 40
    with WmsServer(db, config=config) as server, client_for(server) as api:
        assert api.get("/_sim/state").json() == before
        assert [api.get(f"/v1/shipments/SHP-{n:06d}").json() for n in range(1, 4)] == shipments
        assert events_of(api) == feed
