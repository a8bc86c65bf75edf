"""Messages per second through the whole runtime, beside the floor of one durable INSERT+COMMIT each.

The runtime path per message: inbox insert with its idempotency key, ledger rows for every
transition (received, validated, queued, transformed, queued, delivering, delivered,
acknowledged), the flow, the outbox insert, a no-op sink, the acknowledgment. The floor is the
bare cost of making one message durable on the same database with the same settings.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, text

from crossdock.config import parse_config
from crossdock.connectors.base import Incoming
from crossdock.core.runtime import Runtime
from crossdock.core.store import create_store_engine

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class MemorySource:
    """Hands over a prepared list in batches, as a fast source would."""

    name = "bench"

    def __init__(self, items: list[Incoming]):
        self.items = items
        self.position = 0

    async def poll(self, limit: int) -> Sequence[Incoming]:
        batch = self.items[self.position : self.position + limit]
        self.position += len(batch)
        return batch

    async def commit(self, items: Sequence[Incoming]) -> None:
        return None

    @property
    def exhausted(self) -> bool:
        return self.position >= len(self.items)

    async def close(self) -> None:
        return None


def envelope(n: int) -> dict:
    return {
        "id": f"bench-{n}",
        "source": "odoo://bench",
        "type": "order.released",
        "time": "2026-11-27T08:00:00+00:00",
        "data": {
            "order_id": f"SO{n:07d}",
            "customer": {"code": f"C{n % 97:03d}", "name": "Customer"},
            "ship_to": {"name": "Store", "city": "Columbus", "country": "US"},
            "lines": [
                {
                    "line_no": str(i),
                    "sku": f"SKU-{(n + i) % 5000:05d}",
                    "quantity": {"value": "3", "uom": "EA"},
                }
                for i in range(1, 4)
            ],
        },
    }


def runtime_rate(store_url: str, count: int) -> float:
    config = parse_config(f"""
store: {{url: "{store_url}"}}
runtime: {{batch_size: 500, poll_interval: 0.01}}
systems: {{odoo: {{role: erp}}}}
endpoints: {{wms: {{kind: noop}}}}
routes: [{{type: order.released, flow: passthrough, endpoint: wms}}]
""")
    items = [Incoming(body=envelope(n), system="odoo", origin="bench") for n in range(count)]
    runtime = Runtime(config, sources=[MemorySource(items)])

    async def main() -> float:
        started = time.perf_counter()
        await runtime.run(until_idle=True)
        elapsed = time.perf_counter() - started
        await runtime.close()
        return elapsed

    elapsed = asyncio.run(main())
    return count / elapsed


def floor_rate(store_url: str, count: int) -> float:
    """One INSERT + COMMIT per message, same engine settings (SQLite: WAL, synchronous=FULL)."""
    engine = create_store_engine(store_url)
    metadata = MetaData()
    table = Table("bench_floor", metadata, Column("id", Integer, primary_key=True), Column("payload", Text))
    metadata.create_all(engine)
    payloads = [json.dumps(envelope(n)) for n in range(count)]
    started = time.perf_counter()
    for payload in payloads:
        with engine.begin() as conn:
            conn.execute(table.insert().values(payload=payload))
    elapsed = time.perf_counter() - started
    engine.dispose()
    return count / elapsed


def _pg_schema_url() -> tuple[str, callable]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{PG_SERVER}?options=-csearch_path%3D{schema}", drop


def run(count: int = 10_000, floor_count: int = 2_000) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite:///{Path(folder) / 'bench.db'}"
        floor_url = f"sqlite:///{Path(folder) / 'floor.db'}"
        rows.append(("SQLite", runtime_rate(sqlite_url, count), floor_rate(floor_url, floor_count)))
    try:
        pg_url, drop = _pg_schema_url()
    except Exception as exc:  # no server: say so in the table rather than fail the whole bench
        rows.append(("PostgreSQL", None, None, str(exc).splitlines()[0]))
    else:
        try:
            rows.append(("PostgreSQL", runtime_rate(pg_url, count), floor_rate(pg_url, floor_count)))
        finally:
            drop()
    out = []
    for name, rate, floor, *note in rows:
        out.append(
            {
                "benchmark": f"runtime end to end ({count:,} messages)",
                "subject": name,
                "messages_per_s": rate,
                "baseline": "1 INSERT+COMMIT per message",
                "baseline_per_s": floor,
                "ratio": (rate / floor) if rate and floor else None,
                "note": note[0] if note else "",
            }
        )
    return out
