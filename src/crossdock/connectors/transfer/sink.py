"""Writes files to a partner (SFTP or a folder): local outbox first, atomic upload, then sent.

A command's payload is {"filename": ..., "content": ...} (optionally "encoding": "utf-8" |
"latin-1" | "base64"). The file is written to the local `outbox` before the partner is
contacted, uploaded under a temporary name and renamed into place (the partner never sees half
a file), then moved to `sent`. A partner that is down is retried with exponential backoff and
jitter; when the attempts run out the runtime retries the delivery later (TransientError).

Idempotent on the delivery's idempotency key: a marker per key (in the store when bound, else in
`<work_dir>/markers`) makes a redelivery report "already applied" without uploading again; a
crash between upload and marker is caught by finding the identical file already at the partner.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import json
import posixpath
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..base import Delivery, Outcome, PermanentError, TransientError
from .dedupe import KeyValue
from .lifecycle import Outbox, RetryOptions, safe_name, utc_stamp, with_retries
from .transport import TransferError, Transport, TransportSettings, atomic_write, open_transport

_SEPARATOR = "--"  # outbox names: <key hash>--<partner file name>


class FileTransferSinkOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    transport: TransportSettings
    upload_folder: str = Field(default="inbound", description="the partner's folder for our files")
    work_dir: Path = Field(description="local folder for outbox/, sent/ (and markers/ without a store)")
    upload_retry: RetryOptions = Field(
        default_factory=RetryOptions, description="retries within one delivery"
    )
    fsync: bool = True


class _MarkerFiles:
    """Markers as small JSON files, for a sink running without a store."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, name: str) -> Path:
        return self.folder / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.json"

    def get(self, name: str) -> str | None:
        path = self._path(name)
        return path.read_text(encoding="utf-8") if path.exists() else None

    def set(self, name: str, value: str) -> None:
        atomic_write(self._path(name), value)


def _content(payload: dict[str, Any]) -> tuple[str, bytes]:
    filename, content = payload.get("filename"), payload.get("content")
    if not isinstance(filename, str) or not isinstance(content, str):
        raise PermanentError("the payload needs 'filename' and 'content' strings", {"keys": sorted(payload)})
    try:
        name = safe_name(filename)
    except ValueError as exc:
        raise PermanentError(str(exc)) from None
    encoding = payload.get("encoding", "utf-8")
    try:
        if encoding == "base64":
            return name, base64.b64decode(content, validate=True)
        return name, content.encode(encoding)
    except (LookupError, UnicodeEncodeError, binascii.Error) as exc:
        raise PermanentError(f"cannot encode {name} as {encoding}: {exc}") from None


class FileTransferSink:
    Options = FileTransferSinkOptions

    def __init__(self, name: str, options: FileTransferSinkOptions, transport: Transport | None = None):
        self.name = name
        self.options = options
        self.partner = options.partner
        self.transport = transport or open_transport(options.transport)
        self.outbox = Outbox(options.work_dir, options.fsync)
        self.marks: KeyValue = _MarkerFiles(Path(options.work_dir) / "markers")
        self.uploads = 0  # files actually sent to the partner (redeliveries do not count)
        self._folder_ready = False

    def bind(self, store: Any) -> None:
        from ...core.cursors import Cursors

        self.marks = Cursors(store)

    def _marker(self, key_hash: str) -> str:
        return f"files:{self.partner}:sent:{key_hash}"

    async def deliver(self, delivery: Delivery) -> Outcome:
        filename, data = _content(delivery.payload)
        key_hash = hashlib.sha256(delivery.idempotency_key.encode()).hexdigest()[:32]
        stored = await asyncio.to_thread(self.marks.get, self._marker(key_hash))  # the store is sync I/O
        if stored is not None:
            return Outcome(detail={**json.loads(stored), "already_applied": True})
        path = self.outbox.put(f"{key_hash}{_SEPARATOR}{filename}", data)  # on local disk before any network
        return await self._send(path, key_hash, filename, data)

    async def flush(self) -> list[Outcome]:
        """Upload whatever is still in the outbox (left by a crash or an outage), oldest first."""
        outcomes = []
        for path in self.outbox.pending():
            key_hash, _, filename = path.name.partition(_SEPARATOR)
            if not filename:
                continue
            if await asyncio.to_thread(self.marks.get, self._marker(key_hash)) is not None:
                self.outbox.mark_sent(path, filename)  # sent before a crash; only the local move was missing
                continue
            outcomes.append(await self._send(path, key_hash, filename, path.read_bytes()))
        return outcomes

    async def _send(self, path: Path, key_hash: str, filename: str, data: bytes) -> Outcome:
        remote = posixpath.join(self.options.upload_folder, filename)

        async def upload() -> bool:
            if not self._folder_ready:
                await self.transport.ensure_folder(self.options.upload_folder)
                self._folder_ready = True
            if await self.transport.exists(remote):
                if await self.transport.read(remote) == data:
                    return False  # uploaded before a crash, marker not yet written: do not send twice
                raise _NameTaken(f"a different file named {filename} is already waiting at {self.partner}")
            await self.transport.write(remote, data)
            return True

        try:
            uploaded, report = await with_retries(upload, self.options.upload_retry)
        except _NameTaken as exc:
            raise PermanentError(str(exc), {"file": filename, "outbox": str(path)}) from None
        except TransferError as exc:
            detail = {"file": filename, "outbox": str(path), "attempts": exc.attempts, "kind": exc.kind}
            if exc.retryable:
                raise TransientError(
                    f"{self.partner}: {exc} (after {exc.attempts} attempts)", detail
                ) from None
            raise PermanentError(f"{self.partner}: {exc}", detail) from None
        self.uploads += int(uploaded)
        record = {
            "file": filename,
            "remote_path": remote,
            "sha256": hashlib.sha256(data).hexdigest(),
            "sent_at": utc_stamp(),
            "attempts": report.attempts,
        }
        await asyncio.to_thread(self.marks.set, self._marker(key_hash), json.dumps(record, sort_keys=True))
        self.outbox.mark_sent(path, filename)
        return Outcome(detail={**record, "delays": report.delays, "already_applied": False})

    async def close(self) -> None:
        await self.transport.close()


class _NameTaken(TransferError):
    retryable = False
    kind = "name_taken"
