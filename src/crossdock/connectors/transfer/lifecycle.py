"""The life of a file, so that a crash at any point loses nothing and repeats nothing harmful.

Inbound (on the partner's transport):  inbox -> processing -> archive | error
  - claiming is a rename into `processing`: two workers cannot both take a file, and a file in
    `processing` after a crash is ours to finish (the source hands it over again on start);
  - a file moved to `error` gets a sidecar `<name>.error.json` (reason, when, details) beside it;
  - a duplicate goes to `archive` with a sidecar `<name>.duplicate.json` naming the original.
Outbound (local outbox, then the partner):  outbox -> (atomic upload) -> sent
  - the file is on local disk before we talk to the partner, so a partner that is down only
    delays it; uploads retry with exponential backoff and jitter under a configurable policy.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import os
import posixpath
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from ...config import RetryPolicy
from ...core.retry import backoff_seconds, should_retry
from .transport import AlreadyExists, PathMissing, RemoteFile, TransferError, Transport, atomic_write

T = TypeVar("T")


def utc_stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _dumps(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, indent=2, sort_keys=True, default=str) + "\n").encode()


class Folders(BaseModel):
    """Folders on the partner's transport, relative to its root."""

    model_config = ConfigDict(extra="forbid")

    inbox: str = Field(default="outbound", description="where the partner drops files for us")
    processing: str = "outbound/processing"
    archive: str = "outbound/archive"
    error: str = "outbound/error"


class InboundLifecycle:
    def __init__(self, transport: Transport, folders: Folders, patterns: list[str]):
        self.transport = transport
        self.folders = folders
        self.patterns = patterns
        self._prepared = False
        self._sightings: dict[str, tuple[tuple[int, float], float]] = {}

    async def prepare(self) -> None:
        if not self._prepared:
            for folder in (self.folders.processing, self.folders.archive, self.folders.error):
                await self.transport.ensure_folder(folder)
            self._prepared = True

    def _matches(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in self.patterns)

    async def waiting(self) -> list[RemoteFile]:
        """New files in the inbox, oldest first (partners expect their files applied in order)."""
        files = [f for f in await self.transport.list(self.folders.inbox) if self._matches(f.name)]
        return sorted(files, key=lambda f: (f.mtime, f.name))

    def settled(self, files: list[RemoteFile], settle_seconds: float, now: float) -> list[RemoteFile]:
        """The files whose size and time have not changed for `settle_seconds`.

        For partners who write straight into the final name instead of renaming a finished upload:
        a file still growing is left alone until it stops changing.
        """
        if settle_seconds <= 0:
            return files
        ready, sightings = [], {}
        for f in files:
            previous = self._sightings.get(f.name)
            if previous is None or previous[0] != (f.size, f.mtime):
                sightings[f.name] = ((f.size, f.mtime), now)
                continue
            sightings[f.name] = previous
            if now - previous[1] >= settle_seconds:
                ready.append(f)
        self._sightings = sightings
        return ready

    async def in_processing(self) -> list[RemoteFile]:
        """Files claimed but not finished: left by a process that died, or not yet committed."""
        files = [f for f in await self.transport.list(self.folders.processing) if not _is_sidecar(f.name)]
        return sorted(files, key=lambda f: (f.mtime, f.name))

    async def claim(self, name: str) -> str | None:
        """Move inbox/name into processing; the name it has there, or None if someone else took it."""
        source = posixpath.join(self.folders.inbox, name)
        target = name
        for _ in range(5):
            try:
                await self.transport.move(source, posixpath.join(self.folders.processing, target))
                return target
            except PathMissing:
                return None
            except AlreadyExists:  # an older file of the same name is still being processed
                target = _unique(name)
        raise TransferError(f"cannot find a free name for {name} in {self.folders.processing}")

    async def read(self, name: str) -> bytes:
        return await self.transport.read(posixpath.join(self.folders.processing, name))

    async def archive(self, name: str, duplicate_of: dict[str, Any] | None = None) -> str:
        """Move a finished file to archive; a duplicate also gets a sidecar naming its original."""
        record = None
        if duplicate_of is not None:
            record = {"file": name, "reason": "duplicate", "when": utc_stamp(), "duplicate_of": duplicate_of}
        return await self._move_out(name, self.folders.archive, record, "duplicate")

    async def fail(self, name: str, reason: str, details: dict[str, Any] | None = None) -> str:
        """Move a file that cannot be processed to error, with `<name>.error.json` beside it."""
        record = {"file": name, "reason": reason, "when": utc_stamp(), "details": details or {}}
        return await self._move_out(name, self.folders.error, record, "error")

    async def _move_out(self, name: str, folder: str, sidecar: dict[str, Any] | None, label: str) -> str:
        """Move processing/name into folder under a free name; the sidecar is written first, so a
        crash never leaves a file in error without its reason (a repeat rewrites the same sidecar)."""
        source = posixpath.join(self.folders.processing, name)
        target = name
        for _ in range(5):
            # the move itself refuses a taken name; only a sidecar needs the name checked first,
            # or it would overwrite the sidecar of the earlier file of that name
            if sidecar is not None and await self.transport.exists(posixpath.join(folder, target)):
                target = _unique(name)  # a file of the same name was finished before: keep both
                continue
            if sidecar is not None:
                await self.transport.write(posixpath.join(folder, f"{target}.{label}.json"), _dumps(sidecar))
            try:
                await self.transport.move(source, posixpath.join(folder, target))
                return target
            except AlreadyExists:  # finished before, or lost a race for the name: keep both
                target = _unique(name)
        raise TransferError(f"cannot find a free name for {name} in {folder}")


def _is_sidecar(name: str) -> bool:
    return name.endswith((".error.json", ".duplicate.json"))


def _unique(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    token = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    return f"{stem}~{token}.{suffix}" if dot and stem else f"{name}~{token}"


# ---- outbound --------------------------------------------------------------------------------


class RetryOptions(RetryPolicy):
    """Upload retries within one delivery: the shared RetryPolicy with shorter defaults.

    `attempts` is the documented key for `max_attempts`; a zero base delay is allowed (tests).
    """

    max_attempts: int = Field(default=4, ge=1, validation_alias=AliasChoices("attempts", "max_attempts"))
    base_delay: float = Field(default=1.0, ge=0)
    max_delay: float = Field(default=30.0, gt=0)

    @property
    def attempts(self) -> int:
        return self.max_attempts


@dataclass
class RetryReport:
    attempts: int
    delays: list[float]


async def with_retries(call: Callable[[], Awaitable[T]], policy: RetryOptions) -> tuple[T, RetryReport]:
    """Run `call` until it succeeds, a non-retryable error, or the attempts run out (last error raised)."""
    delays: list[float] = []
    attempt = 1
    while True:
        try:
            return await call(), RetryReport(attempt, delays)
        except TransferError as exc:
            if not should_retry(policy, attempt, exc.retryable):
                exc.attempts = attempt
                raise
            delays.append(backoff_seconds(policy, attempt))
            await asyncio.sleep(delays[-1])
        attempt += 1


class Outbox:
    """Local folders for outbound files: `outbox/` (waiting to upload) and `sent/` (delivered)."""

    def __init__(self, work_dir: Path, fsync: bool = True):
        self.outbox = Path(work_dir) / "outbox"
        self.sent = Path(work_dir) / "sent"
        self.fsync = fsync
        self.outbox.mkdir(parents=True, exist_ok=True)
        self.sent.mkdir(parents=True, exist_ok=True)

    def put(self, name: str, data: bytes) -> Path:
        """Write the file to the outbox atomically (a crash leaves the old copy or the new one)."""
        target = self.outbox / safe_name(name)
        atomic_write(target, data, self.fsync)
        return target

    def pending(self) -> list[Path]:
        files = [p for p in self.outbox.iterdir() if p.is_file() and not p.name.startswith(".")]
        return sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name))

    def mark_sent(self, path: Path, name: str) -> Path:
        """Move an uploaded file to sent/, under the name the partner sees (`name`)."""
        target = self.sent / name
        if target.exists():
            target = self.sent / _unique(name)
        os.replace(path, target)
        return target


def safe_name(name: str) -> str:
    """A partner file name must be a plain name: no folders, nothing hidden."""
    base = posixpath.basename(name.replace("\\", "/")).strip()
    if not base or base.startswith(".") or base.endswith(".part"):
        raise ValueError(f"{name!r} is not a usable file name (plain, not hidden, not ending in .part)")
    return base
