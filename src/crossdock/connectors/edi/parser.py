"""Public entry points: read data into a ``Document`` (tokenize + envelope checks + set validation)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .envelope import build_document, flag_duplicates
from .model import Document, Policy
from .schema import Profile
from .tokenizer import tokenize
from .validator import validate_document


def parse(data: bytes | str, policy: str | Policy = "lenient") -> Document:
    """Tokenize and check the envelopes only; sets are not validated against their definitions."""
    return build_document(tokenize(data), Policy.of(policy))


def read(
    data: bytes | str,
    policy: str | Policy = "lenient",
    profile: Profile | None = None,
    bare_version: str = "004010",
    is_duplicate: Callable[[str, str], bool] | None = None,
    keep_trace: bool = False,
) -> Document:
    """Tokenize, check envelopes and validate every transaction set (the full inbound check).

    ``is_duplicate(sender_id, isa13)`` lets the caller's store flag interchanges received before (TA1 025);
    ``keep_trace`` keeps each set's loop walk for ``set_tree``.
    """
    doc = parse(data, policy)
    if is_duplicate is not None:
        flag_duplicates(doc, is_duplicate)
    return validate_document(doc, profile, bare_version, keep_trace)


def read_file(path: str | Path, policy: str | Policy = "lenient", profile: Profile | None = None) -> Document:
    return read(Path(path).read_bytes(), policy, profile)
