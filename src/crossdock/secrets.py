"""Secrets come from the environment or from files, and never reach logs or the ledger.

Config values may be written as ${env:NAME} or ${file:/path/to/secret}. Every value resolved
this way is remembered, and `redact` masks it wherever text leaves the process.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

_REFERENCE = re.compile(r"\$\{(env|file):([^}]+)\}")
_known: set[str] = set()
_lock = threading.Lock()
MASK = "***"


class SecretError(ValueError):
    pass


def resolve(text: str) -> str:
    """Replace ${env:X} / ${file:P} references; remember the resolved values as secrets."""

    def substitute(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2).strip()
        if kind == "env":
            if name not in os.environ:
                raise SecretError(f"environment variable {name} is not set")
            value = os.environ[name]
        else:
            try:
                value = Path(name).read_text().strip()
            except OSError as exc:
                raise SecretError(f"cannot read secret file {name}: {exc.strerror}") from None
        remember(value)
        return value

    return _REFERENCE.sub(substitute, text)


def remember(value: str) -> None:
    if len(value) >= 4:  # masking shorter strings would garble ordinary text
        with _lock:
            _known.add(value)


def redact(text: str | None) -> str | None:
    if not text or not _known:
        return text
    for secret in sorted(_known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text
