"""JSON-2 (/json/2/<model>/<method>): 19.0 only; absent from 16.0-18.0."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import odoolib
import pytest

from .conftest import API_KEY, Sim, start_sim

HEADERS = {"Authorization": f"bearer {API_KEY}", "X-Odoo-Database": "crossdock", "User-Agent": "tests"}


@pytest.fixture(scope="module")
def sim19() -> Iterator[Sim]:
    srv = start_sim("19.0")
    yield Sim(srv)
    srv.stop()


def call(sim: Sim, model: str, method: str, body: Any, headers: dict | None = None) -> httpx.Response:
    return httpx.post(f"{sim.url}/json/2/{model}/{method}", json=body, headers=headers or HEADERS)


def test_search_read_and_create(sim19: Sim) -> None:
    resp = call(
        sim19,
        "res.partner",
        "search_read",
        {"domain": [["name", "=", "Customer 0001 SA"]], "fields": ["name", "parent_id"]},
    )
    assert resp.status_code == 200
    assert resp.json() == [{"id": sim19.customer(), "name": "Customer 0001 SA", "parent_id": False}]
    created = call(sim19, "res.partner", "create", {"vals_list": {"name": "Json Two"}})
    assert created.status_code == 200
    new_id = created.json()
    assert isinstance(new_id, list) and len(new_id) == 1  # a recordset: always a list, even for one dict
    assert (
        call(sim19, "res.partner", "write", {"ids": new_id, "vals": {"email": "j2@x.example"}}).json() is True
    )
    assert call(sim19, "res.partner", "read", {"ids": new_id, "fields": ["email"]}).json() == [
        {"id": new_id[0], "email": "j2@x.example"}
    ]
    assert call(sim19, "res.users", "context_get", {}).json() == {"lang": "en_US", "tz": "UTC", "uid": 2}


def test_auth_errors(sim19: Sim) -> None:
    resp = call(sim19, "res.partner", "search", {"domain": []}, {"Authorization": "bearer wrong"})
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"] == "bearer"
    assert resp.json()["message"] == "Invalid apikey"
    assert call(sim19, "res.partner", "search", {"domain": []}, {"User-Agent": "no-auth"}).status_code == 401
    upper = dict(HEADERS, Authorization=f"Bearer {API_KEY}")
    assert call(sim19, "res.partner", "search_count", {"domain": [["id", "=", 1]]}, upper).json() == 1


def test_status_codes(sim19: Sim) -> None:
    unknown_model = call(sim19, "no.model", "search", {"domain": []})
    assert unknown_model.status_code == 404
    assert unknown_model.json()["name"] == "werkzeug.exceptions.NotFound"
    assert call(sim19, "res.partner", "frobnicate", {}).status_code == 404
    assert call(sim19, "res.partner", "_private", {}).status_code == 404
    ids_on_model = call(sim19, "res.partner", "search", {"ids": [1], "domain": []})
    assert ids_on_model.status_code == 422
    assert ids_on_model.json()["message"] == "cannot call res.partner.search with ids"
    bad_arg = call(sim19, "res.partner", "search", {"domian": []})
    assert bad_arg.status_code == 422
    # the controller binds the body to the Python signature; the TypeError text is the message
    assert bad_arg.json()["message"] == "missing a required argument: 'domain'"
    missing = call(sim19, "stock.picking", "read", {"ids": [999], "fields": ["name"]})
    assert missing.status_code == 404
    body = missing.json()
    assert set(body) == {"name", "message", "arguments", "context", "debug"}
    assert body["name"] == "odoo.exceptions.MissingError"
    user_error = call(sim19, "stock.picking", "action_assign", {"ids": []})
    assert (user_error.status_code, user_error.json()["name"]) == (422, "odoo.exceptions.UserError")
    assert user_error.json()["message"] == "Nothing to check the availability for."
    assert httpx.get(f"{sim19.url}/json/2/res.partner/search", headers=HEADERS).status_code == 405
    assert httpx.post(f"{sim19.url}/json/2", json={}, headers=HEADERS).status_code == 404
    wrong_type = httpx.post(
        f"{sim19.url}/json/2/res.partner/search",
        content=b"{}",
        headers=dict(HEADERS, **{"Content-Type": "text/plain"}),
    )
    assert wrong_type.status_code == 415


def test_access_error_and_server_error(sim19: Sim) -> None:
    viewer = dict(HEADERS, Authorization="bearer crossdock-sim-viewer-api-key")
    assert call(sim19, "res.partner", "search_count", {"domain": [["id", "=", 1]]}, viewer).json() == 1
    denied = call(sim19, "res.partner", "write", {"ids": [1], "vals": {"name": "x"}}, viewer)
    assert denied.status_code == 403
    assert (denied.json()["name"], denied.json()["message"]) == (
        "odoo.exceptions.AccessError",
        "You are not allowed to modify 'Contact' (res.partner) records.\n\n"
        "Contact your administrator to request access if necessary.",
    )
    crash = call(sim19, "res.partner", "read", {"ids": [1], "fields": ["no_such_field"]})
    assert crash.status_code == 500
    assert crash.json()["name"] == "builtins.ValueError"
    assert crash.json()["debug"].startswith("Traceback (most recent call last):")


def test_none_is_null(sim19: Sim) -> None:
    so = call(
        sim19,
        "sale.order",
        "create",
        {
            "vals_list": [
                {
                    "partner_id": sim19.customer(),
                    "order_line": [[0, 0, {"product_id": sim19.product("SKU00001"), "product_uom_qty": 2}]],
                }
            ]
        },
    ).json()
    assert call(sim19, "sale.order", "action_confirm", {"ids": so}).json() is True
    pick = call(sim19, "sale.order", "read", {"ids": so, "fields": ["picking_ids"]}).json()[0]["picking_ids"]
    resp = call(sim19, "stock.picking", "do_unreserve", {"ids": pick})
    assert (resp.status_code, resp.text) == (200, "null")


def test_odoolib_json2_client(sim19: Sim) -> None:
    conn = odoolib.get_connection(
        hostname="127.0.0.1", port=sim19.port, protocol="json2", database="crossdock", password=API_KEY
    )
    partners = conn.get_model("res.partner")
    # positional arguments go through /doc-bearer/<model>.json introspection
    assert partners.search_read([["name", "=", "Customer 0002 SA"]], ["name"]) == [
        {"id": sim19.customer(2), "name": "Customer 0002 SA"}
    ]
    assert partners.read([sim19.customer(2)], ["name"]) == {
        "id": sim19.customer(2),
        "name": "Customer 0002 SA",
    }
    assert conn.check_login() is True


@pytest.mark.parametrize("version", ["16.0", "17.0", "18.0"])
def test_no_json2_before_19(version: str) -> None:
    srv = start_sim(version, skus=6)
    try:
        resp = httpx.post(f"{srv.url}/json/2/res.partner/search", json={"domain": []}, headers=HEADERS)
        assert resp.status_code == 404
    finally:
        srv.stop()
