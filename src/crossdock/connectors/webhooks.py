"""A small HTTP/1.1 endpoint for webhooks, on the event loop of the source that owns it.

Webhooks from Odoo and WMSs are short JSON POSTs that must be answered within a second or
three; this server reads one request per connection, hands (path, headers, body) to the
owner's handler and writes its answer. Headers are given with lower-case names.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("crossdock.webhooks")
MAX_BODY = 4 * 1_048_576
REASONS = {
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
}

Handler = Callable[[str, dict[str, str], bytes], tuple[int, Any]]


class WebhookServer:
    def __init__(self, handler: Handler, host: str = "127.0.0.1", port: int = 0):
        self.handler = handler
        self.host, self.port = host, port
        self.server: asyncio.Server | None = None

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    async def start(self) -> WebhookServer:
        self.server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, answer = await self._serve(reader)
        except (asyncio.IncompleteReadError, ValueError, ConnectionError) as exc:
            log.warning("bad webhook request: %s", exc)
            status, answer = 400, {"error": "bad request"}
        body = json.dumps(answer).encode()
        head = (
            f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        try:
            writer.write(head.encode() + body)
            await writer.drain()
        finally:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader) -> tuple[int, Any]:
        request_line = (await reader.readline()).decode("latin-1").split()
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        if length > MAX_BODY:
            return 413, {"error": "payload too large"}
        body = await reader.readexactly(length) if length else b""
        if len(request_line) < 2 or request_line[0] != "POST":
            return 405, {"error": "POST only"}
        return self.handler(request_line[1].split("?", 1)[0], headers, body)

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
