"""Two warehouses shaped like real products, connected by a profile each, not by code.

Webhooks are signed as those products sign them and posted to crossdock's real webhook endpoint;
what comes out is the same canonical document whichever WMS sent it.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from crossdock.connectors.wms.profile import BUNDLED, facility_xrefs, load_profile
from crossdock.connectors.wms.signatures import sign
from crossdock.connectors.wms.source import WmsSource, WmsSourceOptions
from crossdock.connectors.wms.template import Context
from crossdock.model import ShipmentConfirmation, parse_document

FIXTURES = Path(__file__).with_name("fixtures")
ORDER = {
    "order_id": "SO7",
    "customer": {"code": "C1"},
    "warehouse_code": "OH",
    "customer_po": "PO-55",
    "ship_to": {
        "name": "Store 7",
        "street": "1 Main St",
        "city": "Columbus",
        "state": "OH",
        "zip": "43004",
        "country": "US",
    },
    "service_level": "ground",
    "lines": [
        {"line_no": "1", "sku": "CASE-12", "quantity": {"value": "2", "uom": "CS"}},
        {"line_no": "2", "sku": "LOTTED", "quantity": {"value": "3", "uom": "EA"}},
    ],
}


@pytest.fixture(scope="module")
def rsa_keys() -> tuple[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def test_extensiv_like_order_carries_the_line_reference_and_the_3pl_account():
    profile = load_profile("extensiv-like")
    context = Context(code_lists=profile.profile.code_lists, xrefs=facility_xrefs({}, {"OH": "EXT-OH"}))
    body = profile.bodies["order.released"].render({**ORDER, "_account": "Distributor Inc"}, context)
    assert body["customerIdentifier"] == {"name": "Distributor Inc"}
    assert body["facilityIdentifier"] == {"name": "EXT-OH"} and body["referenceNum"] == "SO7"
    assert body["orderItems"][0] == {
        "itemIdentifier": {"sku": "CASE-12"},
        "qty": "2",
        "savedElements": [{"name": "lineRef", "value": "1"}],
    }
    assert body["routingInfo"] == {"carrier": "UPS Ground", "mode": "GROUND"}


def test_shiphero_like_order_is_a_graphql_mutation_in_eaches():
    profile = load_profile("shiphero-like")
    body = profile.bodies["order.released"].render(ORDER, Context(code_lists=profile.profile.code_lists))
    assert body["query"].startswith("mutation ($data: CreateOrderInput!) { order_create(data: $data)")
    data = body["variables"]["data"]
    assert data["partner_order_id"] == "SO7" and data["allow_split"] is True
    assert data["line_items"][1] == {
        "sku": "LOTTED",
        "partner_line_item_id": "2",
        "quantity": 3,
        "product_name": "LOTTED",
    }


async def post_webhook(source: WmsSource, body: bytes, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(source.webhook_url, content=body, headers=headers)


async def test_extensiv_like_confirmation_arrives_signed_and_becomes_a_shipment(rsa_keys):
    private, public = rsa_keys
    source = WmsSource(
        "ext",
        "wms-ext",
        WmsSourceOptions(
            url="http://127.0.0.1:9",
            api_key="k",
            profile="extensiv-like",
            webhook_port=0,
            webhook_secret=public,
            facilities={"OH": "EXT-OH"},
        ),
    )
    await source.poll(10)  # starts the webhook endpoint
    body = (FIXTURES / "extensiv_order_confirm.json").read_bytes()
    answer = await post_webhook(
        source, body, {"Signature": sign("rsa-sha256", private, body), "Content-Type": "application/json"}
    )
    assert answer.status_code == 200
    [incoming] = await source.poll(10)
    event = incoming.body
    assert (event["id"], event["type"], event["subject"]) == (
        "8f1d2c55-0b7e-4c4e-9a51-1a2b3c4d5e6f",
        "shipment.confirmed",
        "wms:SO7",
    )
    shipment = ShipmentConfirmation.model_validate(event["data"])
    assert shipment.warehouse_code == "OH" and shipment.final is True
    assert [(line.line_no, line.sku, str(line.shipped_quantity)) for line in shipment.lines] == [
        ("1", "CASE-12", "2 CS"),
        ("2", "LOTTED", "1 CS"),
    ]
    assert shipment.lines[1].lots[0].expiry.isoformat() == "2027-08-31T00:00:00+00:00"
    assert (
        shipment.packages[0].sscc == "000123456789012345" and str(shipment.packages[0].weight.value) == "14.5"
    )
    # Tampered in transit: refused with 401, and kept for the ledger as a rejected message.
    forged = body.replace(b'"qty": 2', b'"qty": 20')
    answer = await post_webhook(source, forged, {"Signature": sign("rsa-sha256", private, body)})
    assert answer.status_code == 401
    [refused] = await source.poll(10)
    assert (
        refused.meta["rejection"][0] == "signature"
        and "RSA signature does not match" in refused.meta["rejection"][1]
    )
    await source.close()


async def test_shiphero_like_split_shipment_with_lots_and_its_ack():
    source = WmsSource(
        "sh",
        "wms-sh",
        WmsSourceOptions(
            url="http://127.0.0.1:9",
            api_key="k",
            profile="shiphero-like",
            webhook_port=0,
            webhook_secret="whsec",
            facilities={"OH": "Primary"},
        ),
    )
    await source.poll(10)
    body = (FIXTURES / "shiphero_shipment_update.json").read_bytes()
    headers = {
        "x-shiphero-hmac-sha256": sign("hmac-sha256-base64", "whsec", body),
        "X-Shiphero-Message-ID": "msg-123",
    }
    answer = await post_webhook(source, body, headers)
    assert answer.status_code == 200 and answer.json() == {"code": "200", "Status": "Success"}
    await post_webhook(source, body, headers)  # ShipHero retries: the same message id comes twice
    first, second = await source.poll(10)
    assert (
        first.body["id"] == second.body["id"] == "msg-123"
    )  # the inbox keeps one, records the other as duplicate
    shipment = parse_document("shipment.confirmed", first.body["data"])
    assert (
        shipment.final is False and shipment.carrier == "usps" and shipment.service_level == "Priority Mail"
    )
    assert shipment.shipped_at.isoformat() == "2026-11-27T16:20:00+00:00"
    [line] = shipment.lines
    assert (line.line_no, line.sku, str(line.shipped_quantity), line.lots[0].lot) == (
        "2",
        "LOTTED",
        "3 EA",
        "L-88",
    )
    assert shipment.warehouse_code == "OH"
    await source.close()


def test_profiles_are_data(tmp_path):
    """A third WMS is a copy of a profile with other names: no code."""
    text = (BUNDLED / "shiphero-like.yaml").read_text()
    custom = tmp_path / "other-wms.yaml"
    custom.write_text(
        text.replace("name: shiphero-like", "name: other-wms").replace("partner_order_id", "client_ref")
    )
    profile = load_profile(str(custom))
    body = profile.bodies["order.released"].render(ORDER, Context(code_lists=profile.profile.code_lists))
    assert profile.profile.name == "other-wms" and body["variables"]["data"]["client_ref"] == "SO7"
    assert "partner_order_id" not in json.dumps(body)  # the new WMS's field names only
