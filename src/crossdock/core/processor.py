"""Runs flows over queued messages and writes their commands to the outbox, in one transaction.

Per-subject order: a message is processed only when no earlier message of the same subject is
still queued (possibly claimed by another worker). Subjects are independent, so workers process
different subjects in parallel. A flow that fails dead-letters its message with the reason.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from ..config import Config
from ..flows import FLOWS, Command, FlowContext
from ..model import CloudEvent
from ..model.catalog import parse_document
from . import ledger
from .documents import DocumentView
from .inbox import DEAD_LETTERED, PROCESSED, QUEUED
from .ledger import State
from .sql import lock_rows
from .store import Store
from .tables import messages, outbox

PENDING, DELIVERING, RETRY_SCHEDULED = "pending", "delivering", "retry_scheduled"
DELIVERED, ACKNOWLEDGED = "delivered", "acknowledged"
ACTIVE_DELIVERY_STATES = (PENDING, DELIVERING, RETRY_SCHEDULED)


@dataclass
class ProcessReport:
    processed: list[int] = field(default_factory=list)
    dead_lettered: list[int] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)  # an earlier message of the subject is pending
    finished: list[int] = field(default_factory=list)  # asked for, but no longer queued
    commands: int = 0


def outbox_key(message_key: str, version: int, endpoint: str, command: Command, index: int) -> str:
    key = f"{message_key}|v{version}|{endpoint}|{command.action}|{command.key or index}"
    if len(key) > 480:  # keep within the column; the hash keeps it unique
        key = f"{key[:400]}|{hashlib.sha256(key.encode()).hexdigest()}"
    return key


class Processor:
    def __init__(self, store: Store, config: Config, clock: Callable[[], datetime]):
        self.store = store
        self.config = config
        self.clock = clock
        self.routes: dict[str, list] = defaultdict(list)
        for route in config.routes:
            self.routes[route.type].append(route)

    def _system_of(self, endpoint: str) -> str:
        configured = self.config.endpoints.get(endpoint)
        return configured.system if configured and configured.system else endpoint

    def _claim(
        self, conn: Connection, ids: Sequence[int] | None, limit: int
    ) -> tuple[list[Any], ProcessReport]:
        report = ProcessReport()
        query = select(messages).where(messages.c.state == QUEUED)
        if ids is not None:
            query = query.where(messages.c.id.in_(list(ids)))
        rows = conn.execute(lock_rows(query.order_by(messages.c.id).limit(limit), conn)).all()
        if ids is not None:
            claimed = {row.id for row in rows}
            report.finished = [i for i in ids if i not in claimed]
        if not rows:
            return [], report
        # Keep, per subject, only the run of our rows that no foreign queued row precedes.
        subjects = {row.subject for row in rows}
        highest = max(row.id for row in rows)
        queued_ids: dict[str, list[int]] = defaultdict(list)
        for subject, id_ in conn.execute(
            select(messages.c.subject, messages.c.id)
            .where(messages.c.state == QUEUED, messages.c.subject.in_(subjects), messages.c.id <= highest)
            .order_by(messages.c.id)
        ):
            queued_ids[subject].append(id_)
        blocked: set[str] = set()
        allowed = []
        by_subject_position: dict[str, int] = defaultdict(int)
        for row in rows:
            subject = row.subject
            sequence = queued_ids[subject]
            position = by_subject_position[subject]
            # A foreign queued id ahead of ours blocks the subject for the rest of this batch.
            if subject not in blocked and position < len(sequence) and sequence[position] == row.id:
                by_subject_position[subject] += 1
                allowed.append(row)
            else:
                blocked.add(subject)
                report.deferred.append(row.id)
        return allowed, report

    def process(self, ids: Sequence[int] | None = None, limit: int | None = None) -> ProcessReport:
        limit = limit or self.config.runtime.batch_size
        with self.store.engine.begin() as conn:
            rows, report = self._claim(conn, ids, limit)
            if rows:
                self._run_flows(conn, rows, report)
        return report

    def _run_flows(self, conn: Connection, rows: list[Any], report: ProcessReport) -> None:
        now = self.clock()
        view = DocumentView(conn)
        new_commands: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        failures: list[dict[str, Any]] = []
        for row in rows:
            common = dict(
                message_id=row.id,
                business_key=row.business_key,
                correlation_id=row.correlation_id,
                subject=row.subject,
                payload_version=row.payload_version,
            )
            try:
                commands = self._commands_for(row, now, view)
            except Exception as exc:  # a flow bug or bad data: park the message, keep going
                error = f"{type(exc).__name__}: {exc}"
                failures.append({"mid": row.id, "error": error})
                report.dead_lettered.append(row.id)
                entries.append(ledger.entry(State.FAILED, row.system, now, error=error, **common))
                entries.append(ledger.entry(State.DEAD_LETTERED, row.system, now, error=error, **common))
                continue
            report.processed.append(row.id)
            new_commands.extend(commands)
            entries.append(
                ledger.entry(
                    State.TRANSFORMED,
                    row.system,
                    now,
                    detail={"commands": len(commands), "routes": len(self.routes.get(row.type, ()))},
                    **common,
                )
            )
        report.commands = len(new_commands)
        entries.extend(self._write_outbox(conn, new_commands, now))
        view.flush(now)
        if report.processed:
            conn.execute(
                update(messages)
                .where(messages.c.id.in_(report.processed))
                .values(state=PROCESSED, updated_at=now)
            )
        if failures:
            conn.execute(
                update(messages)
                .where(messages.c.id == bindparam("mid"))
                .values(state=DEAD_LETTERED, error=bindparam("error"), updated_at=now),
                failures,
            )
        ledger.append(conn, entries)

    def _commands_for(self, row: Any, now: datetime, view: DocumentView) -> list[dict[str, Any]]:
        event = CloudEvent.model_validate_json(row.payload)
        document = parse_document(event.type, event.data)
        out: list[dict[str, Any]] = []
        for route in self.routes.get(row.type, ()):
            context = FlowContext(endpoint=route.endpoint, settings=self.config.flows, documents=view)
            for index, command in enumerate(FLOWS[route.flow](document, event, context)):
                endpoint = command.endpoint or route.endpoint
                if endpoint is None or endpoint not in self.config.endpoints:
                    raise ValueError(
                        f"flow {route.flow} produced {command.action} for unknown endpoint {endpoint!r}"
                    )
                out.append(
                    {
                        "message_id": row.id,
                        "idempotency_key": outbox_key(
                            row.idempotency_key, row.payload_version, endpoint, command, index
                        ),
                        "endpoint": endpoint,
                        "ordering_key": f"{endpoint}|{row.subject}"[:420],
                        "action": command.action,
                        "business_key": row.business_key,
                        "correlation_id": row.correlation_id,
                        "payload": _json(command.payload),
                        "payload_version": 1,
                        "state": PENDING,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "lease_until": None,
                        "error": None,
                        "created_at": now,
                        "updated_at": now,
                        "_subject": row.subject,
                    }
                )
        view.remember(document.document_type, document.business_key(), event.data, row.id)
        return out

    def _write_outbox(self, conn: Connection, commands: list[dict[str, Any]], now: datetime) -> list[dict]:
        """Insert new commands; a replayed message's existing commands go back to pending."""
        if not commands:
            return []
        keys = [c["idempotency_key"] for c in commands]
        existing = {
            key: (id_, state)
            for key, id_, state in conn.execute(
                select(outbox.c.idempotency_key, outbox.c.id, outbox.c.state).where(
                    outbox.c.idempotency_key.in_(keys)
                )
            )
        }
        fresh = [c for c in commands if c["idempotency_key"] not in existing]
        entries = []
        if fresh:
            inserted = conn.execute(
                outbox.insert().returning(outbox.c.id, outbox.c.idempotency_key),
                [{k: v for k, v in c.items() if not k.startswith("_")} for c in fresh],
            )
            ids = {key: id_ for id_, key in inserted}
            for c in fresh:
                entries.append(
                    ledger.entry(
                        State.QUEUED,
                        self._system_of(c["endpoint"]),
                        now,
                        message_id=c["message_id"],
                        outbox_id=ids[c["idempotency_key"]],
                        business_key=c["business_key"],
                        correlation_id=c["correlation_id"],
                        subject=c["_subject"],
                        payload_version=1,
                        detail={"action": c["action"], "endpoint": c["endpoint"]},
                    )
                )
        again = [(c, existing[c["idempotency_key"]]) for c in commands if c["idempotency_key"] in existing]
        rearm = [{"oid": id_} for c, (id_, state) in again if state not in ACTIVE_DELIVERY_STATES]
        if rearm:
            conn.execute(
                update(outbox)
                .where(outbox.c.id == bindparam("oid"))
                .values(
                    state=PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    lease_until=None,
                    error=None,
                    updated_at=now,
                ),
                rearm,
            )
            rearmed = {r["oid"] for r in rearm}
            for c, (id_, _) in again:
                if id_ in rearmed:
                    entries.append(
                        ledger.entry(
                            State.QUEUED,
                            self._system_of(c["endpoint"]),
                            now,
                            message_id=c["message_id"],
                            outbox_id=id_,
                            business_key=c["business_key"],
                            correlation_id=c["correlation_id"],
                            subject=c["_subject"],
                            detail={"action": c["action"], "endpoint": c["endpoint"], "replay": True},
                        )
                    )
        return entries


def _json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, default=str, separators=(",", ":"))


def count_active(conn: Connection) -> int:
    queued = conn.execute(
        select(func.count()).select_from(messages).where(messages.c.state == QUEUED)
    ).scalar_one()
    active = conn.execute(
        select(func.count()).select_from(outbox).where(outbox.c.state.in_(ACTIVE_DELIVERY_STATES))
    ).scalar_one()
    return queued + active
