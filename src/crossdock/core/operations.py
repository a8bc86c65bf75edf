"""What people do to the runtime: status, dead letters, corrections and replays, acknowledgments.

Dead letters are of two kinds, both listed together:
- a message (m<id>) that was rejected at the inbox or whose flow failed;
- a command (o<id>) that its endpoint refused or that ran out of attempts.
A correction stores the old payload as a version, records who changed what and why, and
leaves the item ready to replay; a replay sends it back through the same gates as new input.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from ..config import Config
from ..governance import OwnershipMatrix
from . import ledger
from .inbox import DEAD_LETTERED, PROCESSED, QUEUED, REJECTED
from .ledger import State, as_utc
from .processor import ACKNOWLEDGED, DELIVERED, PENDING
from .store import Store
from .tables import messages, outbox, payload_versions
from .validation import Rejection, check_event, parse_body, parse_event


class NotFound(LookupError):
    pass


class InvalidOperation(ValueError):
    pass


@dataclass(frozen=True)
class DeadLetter:
    ref: str
    kind: str  # "message" or "command"
    business_key: str | None
    system: str
    what: str
    state: str
    error: str | None
    attempts: int
    updated_at: datetime
    payload_version: int


def parse_ref(ref: str) -> tuple[str, int]:
    """m42 -> ("message", 42); o7 -> ("command", 7)."""
    kinds = {"m": "message", "o": "command"}
    if len(ref) < 2 or ref[0] not in kinds or not ref[1:].isdigit():
        raise InvalidOperation(
            f"{ref!r} is not a dead-letter reference (m<id> for a message, o<id> for a command)"
        )
    return kinds[ref[0]], int(ref[1:])


def _set_path(document: Any, dotted: str, value: Any) -> Any:
    """Set `data.lines.0.sku`-style paths in a JSON document; returns the old value."""
    parts = dotted.split(".")
    target = document
    for part in parts[:-1]:
        if isinstance(target, list) and part.isdigit():
            target = target[int(part)]
        elif isinstance(target, dict):
            target = target.setdefault(part, {})
        else:
            raise InvalidOperation(f"path {dotted!r} does not lead into an object at {part!r}")
    last = parts[-1]
    if isinstance(target, list) and last.isdigit():
        old, target[int(last)] = target[int(last)], value
        return old
    if isinstance(target, dict):
        old = target.get(last)
        target[last] = value
        return old
    raise InvalidOperation(f"path {dotted!r} does not lead into an object")


class Operations:
    def __init__(
        self, store: Store, config: Config, ownership: OwnershipMatrix, clock: Callable[[], datetime]
    ):
        self.store = store
        self.config = config
        self.ownership = ownership
        self.clock = clock

    # ---- reading -------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        with self.store.engine.connect() as conn:
            by_message = conn.execute(
                select(messages.c.system, messages.c.state, func.count()).group_by(
                    messages.c.system, messages.c.state
                )
            ).all()
            by_endpoint = conn.execute(
                select(outbox.c.endpoint, outbox.c.state, func.count()).group_by(
                    outbox.c.endpoint, outbox.c.state
                )
            ).all()
        return {
            "messages": [{"system": s, "state": st, "count": n} for s, st, n in by_message],
            "commands": [{"endpoint": e, "state": st, "count": n} for e, st, n in by_endpoint],
        }

    def dead_letters(self, limit: int = 200) -> list[DeadLetter]:
        with self.store.engine.connect() as conn:
            parked = conn.execute(
                select(messages)
                .where(messages.c.state.in_((REJECTED, DEAD_LETTERED)))
                .order_by(messages.c.id.desc())
                .limit(limit)
            ).all()
            failed = conn.execute(
                select(outbox)
                .where(outbox.c.state == DEAD_LETTERED)
                .order_by(outbox.c.id.desc())
                .limit(limit)
            ).all()
        items = [
            DeadLetter(
                f"m{r.id}",
                "message",
                r.business_key,
                r.system,
                r.type,
                r.state,
                r.error,
                0,
                as_utc(r.updated_at),
                r.payload_version,
            )
            for r in parked
        ] + [
            DeadLetter(
                f"o{r.id}",
                "command",
                r.business_key,
                r.endpoint,
                r.action,
                r.state,
                r.error,
                r.attempts,
                as_utc(r.updated_at),
                r.payload_version,
            )
            for r in failed
        ]
        return sorted(items, key=lambda d: d.updated_at, reverse=True)[:limit]

    def show(self, ref: str) -> dict[str, Any]:
        kind, id_ = parse_ref(ref)
        table = messages if kind == "message" else outbox
        with self.store.engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.id == id_)).mappings().first()
            if row is None:
                raise NotFound(f"no {kind} {ref}")
            column = ledger.ledger.c.message_id if kind == "message" else ledger.ledger.c.outbox_id
            history = ledger._entries(
                conn, select(ledger.ledger).where(column == id_).order_by(ledger.ledger.c.id)
            )
            versions = (
                conn.execute(
                    select(payload_versions)
                    .where(payload_versions.c.kind == kind[0], payload_versions.c.ref_id == id_)
                    .order_by(payload_versions.c.version)
                )
                .mappings()
                .all()
            )
        return {
            "ref": ref,
            "kind": kind,
            "row": dict(row),
            "history": history,
            "versions": [dict(v) for v in versions],
        }

    # ---- changing ------------------------------------------------------------------------
    def correct(
        self,
        ref: str,
        actor: str,
        reason: str,
        *,
        payload: str | None = None,
        changes: dict[str, Any] | None = None,
    ) -> int:
        """Replace the payload (whole, or by dotted-path changes); returns the new payload version."""
        if not reason.strip():
            raise InvalidOperation("a correction needs a reason")
        kind, id_ = parse_ref(ref)
        table = messages if kind == "message" else outbox
        now = self.clock()
        with self.store.engine.begin() as conn:
            row = conn.execute(select(table).where(table.c.id == id_)).first()
            if row is None:
                raise NotFound(f"no {kind} {ref}")
            if kind == "command" and row.state != DEAD_LETTERED:
                raise InvalidOperation(f"{ref} is {row.state}; only dead-lettered commands can be corrected")
            if kind == "message" and row.state not in (REJECTED, DEAD_LETTERED):
                raise InvalidOperation(
                    f"{ref} is {row.state}; only rejected or dead-lettered messages can be corrected"
                )
            diff: dict[str, Any]
            if payload is not None:
                new_text, diff = payload, {"replaced": "whole payload"}
            else:
                try:
                    document = json.loads(row.payload)
                except json.JSONDecodeError:
                    raise InvalidOperation(
                        f"{ref}'s payload is not JSON: correct it whole with a file"
                    ) from None
                diff = {}
                for path, value in (changes or {}).items():
                    diff[path] = {"from": _set_path(document, path, value), "to": value}
                new_text = json.dumps(document)
            conn.execute(
                payload_versions.insert().values(
                    kind=kind[0],
                    ref_id=id_,
                    version=row.payload_version,
                    payload=row.payload,
                    actor=actor,
                    reason=reason,
                    created_at=now,
                )
            )
            version = row.payload_version + 1
            conn.execute(
                update(table)
                .where(table.c.id == id_)
                .values(payload=new_text, payload_version=version, updated_at=now)
            )
            ledger.append(
                conn,
                [
                    ledger.entry(
                        State.CORRECTED,
                        row.system if kind == "message" else row.endpoint,
                        now,
                        actor=actor,
                        message_id=id_ if kind == "message" else row.message_id,
                        outbox_id=id_ if kind == "command" else None,
                        business_key=row.business_key,
                        correlation_id=row.correlation_id,
                        payload_version=version,
                        detail={"reason": reason, "changes": diff},
                    )
                ],
            )
        return version

    def replay(self, ref: str, actor: str, reason: str = "replay") -> str:
        """Send one dead letter (or any message) back through the runtime; returns its new state."""
        kind, id_ = parse_ref(ref)
        with self.store.engine.begin() as conn:
            if kind == "command":
                return self._replay_command(conn, id_, actor, reason)
            return self._replay_message(conn, id_, actor, reason)

    def _replay_command(self, conn: Connection, id_: int, actor: str, reason: str) -> str:
        row = conn.execute(select(outbox).where(outbox.c.id == id_)).first()
        if row is None:
            raise NotFound(f"no command o{id_}")
        if row.state not in (DEAD_LETTERED, DELIVERED, ACKNOWLEDGED):
            raise InvalidOperation(f"o{id_} is {row.state}: it is still on its way")
        now = self.clock()
        conn.execute(
            update(outbox)
            .where(outbox.c.id == id_)
            .values(
                state=PENDING, attempts=0, next_attempt_at=now, lease_until=None, error=None, updated_at=now
            )
        )
        ledger.append(
            conn,
            [
                ledger.entry(
                    State.REPLAYED,
                    row.endpoint,
                    now,
                    actor=actor,
                    message_id=row.message_id,
                    outbox_id=id_,
                    business_key=row.business_key,
                    correlation_id=row.correlation_id,
                    payload_version=row.payload_version,
                    detail={"reason": reason},
                ),
            ],
        )
        return PENDING

    def _replay_message(self, conn: Connection, id_: int, actor: str, reason: str) -> str:
        row = conn.execute(select(messages).where(messages.c.id == id_)).first()
        if row is None:
            raise NotFound(f"no message m{id_}")
        if row.state == QUEUED:
            return QUEUED
        now = self.clock()
        common = dict(
            message_id=id_,
            business_key=row.business_key,
            correlation_id=row.correlation_id,
            subject=row.subject,
            payload_version=row.payload_version,
        )
        entries = [
            ledger.entry(State.REPLAYED, row.system, now, actor=actor, detail={"reason": reason}, **common)
        ]
        values: dict[str, Any] = {"updated_at": now}
        try:  # the same gate as first receipt: a corrected payload must pass it
            event = parse_event(parse_body(row.payload, self.config.runtime.max_message_bytes))
            accepted = check_event(event, row.system, self.config.role_of(row.system), self.ownership)
        except Rejection as rejection:
            error = f"{rejection.kind}: {rejection.reason}"
            values.update(state=REJECTED, error=error)
            entries.append(ledger.entry(State.REJECTED, row.system, now, error=error, **common))
        else:
            values.update(
                state=QUEUED,
                error=None,
                type=event.type,
                business_key=accepted.document.business_key(),
                payload=event.model_dump_json(exclude_none=True),
            )
            if row.state == REJECTED:
                entries.append(ledger.entry(State.VALIDATED, row.system, now, **common))
            entries.append(ledger.entry(State.QUEUED, row.system, now, **common))
        conn.execute(update(messages).where(messages.c.id == id_).values(**values))
        ledger.append(conn, entries)
        return values["state"]

    def replay_document(self, business_key: str, actor: str, reason: str = "replay document") -> list[str]:
        """Re-run every message of one document through its flows (targets dedupe what they have)."""
        with self.store.engine.connect() as conn:
            ids = (
                conn.execute(
                    select(messages.c.id)
                    .where(messages.c.business_key == business_key)
                    .order_by(messages.c.id)
                )
                .scalars()
                .all()
            )
        if not ids:
            raise NotFound(f"no message has business key {business_key!r}")
        return [self.replay(f"m{i}", actor, reason) for i in ids]

    def replay_range(
        self,
        since: datetime,
        until: datetime | None,
        actor: str,
        *,
        only_failed: bool,
        reason: str = "replay time range",
    ) -> dict[str, int]:
        """Replay what was received in [since, until): dead letters only, or every message."""
        with self.store.engine.connect() as conn:
            mq = select(messages.c.id).where(messages.c.received_at >= since)
            oq = select(outbox.c.id).where(outbox.c.created_at >= since, outbox.c.state == DEAD_LETTERED)
            if until is not None:
                mq = mq.where(messages.c.received_at < until)
                oq = oq.where(outbox.c.created_at < until)
            if only_failed:
                mq = mq.where(messages.c.state.in_((REJECTED, DEAD_LETTERED)))
            else:
                mq = mq.where(messages.c.state.in_((PROCESSED, REJECTED, DEAD_LETTERED)))
            message_ids = conn.execute(mq.order_by(messages.c.id)).scalars().all()
            command_ids = conn.execute(oq.order_by(outbox.c.id)).scalars().all()
        for i in message_ids:
            self.replay(f"m{i}", actor, reason)
        for i in command_ids:
            self.replay(f"o{i}", actor, reason)
        return {"messages": len(message_ids), "commands": len(command_ids)}

    def acknowledge(
        self,
        idempotency_key: str,
        system: str,
        detail: dict[str, Any] | None = None,
        rejected: str | None = None,
    ) -> bool:
        """A target confirmed (or refused) a delivered command later, e.g. an EDI 997; False if unknown."""
        return acknowledge(self.store, idempotency_key, system, self.clock(), detail, rejected)

    def recover_leases(self) -> int:
        """At start-up of the only runtime on a store: deliveries left in flight by a dead process retry now."""
        now = self.clock()
        with self.store.engine.begin() as conn:
            return conn.execute(
                update(outbox).where(outbox.c.state == "delivering").values(lease_until=now)
            ).rowcount


def acknowledge(
    store: Store,
    idempotency_key: str,
    system: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
    rejected: str | None = None,
) -> bool:
    """Record a later acknowledgment (or refusal) of a delivered command; connectors call it too."""
    with store.engine.begin() as conn:
        row = conn.execute(select(outbox).where(outbox.c.idempotency_key == idempotency_key)).first()
        if row is None:
            return False
        common = dict(
            message_id=row.message_id,
            outbox_id=row.id,
            business_key=row.business_key,
            correlation_id=row.correlation_id,
            payload_version=row.payload_version,
        )
        if rejected:
            conn.execute(
                update(outbox)
                .where(outbox.c.id == row.id)
                .values(state=DEAD_LETTERED, error=rejected, updated_at=now)
            )
            ledger.append(
                conn,
                [
                    ledger.entry(State.FAILED, system, now, error=rejected, detail=detail, **common),
                    ledger.entry(State.DEAD_LETTERED, system, now, error=rejected, **common),
                ],
            )
        else:
            conn.execute(
                update(outbox).where(outbox.c.id == row.id).values(state=ACKNOWLEDGED, updated_at=now)
            )
            ledger.append(conn, [ledger.entry(State.ACKNOWLEDGED, system, now, detail=detail, **common)])
    return True


def overdue(store: Store, endpoint: str, older_than: datetime, limit: int = 500) -> list[Any]:
    """Commands delivered to `endpoint` but still not acknowledged, delivered before `older_than`."""
    with store.engine.connect() as conn:
        return conn.execute(
            select(outbox)
            .where(
                outbox.c.endpoint == endpoint, outbox.c.state == DELIVERED, outbox.c.updated_at < older_than
            )
            .order_by(outbox.c.id)
            .limit(limit)
        ).all()
