"""Webhook signature schemes, and profiles that fail loudly when they are wrong."""

from __future__ import annotations

import pytest

from crossdock.connectors.wms.profile import ProfileError, load_profile
from crossdock.connectors.wms.signatures import SignatureError, sign, verify

BODY = b'{"event_id":"e1","event_type":"shipment.confirmed"}'


@pytest.mark.parametrize("scheme", ["hmac-sha256-hex", "hmac-sha256-base64"])
def test_hmac_schemes(scheme):
    signature = sign(scheme, "s3cret", BODY)
    verify(scheme, "s3cret", BODY, {"x-sig": "sha256=" + signature}, "X-Sig", prefix="sha256=")
    with pytest.raises(SignatureError, match="does not match"):
        verify(scheme, "s3cret", BODY + b" ", {"x-sig": "sha256=" + signature}, "X-Sig", prefix="sha256=")
    with pytest.raises(SignatureError, match="does not match"):
        verify(scheme, "other", BODY, {"x-sig": "sha256=" + signature}, "X-Sig", prefix="sha256=")
    with pytest.raises(SignatureError, match="missing signature header X-Sig"):
        verify(scheme, "s3cret", BODY, {}, "X-Sig")


def test_rsa_scheme_with_the_wms_public_key():
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
    signature = sign("rsa-sha256", private, BODY)
    verify("rsa-sha256", public, BODY, {"signature": signature}, "Signature")
    with pytest.raises(SignatureError, match="RSA signature does not match"):
        verify("rsa-sha256", public, BODY.replace(b"e1", b"e2"), {"signature": signature}, "Signature")


def test_bundled_profile_loads_and_renders_an_order():
    profile = load_profile("crossdock")
    order = {
        "order_id": "SO1",
        "warehouse_code": "DC1",
        "ship_to": {"name": "Store"},
        "allocation_rule": "fefo",
        "lines": [{"line_no": "1", "sku": "A", "quantity": {"value": "2.50", "uom": "CS"}}],
    }
    from crossdock.connectors.wms.profile import facility_xrefs
    from crossdock.connectors.wms.template import Context

    context = Context(code_lists=profile.profile.code_lists, xrefs=facility_xrefs({}, {"DC1": "FAC-9"}))
    body = profile.bodies["order.released"].render(order, context)
    assert body["external_id"] == "SO1" and body["allocation_rule"] == "fefo" and body["facility"] == "FAC-9"
    assert body["carrier"] == {"code": "UPS", "service": "GROUND"}  # no carrier chosen: the profile's default
    assert body["lines"] == [{"line_ref": "1", "sku": "A", "qty": "2.5", "uom": "CS"}]


def test_profile_errors_name_file_and_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\noutbound:\n  order.released: {path: /o, body: {x: '$y | nope'}}\n")
    with pytest.raises(ProfileError, match=r"bad: outbound.order.released.body.x: unknown filter 'nope'"):
        load_profile(str(bad))
    bad.write_text("name: bad\nsignature: {scheme: md5}\n")
    with pytest.raises(ProfileError, match=r"signature.scheme: Input should be"):
        load_profile(str(bad))
    with pytest.raises(ProfileError, match=r"no WMS profile 'nonesuch' \(bundled: crossdock"):
        load_profile("nonesuch")
