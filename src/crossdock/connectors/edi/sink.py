"""Sends canonical documents to an EDI partner as X12 files (940, 943, 180, 856 ...).

The document is mapped with the partner's profile, enveloped with control numbers that are
never reused, and handed to the file-transfer sink (outbox, atomic upload, retries). The file
made for a command is kept, so a redelivery sends the same bytes with the same control numbers
and the partner's duplicate check sees the same interchange. The command counts as delivered
when the file is uploaded, and as acknowledged when the partner's 997 arrives (EdiSource).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from ...model.catalog import EVENT_TYPES
from ..base import Delivery, Outcome, PermanentError
from ..transfer.sink import FileTransferSink, FileTransferSinkOptions
from .generator import EnvelopeSettings, OutboundSet, generate_interchange
from .hub import EdiMemory
from .maps import MapError, load_partner, map_for_document


class EdiSinkOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: str = Field(description="the partner profile: a bundled name (generic-3pl) or a YAML path")
    files: FileTransferSinkOptions


class EdiSink:
    Options = EdiSinkOptions

    def __init__(self, name: str, options: EdiSinkOptions):
        self.name = name
        self.partner = load_partner(options.profile)
        self.envelope = EnvelopeSettings.from_profile(self.partner.raw)
        self.files = FileTransferSink(name, options.files)
        self.memory = EdiMemory(options.files.partner)

    def bind(self, store) -> None:
        self.files.bind(store)
        self.memory.bind(store)

    def _interchange(self, delivery: Delivery) -> dict:
        document_class = EVENT_TYPES.get(delivery.action)
        if document_class is None:
            raise PermanentError(f"EDI cannot send {delivery.action!r}")
        try:
            document = document_class.model_validate(delivery.payload)
            x12 = map_for_document(document_class.__name__)
            segments = x12.to_x12(document, self.partner)
        except KeyError as exc:
            raise PermanentError(str(exc.args[0])) from None
        except (MapError, ValueError) as exc:
            raise PermanentError(
                f"cannot map {delivery.action} to X12 {getattr(x12, 'SET_ID', '')}: {exc}"
            ) from None
        generated = generate_interchange(
            self.memory.partner,
            self.envelope,
            [OutboundSet(x12.SET_ID, segments)],
            self.memory.counters,
            now=datetime.now(UTC),
        )
        return {
            "filename": f"{x12.SET_ID}_{generated.isa13}.edi",
            "content": generated.text,
            "isa13": generated.isa13,
            "sets": [(group.control, st02) for group in generated.groups for _, st02 in group.sets],
        }

    async def deliver(self, delivery: Delivery) -> Outcome:
        key_hash = hashlib.sha256(delivery.idempotency_key.encode()).hexdigest()[:32]
        record = self.memory.sent_file(key_hash)
        if record is None:
            record = self._interchange(delivery)
            self.memory.remember_file(key_hash, record, delivery.idempotency_key)
        upload = Delivery(
            outbox_id=delivery.outbox_id,
            idempotency_key=delivery.idempotency_key,
            endpoint=delivery.endpoint,
            action="file.send",
            attempt=delivery.attempt,
            payload={"filename": record["filename"], "content": record["content"]},
            business_key=delivery.business_key,
            correlation_id=delivery.correlation_id,
        )
        outcome = await self.files.deliver(upload)
        # Uploaded is "delivered"; the partner's 997 makes it "acknowledged".
        return Outcome(
            acknowledged=False,
            detail={
                "file": record["filename"],
                "isa13": record["isa13"],
                **({"already_applied": True} if (outcome.detail or {}).get("already_applied") else {}),
            },
        )

    async def close(self) -> None:
        await self.files.close()
