"""base.automation webhooks (17.0+): payload shape, filter, per-version delivery timing."""

from __future__ import annotations

import json
import threading
import xmlrpc.client
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .conftest import Sim
from .flows import new_product, sell, set_processed, validate


class Receiver:
    def __init__(self) -> None:
        self.calls: list[tuple[dict, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.calls.append(({"Content-Type": self.headers["Content-Type"]}, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def payloads(self) -> list[dict]:
        return [json.loads(body) for _, body in self.calls]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    yield rec
    rec.httpd.shutdown()
    rec.httpd.server_close()


def _field_ids(sim: Sim, model: str, names: list[str]) -> list[int]:
    return sim.x("ir.model.fields", "search", [["model", "=", model], ["name", "in", names]])


def _automation(
    sim: Sim,
    receiver: Receiver,
    model: str,
    trigger: str,
    fields: list[str],
    filter_domain: str | None = None,
) -> int:
    model_id = sim.x("ir.model", "search", [["model", "=", model]])[0]
    action = sim.x(
        "ir.actions.server",
        "create",
        {
            "name": "Notify hub",
            "model_id": model_id,
            "state": "webhook",
            "webhook_url": receiver.url,
            "webhook_field_ids": [[6, 0, _field_ids(sim, model, fields)]],
            "usage": "base_automation",
        },
    )
    vals = {
        "name": f"Hub {model}",
        "model_id": model_id,
        "trigger": trigger,
        "action_server_ids": [[6, 0, [action]]],
    }
    if filter_domain:
        vals["filter_domain"] = filter_domain
    sim.x("base.automation", "create", vals)
    return action


def test_webhook_on_validated_picking(sim: Sim, receiver: Receiver) -> None:
    if sim.major == 16:
        fault = sim.fault("ir.actions.server", "create", {"name": "x", "model_id": 1, "state": "webhook"})
        assert (
            fault.faultCode == 1 and "Wrong value for ir.actions.server.state: 'webhook'" in fault.faultString
        )
        return
    receiver.calls.clear()
    action = _automation(
        sim,
        receiver,
        "stock.picking",
        "on_create_or_write",
        ["name", "state", "partner_id", "date_done", "move_ids"],
        "[('state', '=', 'done')]",
    )
    product = new_product(sim, f"WH-{sim.major}", qty=5)
    _, pick = sell(sim, [(product, 2)])
    assert receiver.calls == []  # filter: only done pickings
    set_processed(sim, sim.x("stock.move", "search", [["picking_id", "=", pick]])[0], 2)
    assert validate(sim, pick) is True
    assert len(receiver.calls) == 1  # one POST per record and rule in the transaction
    headers, body = receiver.calls[0]
    assert headers["Content-Type"] == "application/json"
    payload = json.loads(body)
    assert list(payload) == sorted(payload)  # keys sorted
    row = sim.x("stock.picking", "read", [pick], ["name", "partner_id", "date_done", "move_ids"], load="")[0]
    assert payload == {
        "_action": f"Notify hub(#{action})",
        "_id": pick,
        "_model": "stock.picking",
        "name": row["name"],
        "state": "done",
        "partner_id": row["partner_id"],
        "date_done": row["date_done"],
        "move_ids": row["move_ids"],
    }
    sim.x("base.automation", "write", sim.x("base.automation", "search", []), {"active": False})


def test_webhook_timing_on_rollback(sim: Sim, receiver: Receiver) -> None:
    """17.0 posts synchronously inside the transaction [V]; 19.0 after commit [V]. Which release switched is
    not in the reference: chosen 18.0 = 17.0 behaviour (synchronous, sent even when the call rolls back)."""
    if sim.major == 16:
        assert "webhook_url" not in sim.x("ir.actions.server", "fields_get", [], ["type"])
        return
    receiver.calls.clear()
    _automation(sim, receiver, "res.partner", "on_create", ["name", "email"])
    with pytest.raises(xmlrpc.client.Fault):
        sim.x(
            "res.partner",
            "create",
            [{"name": "Hook A", "email": "a@x.example"}, {"name": "B", "type": "bad"}],
        )
    assert sim.x("res.partner", "search", [["name", "=", "Hook A"]]) == []
    sent_before_rollback = [p["name"] for p in receiver.payloads()]
    assert sent_before_rollback == ([] if sim.major >= 19 else ["Hook A"])
    receiver.calls.clear()
    new = sim.x("res.partner", "create", {"name": "Hook C", "email": "c@x.example"})
    assert receiver.payloads() == [
        {
            "_action": receiver.payloads()[0]["_action"],
            "_id": new,
            "_model": "res.partner",
            "email": "c@x.example",
            "name": "Hook C",
        }
    ]
    sim.x("base.automation", "write", sim.x("base.automation", "search", []), {"active": False})


def test_on_state_set_trigger(sim: Sim, receiver: Receiver) -> None:
    if sim.major == 16:
        triggers = sim.x("base.automation", "fields_get", ["trigger"], ["selection"])["trigger"]["selection"]
        assert "on_state_set" not in [key for key, _ in triggers]
        return
    receiver.calls.clear()
    state_field = _field_ids(sim, "stock.picking", ["state"])[0]
    done = sim.one("ir.model.fields.selection", [["field_id", "=", state_field], ["value", "=", "done"]])
    model_id = sim.one("ir.model", [["model", "=", "stock.picking"]])
    action = sim.x(
        "ir.actions.server",
        "create",
        {
            "name": "Shipped",
            "model_id": model_id,
            "state": "webhook",
            "webhook_url": receiver.url,
            "webhook_field_ids": [[6, 0, _field_ids(sim, "stock.picking", ["carrier_tracking_ref"])]],
        },
    )
    sim.x(
        "base.automation",
        "create",
        {
            "name": "On done",
            "model_id": model_id,
            "trigger": "on_state_set",
            "trg_selection_field_id": done,
            "trigger_field_ids": [[6, 0, [state_field]]],
            "action_server_ids": [[6, 0, [action]]],
        },
    )
    product = new_product(sim, f"SS-{sim.major}", qty=3)
    _, pick = sell(sim, [(product, 1)])
    sim.x("stock.picking", "write", [pick], {"carrier_tracking_ref": "TRK-1"})
    assert receiver.calls == []
    set_processed(sim, sim.x("stock.move", "search", [["picking_id", "=", pick]])[0], 1)
    validate(sim, pick)
    assert receiver.payloads() == [
        {
            "_action": f"Shipped(#{action})",
            "_id": pick,
            "_model": "stock.picking",
            "carrier_tracking_ref": "TRK-1",
        }
    ]
    sim.x("base.automation", "write", sim.x("base.automation", "search", []), {"active": False})
