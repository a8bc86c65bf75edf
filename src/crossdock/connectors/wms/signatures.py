"""Webhook signature schemes real WMSs use (wms-apis.md §5): verify before trusting a body.

- hmac-sha256-hex: header holds hex(HMAC-SHA256(secret, body)), optionally after a prefix (sha256=);
- hmac-sha256-base64: the same, base64 (ShipHero's x-shiphero-hmac-sha256);
- rsa-sha256: the header holds a base64 RSA PKCS#1 v1.5 signature of the body (Extensiv),
  checked with the WMS's public key (PEM);
- none: accepted as is (only for a WMS on a trusted network).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Literal

Scheme = Literal["hmac-sha256-hex", "hmac-sha256-base64", "rsa-sha256", "none"]


class SignatureError(ValueError):
    pass


def sign(scheme: Scheme, secret: str, body: bytes) -> str:
    """What a WMS would send (tests and the emulator use it); RSA needs a private key PEM as secret."""
    if scheme == "hmac-sha256-hex":
        return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if scheme == "hmac-sha256-base64":
        return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    if scheme == "rsa-sha256":
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding

        key = serialization.load_pem_private_key(secret.encode(), password=None)
        return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()
    return ""


def verify(
    scheme: Scheme, secret: str, body: bytes, headers: Mapping[str, str], header: str, prefix: str = ""
) -> None:
    """Raise SignatureError unless the body carries a valid signature; `headers` keys are lower-case."""
    if scheme == "none":
        return
    given = headers.get(header.lower())
    if not given:
        raise SignatureError(f"missing signature header {header}")
    if prefix:
        if not given.startswith(prefix):
            raise SignatureError(f"signature header {header} does not start with {prefix!r}")
        given = given[len(prefix) :]
    if scheme == "rsa-sha256":
        _verify_rsa(secret, body, given)
        return
    expected = sign(scheme, secret, body)
    if not hmac.compare_digest(given.strip(), expected):
        raise SignatureError("signature does not match the body")


def _verify_rsa(public_pem: str, body: bytes, signature: str) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    key = serialization.load_pem_public_key(public_pem.encode())
    try:
        key.verify(base64.b64decode(signature), body, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        raise SignatureError("RSA signature does not match the body") from None
