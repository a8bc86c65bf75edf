"""What every emulator's HTTP server shares: loopback only, quiet logs, no Nagle delay."""

from __future__ import annotations

import ipaddress
import socket
from http.server import BaseHTTPRequestHandler
from typing import Any


def check_loopback(host: str, what: str) -> None:
    """Emulators serve this machine only: any other address is refused outright."""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"the {what} only binds loopback addresses, not {host!r}")


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler whose server has a `verbose` flag."""

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # headers and body are written separately: without NODELAY, Nagle + delayed ACK add ~40 ms per call
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet unless verbose
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""
