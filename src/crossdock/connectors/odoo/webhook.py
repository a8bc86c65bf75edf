"""Receives Odoo 17+ automation webhooks (base.automation, "Send Webhook Notification").

Odoo posts one JSON object per record ({"_id", "_model", "_action", fields...}) with a one
second timeout, no retry and no signature (odoo-api.md §5.1). So a webhook is only a hint:
the receiver answers at once and wakes the polling source, which stays the guarantee.
The URL carries a secret token, since Odoo sends no other credential.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable

log = logging.getLogger("crossdock.odoo.webhook")
MAX_BODY = 1_048_576


class WebhookReceiver:
    def __init__(self, on_hint: Callable[[dict], None], token: str, host: str = "127.0.0.1", port: int = 0):
        self.on_hint = on_hint
        self.path = f"/odoo/webhook/{token}"
        self.host, self.port = host, port
        self.server: asyncio.Server | None = None
        self.received = 0
        self.refused = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.path}"

    async def start(self) -> WebhookReceiver:
        self.server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status = await self._serve(reader)
        except (asyncio.IncompleteReadError, ValueError, ConnectionError) as exc:
            log.warning("bad webhook request: %s", exc)
            status = 400
        reason = {
            200: "OK",
            400: "Bad Request",
            404: "Not Found",
            405: "Method Not Allowed",
            413: "Too Large",
        }[status]
        body = json.dumps({"status": reason}).encode()
        writer.write(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
            f"\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        try:
            await writer.drain()
        finally:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader) -> int:
        request_line = (await reader.readline()).decode("latin-1").split()
        headers = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        if length > MAX_BODY:
            self.refused += 1
            return 413
        body = await reader.readexactly(length) if length else b""
        if len(request_line) < 2 or request_line[0] != "POST":
            return 405
        if not hmac.compare_digest(request_line[1].split("?", 1)[0], self.path):
            self.refused += 1
            return 404
        payload = json.loads(body or b"{}")
        if not isinstance(payload, dict) or "_model" not in payload:
            self.refused += 1
            return 400
        self.received += 1
        self.on_hint(payload)
        return 200

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
