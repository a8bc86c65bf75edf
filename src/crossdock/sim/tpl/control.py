"""The control API over HTTP (loopback, bearer token) for a 3PL emulator started from the CLI.

It runs on the emulator's own event loop, so a request never races the inbound/outbound loop.

    POST /tpl/advance      {"minutes": 90}                -> {"now", "files"}
    POST /tpl/faults       {"duplicate": 1, ...} / {"clear": true}
    GET  /tpl/faults | /tpl/state
    POST /tpl/cycle-count  {"sku"?, "location"?}          -> {"now", "files"}
    POST /tpl/snapshot                                     -> {"now", "files"}
    any /v1/... or /_sim/... is passed to the warehouse behind the 3PL (its own contract and control API)
"""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import TYPE_CHECKING, Any

from crossdock.sim.wms.clock import iso

if TYPE_CHECKING:
    from .emulator import TplEmulator

REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}


class ControlServer:
    def __init__(self, tpl: TplEmulator, host: str, port: int, token: str) -> None:
        self.tpl = tpl
        self.host = host
        self.port = port
        self.token = token
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connection, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = (await reader.readline()).decode("latin-1").split()
            headers: dict[str, str] = {}
            while (line := (await reader.readline()).decode("latin-1").strip()) != "":
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length") or 0))
            status, answer = self._dispatch(request, headers, body)
        except (ValueError, KeyError, TypeError, RuntimeError, asyncio.IncompleteReadError) as exc:
            status, answer = 400, {"error": f"{type(exc).__name__}: {exc}"}
        payload = json.dumps(answer, default=str).encode()
        head = (
            f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
        )
        writer.write(head.encode() + payload)
        await writer.drain()
        writer.close()

    def _dispatch(self, request: list[str], headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        if len(request) < 2:
            raise ValueError("malformed request line")
        method, path = request[0], request[1]
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), self.token.encode()):
            return 401, {"error": "missing or invalid token (Authorization: Bearer <token>)"}
        if path.startswith(("/v1/", "/_sim/")):  # raw: the warehouse refuses JSON floats, so never re-encode
            return self.tpl.wms_request(method, path, raw=body)
        data = json.loads(body) if body else {}
        tpl = self.tpl
        actions = {
            ("POST", "/tpl/advance"): lambda: tpl.advance(float(data["minutes"])),
            ("POST", "/tpl/cycle-count"): lambda: tpl.cycle_count(data.get("sku"), data.get("location")),
            ("POST", "/tpl/snapshot"): tpl.snapshot,
        }
        if (method, path) in actions:
            files = actions[(method, path)]()
            return 200, {"now": iso(tpl.now), "files": files}  # not state(): it takes the warehouse lock
        if (method, path) == ("POST", "/tpl/faults"):
            return 200, tpl.faults(**data)
        if (method, path) == ("GET", "/tpl/faults"):
            return 200, tpl.faults()
        if (method, path) == ("GET", "/tpl/state"):
            return 200, tpl.state()
        return 404, {"error": f"no route {method} {path}"}
