"""Reads a partner's files (SFTP or a watched folder) into the inbox, safely and exactly once.

Each poll first hands over again whatever is in `processing` (left by a process that died, or
not yet committed), then claims new files from the inbox folder (a rename into `processing`)
and hands each over as one `Incoming` (X12 / JSON as raw text; CSV as canonical CloudEvents).
`commit` runs once the items are durably in the inbox: the file's dedupe keys are recorded and it
moves to `archive` (or to `error`, with a sidecar, when it was handed over as rejected).

A duplicate (same content, or the same X12 sender + ISA13) is not handed over: it moves to
`archive` with a sidecar naming the original, and is listed in `duplicates`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..base import Incoming
from .dedupe import Duplicate, DuplicateDetector, Interchange, IsaError, read_isa, sha256
from .flatfile import ColumnMap, FlatFileError, load_column_map, parse_flat_file
from .lifecycle import Folders, InboundLifecycle
from .transport import RemoteFile, TransferError, Transport, TransportSettings, open_transport

log = logging.getLogger("crossdock.transfer")


class FileTransferSourceOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner: str = Field(
        min_length=1, pattern=r"^[A-Za-z0-9_.-]+$", description="names dedupe keys and events"
    )
    transport: TransportSettings
    folders: Folders = Field(default_factory=Folders)
    patterns: list[str] = Field(default=["*"], min_length=1, description="file names to pick up")
    format: Literal["x12", "csv", "json"] = "x12"
    column_map: str | None = Field(default=None, description="bundled map name or YAML path (format: csv)")
    poll_interval: float = Field(default=60.0, ge=0)
    settle_seconds: float = Field(
        default=0.0,
        ge=0,
        description="claim a file only once unchanged this long (partners writing in place)",
    )
    max_backoff: float = Field(
        default=300.0,
        gt=0,
        description="longest wait the runtime leaves between polls while the partner is down",
    )
    once: bool = Field(default=False, description="report exhausted after a poll that found nothing")


@dataclass(frozen=True)
class DuplicateReport:
    file: str
    archived_as: str
    kind: str
    value: str
    original: dict[str, Any]


class FileTransferSource:
    Options = FileTransferSourceOptions

    def __init__(
        self, name: str, system: str, options: FileTransferSourceOptions, transport: Transport | None = None
    ):
        self.name = name
        self.system = system
        self.options = options
        self.partner = options.partner
        self.transport = transport or open_transport(options.transport)
        self.lifecycle = InboundLifecycle(self.transport, options.folders, options.patterns)
        self.dedupe = DuplicateDetector(options.partner)
        self.column_map: ColumnMap | None = None
        if options.format == "csv":
            if options.column_map is None:
                raise ValueError("format csv needs a column_map (a bundled name or a YAML path)")
            self.column_map = load_column_map(options.column_map)
        # the latest duplicates, for a look at a running source; the sidecars are the full record
        self.duplicates: deque[DuplicateReport] = deque(maxlen=100)
        self.next_poll = 0.0
        self._exhausted = False

    def bind(self, store: Any) -> None:
        self.dedupe.bind(store)

    def _origin(self, name: str) -> str:
        return f"{self.transport.description}/{self.options.folders.processing}/{name}"

    async def poll(self, limit: int) -> Sequence[Incoming]:
        if self._exhausted or time.monotonic() < self.next_poll:
            return []
        items: list[Incoming] = []
        try:
            await self._collect(items, limit)
        except TransferError as exc:
            # a partner that is down: the runtime backs the source off; files already read go on
            if not items:
                raise
            log.warning("%s: polling %s stopped (%s): %s", self.name, self.partner, exc.kind, exc)
            return items
        # a full batch means more may be waiting: come back at once, not after the interval
        if len(items) < limit:
            self.next_poll = time.monotonic() + self.options.poll_interval
        self._exhausted = self.options.once and not items
        return items

    async def _collect(self, items: list[Incoming], limit: int) -> None:
        await self.lifecycle.prepare()
        batch_keys: dict[tuple[str, str], dict[str, Any]] = {}
        for found in await self.lifecycle.in_processing():
            if len(items) >= limit:
                return
            items.extend(await self._take(found.name, found, batch_keys, recovered=True))
        waiting = await self.lifecycle.waiting()
        for found in self.lifecycle.settled(waiting, self.options.settle_seconds, time.monotonic()):
            if len(items) >= limit:
                return
            claimed = await self.lifecycle.claim(found.name)
            if claimed is not None:  # None: another worker took it first
                items.extend(await self._take(claimed, found, batch_keys, recovered=False))

    async def _take(
        self, name: str, found: RemoteFile, batch_keys: dict[tuple[str, str], dict[str, Any]], recovered: bool
    ) -> list[Incoming]:
        data = await self.lifecycle.read(name)
        digest = sha256(data)
        meta: dict[str, Any] = {"file": name, "partner": self.partner, "sha256": digest, "interchange": None}
        interchange: Interchange | None = None
        if self.options.format == "x12":
            try:
                interchange = read_isa(data)
                meta["interchange"] = interchange.as_tuple()
            except IsaError as exc:
                return [self._rejected(name, data, meta, "x12_envelope", f"{name}: {exc}", {})]

        if await self._settled_as_duplicate(name, digest, interchange, batch_keys, recovered):
            return []
        return self._items(name, data, found, meta)

    async def _settled_as_duplicate(
        self,
        name: str,
        digest: str,
        interchange: Interchange | None,
        batch_keys: dict[tuple[str, str], dict[str, Any]],
        recovered: bool,
    ) -> bool:
        """True when the file was seen before and has been archived instead of handed over."""
        duplicate = await asyncio.to_thread(self.dedupe.check, digest, interchange)  # the store is sync I/O
        if duplicate is not None and recovered:
            original = duplicate.original
            if original.get("file") == name and original.get("sha256") == digest:
                # we committed this file and died before archiving it: finish the move, nothing more
                await self.lifecycle.archive(name)
                return True
        keys = self.dedupe.keys(digest, interchange)
        if duplicate is None:
            for kind, value in keys:
                if (kind, value) in batch_keys:  # the same file twice in one poll
                    duplicate = Duplicate(kind, value, batch_keys[kind, value])
                    break
        if duplicate is None:
            record = {
                "file": name,
                "sha256": digest,
                "interchange": interchange.as_tuple() if interchange else None,
            }
            batch_keys.update(dict.fromkeys(keys, record))
            return False
        archived = await self.lifecycle.archive(
            name, {"key": duplicate.kind, "value": duplicate.value, **duplicate.original}
        )
        self.duplicates.append(
            DuplicateReport(name, archived, duplicate.kind, duplicate.value, duplicate.original)
        )
        log.warning(
            "duplicate file %s from %s (%s %s, first seen as %s): archived, not processed",
            name,
            self.partner,
            duplicate.kind,
            duplicate.value,
            duplicate.original.get("file"),
        )
        return True

    def _items(self, name: str, data: bytes, found: RemoteFile, meta: dict[str, Any]) -> list[Incoming]:
        """What the inbox gets for one file: CloudEvents (csv, json lists), raw text, or a rejection."""
        if self.options.format == "csv":
            assert self.column_map is not None  # checked in __init__
            received = datetime.fromtimestamp(found.mtime, UTC)
            try:
                events = parse_flat_file(data, name, self.column_map, self.partner, meta["sha256"], received)
            except FlatFileError as exc:
                details = {"problems": [p.as_dict() for p in exc.problems]}
                return [self._rejected(name, data, meta, "flat_file", str(exc), details)]
            return [
                Incoming(
                    body=event,
                    system=self.system,
                    origin=f"{self._origin(name)}#{event['id']}",
                    meta=dict(meta),
                )
                for event in events
            ]
        try:
            text = data.decode("latin-1" if self.options.format == "x12" else "utf-8")
        except UnicodeDecodeError as exc:
            return [
                self._rejected(
                    name, data, meta, "encoding", f"{name}: not UTF-8 text at byte {exc.start}", {}
                )
            ]
        if self.options.format == "json":
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError as exc:
                reason = f"{name}: not valid JSON: {exc}"
                return [self._rejected(name, data, meta, "malformed", reason, {"line": exc.lineno})]
            if isinstance(parsed, list):  # a file of several events: one item each
                origin = self._origin(name)
                return [
                    Incoming(body=event, system=self.system, origin=f"{origin}[{i}]", meta=dict(meta))
                    for i, event in enumerate(parsed)
                ]
        return [Incoming(body=text, system=self.system, origin=self._origin(name), meta=meta)]

    def _rejected(
        self, name: str, data: bytes, meta: dict[str, Any], kind: str, reason: str, details: dict[str, Any]
    ) -> Incoming:
        """Hand the file over as rejected (the inbox keeps it, visible); commit moves it to error."""
        meta = {**meta, "rejection": (kind, reason), "error_details": details}
        body = data.decode("utf-8", errors="replace")
        return Incoming(body=body, system=self.system, origin=self._origin(name), meta=meta)

    async def commit(self, items: Sequence[Incoming]) -> None:
        files: dict[str, Incoming] = {}
        for item in items:
            files.setdefault(item.meta["file"], item)
        for name, item in files.items():
            try:
                await self._finish(name, item)
            except TransferError as exc:
                # the file stays in processing and is handed over again at the next poll; the inbox
                # ignores the repeat and the recorded dedupe keys let it through to archive
                log.warning("%s: cannot finish %s yet (%s): %s", self.name, name, exc.kind, exc)

    async def _finish(self, name: str, item: Incoming) -> None:
        if "rejection" in item.meta:
            kind, reason = item.meta["rejection"]
            details = {"kind": kind, "partner": self.partner, "sha256": item.meta["sha256"]}
            details.update(item.meta.get("error_details") or {})
            await self.lifecycle.fail(name, reason, details)
            return
        interchange = item.meta.get("interchange")
        key = Interchange(*interchange) if interchange else None
        await asyncio.to_thread(self.dedupe.remember, item.meta["sha256"], key, name)
        await self.lifecycle.archive(name)

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    async def close(self) -> None:
        await self.transport.close()
