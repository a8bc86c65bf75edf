"""Turning raw input into a trusted message, or a precise reason why not.

The same checks run on first receipt and on replay after a correction, so a corrected
payload passes exactly the gate a fresh one would.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..governance import OwnershipMatrix
from ..model import CloudEvent, Document
from ..model.catalog import EVENT_TYPES


class Rejection(ValueError):
    """The input cannot be accepted; `reason` says why in words a person can act on."""

    def __init__(self, reason: str, kind: str):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


@dataclass(frozen=True)
class Accepted:
    event: CloudEvent
    document: Document
    subject: str


def _pydantic_reason(exc: ValidationError, prefix: str) -> str:
    parts = []
    for error in exc.errors()[:10]:
        where = ".".join(str(p) for p in error["loc"]) or "(root)"
        parts.append(f"{prefix}{where}: {error['msg']}")
    more = len(exc.errors()) - 10
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def parse_body(body: str | bytes | dict[str, Any], max_bytes: int) -> dict[str, Any]:
    if isinstance(body, dict):
        size = len(json.dumps(body, default=str))
        raw: dict[str, Any] | None = body
    else:
        size = len(body.encode() if isinstance(body, str) else body)
        raw = None
    if size > max_bytes:
        raise Rejection(f"message is {size} bytes, over the limit of {max_bytes}", "oversized")
    if raw is None:
        try:
            raw = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise Rejection(f"not valid JSON: {exc}", "malformed") from None
    if not isinstance(raw, dict):
        raise Rejection(
            f"a message must be a JSON object (a CloudEvent), not {type(raw).__name__}", "malformed"
        )
    return raw


def parse_event(raw: dict[str, Any]) -> CloudEvent:
    try:
        return CloudEvent.model_validate(raw)
    except ValidationError as exc:
        raise Rejection(f"invalid CloudEvents envelope: {_pydantic_reason(exc, '')}", "envelope") from None


def check_event(event: CloudEvent, system: str, role: str | None, ownership: OwnershipMatrix) -> Accepted:
    document_class = EVENT_TYPES.get(event.type)
    if document_class is None:
        raise Rejection(f"unknown event type {event.type!r}", "unknown_type")
    try:
        document = document_class.model_validate(event.data)
    except ValidationError as exc:
        raise Rejection(
            f"{document_class.__name__} is invalid: {_pydantic_reason(exc, 'data.')}", "invalid_document"
        ) from None
    violations = ownership.violations(document_class.__name__, event.data, system, role)
    if violations:
        raise Rejection("; ".join(violations), "ownership")
    subject = event.subject or f"{document_class.document_type}:{document.business_key()}"
    return Accepted(event=event, document=document, subject=subject)


def raw_key(system: str, body: str | bytes | dict[str, Any]) -> str:
    """De-duplication key for input too broken to carry its own id: the hash of its bytes."""
    if isinstance(body, dict):
        data = json.dumps(body, sort_keys=True, default=str).encode()
    else:
        data = body.encode() if isinstance(body, str) else body
    return f"raw:{system}:{hashlib.sha256(data).hexdigest()}"
