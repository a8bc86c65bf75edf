"""What the PyPI clients do around login and errors, and concurrent callers."""

from __future__ import annotations

import threading
import xmlrpc.client

import odoolib
import odoorpc
import pytest
from odoolib.tools import AuthenticationError, JsonRPCException

from .conftest import DB, Sim


def test_odoorpc_session_helpers(sim: Sim) -> None:
    odoo = odoorpc.ODOO("127.0.0.1", port=sim.port)
    assert odoo.db.list() == [DB]
    odoo.login(DB, "admin", "admin")
    assert odoo.env.context == {"lang": "en_US", "tz": "UTC", "uid": 2}
    assert odoo.env.user.login == "admin"
    stock = odoo.env.ref("stock.stock_location_stock")
    assert (stock._name, stock.complete_name) == ("stock.location", "WH/Stock")
    assert odoo.env.ref("stock.picking_type_out").sequence_code == "OUT"
    with pytest.raises(odoorpc.error.RPCError) as info:
        odoo.env.ref("stock.no_such_xmlid")
    assert info.value.info["data"]["name"] == "builtins.ValueError"
    assert str(info.value) == "External ID not found in the system: stock.no_such_xmlid"
    with pytest.raises(odoorpc.error.RPCError) as info:
        odoo.execute_kw("stock.picking", "read", [[424242], ["name"]])
    assert info.value.info["data"]["name"] == "odoo.exceptions.MissingError"
    assert odoo.logout() is True
    bad = odoorpc.ODOO("127.0.0.1", port=sim.port)
    with pytest.raises(odoorpc.error.RPCError, match="Wrong login ID or password"):
        bad.login(DB, "admin", "nope")


def test_odoolib_login_failure_and_jsonrpc_errors(sim: Sim) -> None:
    wrong = odoolib.get_connection(
        hostname="127.0.0.1", port=sim.port, database=DB, login="admin", password="x"
    )
    with pytest.raises(AuthenticationError):
        wrong.check_login()
    conn = odoolib.get_connection(
        hostname="127.0.0.1", port=sim.port, protocol="jsonrpc", database=DB, login="admin", password="admin"
    )
    assert conn.get_user_context() == {"lang": "en_US", "tz": "UTC", "uid": 2}
    with pytest.raises(JsonRPCException) as info:
        conn.get_model("stock.picking").button_validate([424242])
    assert info.value.error["code"] == 200
    assert info.value.error["data"]["name"] == "odoo.exceptions.MissingError"
    legacy = odoolib.get_connection(
        hostname="127.0.0.1", port=sim.port, database=DB, login="admin", password="admin"
    )
    with pytest.raises(xmlrpc.client.Fault) as fault:
        legacy.get_model("stock.picking").button_validate([424242])
    assert fault.value.faultCode.startswith("warning -- MissingError\n\nRecord does not exist")


def test_concurrent_callers(sim: Sim) -> None:
    errors: list[BaseException] = []
    created: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        proxy = xmlrpc.client.ServerProxy(f"{sim.url}/xmlrpc/2/object")
        try:
            for i in range(10):
                rid = proxy.execute_kw(DB, 2, "admin", "res.partner", "create", [{"name": f"Conc {n}-{i}"}])
                with lock:
                    created.append(rid)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(created)) == 80
    assert sim.x("res.partner", "search_count", [["name", "=like", "Conc %"]]) == 80


def test_odoorpc_record_assignment_writes(sim: Sim) -> None:
    odoo = odoorpc.ODOO("127.0.0.1", port=sim.port)
    odoo.login(DB, "admin", "admin")
    partner = odoo.env["res.partner"].browse(sim.customer(3))
    partner.ref = "HUB-42"
    carrier = odoo.env["delivery.carrier"].search([("name", "=", "DHL Express")])
    so = odoo.env["sale.order"].browse(
        odoo.env["sale.order"].create({"partner_id": partner.id, "client_order_ref": "PO-1"})
    )
    so.carrier_id = odoo.env["delivery.carrier"].browse(carrier[0])
    so.client_order_ref = "PO-2"
    row = sim.x("sale.order", "read", [so.id], ["carrier_id", "client_order_ref"])[0]
    assert row == {"id": so.id, "carrier_id": [carrier[0], "DHL Express"], "client_order_ref": "PO-2"}
    assert sim.x("res.partner", "read", [partner.id], ["ref"])[0]["ref"] == "HUB-42"
