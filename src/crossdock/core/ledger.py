"""The ledger: every message's life as append-only state transitions.

Rows are only ever inserted. Each names the state entered, the system concerned, who acted
(the runtime, a connector or a person), and any error or detail. It answers "when was SO0042
sent, received, accepted, rejected, corrected?" and feeds the status counts and KPIs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, or_, select

from .. import secrets
from .tables import ledger


class State(StrEnum):
    RECEIVED = "received"
    DUPLICATE = "duplicate"
    VALIDATED = "validated"
    REJECTED = "rejected"
    TRANSFORMED = "transformed"
    QUEUED = "queued"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    ACKNOWLEDGED = "acknowledged"
    FAILED = "failed"
    RETRY_SCHEDULED = "retry_scheduled"
    DEAD_LETTERED = "dead_lettered"
    CORRECTED = "corrected"
    REPLAYED = "replayed"


RUNTIME = "runtime"


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything crossdock stores is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def entry(
    state: State,
    system: str,
    at: datetime,
    *,
    message_id: int | None = None,
    outbox_id: int | None = None,
    business_key: str | None = None,
    correlation_id: str | None = None,
    subject: str | None = None,
    payload_version: int | None = None,
    actor: str = RUNTIME,
    detail: dict[str, Any] | str | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    """One ledger row, with secrets masked in whatever text it carries."""
    if isinstance(detail, dict):
        detail = json.dumps(detail, default=str, sort_keys=True)
    return {
        "at": at,
        "state": state.value,
        "system": system,
        "message_id": message_id,
        "outbox_id": outbox_id,
        "business_key": business_key,
        "correlation_id": correlation_id,
        "subject": subject,
        "payload_version": payload_version,
        "actor": actor,
        "detail": secrets.redact(detail),
        "error": secrets.redact(error),
    }


def append(conn: Connection, rows: Iterable[dict[str, Any]]) -> None:
    rows = list(rows)
    if rows:
        conn.execute(ledger.insert(), rows)


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    at: datetime
    state: str
    system: str
    message_id: int | None
    outbox_id: int | None
    business_key: str | None
    correlation_id: str | None
    subject: str | None
    payload_version: int | None
    actor: str
    detail: str | None
    error: str | None


def _entries(conn: Connection, query) -> list[LedgerEntry]:
    out = []
    for row in conn.execute(query).mappings():
        values = dict(row)
        values["at"] = as_utc(values["at"])
        out.append(LedgerEntry(**values))
    return out


def query(
    conn: Connection,
    *,
    business_key: str | None = None,
    correlation_id: str | None = None,
    system: str | None = None,
    state: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 1000,
) -> list[LedgerEntry]:
    q = select(ledger)
    if business_key is not None:
        q = q.where(ledger.c.business_key == business_key)
    if correlation_id is not None:
        q = q.where(ledger.c.correlation_id == correlation_id)
    if system is not None:
        q = q.where(ledger.c.system == system)
    if state is not None:
        q = q.where(ledger.c.state == state)
    if since is not None:
        q = q.where(ledger.c.at >= since)
    if until is not None:
        q = q.where(ledger.c.at < until)
    return _entries(conn, q.order_by(ledger.c.id).limit(limit))


def trace(conn: Connection, key: str, limit: int = 5000) -> list[LedgerEntry]:
    """The life of one document: by business key, correlation id or subject, oldest first."""
    q = (
        select(ledger)
        .where(or_(ledger.c.business_key == key, ledger.c.correlation_id == key, ledger.c.subject == key))
        .order_by(ledger.c.id)
        .limit(limit)
    )
    return _entries(conn, q)
