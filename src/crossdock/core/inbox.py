"""The inbox: every input becomes a durable message row, exactly once per idempotency key.

Accepted inputs are queued for their flow; rejected ones are kept whole (raw text included)
with the reason, so they can be corrected and replayed; a repeat of a known key is recorded as
a duplicate and has no further effect. All of it commits in one transaction per batch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..config import Config
from ..connectors.base import Incoming
from ..governance import OwnershipMatrix
from . import ledger
from .ledger import State
from .sql import insert_ignoring_conflicts
from .store import Store
from .tables import messages
from .validation import Accepted, Rejection, check_event, parse_body, parse_event, raw_key

QUEUED, PROCESSED, REJECTED, DEAD_LETTERED = "queued", "processed", "rejected", "dead_lettered"


@dataclass
class IngestReport:
    accepted: list[tuple[int, str]] = field(default_factory=list)  # (message id, subject)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (message id, reason)
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # (existing id, key)


def _text(body: str | bytes | dict[str, Any]) -> str:
    if isinstance(body, dict):
        return json.dumps(body, default=str)
    return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body


def _guess_key(raw: dict[str, Any] | None) -> str | None:
    """Best effort business key for a rejected message, so `trace SO0042` finds it too."""
    data = (raw or {}).get("data")
    if isinstance(data, dict):
        for name in (
            "order_id",
            "shipment_id",
            "receipt_id",
            "rma_id",
            "sku",
            "code",
            "snapshot_id",
            "adjustment_id",
            "tracking_number",
        ):
            if isinstance(data.get(name), str):
                return data[name]
    return None


class Inbox:
    def __init__(
        self, store: Store, config: Config, ownership: OwnershipMatrix, clock: Callable[[], datetime]
    ):
        self.store = store
        self.config = config
        self.ownership = ownership
        self.clock = clock

    def _row(self, item: Incoming, now: datetime) -> tuple[dict[str, Any], str | None]:
        """The message row for one input, and the rejection reason if it is rejected."""
        system = item.system
        row: dict[str, Any] = {
            "system": system,
            "received_at": now,
            "updated_at": now,
            "payload_version": 1,
            "error": None,
        }
        raw: dict[str, Any] | None = None
        try:
            if "rejection" in item.meta:  # the source refused it already (e.g. a bad webhook signature)
                kind, reason = item.meta["rejection"]
                raise Rejection(reason, kind)
            raw = parse_body(item.body, self.config.runtime.max_message_bytes)
            event = parse_event(raw)
            accepted: Accepted = check_event(event, system, self.config.role_of(system), self.ownership)
        except Rejection as rejection:
            event_id = str(raw.get("id")) if raw and raw.get("id") else None
            source = str(raw.get("source")) if raw and raw.get("source") else system
            row.update(
                idempotency_key=f"{source}#{event_id}" if event_id else raw_key(system, item.body),
                event_id=event_id or "-",
                source=source,
                type=str(raw.get("type", "invalid"))[:100] if raw else "invalid",
                subject=str(raw.get("subject") or f"rejected:{system}")[:300]
                if raw
                else f"rejected:{system}",
                business_key=_guess_key(raw),
                correlation_id=str(raw.get("correlationid") or event_id or "") or None if raw else None,
                causation_id=None,
                payload=_text(item.body),
                state=REJECTED,
                error=f"{rejection.kind}: {rejection.reason} (from {item.origin})",
            )
            return row, row["error"]
        event = accepted.event
        row.update(
            idempotency_key=event.dedup_key[:400],
            event_id=event.id,
            source=event.source,
            type=event.type,
            subject=accepted.subject,
            business_key=accepted.document.business_key(),
            correlation_id=event.correlationid or event.id,
            causation_id=event.causationid,
            payload=event.model_dump_json(exclude_none=True),
            state=QUEUED,
        )
        return row, None

    def ingest(self, items: Sequence[Incoming]) -> IngestReport:
        now = self.clock()
        report = IngestReport()
        rows: list[dict[str, Any]] = []
        origins: dict[str, Incoming] = {}
        repeats: list[tuple[dict[str, Any], Incoming]] = []
        for item in items:
            row, _ = self._row(item, now)
            if row["idempotency_key"] in origins:
                repeats.append((row, item))
            else:
                origins[row["idempotency_key"]] = item
                rows.append(row)
        with self.store.engine.begin() as conn:
            inserted: dict[str, int] = {}
            if rows:
                statement = insert_ignoring_conflicts(conn, messages, ["idempotency_key"]).returning(
                    messages.c.id, messages.c.idempotency_key
                )
                inserted = {key: id_ for id_, key in conn.execute(statement, rows)}
            missing = [row["idempotency_key"] for row in rows if row["idempotency_key"] not in inserted]
            missing += [row["idempotency_key"] for row, _ in repeats]
            existing: dict[str, int] = dict(inserted)
            if missing:
                found = conn.execute(
                    select(messages.c.idempotency_key, messages.c.id).where(
                        messages.c.idempotency_key.in_(missing)
                    )
                )
                existing.update({key: id_ for key, id_ in found})
            entries = []
            for row in rows:
                key = row["idempotency_key"]
                if key in inserted:
                    entries.extend(self._accepted_entries(row, inserted[key], now, report))
                else:
                    entries.append(self._duplicate_entry(row, existing.get(key), origins[key], now, report))
            for row, item in repeats:
                entries.append(
                    self._duplicate_entry(row, existing.get(row["idempotency_key"]), item, now, report)
                )
            ledger.append(conn, entries)
        return report

    def _accepted_entries(
        self, row: dict, message_id: int, now: datetime, report: IngestReport
    ) -> list[dict]:
        common = dict(
            message_id=message_id,
            business_key=row["business_key"],
            correlation_id=row["correlation_id"],
            subject=row["subject"],
            payload_version=1,
        )
        entries = [ledger.entry(State.RECEIVED, row["system"], now, detail={"type": row["type"]}, **common)]
        if row["state"] == REJECTED:
            report.rejected.append((message_id, row["error"]))
            entries.append(ledger.entry(State.REJECTED, row["system"], now, error=row["error"], **common))
        else:
            report.accepted.append((message_id, row["subject"]))
            entries.append(ledger.entry(State.VALIDATED, row["system"], now, **common))
            entries.append(ledger.entry(State.QUEUED, row["system"], now, **common))
        return entries

    def _duplicate_entry(
        self, row: dict, existing_id: int | None, item: Incoming, now: datetime, report: IngestReport
    ) -> dict:
        report.duplicates.append((existing_id or 0, row["idempotency_key"]))
        return ledger.entry(
            State.DUPLICATE,
            row["system"],
            now,
            message_id=existing_id,
            business_key=row["business_key"],
            correlation_id=row["correlation_id"],
            subject=row["subject"],
            detail={
                "idempotency_key": row["idempotency_key"],
                "event_id": row["event_id"],
                "origin": item.origin,
            },
        )
