"""Receives Odoo 17+ automation webhooks (base.automation, "Send Webhook Notification").

Odoo posts one JSON object per record ({"_id", "_model", "_action", fields...}) with a one
second timeout, no retry and no signature (odoo-api.md §5.1). So a webhook is only a hint:
the receiver answers at once and wakes the polling source, which stays the guarantee.
The URL carries a secret token, since Odoo sends no other credential.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import Any

from ..webhooks import WebhookServer


class WebhookReceiver:
    def __init__(self, on_hint: Callable[[dict], None], token: str, host: str = "127.0.0.1", port: int = 0):
        self.on_hint = on_hint
        self.path = f"/odoo/webhook/{token}"
        self.server = WebhookServer(self._handle, host, port)
        self.received = 0
        self.refused = 0

    @property
    def url(self) -> str:
        return self.server.url(self.path)

    async def start(self) -> WebhookReceiver:
        await self.server.start()
        return self

    def _handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        if not hmac.compare_digest(path, self.path):
            self.refused += 1
            return 404, {"error": "not found"}
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or "_model" not in payload:
            self.refused += 1
            return 400, {"error": "expected an Odoo webhook object with _model and _id"}
        self.received += 1
        self.on_hint(payload)
        return 200, {"status": "OK"}

    async def close(self) -> None:
        await self.server.close()
