"""Reads CloudEvents from a folder: *.json (one event or a list) and *.jsonl (one per line).

A file moves to `archive/` only after everything in it is durably in the inbox, so a crash at
any point re-reads it, and the inbox's idempotency keys make the second read a no-op.
A file that is not valid JSON is still handed over whole: the inbox records it as rejected,
with the raw text kept for correction and replay.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..base import Incoming


def read_file(path: Path, system: str) -> list[Incoming]:
    """The items of one file; a file that is not valid JSON becomes one raw item (rejected later)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    origin = str(path)
    if path.suffix == ".jsonl":
        return [
            Incoming(body=line, system=system, origin=f"{origin}:{number}")
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return [Incoming(body=text, system=system, origin=origin)]
    if isinstance(parsed, list):
        return [Incoming(body=item, system=system, origin=f"{origin}[{i}]") for i, item in enumerate(parsed)]
    return [Incoming(body=parsed if isinstance(parsed, dict) else text, system=system, origin=origin)]


class FileSourceOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: Path
    archive: Path | None = None
    patterns: list[str] = ["*.json", "*.jsonl"]
    watch: bool = True


class FileSource:
    Options = FileSourceOptions

    def __init__(self, name: str, system: str, options: FileSourceOptions):
        self.name = name
        self.system = system
        self.folder = options.path
        self.archive = options.archive or options.path / "archive"
        self.patterns = options.patterns
        self.watch = options.watch
        self._exhausted = False
        self.folder.mkdir(parents=True, exist_ok=True)

    def _files(self) -> list[Path]:
        found = {p for pattern in self.patterns for p in self.folder.glob(pattern) if p.is_file()}
        return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))

    def _read(self, path: Path) -> list[Incoming]:
        return read_file(path, self.system)

    async def poll(self, limit: int) -> Sequence[Incoming]:
        batch: list[Incoming] = []
        for path in self._files():
            items = self._read(path)
            for item in items:
                item.meta["file"] = path
            if not items:  # an empty file: nothing to ingest, archive it at once
                self._move(path)
                continue
            batch.extend(items)
            if len(batch) >= limit:
                break
        self._exhausted = not batch and not self.watch
        return batch

    def _move(self, path: Path) -> None:
        self.archive.mkdir(parents=True, exist_ok=True)
        target = self.archive / path.name
        if target.exists():
            target = self.archive / f"{path.stem}.{os.getpid()}.{path.stat().st_mtime_ns}{path.suffix}"
        os.replace(path, target)

    async def commit(self, items: Sequence[Incoming]) -> None:
        for path in dict.fromkeys(item.meta["file"] for item in items):
            if path.exists():
                self._move(path)

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    async def close(self) -> None:
        return None
