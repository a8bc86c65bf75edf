"""HTTP calls to a WMS, with its answers turned into what the runtime needs to decide.

2xx: done. 409: the WMS refused it for its state (the error code says why; the caller decides,
per profile, whether that code means "already applied"). 400 / 404 / 422:
the request is wrong and retrying will not help: the WMS's message and field are kept.
401 / 403: credentials refused (fix the configuration, then replay). 429, 5xx, timeouts and
refused connections: transient, the runtime retries with backoff.
"""

from __future__ import annotations

from typing import Any

import httpx

from ..base import DeliveryError, PermanentError, TransientError


class Conflict(DeliveryError):
    """A 409; `code` is the WMS's error code (IDEMPOTENCY_CONFLICT, ORDER_SHIPPED ...) when it sent one."""

    retryable = False

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message, detail={"code": code})
        self.code = code


def _code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or f"HTTP {response.status_code}"
    error = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(error, dict):
        text = error.get("message") or error.get("code") or str(error)
        return f"{text} (field {error['field']})" if error.get("field") else str(text)
    return str(error)


class WmsClient:
    def __init__(
        self, base_url: str, api_key: str, auth_header: str, auth_format: str, timeout: float = 30.0
    ):
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            headers={auth_header: auth_format.format(key=api_key), "User-Agent": "crossdock-wms-connector"},
        )

    async def request(self, method: str, path: str, json: Any = None, params: dict | None = None) -> Any:
        where = f"{method} {path}"
        try:
            response = await self.http.request(method, path, json=json, params=params)
        except httpx.TimeoutException:
            raise TransientError(f"{where}: the WMS did not answer in time") from None
        except httpx.TransportError as exc:
            raise TransientError(f"{where}: cannot reach the WMS ({type(exc).__name__})") from None
        status = response.status_code
        if status < 300:
            return response.json() if response.content else None
        message = f"{where}: HTTP {status}: {_message(response)}"
        if status == 409:
            code = _code(response)
            raise Conflict(f"{where}: HTTP 409 {code}: {_message(response)}" if code else message, code)
        if status == 429 or status >= 500:
            raise TransientError(message, detail={"retry_after": response.headers.get("retry-after")})
        if status in (401, 403):
            raise PermanentError(f"{message} (check the API key in the endpoint's configuration)")
        raise PermanentError(message)

    async def close(self) -> None:
        await self.http.aclose()
