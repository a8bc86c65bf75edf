"""Has this file been seen before? By its content (SHA-256) and, for X12, by its interchange.

Partners resend: a retry after a timeout, a file restored from their backup, an interchange
re-enveloped with a new file name. The content hash catches byte-identical resends; the
(sender id, ISA13) pair catches the same interchange in a different file (X12 notes 2.3: ISA13 is
unique per sender, and partners rely on it for duplicate detection).

The ISA is read from the first 106 characters without a full parse: it is fixed-width and
declares its own element separator at offset 3.

Seen keys live in the crossdock store (the cursors table as a key-value table, key
`files:<partner>:<kind>:<value>`) once the runtime binds it, so restarts and other workers
share them; without a store they live in memory.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ...core.cursors import Cursors, KeyValue, MemoryKeyValue
from .lifecycle import utc_stamp

ISA_LENGTH = 106
# offsets of the element separator in a well-formed ISA (X12 notes 2.1)
SEPARATOR_OFFSETS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
_BOM = b"\xef\xbb\xbf"


class IsaError(ValueError):
    """The file does not start with a readable ISA interchange header."""


@dataclass(frozen=True)
class Interchange:
    sender: str  # ISA06, trimmed
    control: str  # ISA13, as sent (9 digits)

    def as_tuple(self) -> tuple[str, str]:
        return (self.sender, self.control)


def read_isa(data: bytes) -> Interchange:
    """Sender id and interchange control number from the ISA at the start of `data`."""
    head = data[: ISA_LENGTH + 1024]
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    text = head.decode("latin-1").lstrip()  # latin-1: every byte decodes, offsets stay byte offsets
    if not text.startswith("ISA"):
        raise IsaError(f"does not start with an ISA segment (starts with {text[:10]!r})")
    if len(text) < 4:
        raise IsaError("the ISA segment is truncated")
    separator = text[3]
    if separator.isalnum() or separator.isspace():
        raise IsaError(f"the element separator {separator!r} must not be a letter, digit or space")
    isa = text[:ISA_LENGTH]
    if len(isa) >= ISA_LENGTH - 2 and all(isa[i] == separator for i in SEPARATOR_OFFSETS):
        sender, control = isa[35:50].strip(), isa[90:99]
    else:
        # a mangled ISA (collapsed padding, short sender id): fall back to counting elements
        elements = text[:200].split(separator)
        if len(elements) < 14:
            raise IsaError(f"the ISA has {len(elements) - 1} elements, fewer than the 16 required")
        sender, control = elements[6].strip(), elements[13].strip()
    if not sender:
        raise IsaError("ISA06 (interchange sender id) is empty")
    if not (control.isdigit() and len(control) == 9):
        raise IsaError(f"ISA13 (interchange control number) must be 9 digits, got {control!r}")
    return Interchange(sender, control)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Duplicate:
    """A file seen before: which key matched and the record of the first file with that key."""

    kind: str  # "sha256" | "isa13"
    value: str
    original: dict[str, Any]


class DuplicateDetector:
    def __init__(self, partner: str):
        self.partner = partner
        self.table: KeyValue = MemoryKeyValue()  # until bind() gives it the store

    def bind(self, store: Any) -> None:
        self.table = Cursors(store)

    def keys(self, digest: str, interchange: Interchange | None) -> list[tuple[str, str]]:
        keys = [("sha256", digest)]
        if interchange is not None:
            keys.append(("isa13", f"{interchange.sender}:{interchange.control}"))
        return keys

    def _name(self, kind: str, value: str) -> str:
        return f"files:{self.partner}:{kind}:{value}"

    def check(self, digest: str, interchange: Interchange | None) -> Duplicate | None:
        for kind, value in self.keys(digest, interchange):
            stored = self.table.get(self._name(kind, value))
            if stored is not None:
                return Duplicate(kind, value, json.loads(stored))
        return None

    def remember(self, digest: str, interchange: Interchange | None, file: str) -> None:
        """Record the file as the original for its keys (called once it is durably in the inbox)."""
        record = {
            "file": file,
            "sha256": digest,
            "interchange": list(interchange.as_tuple()) if interchange else None,
            "at": utc_stamp(),
        }
        text = json.dumps(record, sort_keys=True)
        for kind, value in self.keys(digest, interchange):
            if self.table.get(self._name(kind, value)) is None:  # the first file stays the original
                self.table.set(self._name(kind, value), text)
