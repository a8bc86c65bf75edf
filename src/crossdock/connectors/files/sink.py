"""Writes each command as one JSON file named by its idempotency key.

Idempotent by construction: the file is written under a temporary name and renamed into place,
and a key whose file already exists is reported as applied without writing again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..base import Delivery, Outcome

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name_for(key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{_UNSAFE.sub('_', key)[:120]}-{digest}.json"


class FileSinkOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: Path
    fsync: bool = True


class FileSink:
    Options = FileSinkOptions

    def __init__(self, name: str, options: FileSinkOptions):
        self.name = name
        self.folder = options.path
        self.fsync = options.fsync
        self.folder.mkdir(parents=True, exist_ok=True)

    def write(self, delivery: Delivery) -> bool:
        """Write the command once; False when it was already there (a redelivery)."""
        target = self.folder / file_name_for(delivery.idempotency_key)
        if target.exists():
            return False
        record = {
            "idempotency_key": delivery.idempotency_key,
            "action": delivery.action,
            "business_key": delivery.business_key,
            "payload": delivery.payload,
        }
        temporary = target.with_suffix(f".tmp{os.getpid()}")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(record, handle, sort_keys=True)
            if self.fsync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, target)
        return True

    async def deliver(self, delivery: Delivery) -> Outcome:
        written = self.write(delivery)
        return Outcome(
            acknowledged=True,
            detail={"file": file_name_for(delivery.idempotency_key), "already_applied": not written},
        )

    async def close(self) -> None:
        return None
