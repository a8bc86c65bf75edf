"""What an operator does with the emulator over its HTTP API: the demo's and the tests' hands in the WMS."""

from __future__ import annotations

from typing import Any

import httpx

from .server import WmsServer


class WmsOperator:
    def __init__(self, server: WmsServer) -> None:
        self.http = httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {server.api_key}"}, timeout=30
        )

    def get(self, path: str) -> Any:
        response = self.http.get(path)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict | None = None) -> Any:
        response = self.http.post(path, json=body or {})
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        self.http.close()
