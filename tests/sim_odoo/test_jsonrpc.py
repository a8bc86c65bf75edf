"""JSON-RPC (/jsonrpc) and the web session routes, spoken with plain HTTP (httpx)."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import DB, Sim


def rpc(sim: Sim, path: str, params: Any, client: httpx.Client | None = None, **kw: Any) -> httpx.Response:
    body = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 7}
    return (client or httpx).post(f"{sim.url}{path}", json=body, **kw)


def execute_kw(
    sim: Sim, model: str, method: str, args: list, kwargs: dict | None = None, password: str = "admin"
) -> dict:
    params = {
        "service": "object",
        "method": "execute_kw",
        "args": [DB, 2, password, model, method, args, kwargs or {}],
    }
    return rpc(sim, "/jsonrpc", params).json()


def test_common_and_success_envelope(sim: Sim) -> None:
    resp = rpc(sim, "/jsonrpc", {"service": "common", "method": "version", "args": []})
    assert resp.status_code == 200
    assert resp.json() == {"jsonrpc": "2.0", "id": 7, "result": sim.db.p.version()}
    assert (
        rpc(
            sim,
            "/jsonrpc",
            {"service": "common", "method": "authenticate", "args": [DB, "admin", "nope", {}]},
        ).json()["result"]
        is False
    )
    found = execute_kw(sim, "res.partner", "search", [[["name", "=", "Customer 0001 SA"]]])
    assert found == {"jsonrpc": "2.0", "id": 7, "result": [sim.customer()]}


def test_error_object(sim: Sim) -> None:
    body = execute_kw(sim, "stock.picking", "read", [[999]])
    assert set(body) == {"jsonrpc", "id", "error"}
    err = body["error"]
    assert (err["code"], err["message"]) == (200, "Odoo Server Error")
    assert err["data"]["name"] == "odoo.exceptions.MissingError"
    assert err["data"]["message"] == (
        "Record does not exist or has been deleted.\n(Record: stock.picking(999,), User: 2)"
    )
    assert err["data"]["arguments"] == [err["data"]["message"]]
    assert err["data"]["context"] == {}
    assert err["data"]["debug"].startswith("Traceback (most recent call last):")


def test_error_names(sim: Sim) -> None:
    denied = execute_kw(sim, "res.partner", "search", [[]], password="bad")["error"]["data"]
    assert (denied["name"], denied["message"], denied["debug"]) == (
        "odoo.exceptions.AccessDenied",
        "Access Denied",
        "",
    )
    private = execute_kw(sim, "res.partner", "_private", [[1]])["error"]["data"]
    assert private["name"] == "odoo.exceptions.AccessError"
    user = execute_kw(sim, "nope.model", "search", [[]])["error"]["data"]
    assert (user["name"], user["message"]) == ("odoo.exceptions.UserError", "Object nope.model doesn't exist")
    value = execute_kw(sim, "res.partner", "read", [[1], ["bogus"]])["error"]["data"]
    assert value["name"] == "builtins.ValueError"


def test_none_result_omits_result_key(sim: Sim) -> None:
    so = execute_kw(
        sim,
        "sale.order",
        "create",
        [
            {
                "partner_id": sim.customer(3),
                "order_line": [[0, 0, {"product_id": sim.product("SKU00001"), "product_uom_qty": 1}]],
            }
        ],
    )["result"]
    execute_kw(sim, "sale.order", "action_confirm", [[so]])
    pick = execute_kw(sim, "sale.order", "read", [[so], ["picking_ids"]])["result"][0]["picking_ids"]
    assert execute_kw(sim, "stock.picking", "do_unreserve", [pick]) == {"jsonrpc": "2.0", "id": 7}


def test_content_type_and_bad_bodies(sim: Sim) -> None:
    resp = httpx.post(f"{sim.url}/jsonrpc", content=b"{}", headers={"Content-Type": "text/plain"})
    assert resp.status_code == (400 if sim.major == 16 else 415)
    assert resp.text == "Request inferred type is compatible with ['http'] but '/jsonrpc' is type='json'"
    ok_type = httpx.post(
        f"{sim.url}/jsonrpc",
        content=b'{"params": {"service": "db", "method": "list"}}',
        headers={"Content-Type": "application/json-rpc"},
    )
    assert ok_type.json()["result"] == [DB]
    bad = httpx.post(f"{sim.url}/jsonrpc", content=b"{not json", headers={"Content-Type": "application/json"})
    assert (bad.status_code, bad.text) == (400, "Invalid JSON data")
    arr = httpx.post(f"{sim.url}/jsonrpc", content=b"[1, 2]", headers={"Content-Type": "application/json"})
    assert (arr.status_code, arr.text) == (400, "Invalid JSON-RPC data")


def test_session_authenticate_and_call_kw(sim: Sim) -> None:
    """Interactive login: API keys are refused here (reference [U]: chosen to refuse them, like 2FA users)."""
    with httpx.Client() as client:
        info = rpc(
            sim, "/web/session/authenticate", {"db": DB, "login": "admin", "password": "admin"}, client
        )
        assert info.status_code == 200
        assert "session_id" in info.cookies
        result = info.json()["result"]
        assert (result["uid"], result["db"], result["username"], result["server_version"]) == (
            2,
            DB,
            "admin",
            sim.version,
        )
        found = rpc(
            sim,
            "/web/dataset/call_kw/res.partner/search_read",
            {
                "model": "res.partner",
                "method": "search_read",
                "args": [[["name", "=", "Customer 0001 SA"]]],
                "kwargs": {"fields": ["name", "is_company"], "context": {"lang": "en_US"}},
            },
            client,
        )
        assert found.json()["result"] == [
            {"id": sim.customer(), "name": "Customer 0001 SA", "is_company": True}
        ]
    expired = rpc(
        sim, "/web/dataset/call_kw", {"model": "res.partner", "method": "search", "args": [[]], "kwargs": {}}
    )
    err = expired.json()["error"]
    assert (err["code"], err["message"], err["data"]["name"]) == (
        100,
        "Odoo Session Expired",
        "odoo.http.SessionExpiredException",
    )
    bad = rpc(sim, "/web/session/authenticate", {"db": DB, "login": "admin", "password": "x"}).json()
    assert bad["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    api_key = rpc(
        sim,
        "/web/session/authenticate",
        {"db": DB, "login": "admin", "password": "crossdock-sim-admin-api-key"},
    ).json()
    assert api_key["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    wrong_db = rpc(
        sim, "/web/session/authenticate", {"db": "other", "login": "admin", "password": "admin"}
    ).json()
    assert (wrong_db["error"]["data"]["name"], wrong_db["error"]["data"]["message"]) == (
        "odoo.exceptions.AccessError",
        "Database not found.",
    )


def test_unknown_json_route_is_404_error(sim: Sim) -> None:
    err = rpc(sim, "/web/session/nowhere", {}).json()["error"]
    assert (err["code"], err["message"], err["data"]["name"]) == (
        404,
        "404: Not Found",
        "werkzeug.exceptions.NotFound",
    )
    assert httpx.post(f"{sim.url}/no/such/page", json={}).status_code == 404


def test_version_info_route(sim: Sim) -> None:
    assert rpc(sim, "/web/webclient/version_info", {}).json()["result"]["server_serie"] == sim.version
    web_version = httpx.get(f"{sim.url}/web/version")
    if sim.major >= 19:
        assert web_version.json() == {"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}
    else:
        assert web_version.status_code == 404
