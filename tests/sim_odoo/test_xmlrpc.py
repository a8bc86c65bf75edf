"""XML-RPC transport and error shapes with the standard library's xmlrpc.client (all four versions)."""

from __future__ import annotations

import json
import urllib.request
import xmlrpc.client

import pytest

from .conftest import DB, Sim


def test_version_and_authenticate(sim: Sim) -> None:
    info = sim.common.version()
    assert info == {
        "server_version": sim.version,
        "server_version_info": [sim.major, 0, 0, "final", 0, ""],
        "server_serie": sim.version,
        "protocol_version": 1,
    }
    assert sim.uid == 2
    assert sim.common.login(DB, "admin", "admin") == 2
    # wrong credentials: False, never a fault
    assert sim.common.authenticate(DB, "admin", "wrong", {}) is False
    assert sim.common.authenticate(DB, "nobody", "admin", {}) is False
    # an API key replaces the password for RPC
    assert sim.common.authenticate(DB, "admin", "crossdock-sim-admin-api-key", {}) == 2


def test_db_list(sim: Sim) -> None:
    assert xmlrpc.client.ServerProxy(f"{sim.url}/xmlrpc/2/db").list() == [DB]


def test_access_denied_is_fault_3(sim: Sim) -> None:
    with pytest.raises(xmlrpc.client.Fault) as info:
        sim.object.execute_kw(DB, sim.uid, "bad-password", "res.partner", "search", [[]])
    assert (info.value.faultCode, info.value.faultString) == (3, "Access Denied")


def test_private_method_is_fault_4(sim: Sim) -> None:
    fault = sim.fault("res.partner", "_compute_display_name", [1])
    assert fault.faultCode == 4
    assert fault.faultString == "Private methods (such as _compute_display_name) cannot be called remotely."


def test_unknown_model_is_fault_2(sim: Sim) -> None:
    fault = sim.fault("no.such.model", "search", [])
    assert (fault.faultCode, fault.faultString) == (2, "Object no.such.model doesn't exist")


def test_unknown_method_is_fault_1_with_traceback(sim: Sim) -> None:
    fault = sim.fault("res.partner", "frobnicate", [1])
    assert fault.faultCode == 1
    assert fault.faultString.startswith("Traceback (most recent call last):")
    assert fault.faultString.rstrip().endswith(
        "AttributeError: type object 'res.partner' has no attribute 'frobnicate'"
    )


def test_missing_record_is_fault_2(sim: Sim) -> None:
    """Reference [U] on the exact text for 17-19: the 16.0 wording is used on every version."""
    fault = sim.fault("stock.picking", "read", [999], ["name"])
    assert fault.faultCode == 2
    assert (
        fault.faultString
        == "Record does not exist or has been deleted.\n(Record: stock.picking(999,), User: 2)"
    )


def test_invalid_field_is_fault_1(sim: Sim) -> None:
    fault = sim.fault("res.partner", "read", [1], ["no_such_field"])
    assert fault.faultCode == 1
    assert fault.faultString.rstrip().endswith(
        "ValueError: Invalid field 'no_such_field' on model 'res.partner'"
    )
    fault = sim.fault("res.partner", "search", [["nope", "=", 1]])
    assert fault.faultString.rstrip().endswith(
        "ValueError: Invalid field res.partner.nope in leaf ('nope', '=', 1)"
    )


def test_wrong_selection_value(sim: Sim) -> None:
    fault = sim.fault("res.partner", "create", {"name": "X", "type": "bogus"})
    assert fault.faultCode == 1
    assert fault.faultString.rstrip().endswith("ValueError: Wrong value for res.partner.type: 'bogus'")


def test_mandatory_field_is_validation_error(sim: Sim) -> None:
    fault = sim.fault("stock.warehouse", "create", {"name": "No code"})
    assert fault.faultCode == 2
    assert fault.faultString.startswith(
        "The operation cannot be completed:\n- Create/update: a mandatory field"
    )
    assert fault.faultString.endswith("Model: Warehouse (stock.warehouse)\nField: Short Name (code)")


def test_access_error_for_read_only_user(sim: Sim) -> None:
    uid = sim.common.authenticate(DB, "viewer", "viewer", {})
    assert uid == 3
    ids = sim.object.execute_kw(DB, uid, "viewer", "res.partner", "search", [[["id", "=", sim.customer()]]])
    assert ids == [sim.customer()]
    with pytest.raises(xmlrpc.client.Fault) as info:
        sim.object.execute_kw(DB, uid, "viewer", "res.partner", "write", [ids, {"name": "Hacked"}])
    assert info.value.faultCode == 4
    assert info.value.faultString == (
        "You are not allowed to modify 'Contact' (res.partner) records.\n\n"
        "Contact your administrator to request access if necessary."
    )


def test_create_returns_int_for_dict_and_list_for_list(sim: Sim) -> None:
    one = sim.x("res.partner", "create", {"name": "Solo"})
    many = sim.x("res.partner", "create", [{"name": "Duo A"}, {"name": "Duo B"}])
    assert isinstance(one, int)
    assert many == [one + 1, one + 2]
    assert sim.x("res.partner", "read", many, ["name"]) == [
        {"id": one + 1, "name": "Duo A"},
        {"id": one + 2, "name": "Duo B"},
    ]
    assert sim.x("res.partner", "write", [one], {"name": "Solo 2"}) is True
    assert sim.x("res.partner", "unlink", many) is True
    assert sim.x("res.partner", "search", [["id", "in", many]]) == []


def test_create_values_only_as_kwargs_is_index_error(sim: Sim) -> None:
    """Reference pitfall: api.call_kw reads args[0], so values sent only as kwargs fail."""
    fault = sim.fault("res.partner", "create", vals_list={"name": "Kw only"})
    assert fault.faultCode == 1
    assert fault.faultString.rstrip().endswith("IndexError: list index out of range")
    assert sim.x("res.partner", "search", [["name", "=", "Kw only"]]) == []


def test_none_result_faults_after_commit(sim: Sim) -> None:
    """do_unreserve returns None: Fault 1 'cannot marshal None', yet the unreservation is committed."""
    so = sim.x(
        "sale.order",
        "create",
        {
            "partner_id": sim.customer(2),
            "order_line": [[0, 0, {"product_id": sim.product("SKU00001"), "product_uom_qty": 3}]],
        },
    )
    sim.x("sale.order", "action_confirm", [so])
    pick = sim.x("sale.order", "read", [so], ["picking_ids"])[0]["picking_ids"]
    assert sim.x("stock.picking", "read", pick, ["state"])[0]["state"] == "assigned"
    fault = sim.fault("stock.picking", "do_unreserve", pick)
    assert fault.faultCode == 1
    assert fault.faultString.rstrip().endswith("TypeError: cannot marshal None unless allow_none is enabled")
    assert sim.x("stock.picking", "read", pick, ["state"])[0]["state"] == "confirmed"
    assert sim.x("stock.move.line", "search", [["picking_id", "in", pick]]) == []


def test_datetime_strings(sim: Sim) -> None:
    pid = sim.x("res.partner", "create", {"name": "Dated"})
    row = sim.x("res.partner", "read", [pid], ["create_date", "write_date"])[0]
    assert len(row["create_date"]) == 19 and row["create_date"][10] == " "
    so = sim.x("sale.order", "create", {"partner_id": pid, "commitment_date": "2026-03-01 10:00:00"})
    assert (
        sim.x("sale.order", "read", [so], ["commitment_date"])[0]["commitment_date"] == "2026-03-01 10:00:00"
    )
    if sim.major <= 18:
        # 16-18 parse with the space format only: an ISO "T" value is a ValueError (Fault 1)
        fault = sim.fault("sale.order", "write", [so], {"commitment_date": "2026-03-02T10:00:00"})
        assert fault.faultCode == 1 and "ValueError" in fault.faultString
    else:
        # 19 accepts ISO 8601 and converts aware values to naive UTC
        sim.x("sale.order", "write", [so], {"commitment_date": "2026-03-02T10:00:00+02:00"})
        assert (
            sim.x("sale.order", "read", [so], ["commitment_date"])[0]["commitment_date"]
            == "2026-03-02 08:00:00"
        )


def test_empty_values_are_false(sim: Sim) -> None:
    pid = sim.x("res.partner", "create", {"name": "Empty"})
    row = sim.x(
        "res.partner", "read", [pid], ["email", "parent_id", "child_ids", "customer_rank", "is_company"]
    )[0]
    assert row == {
        "id": pid,
        "email": False,
        "parent_id": False,
        "child_ids": [],
        "customer_rank": 0,
        "is_company": False,
    }
    raw = sim.x("res.partner", "read", [sim.customer()], ["country_id"], load="")[0]
    assert isinstance(raw["country_id"], int)


def test_control_characters_stripped(sim: Sim) -> None:
    # XML cannot carry \x07, so the name is written over JSON-RPC and read back over XML-RPC
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [DB, 2, "admin", "res.partner", "create", [{"name": "Bell\x07Name\ttab"}], {}],
        },
    }
    req = urllib.request.Request(
        f"{sim.url}/jsonrpc", data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req) as resp:
        pid = json.load(resp)["result"]
    assert sim.x("res.partner", "read", [pid], ["name"])[0]["name"] == "BellName\ttab"


def test_legacy_endpoint_string_fault_codes(sim: Sim) -> None:
    """/xmlrpc/<service> (no /2), as odoo-client-lib calls it: string faultCodes."""
    legacy = xmlrpc.client.ServerProxy(f"{sim.url}/xmlrpc/object")
    with pytest.raises(xmlrpc.client.Fault) as info:
        legacy.execute_kw(DB, sim.uid, "bad", "res.partner", "search", [[]])
    assert (info.value.faultCode, info.value.faultString) == ("AccessDenied", "Access Denied")
    with pytest.raises(xmlrpc.client.Fault) as info:
        legacy.execute_kw(DB, sim.uid, "admin", "no.model", "search", [[]])
    assert (info.value.faultCode, info.value.faultString) == (
        "warning -- UserError\n\nObject no.model doesn't exist",
        "",
    )
    with pytest.raises(xmlrpc.client.Fault) as info:
        legacy.execute_kw(DB, sim.uid, "admin", "stock.picking", "read", [[999]])
    assert info.value.faultCode.startswith("warning -- MissingError\n\nRecord does not exist")


def test_legacy_endpoint_other_faults(sim: Sim) -> None:
    legacy = xmlrpc.client.ServerProxy(f"{sim.url}/xmlrpc/object")
    with pytest.raises(xmlrpc.client.Fault) as info:
        legacy.execute_kw(DB, sim.uid, "admin", "res.partner", "_private", [[1]])
    assert info.value.faultCode == (
        "warning -- AccessError\n\nPrivate methods (such as _private) cannot be called remotely."
    )
    assert info.value.faultString == ""
    with pytest.raises(xmlrpc.client.Fault) as info:
        legacy.execute_kw(DB, sim.uid, "admin", "res.partner", "read", [[1], ["bogus"]])
    # anything else: the exception text as faultCode, the traceback as faultString
    assert info.value.faultCode == "Invalid field 'bogus' on model 'res.partner'"
    assert info.value.faultString.startswith("Traceback (most recent call last):")


def test_fault_http_status_is_200(sim: Sim) -> None:
    body = xmlrpc.client.dumps((DB, 2, "bad", "res.partner", "search", [[]]), "execute_kw").encode()
    req = urllib.request.Request(
        f"{sim.url}/xmlrpc/2/object", data=body, headers={"Content-Type": "text/xml"}
    )
    with urllib.request.urlopen(req) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/xml")
        assert b"<name>faultCode</name>" in resp.read()


def test_execute_without_kwargs(sim: Sim) -> None:
    ids = sim.object.execute(
        DB, sim.uid, "admin", "res.partner", "search", [["name", "=", "Customer 0001 SA"]]
    )
    assert ids == [sim.customer()]
