"""The Odoo client crossdock uses: one connection, the best transport the server offers, batching.

- Transport: JSON-2 when the server has it (19.0+), else JSON-RPC, else XML-RPC (or forced).
- One pooled HTTP connection (keep-alive) for every call.
- Reads in pages with an explicit field list; writes and creates in chunks.
- A token-bucket rate limit, and retries with backoff for errors where retrying can help:
  any call the server provably never received (connecting included), and reads whatever the error.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from ...config import RetryPolicy
from ...core.retry import backoff_seconds
from .errors import OdooAuthError, OdooTransientError
from .transports import TRANSPORTS, Json2, JsonRpc, XmlRpc
from .versions import OdooVersion, parse_version

READ_METHODS = frozenset(
    {
        "search",
        "search_read",
        "read",
        "search_count",
        "fields_get",
        "name_search",
        "context_get",
        "default_get",
        "read_group",
    }
)
# 0.1 s, doubling, at most 5 s, +-20 %: short, since an Odoo call is retried within one delivery.
BACKOFF = RetryPolicy(base_delay=0.1, multiplier=2.0, max_delay=5.0, jitter=0.2)


class RateLimit:
    """At most `per_second` calls per second on average, bursts up to `burst`."""

    def __init__(self, per_second: float | None, burst: int = 10):
        self.rate = per_second
        self.burst = burst
        self.tokens = float(burst)
        self.updated = time.monotonic()
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.rate:
            return
        async with self.lock:
            while True:
                now = time.monotonic()
                self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await asyncio.sleep((1 - self.tokens) / self.rate)


class OdooClient:
    def __init__(
        self,
        url: str,
        db: str,
        login: str,
        secret: str,
        *,
        transport: str = "auto",
        timeout: float = 60.0,
        rate_limit: float | None = None,
        retries: int = 3,
        page_size: int = 500,
        write_chunk: int = 100,
    ):
        self.url = url.rstrip("/")
        self.db, self.login, self.secret = db, login, secret
        self.preferred = transport
        self.http = httpx.AsyncClient(
            base_url=self.url, timeout=timeout, headers={"User-Agent": "crossdock-odoo-connector"}
        )
        self.limit = RateLimit(rate_limit)
        self.retries = retries
        self.page_size = page_size
        self.write_chunk = write_chunk
        self.transport: XmlRpc | JsonRpc | Json2 | None = None
        self.version: OdooVersion | None = None
        self.calls = 0  # every request sent to Odoo, for benchmarks and status

    async def connect(self) -> OdooClient:
        """Find the version, pick the transport, check the credentials (OdooAuthError if wrong)."""
        self.version = await self._retrying(self._detect_version, idempotent=True)
        name = self.preferred
        if name == "auto":
            name = "json-2" if self.version.major >= 19 else "json-rpc"
        if name not in TRANSPORTS:
            raise ValueError(f"unknown Odoo transport {name!r}; use auto, {', '.join(TRANSPORTS)}")
        try:
            await self._authenticate(TRANSPORTS[name](self.http, self.db, self.login, self.secret))
        except OdooAuthError:
            if self.preferred != "auto" or name != "json-2":
                raise
            # JSON-2 takes API keys only; a password still works over JSON-RPC on 19.0.
            await self._authenticate(JsonRpc(self.http, self.db, self.login, self.secret))
        return self

    async def _authenticate(self, transport: XmlRpc | JsonRpc | Json2) -> None:
        self.transport = transport

        async def send() -> None:
            self.calls += 1
            await transport.authenticate()

        await self._retrying(send, idempotent=True)

    async def _detect_version(self) -> OdooVersion:
        self.calls += 1
        try:
            response = await self.http.get("/web/version")
            if response.status_code == 200:
                return parse_version(response.json())
        except (httpx.TransportError, ValueError):
            pass  # not 19.0+: ask the common service
        probe = (JsonRpc if self.preferred in ("auto", "json-rpc") else XmlRpc)(self.http, self.db, "", "")
        self.calls += 1
        return parse_version(await probe.version())

    @property
    def uid(self) -> int | None:
        return self.transport.uid if self.transport else None

    async def call(
        self,
        model: str,
        method: str,
        ids: Sequence[int] | None = None,
        params: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
    ) -> Any:
        """One Odoo method. `params` in the method's own order (see transports.py)."""
        if self.transport is None:
            await self.connect()

        async def send() -> Any:
            await self.limit.wait()
            self.calls += 1
            return await self.transport.execute(
                model, method, None if ids is None else list(ids), params or {}, context or {}
            )

        return await self._retrying(send, idempotent=method in READ_METHODS)

    async def _retrying(self, send: Callable[[], Awaitable[Any]], idempotent: bool) -> Any:
        """`send()`, retried with backoff up to `retries` times while retrying can help: a request
        that may have reached Odoo is repeated only when it is idempotent."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await send()
            except OdooTransientError as exc:
                if attempt > self.retries or (exc.sent and not idempotent):
                    raise
                await asyncio.sleep(backoff_seconds(BACKOFF, attempt))

    # ---- the ORM surface, batched -------------------------------------------------------
    async def search(
        self,
        model: str,
        domain: list,
        *,
        order: str = "id asc",
        limit: int | None = None,
        context: dict | None = None,
    ) -> list[int]:
        return await self.call(
            model,
            "search",
            params={"domain": domain, "offset": 0, "limit": limit, "order": order},
            context=context,
        )

    async def search_count(self, model: str, domain: list, context: dict | None = None) -> int:
        return await self.call(model, "search_count", params={"domain": domain}, context=context)

    async def search_read(
        self,
        model: str,
        domain: list,
        fields: Sequence[str],
        *,
        order: str = "id asc",
        limit: int | None = None,
        context: dict | None = None,
    ) -> list[dict]:
        """All matching records, one page of `page_size` per call; `fields` is required (never read all)."""
        records: list[dict] = []
        offset = 0
        while True:
            size = self.page_size if limit is None else min(self.page_size, limit - len(records))
            page = await self.call(
                model,
                "search_read",
                params={
                    "domain": domain,
                    "fields": list(fields),
                    "offset": offset,
                    "limit": size,
                    "order": order,
                },
                context=context,
            )
            records.extend(page)
            offset += len(page)
            if len(page) < size or (limit is not None and len(records) >= limit):
                return records

    async def read(
        self, model: str, ids: Sequence[int], fields: Sequence[str], context: dict | None = None
    ) -> list[dict]:
        records: list[dict] = []
        ids = list(dict.fromkeys(ids))
        for start in range(0, len(ids), self.page_size):
            records.extend(
                await self.call(
                    model,
                    "read",
                    ids[start : start + self.page_size],
                    params={"fields": list(fields)},
                    context=context,
                )
            )
        return records

    async def create(self, model: str, values: Sequence[dict], context: dict | None = None) -> list[int]:
        ids: list[int] = []
        for start in range(0, len(values), self.write_chunk):
            created = await self.call(
                model,
                "create",
                params={"vals_list": list(values[start : start + self.write_chunk])},
                context=context,
            )
            ids.extend(created if isinstance(created, list) else [created])
        return ids

    async def write(self, model: str, ids: Sequence[int], values: dict, context: dict | None = None) -> bool:
        return await self.call(model, "write", list(ids), params={"vals": values}, context=context)

    async def close(self) -> None:
        await self.http.aclose()


class OdooConnectionOptions(BaseModel):
    """Where and as whom: the options every Odoo source and endpoint share."""

    model_config = ConfigDict(extra="forbid")

    url: str
    db: str
    login: str
    secret: str
    transport: str = "auto"
    rate_limit: float | None = None

    def client(self, **tuning: Any) -> OdooClient:
        return OdooClient(
            self.url,
            self.db,
            self.login,
            self.secret,
            transport=self.transport,
            rate_limit=self.rate_limit,
            **tuning,
        )
