"""Parsed interchange structure: Document > Interchange > FunctionalGroup > TransactionSet."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from .errors import EdiError
from .tokenizer import Chunk, Delimiters

PolicyName = Literal["strict", "lenient"]


@dataclass(frozen=True, slots=True)
class Policy:
    """How envelope problems are handled.

    ``strict``: any envelope error (interchange, group or set envelope level) rejects the interchange,
    and a bare ST..SE without ISA/GS is rejected. ``lenient`` (accept-and-report): everything that can be
    read is read; envelope errors are reported and mapped to acknowledgment codes, the interchange stays
    usable. Neither policy stops at the first error.
    """

    name: PolicyName = "lenient"

    @property
    def strict(self) -> bool:
        return self.name == "strict"

    @classmethod
    def of(cls, name: str | Policy) -> Policy:
        if isinstance(name, Policy):
            return name
        if name not in ("strict", "lenient"):
            raise ValueError(f"unknown policy {name!r}: use 'strict' or 'lenient'")
        return cls(name)  # type: ignore[arg-type]


STRICT = Policy("strict")
LENIENT = Policy("lenient")


@dataclass(slots=True)
class TransactionSet:
    chunk: Chunk
    start: int  # index of ST in chunk.raw
    end: int  # index of SE in chunk.raw (last segment of the set when SE is missing)
    set_id: str
    control: str
    version: str  # GS08 of the enclosing group ("" for a bare set)
    implementation: str | None = None  # ST03 (5010)
    errors: list[EdiError] = field(default_factory=list)
    # (loop path, starts a loop pass) per segment, kept by validation when asked (for `edi parse` trees)
    loop_trace: list[tuple[tuple[str, ...], bool]] | None = None

    @property
    def first_no(self) -> int:
        return self.chunk.first_no + self.start

    @property
    def raw(self) -> list[str]:
        return self.chunk.raw[self.start : self.end + 1]

    @property
    def segments(self) -> list[list[str]]:
        sep = self.chunk.delimiters.element
        return [s.split(sep) for s in self.chunk.raw[self.start : self.end + 1]]

    @property
    def has_errors(self) -> bool:
        return any(e.severity == "error" for e in self.errors)


@dataclass(slots=True)
class FunctionalGroup:
    gs: list[str]
    first_no: int
    ge: list[str] | None = None
    sets: list[TransactionSet] = field(default_factory=list)
    errors: list[EdiError] = field(default_factory=list)

    def _gs(self, i: int) -> str:
        return self.gs[i] if len(self.gs) > i else ""

    @property
    def functional_id(self) -> str:
        return self._gs(1)

    @property
    def control(self) -> str:
        return self._gs(6)

    @property
    def version(self) -> str:
        return self._gs(8)

    @property
    def sender(self) -> str:
        return self._gs(2)

    @property
    def receiver(self) -> str:
        return self._gs(3)


@dataclass(slots=True)
class Interchange:
    isa: list[str]
    delimiters: Delimiters
    first_no: int
    iea: list[str] | None = None
    groups: list[FunctionalGroup] = field(default_factory=list)
    errors: list[EdiError] = field(default_factory=list)
    ta1: list[list[str]] = field(default_factory=list)  # TA1 segments found inside (inbound TA1 acks)

    def _isa(self, i: int) -> str:
        return self.isa[i] if len(self.isa) > i else ""

    @property
    def control(self) -> str:
        return self._isa(13)

    @property
    def sender(self) -> tuple[str, str]:
        return self._isa(5), self._isa(6).strip()

    @property
    def receiver(self) -> tuple[str, str]:
        return self._isa(7), self._isa(8).strip()

    @property
    def version(self) -> str:
        return self._isa(12)

    @property
    def ack_requested(self) -> bool:
        return self._isa(14) == "1"

    @property
    def usage(self) -> str:
        return self._isa(15)

    @property
    def date(self) -> str:
        return self._isa(9)

    @property
    def time(self) -> str:
        return self._isa(10)


@dataclass(slots=True)
class Document:
    """Everything read from one file, with every problem found, under one policy."""

    policy: Policy
    interchanges: list[Interchange] = field(default_factory=list)
    bare_sets: list[TransactionSet] = field(default_factory=list)
    errors: list[EdiError] = field(default_factory=list)  # file-level problems (tokenizer, outside envelopes)
    segment_count: int = 0

    def sets(self) -> Iterator[TransactionSet]:
        for ic in self.interchanges:
            for g in ic.groups:
                yield from g.sets
        yield from self.bare_sets

    def groups(self) -> Iterator[FunctionalGroup]:
        for ic in self.interchanges:
            yield from ic.groups

    def all_errors(self) -> list[EdiError]:
        out = list(self.errors)
        for ic in self.interchanges:
            out.extend(ic.errors)
            for g in ic.groups:
                out.extend(g.errors)
                for s in g.sets:
                    out.extend(s.errors)
        for s in self.bare_sets:
            out.extend(s.errors)
        return sorted(out, key=lambda e: (e.segment_no or 0, e.element or 0))

    def codes(self) -> list[str]:
        return [e.code for e in self.all_errors() if e.severity == "error"]

    def envelope_errors(self) -> list[EdiError]:
        return [
            e
            for e in self.all_errors()
            if e.severity == "error" and e.level in ("interchange", "group", "set")
        ]

    @property
    def readable(self) -> bool:
        """Something was read (at least one interchange or bare set)."""
        return bool(self.interchanges or self.bare_sets)

    @property
    def accepted(self) -> bool:
        """The interchange(s) may be processed under the policy (set-level content errors do not count)."""
        if not self.readable:
            return False
        if self.policy.strict:
            return not self.envelope_errors()
        return True

    @property
    def valid(self) -> bool:
        return self.readable and not self.codes()
