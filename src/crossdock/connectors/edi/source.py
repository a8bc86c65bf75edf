"""Reads what an EDI partner sends (945, 944, 947, 846, 180, 214, and its 997s), one file at a time.

Each file comes through the file-transfer source (claimed, archived or moved to error). It is
read with the codec under the partner's profile; every interchange that carries documents is
answered with a 997 (or 999 / TA1) through the reply sink; each accepted transaction set is
mapped to a canonical event whose id is (sender, ISA13, GS06, ST02), so a file sent twice is a
duplicate at the inbox. A set the codec rejects, or that cannot be mapped, is handed over as
rejected with the reason (segment, element). A 997 from the partner acknowledges, or refuses,
the commands our EdiSink sent; commands still waiting for theirs after `ack_timeout_hours` are
dead-lettered as overdue, where they can be seen and sent again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..base import Delivery, Incoming
from ..transfer.sink import FileTransferSink, FileTransferSinkOptions
from ..transfer.source import FileTransferSource, FileTransferSourceOptions
from .acks import build_acknowledgment, read_ack_set
from .hub import EdiMemory
from .maps import MapError, get_map, load_partner
from .parser import read

log = logging.getLogger("crossdock.edi")
EVENT_FOR_SET = {
    "945": "shipment.confirmed",
    "944": "receipt.confirmed",
    "947": "inventory.adjusted",
    "846": "inventory.snapshot",
    "856": "shipment.confirmed",
}
TRACKING_EVENTS = {"delivered": "shipment.delivered", "exception": "shipment.exception"}


class EdiSourceOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: str
    files: FileTransferSourceOptions
    replies: FileTransferSinkOptions | None = Field(
        default=None, description="where our 997s go (their inbox)"
    )
    ack: Literal["997", "999", "ta1", "none"] = "997"
    policy: Literal["strict", "lenient"] = "lenient"
    acknowledges: str | None = Field(
        default=None, description="the endpoint whose files this partner's 997s answer"
    )
    ack_timeout_hours: float = Field(default=4.0, gt=0)


class EdiSource:
    Options = EdiSourceOptions

    def __init__(self, name: str, system: str, options: EdiSourceOptions):
        self.name, self.system, self.options = name, system, options
        self.partner = load_partner(options.profile)
        self.files = FileTransferSource(name, system, options.files.model_copy(update={"format": "x12"}))
        self.replies = FileTransferSink(f"{name}-replies", options.replies) if options.replies else None
        self.memory = EdiMemory(options.files.partner)
        self.store = None
        self.pending_files: list[Incoming] = []
        self.acks_received = 0

    def bind(self, store) -> None:
        self.store = store
        self.files.bind(store)
        self.memory.bind(store)
        if self.replies:
            self.replies.bind(store)

    async def poll(self, limit: int) -> Sequence[Incoming]:
        await asyncio.to_thread(self._dead_letter_overdue)
        files = await self.files.poll(limit)
        self.pending_files.extend(files)
        out: list[Incoming] = []
        for item in files:
            if "rejection" in item.meta:
                out.append(item)
                continue
            out.extend(await self._read(item))
        return out

    async def _read(self, item: Incoming) -> list[Incoming]:
        text = item.body if isinstance(item.body, str) else str(item.body)
        doc = read(text, self.options.policy, self.partner.raw)
        file = item.meta["file"]
        envelope_errors = doc.envelope_errors() if doc.policy.strict else []
        if envelope_errors:
            await self._reply(doc, item)
            refused = self._refused(item, "x12", f"{file}: interchange rejected: {envelope_errors[0]}")
            item.meta["rejection"] = refused.meta["rejection"]
            return [refused]
        await self._reply(doc, item)
        out = await self._sets(doc, item, file)
        refused = [i.meta["rejection"][1] for i in out if "rejection" in i.meta]
        if refused:  # the file goes to error with a sidecar listing what was wrong; good sets still count
            item.meta["rejection"] = ("x12", "; ".join(refused)[:4000])
        return out

    async def _sets(self, doc: Any, item: Incoming, file: str) -> list[Incoming]:
        out: list[Incoming] = []
        for interchange in doc.interchanges:
            sender = interchange.sender[1].strip()
            for group in interchange.groups:
                for ts in group.sets:
                    where = f"{file}: set {ts.set_id} #{ts.control} (ISA13 {interchange.control}, GS06 {group.control})"
                    if ts.set_id in ("997", "999"):
                        await asyncio.to_thread(self._apply_ack, ts)
                        continue
                    if ts.has_errors:
                        errors = "; ".join(str(e) for e in ts.errors if e.severity == "error")
                        out.append(self._refused(item, "x12", f"{where}: {errors}"))
                        continue
                    out.extend(
                        self._events(
                            item, ts, f"{sender}:{interchange.control}:{group.control}:{ts.control}", where
                        )
                    )
        return out

    def _events(self, item: Incoming, ts: Any, event_id: str, where: str) -> list[Incoming]:
        try:
            mapped = get_map(ts.set_id).from_x12(ts, self.partner)
        except KeyError:
            return [
                self._refused(
                    item, "unmapped", f"{where}: crossdock does not read X12 {ts.set_id} from partners"
                )
            ]
        except (MapError, ValueError) as exc:
            return [self._refused(item, "mapping", f"{where}: {exc}")]
        documents = mapped if isinstance(mapped, list) else [mapped]
        out = []
        for n, document in enumerate(documents):
            kind = self._event_type(ts.set_id, document)
            body = {
                "id": event_id if len(documents) == 1 else f"{event_id}:{n}",
                "source": f"edi://{self.memory.partner}",
                "type": kind,
                "data": document.model_dump(mode="json", exclude_none=True),
            }
            out.append(Incoming(body=body, system=self.system, origin=where, meta=dict(item.meta)))
        return out

    @staticmethod
    def _event_type(set_id: str, document: Any) -> str:
        if set_id == "214":
            return TRACKING_EVENTS.get(str(document.status), "shipment.in_transit")
        if set_id == "180":
            return "return.received" if type(document).__name__ == "ReturnReceipt" else "return.authorized"
        return EVENT_FOR_SET[set_id]

    def _refused(self, item: Incoming, kind: str, reason: str) -> Incoming:
        # The reason heads the kept text, so each refused set of a file is its own record.
        return Incoming(
            body=f"{reason}\n{item.body}",
            system=self.system,
            origin=item.origin,
            meta={**item.meta, "rejection": (kind, reason)},
        )

    async def _reply(self, doc: Any, item: Incoming) -> None:
        if self.options.ack == "none" or self.replies is None:
            return
        if all(ts.set_id in ("997", "999") for ts in doc.sets()):
            return  # acknowledgments are not acknowledged
        text = build_acknowledgment(doc, self.options.ack, self.memory.counters, self.memory.partner)
        if not text:
            return
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        await self.replies.deliver(
            Delivery(
                outbox_id=0,
                idempotency_key=f"ack:{item.meta.get('sha256', digest)}",
                endpoint=self.name,
                action="file.send",
                attempt=1,
                payload={"filename": f"{self.options.ack}_{digest}.edi", "content": text},
            )
        )

    def _apply_ack(self, ts: Any) -> None:
        from ...core.operations import acknowledge

        group = read_ack_set(ts)
        self.acks_received += 1
        if self.store is None:
            return
        # Listed sets (AK2) carry their own status; unlisted ones follow AK9 (accepted under A/E/P).
        listed = {s.control: s for s in group.sets}
        targets = [
            (
                control,
                key,
                group.status_of(control),
                listed[control].codes if control in listed else group.codes,
            )
            for control, key in self.memory.sent_group(group.group_control)
        ]
        for control, key, status, codes in targets:
            refused = None
            if status not in ("A", "E"):
                refused = f"{group.kind} from {self.memory.partner}: set {control} rejected ({', '.join(codes) or status})"
            acknowledge(
                self.store,
                key,
                self.system,
                datetime.now(UTC),
                {"ack": group.kind, "group": group.group_control, "set": control, "status": status},
                refused,
            )
        if not targets:
            log.warning(
                "%s: %s acknowledges group %s, which we did not send",
                self.name,
                group.kind,
                group.group_control,
            )

    def _dead_letter_overdue(self) -> None:
        if not (self.options.acknowledges and self.store is not None):
            return
        from ...core.operations import acknowledge, overdue

        now = datetime.now(UTC)
        late = overdue(
            self.store, self.options.acknowledges, now - timedelta(hours=self.options.ack_timeout_hours)
        )
        for row in late:
            acknowledge(
                self.store,
                row.idempotency_key,
                self.system,
                now,
                rejected=f"no 997 from {self.memory.partner} within {self.options.ack_timeout_hours:g} h "
                "(check with the partner, then replay to send again)",
            )

    async def commit(self, items: Sequence[Incoming]) -> None:
        files, self.pending_files = self.pending_files, []
        await self.files.commit(files)

    @property
    def exhausted(self) -> bool:
        return self.files.exhausted

    async def close(self) -> None:
        await self.files.close()
        if self.replies:
            await self.replies.close()
